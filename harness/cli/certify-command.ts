// The certify command: launch each planned target, certify it, write its reports.
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { errorEventMessage } from '../../reports/error-report.ts';
import { AreaProgress } from '../../reports/progress.ts';
import type { TlsOptions } from '../client/connection.ts';
import type { ClockDescriptor } from '../clock/clock.ts';
import type { OmikronIdentity } from '../identity/identities.ts';
import { launchCommand } from '../launchers/command.ts';
import { launchEmbedded } from '../launchers/embedded.ts';
import type { LaunchedTarget } from '../launchers/launcher.ts';
import { urlTarget } from '../launchers/url.ts';
import type { Dialect } from '../protocol/dialect.ts';
import { beginSuites, certify } from '../run/certify.ts';
import type { EventSink } from '../run/events.ts';
import {
  type ExpectedFailure,
  loadExpectedFailures,
  writeExpectedFailures,
} from '../run/expected-failures.ts';
import { EXIT } from '../run/outcome.ts';
import { authenticateOnce, probeDialect } from '../run/preflight.ts';
import type { RunReport } from '../run/report-model.ts';
import { selectRequirements } from '../run/selection.ts';
import { exitNow, guardExit } from '../run/exit.ts';
import { preloadVitest } from '../run/run-suites.ts';
import { deadlineIn, type RunDeadline } from '../run/watch.ts';
import { checkBaseline, loadBaseline } from '../baseline/load.ts';
import { onStopSignal, publish, publishSync, RunTracker, type TargetPlan } from './early-end.ts';
import type { CliOptions } from './options.ts';
import { withTranscriptTrace } from '../trace/from-transcript.ts';
import { type PlanOutput, runSchedule } from './plan-schedule.ts';

interface Plan extends TargetPlan {
  launch(): Promise<LaunchedTarget>;
}

function clockFor(opts: CliOptions, kind: 'url' | 'command'): ClockDescriptor | 'faketime' {
  if (opts.clock === 'faketime') return 'faketime';
  if (typeof opts.clock === 'object')
    return { kind: 'control', url: opts.clock.controlUrl, insecure: opts.insecure };
  const how = kind === 'url' ? '--clock control:URL' : '--clock faketime or --clock control:URL';
  return { kind: 'none', reason: `the suite cannot move this server's clock (pass ${how})` };
}

function plans(opts: CliOptions, identities: readonly OmikronIdentity[]): Plan[] {
  const tls: TlsOptions | undefined =
    opts.ca || opts.insecure
      ? { ...(opts.ca ? { caFile: opts.ca } : {}), insecure: opts.insecure }
      : undefined;
  if (opts.url !== undefined) {
    const url = opts.url;
    const clock = clockFor(opts, 'url') as ClockDescriptor;
    return [
      {
        kind: 'url',
        label: url,
        url,
        dialect: opts.dialect,
        reportDir: opts.reportDir,
        launch: async () => urlTarget(url, tls, clock),
      },
    ];
  }
  if (opts.serverCommand !== undefined) {
    const command = opts.serverCommand;
    const clock = clockFor(opts, 'command');
    return [
      {
        kind: 'command',
        label: `command: ${command}`,
        url: '',
        dialect: opts.dialect,
        reportDir: opts.reportDir,
        launch: () =>
          launchCommand({
            command,
            identities,
            path: opts.path,
            startTimeoutMs: opts.startTimeoutMs,
            ...(opts.dialect !== 'auto' ? { dialect: opts.dialect } : {}),
            tls: opts.tls,
            clock:
              clock === 'faketime'
                ? 'faketime'
                : clock.kind === 'control'
                  ? { controlUrl: clock.url }
                  : 'none',
          }),
      },
    ];
  }
  if (opts.image !== undefined) {
    const image = opts.image;
    return [
      {
        kind: 'image',
        label: `image: ${image}`,
        url: '',
        dialect: opts.dialect,
        reportDir: opts.reportDir,
        launch: async () => {
          const { launchImage } = await import('../launchers/image.ts');
          return launchImage({
            image,
            identities,
            path: opts.path,
            startTimeoutMs: opts.startTimeoutMs,
            env: opts.imageEnv,
            ...(opts.waitLog !== undefined ? { waitLog: opts.waitLog } : {}),
            ...(opts.containerPort !== undefined ? { containerPort: opts.containerPort } : {}),
            ...(opts.dialect !== 'auto' ? { dialect: opts.dialect } : {}),
            faketime: opts.clock === 'faketime',
          });
        },
      },
    ];
  }
  // No target: the embedded reference, in both dialects unless one was named.
  const dialects: Dialect[] = opts.dialect === 'auto' ? ['seed', 'tensamin'] : [opts.dialect];
  return dialects.map((d) => ({
    kind: 'embedded',
    label: `embedded reference Omega (${d})`,
    url: '',
    dialect: d,
    reportDir: dialects.length > 1 ? join(opts.reportDir, d) : opts.reportDir,
    launch: async () => {
      const t = await launchEmbedded(d, identities, {
        variant: opts.referenceVariant,
        base: opts.referenceBase,
      });
      return opts.clock === 'none' ? { ...t, clock: { kind: 'none', reason: '--clock none was given' } } : t;
    },
  }));
}

