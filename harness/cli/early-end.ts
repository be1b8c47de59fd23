// A run that cannot start or is stopped still writes its reports (outcome error, exit code 2):
// what the run reached is tracked here, the error classified, and a signal turned into a stop.
import { parseArgs } from 'node:util';
import { errorReport } from '../../reports/error-report.ts';
import { renderConsole } from '../../reports/console.ts';
import { type WrittenReports, writeReports, writeReportsSync } from '../../reports/write.ts';
import { classify } from '../failure/classify.ts';
import { REACHED, type Reached, RunStoppedError } from '../failure/reason.ts';
import type { LaunchedTarget, TargetKind } from '../launchers/launcher.ts';
import type { Dialect } from '../protocol/dialect.ts';
import type { EventSink, RunEvent } from '../run/events.ts';
import type { RunReport } from '../run/report-model.ts';
import { DEFAULTS } from './options.ts';

export interface TargetPlan {
  readonly kind: TargetKind;
  readonly label: string;
  readonly url: string;
  readonly dialect: Dialect | 'auto';
  readonly reportDir: string;
}

interface RunSettings {
  readonly seed: number;
  readonly runs: number;
  readonly repeat: number;
  readonly level: RunReport['level'];
}

/** How far one planned run got: its stage, the target once started, the scenarios that ended. */
export class RunTracker {
  reached: Reached = 'nothing';
  launched: LaunchedTarget | undefined;
  dialect: { name: Dialect; how: string } | undefined;
  readonly scenarios: RunReport['scenarios'] = [];
  readonly startedAt = new Date();
  private readonly t0 = performance.now();

  constructor(readonly plan: TargetPlan) {}

  reach(stage: Reached): void {
    if (REACHED.indexOf(stage) > REACHED.indexOf(this.reached)) this.reached = stage;
  }

  /** The sink the run emits to, recording the scenarios that end. */
  watch(sink: EventSink): EventSink {
    return {
      emit: (e: RunEvent) => {
        if (e.event === 'scenario')
          this.scenarios.push({ name: e.name, file: '', state: e.state, durationMs: e.durationMs });
        sink.emit(e);
      },
    };
  }

  /** The report of this run ending with `error`. Errors of the authentication say whether the WebSocket had opened. */
  report(error: unknown, settings: RunSettings, stage: 'start' | 'dialect' = 'start'): RunReport {
    const url = this.launched?.url ?? this.plan.url;
    const classified = classify(error, url, stage);
    if (classified.opened && this.reached === 'target-ready') this.reach('websocket-open');
    const logs = this.launched?.logs() ?? '';
    const given = this.plan.dialect;
    return errorReport({
      classified,
      reached: this.reached,
      startedAt: this.startedAt,
      durationMs: performance.now() - this.t0,
      target: {
        label: this.launched?.label ?? this.plan.label,
        url,
        kind: this.plan.kind,
        clock: this.launched ? this.launched.clock.kind : 'not reached',
        ...(logs ? { logs } : {}),
      },
      dialect:
        this.dialect ??
        (given === 'auto'
          ? { name: 'unknown', how: 'the run ended before the dialect was probed' }
          : { name: given, how: 'given with --dialect' }),
      ...settings,
      scenarios: this.scenarios,
    });
  }
}

/** Writes the reports, emits the end event and prints the console summary; returns where they went. */
export async function publish(
  report: RunReport,
  dir: string,
  sink: EventSink,
  console: { jsonLines: boolean },
): Promise<WrittenReports> {
  return announce(report, dir, await writeReports(report, dir), sink, console);
}

/** The same, synchronously (a signal handler: the process exits right after). */
export function publishSync(
  report: RunReport,
  dir: string,
  sink: EventSink,
  console: { jsonLines: boolean },
): WrittenReports {
  return announce(report, dir, writeReportsSync(report, dir), sink, console);
}

function announce(
  report: RunReport,
  dir: string,
  written: WrittenReports,
  sink: EventSink,
  console: { jsonLines: boolean },
): WrittenReports {
  sink.emit({
    event: 'end',
    dialect: report.dialect.name,
    outcome: report.outcome,
    exitCode: report.exitCode,
    reports: Object.values(written),
  });
  if (console.jsonLines) return written;
  // An early end was already said in one line (the error event): only where the reports are. A run
  // stopped by its bound judged what it reached: the summary, as for any run.
  if (report.error && report.requirements.length === 0)
    process.stderr.write(`reports: ${written.html}, ${written.junit}, ${written.json}\n`);
  else
    process.stderr.write(
      `${renderConsole(report, { color: process.stderr.isTTY === true, reportDir: dir })}\n`,
    );
  return written;
}

/**
 * Until disposed: on SIGINT or SIGTERM (Ctrl-C, a CI job cancelled), `onStop` gets a RunStoppedError.
 * It runs before any other listener (vitest's exits the process a millisecond later), so it must
 * finish synchronously.
 */
export function onStopSignal(onStop: (e: RunStoppedError) => void): () => void {
  const handler = (signal: NodeJS.Signals) =>
    onStop(
      new RunStoppedError({ kind: 'stopped', by: 'signal', signal }, `the run was stopped by ${signal}`),
    );
  process.prependListener('SIGINT', handler);
  process.prependListener('SIGTERM', handler);
  return () => {
    process.off('SIGINT', handler);
    process.off('SIGTERM', handler);
  };
}

/** Subcommands and options that ask for no certification: no report for them. */
const NOT_A_RUN = new Set(['identities', 'asyncapi', 'compare', '--help', '-h', '--version', '-v', '--list']);

/**
 * Before the options are understood (a bad option) or before any target was planned: reports in the
 * --report-dir the command line names, or the default, unless the command was no certification.
 */
export async function reportStartFailure(
  argv: readonly string[],
  error: unknown,
  sink: EventSink,
  jsonLines: boolean,
): Promise<void> {
  if (argv.some((a) => NOT_A_RUN.has(a))) return;
  const string = { type: 'string' } as const;
  const loose = parseArgs({
    args: [...argv],
    strict: false,
    allowPositionals: true,
    options: { 'report-dir': string, url: string, command: string, image: string, dialect: string },
  }).values;
  const dir = typeof loose['report-dir'] === 'string' ? loose['report-dir'] : DEFAULTS.reportDir;
  const target =
    typeof loose.url === 'string'
      ? { kind: 'url' as const, label: loose.url, url: loose.url }
      : typeof loose.command === 'string'
        ? { kind: 'command' as const, label: `command: ${loose.command}`, url: '' }
        : typeof loose.image === 'string'
          ? { kind: 'image' as const, label: `image: ${loose.image}`, url: '' }
          : { kind: 'embedded' as const, label: 'embedded reference Omega', url: '' };
  const dialect = loose.dialect === 'seed' || loose.dialect === 'tensamin' ? loose.dialect : 'auto';
  const tracker = new RunTracker({ ...target, dialect, reportDir: dir });
  const report = tracker.report(error, { seed: 0, runs: 0, repeat: 1, level: 'must' });
  try {
    await publish(report, dir, sink, { jsonLines });
  } catch (e) {
    sink.emit({ event: 'error', message: `could not write the reports to ${dir}: ${(e as Error).message}` });
  }
}
