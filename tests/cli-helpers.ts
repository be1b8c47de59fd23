// Run the omega-conformance bin as a user would, and read what it wrote.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { RunReport } from '../harness/run/report-model.ts';

export const ROOT = resolve(import.meta.dirname, '..');
export const BIN = join(ROOT, 'bin/omega-conformance.js');
export const REFERENCE_COMMAND = `"${process.execPath}" --import tsx fixtures/reference/main.ts`;

export interface CliRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly ms: number;
  readonly dir: string;
  report(sub?: string): RunReport;
  file(name: string, sub?: string): string;
}

export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'omega-cli-'));
}

export function runCli(
  args: readonly string[],
  opts: { timeoutMs?: number; env?: Record<string, string> } = {},
): Promise<CliRun> {
  const dir = tempDir();
  const started = Date.now();
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [BIN, '--report-dir', dir, ...args], {
      cwd: ROOT,
      env: { ...process.env, ...opts.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => {
      stdout += c.toString();
    });
    child.stderr.on('data', (c: Buffer) => {
      stderr += c.toString();
    });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(
        new Error(
          `omega-conformance ${args.join(' ')} did not finish within ${opts.timeoutMs ?? 150_000} ms\n${stderr}`,
        ),
      );
    }, opts.timeoutMs ?? 150_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      const file = (name: string, sub?: string) => readFileSync(join(dir, sub ?? '', name), 'utf8');
      resolvePromise({
        code,
        stdout,
        stderr,
        ms: Date.now() - started,
        dir,
        file,
        report: (sub?: string) => JSON.parse(file('report.json', sub)) as RunReport,
      });
    });
  });
}

export function verdictOf(report: RunReport, id: string): string | undefined {
  return report.requirements.find((q) => q.id === id)?.verdict;
}