async function runPlan(
  plan: Plan,
  opts: CliOptions,
  identities: readonly OmikronIdentity[],
  expected: readonly ExpectedFailure[] | undefined,
  sink: EventSink,
  tracker: RunTracker,
  deadline: RunDeadline,
  output: PlanOutput,
): Promise<RunReport> {
  // People get one line per area (live on a terminal); --json-lines and --quiet keep their output.
  const progress =
    opts.jsonLines || opts.quiet
      ? undefined
      : new AreaProgress({
          out: output.progress,
          live: process.stderr.isTTY === true && output.front,
          color: process.stderr.isTTY === true,
        });
  const suiteSettings = {
    ...(opts.suites.length > 0 ? { files: opts.suites } : {}),
    deadline,
    // Whatever the stopped run left open must not hold the process: a last bound, then out (armed
    // once the plans before this one are published, so that it cuts none of them short).
    onStopped: () => {
      guardExit(); // a worker stuck in native code would hold process.exit for ever
      void output.atFront.then(() => setTimeout(() => exitNow(EXIT.stopped), STOPPED_EXIT_BOUND_MS).unref());
    },
    ...(progress ? { reporters: [progress] } : {}),
  };
  // vitest starts now: its worker boots and loads the suites while the target launches.
  const begun = beginSuites({ ...suiteSettings, targetWaitMs: opts.startTimeoutMs + TARGET_WAIT_MARGIN_MS });
  let launched: LaunchedTarget;
  try {
    launched = await plan.launch();
  } catch (e) {
    begun.cancel(`the target could not be launched: ${(e as Error).message}`);
    throw e;
  }
  tracker.launched = launched;
  tracker.reach('target-ready');
  try {
    const sessionTarget = {
      url: launched.url,
      connection: { timeoutMs: opts.timeoutMs, ...(launched.tls ? { tls: launched.tls } : {}) },
    };
    const runPrefix = `c${randomBytes(3).toString('hex').slice(0, 5)}`;
    await authenticateOnce({ ...sessionTarget, dialect: 'seed' }, identities[0]!);
    tracker.reach('authenticated');
    let dialect: Dialect;
    let how: string;
    if (plan.dialect !== 'auto') {
      dialect = plan.dialect;
      how =
        launched.kind === 'embedded' && !opts.dialectGiven
          ? 'the embedded reference runs both dialects'
          : 'given with --dialect';
    } else {
      ({ dialect, how } = await probeDialect(sessionTarget, identities[0]!, `${runPrefix}probe`).catch(
        (e: unknown) => {
          throw new DialectProbeError(e);
        },
      ));
    }
    tracker.dialect = { name: dialect, how };
    tracker.reach('scenarios');
    const report = await certify({
      launched,
      dialect,
      dialectHow: how,
      identities,
      timeoutMs: opts.timeoutMs,
      seed: opts.seed,
      runs: opts.runs,
      ...(opts.replay ? { replay: opts.replay } : {}),
      repeat: opts.repeat,
      level: opts.level,
      requireComplete: opts.requireComplete,
      selected: selectRequirements(opts.only, opts.skip),
      ...(expected ? { expectedFailures: expected } : {}),
      events: tracker.watch(output.wrap(progress ? withoutScenarioLines(sink) : sink)),
      runPrefix,
      replayCommand: replayPrefix(opts.argv, dialect),
      ...(opts.load ? { load: { connections: opts.loadConnections, requests: opts.loadRequests } } : {}),
      ...suiteSettings,
      begun,
      ...(opts.baseline !== undefined
        ? { baseline: { loaded: loadBaseline(opts.baseline, dialect), strict: opts.strictBaseline } }
        : {}),
    });
    return report;
  } finally {
    begun.cancel('the run ended before its scenarios began'); // no-op once they had the target
    await stopBounded(launched);
  }
}

/** Long enough for a SIGTERM grace; a target that takes longer is left to the exit hooks (harness/run/exit.ts). */
const STOP_BOUND_MS = 3000;

async function stopBounded(launched: LaunchedTarget): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    launched.stop().catch(() => {}),
    new Promise<void>((r) => {
      timer = setTimeout(r, STOP_BOUND_MS);
    }),
  ]);
  clearTimeout(timer);
}

/** A begun run's worker waits for its target this much longer than the launch may take (auth, dialect probe). */
const TARGET_WAIT_MARGIN_MS = 60_000;

/** After a run was stopped: reports, stopping the target and exiting take at most this long. */
const STOPPED_EXIT_BOUND_MS = 5000;

/** The console sink without its line per scenario: the area progress says it instead. */
function withoutScenarioLines(sink: EventSink): EventSink {
  return { emit: (e) => (e.event === 'scenario' ? undefined : sink.emit(e)) };
}

