// Run many (subject, dialect) jobs, `concurrency` at a time. Each lane keeps one worker process
// (worker.ts --serve) and hands it one job at a time: the vitest Node API is not re-entrant, so one
// run per process at a time; reusing the process saves its start-up. Every job is bounded: past its
// bound the process is killed (what its finished scenarios reported is kept) and a fresh one started.
// None outlives the pool: workers exit when their stdin closes, and killAllChildren() ends the rest.
import { type ChildProcess, spawn } from 'node:child_process';
import { resolve } from 'node:path';
import type { Dialect } from '../protocol/dialect.ts';
import { PACKAGE_ROOT } from '../run/run-suites.ts';
import { MUTANT_BOUND_MS, MUTANT_CONCURRENCY, MUTANT_REPLY_TIMEOUT_MS } from './config.ts';
import {
  type JobLine,
  jobFailedLineSchema,
  type RunResult,
  runResultSchema,
  type ScenarioLine,
  scenarioLineSchema,
} from './result.ts';

export const WORKER = resolve(PACKAGE_ROOT, 'harness/mutants/worker.ts');

export interface Job {
  /** Variant name or REFERENCE_NAME. */
  readonly subject: string;
  readonly dialect: Dialect;
  /** 'scripted': leave the property suites out (a confirming run of a scripted catch). */
  readonly scope?: 'all' | 'scripted';
}

export interface PartialRun {
  readonly scenarios: number;
  /** Requirement ids with a failing check (any level), with the scenarios that failed them. */
  readonly fails: ReadonlyMap<string, readonly string[]>;
}

export type JobResult =
  | { readonly job: Job; readonly ok: true; readonly result: RunResult; readonly wallMs: number }
  | {
      readonly job: Job;
      readonly ok: false;
      readonly error: string;
      readonly wallMs: number;
      /** The worker's last stderr lines (its last finished scenarios). */
      readonly stderrTail: string;
      /** What the scenarios that did finish reported, when the run was cut short. */
      readonly partial?: PartialRun;
    };

export interface PoolOptions {
  readonly concurrency?: number;
  /** Per-job bound. */
  readonly boundMs?: number;
  /** Reply bound handed to the scenarios. */
  readonly timeoutMs?: number;
  readonly onDone?: (r: JobResult, done: number, total: number) => void;
}

const KILL_GRACE_MS = 2000;
/** A worker is replaced after this many jobs, so that nothing a run leaves behind piles up. */
const RECYCLE_AFTER = 10;
/** Silence from a worker (no heartbeat, no output) that counts as stuck. */
const HEARTBEAT_STALL_MS = 20_000;
const TAIL_LINES = 8;
const live = new Set<ChildProcess>();

/** Kill every worker still running (on SIGINT, or on exit). */
export function killAllChildren(): void {
  for (const c of live) c.kill('SIGKILL');
  live.clear();
}

const tail = (text: string): string => text.trimEnd().split('\n').slice(-TAIL_LINES).join('\n');

function partialRun(lines: readonly ScenarioLine[]): PartialRun | undefined {
  if (lines.length === 0) return undefined;
  const fails = new Map<string, string[]>();
  for (const s of lines) for (const id of s.fails) fails.set(id, [...(fails.get(id) ?? []), s.name]);
  return { scenarios: lines.length, fails };
}

interface Current {
  readonly job: Job;
  readonly t0: number;
  readonly scenarios: ScenarioLine[];
  stderr: string;
  killedForBound: boolean;
  readonly bound: NodeJS.Timeout;
  readonly stall: NodeJS.Timeout;
  lastAlive: number;
  readonly done: (r: JobResult) => void;
}

/** One `worker.ts --serve` process. */
class Worker {
  private readonly child: ChildProcess;
  private current: Current | null = null;
  private pending = '';
  private hardKill: NodeJS.Timeout | undefined;
  alive = true;
  jobs = 0;

  constructor() {
    this.child = spawn(process.execPath, ['--import', 'tsx', WORKER, '--serve'], {
      cwd: PACKAGE_ROOT,
      stdio: ['pipe', 'pipe', 'pipe'],
      env: { ...process.env, FORCE_COLOR: '0' },
    });
    live.add(this.child);
    this.child.stdin!.on('error', () => {}); // a worker that died: its close event tells
    this.child.stdout!.setEncoding('utf8').on('data', (d: string) => this.stdout(d));
    this.child.stderr!.setEncoding('utf8').on('data', (d: string) => {
      if (this.current) this.current.stderr = (this.current.stderr + d).slice(-16_384);
    });
    this.child.once('error', (e) => this.ended(`could not start the worker: ${e.message}`));
    this.child.once('close', (code, signal) =>
      this.ended(`the worker ended (${signal ? `signal ${signal}` : `exit code ${code}`}) without a result`),
    );
  }

