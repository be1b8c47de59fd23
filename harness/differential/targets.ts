// The two targets of a differential run, launched from the command line's options: the first as a
// certification would start it (--url, --command, --image, or the embedded reference and its
// --reference-variant on its --reference-base), the second from --against-url, --against-command
// or --against-image.
import type { TlsOptions } from '../client/connection.ts';
import type { ClockDescriptor } from '../clock/clock.ts';
import type { AgainstTarget, CliOptions } from '../cli/options.ts';
import type { OmikronIdentity } from '../identity/identities.ts';
import { launchCommand } from '../launchers/command.ts';
import { launchEmbedded } from '../launchers/embedded.ts';
import type { LaunchedTarget } from '../launchers/launcher.ts';
import { urlTarget } from '../launchers/url.ts';
import type { Dialect } from '../protocol/dialect.ts';

type Where =
  | { readonly kind: 'url'; readonly url: string }
  | { readonly kind: 'command'; readonly command: string }
  | { readonly kind: 'image'; readonly image: string }
  | { readonly kind: 'embedded'; readonly variant?: string; readonly base?: string };

const NO_CLOCK = (why: string): ClockDescriptor => ({ kind: 'none', reason: why });

function launch(
  where: Where,
  opts: CliOptions,
  identities: readonly OmikronIdentity[],
  dialect: Dialect | undefined,
  primary: boolean,
): Promise<LaunchedTarget> {
  const given = dialect === undefined ? {} : { dialect };
  const tls: TlsOptions | undefined =
    opts.ca || opts.insecure
      ? { ...(opts.ca ? { caFile: opts.ca } : {}), insecure: opts.insecure }
      : undefined;
  const faketime = opts.clock === 'faketime';
  switch (where.kind) {
    case 'url':
      // --clock control:URL is refused for differential runs (clockRefusal).
      return Promise.resolve(
        urlTarget(where.url, tls, NO_CLOCK('the suite cannot move this server’s clock')),
      );
    case 'command':
      return launchCommand({
        command: where.command,
        identities,
        path: opts.path,
        startTimeoutMs: opts.startTimeoutMs,
        ...given,
        // --tls names the first target (--command); --against-command serves plain ws://.
        tls: primary && opts.tls,
        clock: faketime ? 'faketime' : 'none',
      });
    case 'image':
      return import('../launchers/image.ts').then(({ launchImage }) =>
        launchImage({
          image: where.image,
          identities,
          path: opts.path,
          startTimeoutMs: opts.startTimeoutMs,
          env: opts.imageEnv,
          ...(opts.waitLog !== undefined ? { waitLog: opts.waitLog } : {}),
          ...(opts.containerPort !== undefined ? { containerPort: opts.containerPort } : {}),
          ...given,
          faketime,
        }),
      );
    case 'embedded':
      return launchEmbedded(dialect ?? 'seed', identities, { variant: where.variant, base: where.base });
  }
}

/**
 * Why the --clock given cannot apply to a differential run, or null. The sequences move both
 * targets' clocks or neither (a clock moved on one side only would make its model judge the hour
 * the other never saw), and the --against-* target has no clock hook of its own: control:URL moves
 * one server only, faketime needs both targets started by the suite.
 */
export function clockRefusal(opts: CliOptions, against: AgainstTarget): string | null {
  if (typeof opts.clock === 'object')
    return `--clock control:${opts.clock.controlUrl} moves the first target's clock only, and a differential run moves both targets' clocks or neither (the --against-${against.kind} target has no clock hook): use --clock faketime with --command/--image and --against-command/--against-image, or leave --clock out (no clock moves)`;
  if (opts.clock === 'faketime' && against.kind === 'url')
    return `--clock faketime: the --against-url target is a server the suite did not start, whose clock it cannot move, and a differential run moves both targets' clocks or neither: use --against-command or --against-image, or leave --clock out (no clock moves)`;
  return null;
}

/** --clock none: neither target's clock is moved (the embedded reference's hook left unused). */
export function withoutClock(t: LaunchedTarget): LaunchedTarget {
  return { ...t, clock: NO_CLOCK('--clock none was given') };
}

export function primaryWhere(opts: CliOptions): Where {
  if (opts.url !== undefined) return { kind: 'url', url: opts.url };
  if (opts.serverCommand !== undefined) return { kind: 'command', command: opts.serverCommand };
  if (opts.image !== undefined) return { kind: 'image', image: opts.image };
  return {
    kind: 'embedded',
    ...(opts.referenceVariant ? { variant: opts.referenceVariant } : {}),
    ...(opts.referenceBase ? { base: opts.referenceBase } : {}),
  };
}

export function againstWhere(a: AgainstTarget): Where {
  return a.kind === 'url'
    ? { kind: 'url', url: a.url }
    : a.kind === 'command'
      ? { kind: 'command', command: a.command }
      : { kind: 'image', image: a.image };
}

/** Both targets started (the second only once the first is up); stop() stops whichever started. */
export async function launchBoth(
  opts: CliOptions,
  against: AgainstTarget,
  identities: readonly OmikronIdentity[],
  dialect: Dialect | undefined,
): Promise<{ targets: [LaunchedTarget, LaunchedTarget]; stop(): Promise<void> }> {
  const first = await launch(primaryWhere(opts), opts, identities, dialect, true);
  let second: LaunchedTarget;
  try {
    second = await launch(againstWhere(against), opts, identities, dialect, false);
  } catch (e) {
    await first.stop();
    throw e;
  }
  // Once: the deadline may stop the targets under a running sequence, and the run's end again.
  let stopping: Promise<void> | null = null;
  return {
    targets: [first, second],
    stop: () => {
      stopping ??= Promise.allSettled([first.stop(), second.stop()]).then(() => {});
      return stopping;
    },
  };
}
