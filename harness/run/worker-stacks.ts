// Where a stuck suite worker is: Node's diagnostic report interrupts every worker thread (a busy
// loop or Atomics.wait included) and returns its JavaScript stack. Read once, when the run's watch
// stops a run for a stall, so the report names the code that held the worker, not just the scenario.
// Opt-in (OMEGA_STALL_STACKS=1), for a maintainer chasing a stall: the report waits, without a bound,
// for every worker to answer its interrupt, and a worker deadlocked in native code never does (the
// X448 deadlock of harness/crypto/x448.ts was one), so by default a stall stop never risks it.

export const stacksWanted = (): boolean => process.env.OMEGA_STALL_STACKS === '1';

/** The JavaScript stack of each worker thread of this process, innermost frame first. */
export function workerStacks(maxFrames = 25): string[][] {
  try {
    const report = process.report?.getReport() as unknown as {
      workers?: { javascriptStack?: { stack?: unknown } }[];
    };
    return (report.workers ?? [])
      .map((w) => w.javascriptStack?.stack)
      .filter((s): s is string[] => Array.isArray(s))
      .map((frames) => frames.filter((f): f is string => typeof f === 'string').slice(0, maxFrames))
      .filter((frames) => frames.length > 0);
  } catch {
    return []; // no diagnostic report on this runtime: the stop still names the scenario
  }
}
