// A run that cannot start or is stopped still leaves report.json, junit.xml and report.html (exit 2),
// so a CI dashboard shows the reason instead of "no test results". Loopback targets only.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import type { RunReport } from '../harness/run/report-model.ts';
import { BIN, ROOT, runCli, tempDir } from './cli-helpers.ts';

/** The JUnit a CI dashboard reads: exactly one erroring testcase, naming the reason. */
function expectErrorJunit(xml: string, kind: string): void {
  expect(xml).toMatch(/<testsuites [^>]*tests="1" failures="0" errors="1"/);
  expect(xml.match(/<testcase /g)).toHaveLength(1);
  expect(xml).toContain(`<testcase classname="run" name="run ended early: ${kind}"`);
  expect(xml).toContain(`<error type="${kind}"`);
}

function expectErrorReport(report: RunReport, kind: string): NonNullable<RunReport['error']> {
  expect(report.outcome).toBe('error');
  expect(report.exitCode).toBe(2);
  expect(report.error?.reason.kind).toBe(kind);
  expect(report.problems[0]).toBe(
    `${report.error!.message}${report.error!.hint ? `; ${report.error!.hint}` : ''}`,
  );
  return report.error!;
}

async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

const servers: WebSocketServer[] = [];
afterAll(async () => {
  for (const wss of servers) {
    for (const c of wss.clients) c.terminate();
    await new Promise<void>((r) => wss.close(() => r()));
  }
});

describe('reports when the run cannot start', () => {
  it('an unreachable target: refused, in plain words next to the raw error', async () => {
    const port = await closedPort();
    const r = await runCli(['--url', `ws://127.0.0.1:${port}/ws/omikron`, '--timeout-ms', '2000']);
    expect(r.code).toBe(2);
    const e = expectErrorReport(r.report(), 'refused');
    expect(e.reached).toBe('target-ready');
    expect(e.raw).toMatch(/ECONNREFUSED/);
    expectErrorJunit(r.file('junit.xml'), 'refused');
    expect(r.file('report.html')).toContain('Why the run could not complete');
    expect(r.stderr).toMatch(/error: nothing accepts connections at 127\.0\.0\.1:\d+ \(connection refused\)/);
    expect(r.stderr).toMatch(/raw: .*ECONNREFUSED/);
  });

  it('a refused handshake: the reply, and the WebSocket was reached', async () => {
    const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    servers.push(wss);
    await new Promise<void>((r) => wss.once('listening', () => r()));
    wss.on('connection', (ws) =>
      ws.on('message', (d) => {
        const f = JSON.parse(String(d)) as { id?: string };
        ws.send(JSON.stringify({ type: 'error_not_authorized', id: f.id, data: {} }));
      }),
    );
    const port = (wss.address() as { port: number }).port;
    const r = await runCli(['--url', `ws://127.0.0.1:${port}/ws/omikron`, '--timeout-ms', '2000']);
    expect(r.code).toBe(2);
    const e = expectErrorReport(r.report(), 'handshake-refused');
    expect(e.reached).toBe('websocket-open');
    expect(e.reason).toMatchObject({ step: 'identification' });
    expectErrorJunit(r.file('junit.xml'), 'handshake-refused');
  });

  it('a bad option: the reports go to the --report-dir given', async () => {
    const r = await runCli(['--frobnicate']);
    expect(r.code).toBe(2);
    expectErrorReport(r.report(), 'bad-option');
    expectErrorJunit(r.file('junit.xml'), 'bad-option');
  });
});

describe('reports when the run is stopped', () => {
  it('SIGTERM mid-run (a CI job cancelled): exit 2, reports with the scenarios that ended', async () => {
    const dir = tempDir();
    const child = spawn(
      process.execPath,
      [BIN, '--report-dir', dir, '--dialect', 'seed', '--json-lines', '--timeout-ms', '3000'],
      { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => {
      stderr += c.toString();
    });
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    // Stop once a scenario has ended: the run is under way.
    await new Promise<void>((resolve, reject) => {
      let out = '';
      const bound = setTimeout(() => reject(new Error(`no scenario ended within 90 s\n${stderr}`)), 90_000);
      child.stdout.on('data', (c: Buffer) => {
        out += c.toString();
        if (/"event":"scenario"/.test(out)) {
          clearTimeout(bound);
          resolve();
        }
      });
      child.on('exit', () => reject(new Error(`the run ended before it was stopped\n${stderr}`)));
    });
    const stoppedAt = Date.now();
    child.kill('SIGTERM');
    const code = await exited;
    expect(Date.now() - stoppedAt).toBeLessThan(10_000);
    expect(code, stderr).toBe(2);
    const report = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')) as RunReport;
    const e = expectErrorReport(report, 'stopped');
    expect(e.reason).toEqual({ kind: 'stopped', by: 'signal', signal: 'SIGTERM' });
    expect(e.reached).toBe('scenarios');
    expect(report.dialect.name).toBe('seed');
    expect(report.scenarios.length).toBeGreaterThan(0);
    expectErrorJunit(readFileSync(join(dir, 'junit.xml'), 'utf8'), 'stopped');
    expect(existsSync(join(dir, 'report.html'))).toBe(true);
  });
});