  run(job: Job, boundMs: number, timeoutMs: number): Promise<JobResult> {
    this.jobs++;
    return new Promise((done) => {
      this.current = {
        job,
        t0: performance.now(),
        scenarios: [],
        stderr: '',
        killedForBound: false,
        bound: setTimeout(() => this.overBound(), boundMs),
        lastAlive: performance.now(),
        // A worker whose heartbeat stops (a deadlocked module loader) is cut off long before its bound.
        stall: setInterval(() => {
          if (this.current && performance.now() - this.current.lastAlive > HEARTBEAT_STALL_MS)
            this.overBound();
        }, 1000),
        done,
      };
      const line: JobLine = {
        kind: 'mutant-job',
        subject: job.subject,
        dialect: job.dialect,
        timeoutMs,
        ...(job.scope ? { scope: job.scope } : {}),
      };
      this.child.stdin!.write(`${JSON.stringify(line)}\n`);
    });
  }

  /** No more jobs: closing stdin makes it exit; if it does not, it is killed. */
  retire(): void {
    if (!this.alive) return;
    this.child.stdin!.end();
    this.hardKill = setTimeout(() => this.child.kill('SIGKILL'), KILL_GRACE_MS);
  }

  private overBound(): void {
    const c = this.current;
    if (!c) return;
    c.killedForBound = true;
    this.child.kill('SIGTERM');
    this.hardKill = setTimeout(() => this.child.kill('SIGKILL'), KILL_GRACE_MS);
  }

  private stdout(chunk: string): void {
    if (this.current) this.current.lastAlive = performance.now();
    this.pending += chunk;
    let nl = this.pending.indexOf('\n');
    while (nl >= 0) {
      const line = this.pending.slice(0, nl);
      this.pending = this.pending.slice(nl + 1);
      this.line(line);
      nl = this.pending.indexOf('\n');
    }
  }

  private line(raw: string): void {
    const c = this.current;
    if (!c || !raw.startsWith('{')) return;
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch {
      return; // not ours
    }
    const scenario = scenarioLineSchema.safeParse(json);
    if (scenario.success) {
      c.scenarios.push(scenario.data);
      return;
    }
    const result = runResultSchema.safeParse(json);
    if (result.success)
      return this.finish({ job: c.job, ok: true, result: result.data, wallMs: this.elapsed(c) });
    const failed = jobFailedLineSchema.safeParse(json);
    if (failed.success) this.finishWithError(c, `the worker could not run it: ${failed.data.error}`);
  }

  private ended(why: string): void {
    if (!this.alive) return;
    this.alive = false;
    live.delete(this.child);
    if (this.hardKill) clearTimeout(this.hardKill);
    const c = this.current;
    if (!c) return;
    this.finishWithError(
      c,
      c.killedForBound
        ? `killed after ${Math.round((performance.now() - c.t0) / 1000)} s without a result (per-run bound)`
        : why,
    );
  }

  private finishWithError(c: Current, error: string): void {
    const partial = partialRun(c.scenarios);
    this.finish({
      job: c.job,
      ok: false,
      error,
      wallMs: this.elapsed(c),
      stderrTail: tail(c.stderr),
      ...(partial ? { partial } : {}),
    });
  }

  private elapsed(c: Current): number {
    return Math.round(performance.now() - c.t0);
  }

  private finish(r: JobResult): void {
    const c = this.current;
    if (!c) return;
    clearTimeout(c.bound);
    clearInterval(c.stall);
    this.current = null;
    c.done(r);
  }
}

/** Run every job, `concurrency` at a time; results in the jobs' order. */
export async function runPool(jobs: readonly Job[], options: PoolOptions = {}): Promise<JobResult[]> {
  const concurrency = Math.max(1, options.concurrency ?? MUTANT_CONCURRENCY);
  const boundMs = options.boundMs ?? MUTANT_BOUND_MS;
  const timeoutMs = options.timeoutMs ?? MUTANT_REPLY_TIMEOUT_MS;
  const results: JobResult[] = new Array(jobs.length);
  let next = 0;
  let done = 0;
  const lane = async (): Promise<void> => {
    let worker: Worker | undefined;
    try {
      while (next < jobs.length) {
        const i = next++;
        if (!worker || !worker.alive || worker.jobs >= RECYCLE_AFTER) {
          worker?.retire();
          worker = new Worker();
        }
        let r = await worker.run(jobs[i]!, boundMs, timeoutMs);
        if (!r.ok) {
          // A worker that died or was cut off gave no verdict (a stuck module loader looks the same as
          // a stuck variant): one more try on a fresh process before the job counts as not judged.
          worker.retire();
          worker = new Worker();
          const again = await worker.run(jobs[i]!, boundMs, timeoutMs);
          r = again.ok
            ? again
            : { ...again, error: `${again.error ?? ''} (and on a first try: ${r.error ?? ''})` };
        }
        results[i] = r;
        done++;
        options.onDone?.(r, done, jobs.length);
      }
    } finally {
      worker?.retire();
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, jobs.length) }, lane));
  return results;
}
