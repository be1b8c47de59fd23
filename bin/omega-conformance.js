#!/usr/bin/env node
// Starts the suite (TypeScript sources run through tsx: no build step) in a child process and
// watches its heartbeat. Node 20's off-thread module hooks can, rarely, deadlock a process; a stuck
// suite must end with a clear message (and get one more try), never hang a CI job.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ENTRY = fileURLToPath(new URL('../harness/cli/run.ts', import.meta.url));
// Resolved from here, not from the working directory: the suite runs from any directory (a CI workspace).
const TSX = import.meta.resolve('tsx');
const STALL_MS = Number(process.env.OMEGA_CONFORMANCE_STALL_MS || 30_000);
const args = process.argv.slice(2);

function attempt() {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', TSX, ENTRY, ...args], {
      stdio: ['inherit', 'inherit', 'inherit', 'ipc'],
    });
    let last = Date.now();
    let stalled = false;
    child.on('message', () => {
      last = Date.now();
    });
    const watch = setInterval(() => {
      if (Date.now() - last > STALL_MS) {
        stalled = true;
        child.kill('SIGKILL');
      }
    }, 1000);
    const forward = (signal) => child.kill(signal);
    process.on('SIGINT', forward);
    process.on('SIGTERM', forward);
    child.on('exit', (code, signal) => {
      clearInterval(watch);
      process.off('SIGINT', forward);
      process.off('SIGTERM', forward);
      resolve({ code, signal, stalled });
    });
  });
}

let result = await attempt();
if (result.stalled) {
  process.stderr.write(
    `omega-conformance: the suite's own process stopped responding for ${STALL_MS / 1000} s (a fault of the suite, not of the server); trying once more\n`,
  );
  result = await attempt();
  if (result.stalled) {
    process.stderr.write(`omega-conformance: the suite's own process stopped responding again; giving up\n`);
  }
}
process.exit(result.stalled ? 2 : (result.code ?? (result.signal ? 2 : 1)));
