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
    case 'url': {
      const control = primary && typeof opts.clock === 'object';
      return Promise.resolve(
        urlTarget(
          where.url,
          tls,
          control
            ? {
                kind: 'control',
                url: (opts.clock as { controlUrl: string }).controlUrl,
                insecure: opts.insecure,
              }
            : NO_CLOCK('the suite cannot move this server’s clock'),
        ),
      );
    }
    case 'command':
      return launchCommand({
        command: where.command,
        identities,
        path: opts.path,
        startTimeoutMs: opts.startTimeoutMs,
        ...given,
        tls: false,
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
  return {
    targets: [first, second],
    stop: async () => {
      await Promise.allSettled([first.stop(), second.stop()]);
    },
  };
}
