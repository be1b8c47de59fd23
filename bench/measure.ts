// Timing helpers of the bench: medians, and a child process timed from spawn, line by line.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const ROOT = resolve(import.meta.dirname, '..');
export const BIN = join(ROOT, 'bin/omega-conformance.js');

export function median(xs: readonly number[]): number {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

export const tempDir = (prefix = 'omega-bench-'): string => mkdtempSync(join(tmpdir(), prefix));

export interface Timed {
  readonly code: number | null;
  readonly ms: number;
  readonly stdout: string;
  readonly stderr: string;
  /** CPU time (user + system, all threads) of the child, sampled from /proc every 20 ms (Linux). */
  readonly cpuMs: number;
}

/** utime + stime of a process in ms, from /proc/PID/stat; NaN where there is no /proc. */
function cpuOf(pid: number | undefined): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
  } catch {
    return Number.NaN;
  }
}
const CLOCK_TICKS = 100;

/**
 * Run a child to completion (killed at `boundMs`), timing it from spawn; `onLine(line, msSinceSpawn)`
 * sees each stdout line as it arrives.
 */
export function timedChild(
  command: string,
  args: readonly string[],
  opts: { boundMs: number; onLine?: (line: string, ms: number) => void },
): Promise<Timed> {
  const t0 = performance.now();
  return new Promise((resolvePromise) => {
    const child = spawn(command, [...args], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, NO_COLOR: '1' },
    });
    let stdout = '';
    let stderr = '';
    let partial = '';
    child.stdout.on('data', (c: Buffer) => {
      const now = performance.now() - t0;
      stdout += c.toString();
      const parts = (partial + c.toString()).split('\n');
      partial = parts.pop() ?? '';
      for (const line of parts) opts.onLine?.(line, now);
    });
    child.stderr.on('data', (c: Buffer) => {
      stderr += c.toString();
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.boundMs);
    let cpuMs = Number.NaN;
    const sampler = setInterval(() => {
      const c = cpuOf(child.pid);
      if (!Number.isNaN(c)) cpuMs = c;
    }, 20);
    child.on('exit', (code) => {
      clearTimeout(timer);
      clearInterval(sampler);
      resolvePromise({ code, ms: performance.now() - t0, stdout, stderr, cpuMs });
    });
  });
}
