// Run many (subject, dialect) jobs, `concurrency` at a time, each in its own child process
// (worker.ts): the vitest Node API is not re-entrant, so one run per process. Every child is bounded
// and killed past its bound; none outlives the pool.
import { type ChildProcess, spawn } from 'node:child_process';
import { resolve } from 'node:path';
import type { Dialect } from '../protocol/dialect.ts';
import { PACKAGE_ROOT } from '../run/run-suites.ts';
import { MUTANT_BOUND_MS, MUTANT_CONCURRENCY, MUTANT_REPLY_TIMEOUT_MS } from './config.ts';
import { type RunResult, runResultSchema, type ScenarioLine, scenarioLineSchema } from './result.ts';

export const WORKER = resolve(PACKAGE_ROOT, 'harness/mutants/worker.ts');

export interface Job {
  /** Variant name or REFERENCE_NAME. */
  readonly subject: string;
  readonly dialect: Dialect;
}

export type JobResult =
  | { readonly job: Job; readonly ok: true; readonly result: RunResult; readonly wallMs: number }
  | {
      readonly job: Job;
      readonly ok: false;
      readonly error: string;
      readonly wallMs: number;
      /** The child's last stderr lines (its last finished scenarios). */
      readonly stderrTail: string;
      /** What the scenarios that did finish reported, when the run was cut short. */
      readonly partial?: PartialRun;
    };

export interface PartialRun {
  readonly scenarios: number;
  /** Requirement ids with a failing check (any level), with the scenarios that failed them. */
  readonly fails: ReadonlyMap<string, readonly string[]>;
}

export interface PoolOptions {
  readonly concurrency?: number;
  /** Per-job bound on the whole child process. */
  readonly boundMs?: number;
  /** Reply bound handed to the scenarios. */
  readonly timeoutMs?: number;
  readonly onStart?: (job: Job) => void;
  readonly onDone?: (r: JobResult, done: number, total: number) => void;
}

const KILL_GRACE_MS = 2000;
const TAIL_LINES = 8;
const live = new Set<ChildProcess>();

/** Kill every child still running (on SIGINT, or on exit). */
export function killAllChildren(): void {
  for (const c of live) c.kill('SIGKILL');
  live.clear();
}

const jsonLines = (stdout: string): unknown[] =>
  stdout
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .flatMap((l) => {
      try {
        return [JSON.parse(l) as unknown];
      } catch {
        return []; // not our line
      }
    });

function lastResultLine(stdout: string): RunResult | undefined {
  const lines = jsonLines(stdout);
  for (let i = lines.length - 1; i >= 0; i--) {
    const parsed = runResultSchema.safeParse(lines[i]);
    if (parsed.success) return parsed.data;
  }
  return undefined;
}

function partialRun(stdout: string): PartialRun | undefined {
  const scenarios: ScenarioLine[] = jsonLines(stdout).flatMap((l) => {
    const parsed = scenarioLineSchema.safeParse(l);
    return parsed.success ? [parsed.data] : [];
  });
  if (scenarios.length === 0) return undefined;
  const fails = new Map<string, string[]>();
  for (const s of scenarios) for (const id of s.fails) fails.set(id, [...(fails.get(id) ?? []), s.name]);
  return { scenarios: scenarios.length, fails };
}

const tail = (text: string): string => text.trimEnd().split('\n').slice(-TAIL_LINES).join('\n');

export function runJob(job: Job, options: PoolOptions = {}): Promise<JobResult> {
  const boundMs = options.boundMs ?? MUTANT_BOUND_MS;
  const t0 = performance.now();
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      WORKER,
      job.subject,
      job.dialect,
      '--timeout-ms',
      String(options.timeoutMs ?? MUTANT_REPLY_TIMEOUT_MS),
      '--exit-with-parent',
    ],
    { cwd: PACKAGE_ROOT, stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, FORCE_COLOR: '0' } },
  );
  live.add(child);
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => {
    stdout += d;
  });
  child.stderr!.setEncoding('utf8').on('data', (d: string) => {
    stderr = (stderr + d).slice(-16_384);
  });
  let killedForBound = false;
  let hardKill: NodeJS.Timeout | undefined;
  const bound = setTimeout(() => {
    killedForBound = true;
    child.kill('SIGTERM');
    hardKill = setTimeout(() => child.kill('SIGKILL'), KILL_GRACE_MS);
  }, boundMs);
  return new Promise((resolveJob) => {
    let settled = false;
    const finish = (code: number | null, signal: NodeJS.Signals | null, spawnError?: Error): void => {
      if (settled) return;
      settled = true;
      clearTimeout(bound);
      if (hardKill) clearTimeout(hardKill);
      live.delete(child);
      const wallMs = Math.round(performance.now() - t0);
      const result = lastResultLine(stdout);
      if (result && !killedForBound) return resolveJob({ job, ok: true, result, wallMs });
      const why = spawnError
        ? `could not start the worker: ${spawnError.message}`
        : killedForBound
          ? `killed after ${(boundMs / 1000).toFixed(0)} s without a result (per-variant bound)`
          : `the worker ended (${signal ? `signal ${signal}` : `exit code ${code}`}) without a result line`;
      const partial = partialRun(stdout);
      resolveJob({
        job,
        ok: false,
        error: why,
        wallMs,
        stderrTail: tail(stderr),
        ...(partial ? { partial } : {}),
      });
    };
    child.once('error', (e) => finish(null, null, e));
    child.once('close', (code, signal) => finish(code, signal));
  });
}

/** Run every job, `concurrency` at a time; results in the jobs' order. */
export async function runPool(jobs: readonly Job[], options: PoolOptions = {}): Promise<JobResult[]> {
  const concurrency = Math.max(1, options.concurrency ?? MUTANT_CONCURRENCY);
  const results: JobResult[] = new Array(jobs.length);
  let next = 0;
  let done = 0;
  const lane = async (): Promise<void> => {
    while (next < jobs.length) {
      const i = next++;
      const job = jobs[i]!;
      options.onStart?.(job);
      const r = await runJob(job, options);
      results[i] = r;
      done++;
      options.onDone?.(r, done, jobs.length);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, jobs.length) }, lane));
  return results;
}