/** Options that do not name the target, left out of replay lines (the replay sets its own). */
const NOT_TARGET = new Set([
  '--suite',
  '--replay',
  '--seed',
  '--only',
  '--skip',
  '--runs',
  '--repeat',
  '--report-dir',
  '--expected-failures',
  '--write-expected-failures',
  '--baseline',
  '--level',
  '--load-connections',
  '--load-requests',
  '--deadline-ms',
]);
const NOT_TARGET_FLAGS = new Set([
  '--thorough',
  '--quiet',
  '--json-lines',
  '--require-complete',
  '--strict-baseline',
  '--load',
  '--list',
]);

/** The command line that reaches the same target in the same dialect, e.g. for a replay line. */
export function replayPrefix(argv: readonly string[], dialect: string): string {
  const kept: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const name = a.includes('=') ? a.slice(0, a.indexOf('=')) : a;
    if (NOT_TARGET.has(name)) {
      if (!a.includes('=')) i++;
      continue;
    }
    if (NOT_TARGET_FLAGS.has(name) || name === '--dialect') {
      if (name === '--dialect' && !a.includes('=')) i++;
      continue;
    }
    kept.push(/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, "'\\''")}'`);
  }
  return ['npx omega-conformance', ...kept, '--dialect', dialect].join(' ');
}

/** The dialect probe failed: said apart from the authentication (the run got further). */
class DialectProbeError extends Error {
  constructor(readonly error: unknown) {
    super(error instanceof Error ? error.message : String(error));
  }
}

/**
 * The embedded reference's dialects run at the same time: each has its own server, and the seed
 * makes each run the same whatever runs beside it. Not with --trace (its parts directory is one per
 * process) nor with --load (its latency figures would measure the other dialect too).
 */
function runsConcurrently(opts: CliOptions, plans: number): boolean {
  return plans > 1 && !opts.trace && !opts.load;
}

export async function certifyCommand(
  opts: CliOptions,
  identities: readonly OmikronIdentity[],
  sink: EventSink,
): Promise<number> {
  const expected = opts.expectedFailures ? loadExpectedFailures(opts.expectedFailures) : undefined;
  if (opts.baseline !== undefined) checkBaseline(opts.baseline);
  const settings = { seed: opts.seed, runs: opts.runs, repeat: opts.repeat, level: opts.level };
  let exitCode: number = EXIT.ok;
  const reports: RunReport[] = [];
  const deadline = deadlineIn(opts.deadlineMs);
  void preloadVitest().catch(() => {}); // loads while the target starts; runSuites awaits it
  const planned = plans(opts, identities);
  // Runs started and not yet published, in plan order: a signal ends them all with their reports.
  const unpublished: RunTracker[] = [];
  const disposeSignal = onStopSignal((e) => {
    try {
      for (const tracker of unpublished) {
        const report = tracker.report(e, settings);
        if (report.error) sink.emit({ event: 'error', message: errorEventMessage(report.error) });
        try {
          publishSync(report, tracker.plan.reportDir, sink, { jsonLines: opts.jsonLines });
        } catch {
          // this run's reports could not be written: the next run's still are
        } finally {
          void tracker.launched?.stop(); // a --command server's process group is signalled at once
        }
      }
    } finally {
      process.exit(EXIT.cannotStart);
    }
  });
  await runSchedule({
    plans: planned,
    concurrent: runsConcurrently(opts, planned.length),
    out: process.stderr,
    run: async (plan, output) => {
      const tracker = new RunTracker(plan);
      unpublished.push(tracker);
      let report: RunReport;
      try {
        report = await withTranscriptTrace(opts.trace, plan.reportDir, () =>
          runPlan(plan, opts, identities, expected, sink, tracker, deadline, output),
        );
      } catch (e) {
        report =
          e instanceof DialectProbeError
            ? tracker.report(e.error, settings, 'dialect')
            : tracker.report(e, settings);
        if (report.error)
          output.wrap(sink).emit({ event: 'error', message: errorEventMessage(report.error) });
      }
      return { tracker, report };
    },
    publish: async (plan, { tracker, report }) => {
      reports.push(report);
      await publish(report, plan.reportDir, sink, { jsonLines: opts.jsonLines });
      unpublished.splice(unpublished.indexOf(tracker), 1);
      exitCode = Math.max(exitCode, report.exitCode);
      if (!report.stopped) return 'next';
      sink.emit({ event: 'error', message: `the run was stopped: ${report.stopped.message}` });
      return 'stop'; // the deadline is the whole command's: no further target
    },
  });
  disposeSignal();
  if (opts.writeExpectedFailures) {
    const n = writeExpectedFailures(
      opts.writeExpectedFailures,
      reports.flatMap((r) => r.requirements),
    );
    process.stderr.write(`wrote ${n} expected failure(s) to ${opts.writeExpectedFailures}\n`);
  }
  return exitCode;
}
