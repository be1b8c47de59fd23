// The differential run from the command line (--against-url, --against-command, --against-image):
// start both targets, check both let us in and speak one dialect, run the sequences, write
// DIR/differential.json and DIR/differential.html, print the summary. Exit 1 on a judged difference.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { escapeHtml } from '../../reports/html.ts';
import { replayPrefix } from '../cli/certify-command.ts';
import type { CliOptions } from '../cli/options.ts';
import { UsageError } from '../run/selection.ts';
import { deadlineIn, describeStop } from '../run/watch.ts';
import type { OmikronIdentity } from '../identity/identities.ts';
import { LaunchError } from '../launchers/launcher.ts';
import type { LaunchedTarget } from '../launchers/launcher.ts';
import type { Dialect } from '../protocol/dialect.ts';
import type { EventSink } from '../run/events.ts';
import { authenticateOnce, probeDialect } from '../run/preflight.ts';
import { renderDifferentialHtml, renderDifferentialText } from './render.ts';
import { DEFAULT_MAX_COMMANDS, runDifferential } from './run.ts';
import { clockRefusal, launchBoth, primaryWhere, withoutClock } from './targets.ts';

export const DIFFERENTIAL_FILES = { json: 'differential.json', html: 'differential.html' } as const;

const sessionTarget = (t: LaunchedTarget, timeoutMs: number) => ({
  url: t.url,
  connection: { timeoutMs, ...(t.tls ? { tls: t.tls } : {}) },
});

async function dialectOf(
  targets: readonly [LaunchedTarget, LaunchedTarget],
  opts: CliOptions,
  identities: readonly OmikronIdentity[],
  given: Dialect | undefined,
): Promise<Dialect> {
  if (given !== undefined) return given;
  const probed = await Promise.all(
    targets.map((t, i) =>
      probeDialect(sessionTarget(t, opts.timeoutMs), identities[0]!, `dprobe${i}${Date.now() % 1e6}`),
    ),
  );
  if (probed[0]!.dialect !== probed[1]!.dialect)
    throw new LaunchError(
      `the two targets speak different dialects (${targets[0].label}: ${probed[0]!.dialect}, ${targets[1].label}: ${probed[1]!.dialect}); pass --dialect to compare them in one`,
    );
  return probed[0]!.dialect;
}

export async function differentialCommand(
  opts: CliOptions,
  identities: readonly OmikronIdentity[],
  sink: EventSink,
): Promise<number> {
  const against = opts.against!;
  const deadline = deadlineIn(opts.deadlineMs);
  const refused = clockRefusal(opts, against);
  if (refused !== null) throw new UsageError(refused);
  const given: Dialect | undefined =
    opts.dialect !== 'auto' ? opts.dialect : primaryWhere(opts).kind === 'embedded' ? 'seed' : undefined;
  const launched = await launchBoth(opts, against, identities, given);
  const both =
    opts.clock === 'none'
      ? { ...launched, targets: launched.targets.map(withoutClock) as [LaunchedTarget, LaunchedTarget] }
      : launched;
  // --deadline-ms bounds the whole run: then no sequence starts, the targets are stopped (a sequence
  // in flight ends at once, dropped), the reports hold the sequences run so far, exit 2.
  const stop = new AbortController();
  const stopReason = () => describeStop({ kind: 'deadline', deadlineMs: deadline.totalMs });
  const timer = setTimeout(
    () => {
      stop.abort();
      void both.stop();
    },
    Math.max(0, deadline.at - Date.now()),
  );
  try {
    for (const t of both.targets)
      await authenticateOnce({ ...sessionTarget(t, opts.timeoutMs), dialect: 'seed' }, identities[0]!);
    const dialect = await dialectOf(both.targets, opts, identities, given);
    sink.emit({
      event: 'start',
      target: `${both.targets[0].label} vs ${both.targets[1].label}`,
      dialect,
      dialectHow: given === undefined ? 'probed on both targets' : 'given',
      seed: opts.seed,
    });
    let done = 0;
    const report = await runDifferential({
      targets: both.targets,
      dialect,
      identities,
      timeoutMs: opts.timeoutMs,
      seed: opts.seed,
      sequences: opts.runs,
      maxCommands: DEFAULT_MAX_COMMANDS,
      ...(opts.replay !== undefined ? { replay: opts.replay } : {}),
      replayPrefix: replayPrefix(opts.argv, dialect),
      signal: stop.signal,
      stopReason,
      onShrink: (replay, kind) => {
        if (!opts.quiet && !opts.jsonLines)
          process.stderr.write(`  shrinking sequence ${replay} (its ${kind} difference)…\n`);
      },
      onSequence: (index, r) => {
        done++;
        if (!opts.quiet && !opts.jsonLines && (r !== null || done % 50 === 0))
          process.stderr.write(
            `  sequence ${index}: ${r === null ? 'same' : r.divergences.map((d) => `${d.kind} difference at step ${d.step}`).join(', ')} (${done} done)\n`,
          );
      },
    });
    await mkdir(opts.reportDir, { recursive: true });
    const files = {
      json: join(opts.reportDir, DIFFERENTIAL_FILES.json),
      html: join(opts.reportDir, DIFFERENTIAL_FILES.html),
    };
    await writeFile(files.json, `${JSON.stringify(report, null, 2)}\n`, 'utf8');
    await writeFile(files.html, renderDifferentialHtml(report, escapeHtml), 'utf8');
    sink.emit({
      event: 'end',
      dialect,
      outcome: report.stopped !== undefined ? 'error' : report.counts.judged > 0 ? 'failed' : 'passed',
      exitCode: report.exitCode,
      reports: [files.json, files.html],
    });
    if (!opts.jsonLines)
      process.stderr.write(`${renderDifferentialText(report)}\nreports: ${files.html}, ${files.json}\n`);
    return report.exitCode;
  } finally {
    clearTimeout(timer);
    await both.stop();
  }
}
