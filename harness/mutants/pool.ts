// Run many (subject, dialect, base) jobs, `concurrency` at a time. Each job runs the CLI users run
// (cli-run.ts), in a lane (lane.ts): by default one `omega-conformance batch` process per lane certifies
// job after job, each on its own fresh target with its own vitest run; with `batch: false` each run is a
// process of its own. Every run reads its own report.json. Every job is bounded twice: the
// CLI gets the job's remaining time as its own run deadline, so a stalled run stops itself and its
// report names the scenario and where the suite's worker was stuck; past the bound and a margin the
// whole group is killed. Either way the job fails naming its subject: a stall is the suite's own fault,
// never retried (issue 12). None outlives the pool: killAllChildren() ends the rest.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FaultyVariant } from '../../fixtures/variants/variant.ts';
import { type LoadConfig, MUTANT_LOAD } from '../load/config.ts';
import type { Dialect } from '../protocol/dialect.ts';
import type { RunReport } from '../run/report-model.ts';
import { CLI, type CliRunSpec, cliArgs, readReport, runResult } from './cli-run.ts';
import type { Lane } from './lane.ts';
import { createScheduler, type Scheduler } from './scheduler.ts';
import {
  MUTANT_BOUND_MS,
  MUTANT_CONCURRENCY,
  MUTANT_REPLY_TIMEOUT_MS,
  MUTANT_RUNS,
  MUTANT_SEED,
} from './config.ts';
import type { RunResult } from './result.ts';
import { type SuiteFiles, suiteFiles } from './suite-files.ts';

export interface Job {
  /** Variant or alternative name, every-alternative, or REFERENCE_NAME. */
  readonly subject: string;
  readonly dialect: Dialect;
  /** What a variant is layered on; the reference when absent. */
  readonly base?: string;
  /**
   * 'all' (default): every suite file in one run. 'scripted': the scripted suites only. 'split': the
   * scripted suites on one fresh target, then the property suites on another (propertyOnly variants).
   */
  readonly scope?: 'all' | 'scripted' | 'split';
  /** The load profile (loadOnly variants). */
  readonly load?: LoadConfig;
  /**
   * This job's bound, when its subject is slow by choice (ConformantAlternative.boundMs): such a job
   * mostly waits, and runs on a lane of its own beside the pool's (scheduler.ts).
   */
  readonly boundMs?: number;
}

export type JobResult =
  | { readonly job: Job; readonly ok: true; readonly result: RunResult; readonly wallMs: number }
  | {
      readonly job: Job;
      readonly ok: false;
      readonly error: string;
      readonly wallMs: number;
      /** The CLI's last output lines. */
      readonly stderrTail: string;
      /** It passed its bound: a stall of the suite itself, not a verdict about the server. */
      readonly stalled?: true;
      /** The CLI said (its error event) that it could not run the target: no report by its choice. */
      readonly refused?: true;
    };

export interface PoolOptions {
  readonly concurrency?: number;
  /** Per-job bound (all of a job's passes together). */
  readonly boundMs?: number;
  /** Reply bound handed to the scenarios. */
  readonly timeoutMs?: number;
  readonly seed?: number;
  readonly runs?: number;
  /** What is started, before the CLI's arguments (default: node bin/omega-conformance.js); tests swap it. */
  readonly command?: readonly string[];
  /**
   * One `batch` CLI process per lane, certifying job after job (default), or a CLI process per run:
   * the same runs and reports, the start-up paid once per lane instead of once per run.
   */
  readonly batch?: boolean;
  /**
   * Added to each job's weight on a shared scheduler: a pool whose jobs may be followed by more (the
   * mutation run's confirming runs) goes before one of short even jobs that fill the end.
   */
  readonly priority?: number;
  /** Lanes shared with other pools (npm run selftest); concurrency, command and batch are then its. */
  readonly scheduler?: Scheduler;
  readonly onDone?: (r: JobResult, done: number, total: number) => void;
}

/**
 * The CLI's deadline falls this long before the job's bound: a stopped run writes its reports and
 * exits within 5 s (harness/cli/certify-command.ts), so the kill is only for a CLI that cannot.
 */
const STOP_MARGIN_MS = 8000;
const TAIL_LINES = 8;
export { killAllChildren } from './lane.ts';

const tail = (text: string): string => text.trimEnd().split('\n').slice(-TAIL_LINES).join('\n');

/** The job that runs a faulty variant on a base (the reference when absent), as the mutation run does. */
export const variantJob = (v: FaultyVariant, base?: string): Job => ({
  subject: v.name,
  dialect: v.dialect ?? 'seed',
  ...(base ? { base } : {}),
  ...(v.propertyOnly ? { scope: 'split' as const } : {}),
  ...(v.loadOnly ? { load: MUTANT_LOAD } : {}),
});

/** A label a person reads: "wrong-echo on every-alternative (seed)". */
export const jobLabel = (j: Job): string => `${j.subject}${j.base ? ` on ${j.base}` : ''}`;

class BoundExceeded extends Error {}
/** The CLI's own error event said why it could not run. */
class CliRefused extends Error {}

/** The CLI stopped its own run at its deadline: the report says where (scenario, worker stack). */
class RunStopped extends Error {}

interface Pass {
  readonly report: RunReport;
}

