// Timing helpers of the bench: medians, and a child process timed from spawn, line by line.
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
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
}

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
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolvePromise({ code, ms: performance.now() - t0, stdout, stderr });
    });
  });
}
