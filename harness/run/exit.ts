// The last word on ending the process: whatever a run started (a --command server's process group)
// registers a synchronous kill here, run when the process exits by any path, so a stopped or crashed
// run never leaves a server behind.
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

/** End the process now with this code: the registered kills run, nothing left open can hold it. */
export function exitNow(code: number): never {
  runKills();
  process.exit(code);
}