/** One CLI run in a lane; resolves with its report, rejects with the reason it gave none. */
async function cliPass(
  lane: Lane,
  spec: CliRunSpec,
  deadline: number,
  output: { text: string },
): Promise<Pass> {
  const dir = mkdtempSync(join(tmpdir(), 'omega-mutant-'));
  try {
    const end = await lane.pass(cliArgs(spec, dir), deadline, output);
    if (end.overBound) throw new BoundExceeded();
    let report: RunReport;
    try {
      report = readReport(dir);
    } catch (e) {
      throw end.cliError !== undefined
        ? new CliRefused(`the CLI could not run it (${end.how}): ${end.cliError}`)
        : new Error(`the CLI ended (${end.how}) without a usable report: ${(e as Error).message}`);
    }
    if (report.stopped) throw new RunStopped(report.stopped.message);
    return { report };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The suite filters of each pass: `suites/NAME.test` matches the file whether .ts or compiled. */
function passFiles(job: Job, files: SuiteFiles): (readonly string[] | undefined)[] {
  const filter = (paths: readonly string[]): string[] =>
    paths.map((p) => `suites/${p.slice(p.lastIndexOf('/') + 1).replace(/\.[cm]?[jt]s$/, '')}`);
  const scope = job.scope ?? 'all';
  if (scope === 'scripted') return [filter(files.scripted)];
  if (scope === 'split' && files.properties.length > 0)
    return [...(files.scripted.length > 0 ? [filter(files.scripted)] : []), filter(files.properties)];
  return [undefined];
}

async function runJob(
  job: Job,
  lane: Lane,
  options: Required<
    Omit<PoolOptions, 'onDone' | 'concurrency' | 'batch' | 'command' | 'scheduler' | 'priority'>
  >,
): Promise<JobResult> {
  const t0 = performance.now();
  const boundMs = job.boundMs ?? options.boundMs;
  const deadline = t0 + boundMs;
  const files = suiteFiles();
  const output = { text: '' };
  const spec = (f: readonly string[] | undefined): CliRunSpec => ({
    subject: job.subject,
    ...(job.base ? { base: job.base } : {}),
    dialect: job.dialect,
    timeoutMs: options.timeoutMs,
    seed: options.seed,
    runs: options.runs,
    ...(job.load ? { load: job.load } : {}),
    ...(f ? { files: f } : {}),
    deadlineMs: Math.max(1000, Math.round(deadline - STOP_MARGIN_MS - performance.now())),
  });
  const wallMs = (): number => Math.round(performance.now() - t0);
  const passes = passFiles(job, files);
  const reports: RunReport[] = [];
  try {
    for (const f of passes) reports.push((await cliPass(lane, spec(f), deadline, output)).report);
  } catch (e) {
    const stalled = e instanceof BoundExceeded || e instanceof RunStopped;
    const error =
      e instanceof BoundExceeded
        ? `${jobLabel(job)} (${job.dialect}) stalled: no report within the per-run bound of ${Math.round(boundMs / 1000)} s; its processes were killed`
        : e instanceof RunStopped
          ? `${jobLabel(job)} (${job.dialect}) stalled (the suite's own fault): ${e.message}`
          : (e as Error).message;
    return {
      job,
      ok: false,
      error,
      wallMs: wallMs(),
      stderrTail: tail(output.text),
      ...(stalled ? { stalled: true as const } : {}),
      ...(e instanceof CliRefused ? { refused: true as const } : {}),
    };
  }
  return {
    job,
    ok: true,
    result: runResult(spec(undefined), reports, files, wallMs(), passes.length > 1),
    wallMs: wallMs(),
  };
}

/**
 * How heavy a job is, for the scheduler's longest-first order: its passes, its property budget, its
 * reply bound, or the bound of a subject slow by choice.
 */
export function jobWeight(job: Job, settings: { readonly runs: number; readonly timeoutMs: number }): number {
  if (job.boundMs !== undefined) return job.boundMs / 1000;
  const passes = (job.scope === 'split' ? 2 : 1) + (job.load ? 1 : 0);
  return passes * (settings.runs / MUTANT_RUNS) * (settings.timeoutMs > MUTANT_REPLY_TIMEOUT_MS ? 1.5 : 1);
}

/**
 * Run every job, `concurrency` at a time (or on the lanes of a shared scheduler, heaviest first);
 * results in the jobs' order.
 */
export async function runPool(jobs: readonly Job[], options: PoolOptions = {}): Promise<JobResult[]> {
  const settings = {
    boundMs: options.boundMs ?? MUTANT_BOUND_MS,
    timeoutMs: options.timeoutMs ?? MUTANT_REPLY_TIMEOUT_MS,
    seed: options.seed ?? MUTANT_SEED,
    runs: options.runs ?? MUTANT_RUNS,
  };
  const scheduler =
    options.scheduler ??
    createScheduler({
      concurrency: options.concurrency ?? MUTANT_CONCURRENCY,
      command: options.command ?? [process.execPath, CLI],
      ...(options.batch === undefined ? {} : { batch: options.batch }),
    });
  let done = 0;
  try {
    return await Promise.all(
      jobs.map((job) =>
        scheduler
          .submit(
            jobWeight(job, settings) + (options.priority ?? 0),
            (lane) => runJob(job, lane, settings),
            job.boundMs !== undefined,
          )
          .then((r) => {
            done++;
            options.onDone?.(r, done, jobs.length);
            return r;
          }),
      ),
    );
  } finally {
    if (!options.scheduler) await scheduler.close();
  }
}
