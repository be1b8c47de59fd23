// Where the pool's CLI runs happen. A lane runs one CLI run (a "pass") at a time, bounded by its
// job's deadline: past it, the lane's whole process group is killed and the pass ends over its bound.
// - processLane: one CLI process per pass (`omega-conformance ARGS`), as a user runs it.
// - batchLane: one `omega-conformance batch` process for many passes, one JSON line per pass on its
//   stdin (harness/cli/batch.ts), so the CLI's start-up is paid once per batch. A pass that ends its
//   batch (exit code 2: could not start, or stopped), a killed batch or a crash leaves the lane
//   without a process; the next pass starts a fresh one. Never a retry: the pass that ended it has
//   its outcome.
import { type ChildProcess, spawn } from 'node:child_process';
import { PACKAGE_ROOT } from '../run/version.ts';

/** How a pass ended, before its report is read. */
export interface PassEnd {
  /** It passed its deadline and its process group was killed. */
  readonly overBound: boolean;
  /** "exit code N" or "signal S", for a message. */
  readonly how: string;
  /** The CLI's own error event (--json-lines): why it could not run. */
  readonly cliError?: string;
}

export interface Lane {
  /** One CLI run with these arguments; `output.text` keeps its last output. Never rejects. */
  pass(args: readonly string[], deadline: number, output: { text: string }): Promise<PassEnd>;
  /** No more passes: a batch process ends at the end of its stdin; settles once it has. */
  close(): Promise<void>;
}

const KILL_GRACE_MS = 2000;
const OUTPUT_KEPT = 16_384;
const live = new Set<ChildProcess>();

/** Signal a child's whole process group (the CLI starts processes of its own). */
function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  try {
    if (child.pid !== undefined) process.kill(-child.pid, signal);
  } catch {
    child.kill(signal);
  }
}

/** Kill every CLI process still going (on SIGINT, or on exit). */
export function killAllChildren(): void {
  for (const c of live) signalGroup(c, 'SIGKILL');
  live.clear();
}

function start(command: readonly string[], args: readonly string[]): ChildProcess {
  const child = spawn(command[0]!, [...command.slice(1), ...args], {
    cwd: PACKAGE_ROOT,
    stdio: ['pipe', 'pipe', 'pipe'],
    detached: true, // its own process group: a kill reaches the suite and whatever it started
    env: { ...process.env, FORCE_COLOR: '0' },
  });
  live.add(child);
  child.once('close', () => live.delete(child));
  child.stdin!.on('error', () => {}); // a batch that ended itself no longer reads
  return child;
}

const howItEnded = (code: number | null, signal: NodeJS.Signals | null): string =>
  signal ? `signal ${signal}` : `exit code ${code}`;

/** Calls `onLine` with each whole line of a stream. */
function eachLine(stream: NodeJS.ReadableStream, onLine: (line: string) => void): void {
  let pending = '';
  stream.setEncoding('utf8');
  stream.on('data', (d: string) => {
    pending += d;
    for (let nl = pending.indexOf('\n'); nl >= 0; nl = pending.indexOf('\n')) {
      onLine(pending.slice(0, nl));
      pending = pending.slice(nl + 1);
    }
  });
}

/** The message of a CLI error event line, if it is one. */
function errorEvent(line: string): string | undefined {
  if (!line.startsWith('{"event":"error"')) return undefined;
  try {
    return (JSON.parse(line) as { message?: string }).message;
  } catch {
    return undefined;
  }
}

/** The pass under way in a process: where its output goes, how it ends. */
interface Current {
  readonly output: { text: string };
  cliError?: string;
  overBound: boolean;
  end(how: string): void;
}

function keep(c: Current | undefined, text: string): void {
  if (c) c.output.text = (c.output.text + text).slice(-OUTPUT_KEPT);
}

/** Arms the deadline of a pass: SIGTERM to the group, SIGKILL after a grace. Returns its disarm. */
function bound(child: ChildProcess, current: Current, deadline: number): () => void {
  let hardKill: NodeJS.Timeout | undefined;
  const timer = setTimeout(
    () => {
      current.overBound = true;
      signalGroup(child, 'SIGTERM');
      hardKill = setTimeout(() => signalGroup(child, 'SIGKILL'), KILL_GRACE_MS);
    },
    Math.max(0, deadline - performance.now()),
  );
  return () => {
    clearTimeout(timer);
    if (hardKill) clearTimeout(hardKill);
  };
}

/** A pass under way: its deadline armed; its end disarms it and resolves the pass. */
function boundPass(
  child: ChildProcess,
  deadline: number,
  output: { text: string },
  resolve: (end: PassEnd) => void,
): Current {
  const current: Current = {
    output,
    overBound: false,
    end: (how) => {
      disarm();
      resolve({
        overBound: current.overBound,
        how,
        ...(current.cliError !== undefined ? { cliError: current.cliError } : {}),
      });
    },
  };
  const disarm = bound(child, current, deadline);
  return current;
}

export function processLane(command: readonly string[]): Lane {
  return {
    pass: (args, deadline, output) =>
      new Promise<PassEnd>((resolve) => {
        const child = start(command, args);
        child.stdin!.end();
        const current = boundPass(child, deadline, output, resolve);
        eachLine(child.stdout!, (line) => {
          keep(current, `${line}\n`);
          current.cliError = errorEvent(line) ?? current.cliError;
        });
        child.stderr!.setEncoding('utf8').on('data', (d: string) => keep(current, d));
        child.once('error', (e) => current.end(`could not start: ${e.message}`));
        child.once('close', (code, signal) => current.end(howItEnded(code, signal)));
      }),
    close: async () => {},
  };
}

export function batchLane(command: readonly string[]): Lane {
  let proc: { child: ChildProcess; sent: number; current?: Current & { index: number } } | undefined;

  const spawnBatch = () => {
    const child = start(command, ['batch']);
    const p: NonNullable<typeof proc> = { child, sent: 0 };
    eachLine(child.stdout!, (line) => {
      const c = p.current;
      keep(c, `${line}\n`);
      if (!c) return;
      c.cliError = errorEvent(line) ?? c.cliError;
      if (!line.startsWith('{"event":"batch-end"')) return;
      const end = JSON.parse(line) as { index: number; exitCode: number };
      if (end.index !== c.index) return;
      if (end.exitCode === 2 && proc === p) proc = undefined; // it ends itself after such a pass
      p.current = undefined;
      c.end(howItEnded(end.exitCode, null));
    });
    child.stderr!.setEncoding('utf8').on('data', (d: string) => keep(p.current, d));
    const gone = (how: string): void => {
      if (proc === p) proc = undefined;
      const c = p.current;
      p.current = undefined;
      c?.end(how);
    };
    child.once('error', (e) => gone(`could not start: ${e.message}`));
    child.once('close', (code, signal) => gone(howItEnded(code, signal)));
    return p;
  };

  return {
    pass: (args, deadline, output) =>
      new Promise<PassEnd>((resolve) => {
        proc ??= spawnBatch();
        const p = proc;
        p.current = Object.assign(boundPass(p.child, deadline, output, resolve), { index: p.sent++ });
        p.child.stdin!.write(`${JSON.stringify({ argv: args })}\n`);
      }),
    close: () => {
      const child = proc?.child;
      proc = undefined;
      if (!child || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
      const gone = new Promise<void>((resolve) => child.once('close', () => resolve()));
      child.stdin?.end();
      return gone;
    },
  };
}
