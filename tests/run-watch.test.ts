// The run's one bound (harness/run/watch.ts): which cause fires when, as data.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { wordsFor } from '../harness/failure/words.ts';
import { deadlineIn, describeStop, RunWatch, type StopCause, stopReasonOf } from '../harness/run/watch.ts';

let fired: StopCause | undefined;
const watch = (w: RunWatch): RunWatch => {
  void w.stopped.then((c) => {
    fired = c;
  });
  return w;
};

describe('RunWatch', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    fired = undefined;
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('stops a scenario that overruns its own timeout plus the grace, naming it', async () => {
    const w = watch(new RunWatch({ graceMs: 1000, idleMs: 60_000 }));
    w.scenarioStarted('slow one', 5000);
    await vi.advanceTimersByTimeAsync(5999);
    expect(fired).toBeUndefined();
    await vi.advanceTimersByTimeAsync(2);
    expect(fired).toEqual({ kind: 'scenario-overran', scenario: 'slow one', boundMs: 6000 });
    expect(describeStop(fired!)).toMatch(/"slow one" did not end within its bound of 6 s/);
  });

  it('a scenario that ends in time is progress; a long gap after it is not', async () => {
    const w = watch(new RunWatch({ graceMs: 1000, idleMs: 3000 }));
    w.scenarioStarted('quick', 60_000);
    await vi.advanceTimersByTimeAsync(30_000); // a long scenario is bounded by its own timeout, not the idle bound
    expect(fired).toBeUndefined();
    w.progress('quick');
    await vi.advanceTimersByTimeAsync(2999);
    expect(fired).toBeUndefined();
    await vi.advanceTimersByTimeAsync(2);
    expect(fired).toEqual({ kind: 'no-progress', idleMs: 3000, after: 'quick' });
  });

  it('the deadline fires whatever the scenarios do, naming the one running', async () => {
    const w = watch(new RunWatch({ deadline: deadlineIn(10_000), graceMs: 1000, idleMs: 60_000 }));
    w.scenarioStarted('long', 120_000);
    await vi.advanceTimersByTimeAsync(10_001);
    expect(fired).toEqual({ kind: 'deadline', deadlineMs: 10_000, scenario: 'long' });
    expect(describeStop(fired!)).toBe('the run deadline of 10 s passed during "long"');
  });

  it('fires nothing once disposed', async () => {
    const w = watch(new RunWatch({ deadline: deadlineIn(1000), idleMs: 1000 }));
    w.dispose();
    await vi.advanceTimersByTimeAsync(10_000);
    expect(fired).toBeUndefined();
  });
});

describe('stopReasonOf', () => {
  it("gives report.json's error reason for each stop, in the words a stopped run is reported with", () => {
    const deadline = stopReasonOf({ kind: 'deadline', deadlineMs: 600_000, scenario: 'long' });
    expect(deadline).toEqual({ kind: 'stopped', by: 'deadline', boundMs: 600_000 });
    expect(wordsFor(deadline).message).toBe('the run reached its deadline of 600 s and was stopped');
    expect(stopReasonOf({ kind: 'no-progress', idleMs: 90_000 })).toEqual({
      kind: 'stopped',
      by: 'stall',
      boundMs: 90_000,
    });
    expect(stopReasonOf({ kind: 'scenario-overran', scenario: 's', boundMs: 45_000 })).toEqual({
      kind: 'stopped',
      by: 'stall',
      boundMs: 45_000,
    });
  });
});

describe('workerStacks', () => {
  it("names the function a busy worker thread is stuck in (what a stopped run's report shows)", async () => {
    const { Worker } = await import('node:worker_threads');
    const w = new Worker(
      'function stuckInALoop(){ for(;;){} } require("node:worker_threads").parentPort.postMessage("go"); setTimeout(stuckInALoop, 0);',
      { eval: true },
    );
    try {
      await new Promise((resolve) => w.once('message', resolve));
      await new Promise((resolve) => setTimeout(resolve, 50));
      const { workerStacks } = await import('../harness/run/worker-stacks.ts');
      const stacks = workerStacks();
      expect(stacks.some((frames) => frames.some((f) => f.includes('stuckInALoop')))).toBe(true);
      const cause: StopCause = {
        kind: 'no-progress',
        idleMs: 1000,
        workerStack: stacks.find((s) => s.some((f) => f.includes('stuckInALoop')))!,
      };
      expect(describeStop(cause)).toMatch(/the worker was at stuckInALoop/);
    } finally {
      await w.terminate();
    }
  });
});

describe('guardExit', () => {
  it('a process whose exit cannot complete is killed by the watchdog exitNow starts', async () => {
    const { spawn } = await import('node:child_process');
    const { resolve } = await import('node:path');
    const exitModule = resolve(import.meta.dirname, '../harness/run/exit.ts');
    // An exit listener that never returns stands in for a worker thread process.exit cannot join.
    const script = `import { exitNow, guardExit } from ${JSON.stringify(exitModule)};
      process.on('exit', () => { for (;;) {} });
      guardExit(300);
      exitNow(2);`;
    const t0 = performance.now();
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      stdio: 'ignore',
    });
    const ended = await new Promise<{ code: number | null; signal: string | null }>((done) =>
      child.once('exit', (code, signal) => done({ code, signal })),
    );
    expect(ended.signal).toBe('SIGKILL');
    expect(performance.now() - t0).toBeLessThan(15_000);
  });
});
