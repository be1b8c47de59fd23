// The last word on ending the process: whatever a run started (a --command server's process group)
// registers a synchronous kill here, run when the process exits by any path, so a stopped or crashed
// run never leaves a server behind.
import { spawn } from 'node:child_process';

const lastKills = new Set<() => void>();
let hooked = false;

/** Register a synchronous kill for something this process started; returns its removal. */
export function killOnExit(kill: () => void): () => void {
  if (!hooked) {
    hooked = true;
    process.once('exit', runKills);
  }
  lastKills.add(kill);
  return () => lastKills.delete(kill);
}

function runKills(): void {
  for (const kill of lastKills) {
    try {
      kill();
    } catch {
      // already gone
    }
  }
  lastKills.clear();
}

let signalsOwned = false;

/**
 * A command that ends itself on SIGINT/SIGTERM (the proxy writes its reports first) takes the
 * signals over from the entry point's immediate exit (harness/cli/run.ts).
 */
export function ownSignals(): void {
  signalsOwned = true;
}

export const ownsSignals = (): boolean => signalsOwned;

let guardMs: number | undefined;

/**
 * After a stall: process.exit joins every worker thread first, and a worker stuck in native code
 * (a deadlock no JavaScript can end) would hold the exit for ever. Armed, exitNow first starts a
 * detached watchdog that kills this process if it is still there `ms` later (exit code 137).
 */
export function guardExit(ms = 3000): void {
  guardMs = ms;
}

function startExitWatchdog(ms: number): void {
  try {
    spawn(
      process.execPath,
      ['-e', `setTimeout(() => { try { process.kill(${process.pid}, 'SIGKILL'); } catch {} }, ${ms});`],
      { detached: true, stdio: 'ignore' },
    ).unref();
  } catch {
    // no watchdog: the exit below is all there is
  }
}

/** End the process now with this code: the registered kills run, nothing left open can hold it. */
export function exitNow(code: number): never {
  runKills();
  if (guardMs !== undefined) startExitWatchdog(guardMs);
  process.exit(code);
}
