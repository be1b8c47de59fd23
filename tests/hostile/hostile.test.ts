// Hostile servers (tests/hostile/server.ts, loopback only): whatever a server does, the real CLI ends
// with exit 1 or 2 and a report.json naming the cause, within the bound each test states (never
// the run's own deadline, which would be a stall).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RunReport } from '../../harness/run/report-model.ts';
import { runCli, tempDir } from '../cli-helpers.ts';
import type { HostileMode } from './server.ts';

const SERVER = `"${process.execPath}" --import tsx tests/hostile/server.ts`;
/** A short reply bound, so waits end fast. */
const TIMEOUT_MS = 500;
/** Every run must end well within this; a run that needs the deadline below has stalled. */
const BOUND_MS = 90_000;
/** Far above BOUND_MS: reaching it would mean a stall, and the test's own bound fails first. */
const DEADLINE_MS = 600_000;

/** What a vendor reads in the report: its problems and every failed or unverified check's message. */
/** The ids of frames the run could match to no request, read from the checks' causes (data, not text). */
function strayIds(report: RunReport): string[] {
  return report.requirements.flatMap((q) =>
    q.checks.flatMap((c) => {
      const cause = c.cause;
      if (cause === undefined) return [];
      const a = cause.kind === 'wrong-reply' ? cause.anomaly : cause;
      return 'id' in a && typeof a.id === 'string' ? [a.id] : [];
    }),
  );
}

function causes(report: RunReport): string {
  const checks = report.requirements.flatMap((q) =>
    q.checks.filter((c) => c.outcome !== 'pass').map((c) => `${q.id}: ${c.message}`),
  );
  return [...report.problems, ...checks].join('\n');
}

async function hostileRun(
  mode: HostileMode,
  opts: { suite?: string; env?: Record<string, string>; args?: readonly string[] } = {},
) {
  const pidFile = join(tempDir(), 'pid');
  const r = await runCli(
    [
      '--command',
      SERVER,
      '--dialect',
      'seed',
      '--clock',
      'none',
      '--timeout-ms',
      String(TIMEOUT_MS),
      '--deadline-ms',
      String(DEADLINE_MS),
      '--suite',
      opts.suite ?? 'get-user',
      '--quiet',
      ...(opts.args ?? []),
    ],
    { timeoutMs: BOUND_MS, env: { HOSTILE_MODE: mode, HOSTILE_PID_FILE: pidFile, ...opts.env } },
  );
  expect([1, 2], `exit code; stderr:\n${r.stderr}`).toContain(r.code);
  expect(existsSync(join(r.dir, 'report.json')), `no report.json; stderr:\n${r.stderr}`).toBe(true);
  const report = r.report();
  expect(report.exitCode).toBe(r.code);
  expect(report.stopped, 'the run needed its deadline: a stall').toBeUndefined();
  expect(serverAlive(pidFile), 'the hostile server outlived the run').toBe(false);
  return { r, report, causes: causes(report) };
}

/** Whether the hostile server still runs (a zombie waiting to be reaped has ended: it counts as gone). */
function serverAlive(pidFile: string): boolean {
  if (!existsSync(pidFile)) return false;
  const pid = Number(readFileSync(pidFile, 'utf8'));
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

describe('hostile servers: every run ends with exit 1 or 2 and a report naming the cause', () => {
  it('every reply with a wrong id: the id no request carried is named', async () => {
    const { report, causes } = await hostileRun('wrong-id');
    expect(report.outcome).toBe('failed');
    expect(causes).toMatch(/sent a frame with id "hostile-\d+-\d+", which no request carried/);
    expect(strayIds(report).some((id) => /^hostile-\d+-\d+$/.test(id))).toBe(true);
  });

  it('every 7th reply with a wrong id', async () => {
    const { report, causes } = await hostileRun('wrong-id-nth', { env: { HOSTILE_N: '7' } });
    expect(report.outcome).toBe('failed');
    expect(causes).toMatch(/sent a frame with id "hostile-\d+-7", which no request carried/);
    expect(strayIds(report).some((id) => /^hostile-\d+-7$/.test(id))).toBe(true);
  });

  it('every 7th reply with a wrong id, through the model and the property suites (fast-check schedulers)', async () => {
    const { report, causes } = await hostileRun('wrong-id-nth', {
      suite: 'model',
      args: ['--suite', 'properties'],
      env: { HOSTILE_N: '7' },
    });
    expect(report.outcome).toBe('failed');
    expect(causes).toMatch(/sent a frame with id "hostile-\d+-7", which no request carried/);
  });

  it('every reply twice: the doubled reply is named', async () => {
    const { report, causes } = await hostileRun('duplicate');
    expect(report.outcome).toBe('failed');
    expect(causes).toMatch(/a second reply to id/);
  });

  it('every reply delayed past the reply bound', async () => {
    const { report, causes } = await hostileRun('delay', {
      env: { HOSTILE_DELAY_MS: String(TIMEOUT_MS * 4) },
    });
    expect(report.outcome).toBe('failed');
    expect(causes).toMatch(new RegExp(`no reply to \\S+ \\(id [^)]+\\) within ${TIMEOUT_MS} ms`));
  });

  it('a 50 MiB frame: the connection is closed, and that is the cause', async () => {
    // Sending 50 MiB takes the server a while: a longer reply bound, so the close is what ends the wait.
    const { report, causes } = await hostileRun('huge-frame', { args: ['--timeout-ms', '3000'] });
    expect(report.outcome).toBe('failed');
    expect(causes).toMatch(/connection closed \(code 1006, "Max payload size exceeded"\)/);
  });

  it('garbage text instead of replies', async () => {
    const { report, causes } = await hostileRun('garbage');
    expect(report.outcome).toBe('failed');
    expect(causes).toMatch(/the target sent a frame that is not a JSON object with a string type: garbage/);
  });

  it('no pongs: barriers and health probes end at the reply bound', async () => {
    const { report, causes } = await hostileRun('no-pongs');
    expect(report.outcome).toBe('failed');
    expect(causes).toMatch(/did not answer the barrier ping: .*no reply to ping/);
  });

  it('a server that stops reading', async () => {
    const { report, causes } = await hostileRun('stop-reading');
    expect(report.outcome).toBe('failed');
    expect(causes).toMatch(new RegExp(`no reply to \\S+ \\(id [^)]+\\) within ${TIMEOUT_MS} ms`));
  });

  it('a server that closes every connection after 3 frames', async () => {
    const { report, causes } = await hostileRun('close-after', { env: { HOSTILE_N: '3' } });
    expect(report.outcome).toBe('failed');
    expect(causes).toMatch(/connection closed \(code 1006\) while waiting for/);
  });

  it('a server that crashes mid-run: the report says the target process exited', async () => {
    const { report, causes } = await hostileRun('crash', { env: { HOSTILE_N: '20' } });
    expect(report.outcome).toBe('failed');
    expect(causes).toMatch(/the target process exited with status 70 during the run/);
  });
});

describe('a server hostile from its first connection', () => {
  it('the run cannot start: exit 2, and a report saying why', async () => {
    const pidFile = join(tempDir(), 'pid');
    const r = await runCli(
      ['--command', SERVER, '--clock', 'none', '--timeout-ms', String(TIMEOUT_MS), '--quiet'],
      {
        timeoutMs: BOUND_MS,
        env: { HOSTILE_MODE: 'wrong-id', HOSTILE_FROM: '1', HOSTILE_PID_FILE: pidFile },
      },
    );
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/cannot authenticate with the target/);
    const report = r.report();
    expect(report.exitCode).toBe(2);
    expect(report.dialect.name).toBe('unknown');
    expect(report.problems.join('\n')).toMatch(
      /the handshake went wrong at identification: .*a frame with id \\?"hostile-1-1\\?", which no request carried/,
    );
    expect(r.file('junit.xml')).toContain('<testsuites');
    expect(serverAlive(pidFile)).toBe(false);
  });
});

describe('the run deadline', () => {
  it('stops a run that outlasts --deadline-ms: reports written, exit 2, the server stopped', async () => {
    const pidFile = join(tempDir(), 'pid');
    const deadlineMs = 4000;
    const r = await runCli(
      [
        '--command',
        SERVER,
        '--dialect',
        'seed',
        '--clock',
        'none',
        '--timeout-ms',
        '2000',
        '--deadline-ms',
        String(deadlineMs),
        '--quiet',
      ],
      // Startup, the deadline, then at most 5 s to write the reports and stop the server.
      {
        timeoutMs: 30_000,
        env: { HOSTILE_MODE: 'delay', HOSTILE_DELAY_MS: '1500', HOSTILE_PID_FILE: pidFile },
      },
    );
    expect(r.code, r.stderr).toBe(2);
    const report = r.report();
    expect(report.stopped?.kind).toBe('deadline');
    expect(report.stopped?.message).toMatch(/run deadline of 4 s passed/);
    expect(report.problems.join('\n')).toMatch(/the run was stopped before its scenarios ended/);
    // Issue 15: a stopped run ends like one that could not start (outcome error, the reason as data,
    // one erroring test case in junit.xml), keeping what it judged before.
    expect(report.outcome).toBe('error');
    expect(report.error?.reason).toEqual({ kind: 'stopped', by: 'deadline', boundMs: deadlineMs });
    expect(r.file('junit.xml')).toMatch(
      /<testcase classname="run" name="run ended early: stopped"[^>]*><error /,
    );
    expect(serverAlive(pidFile)).toBe(false);
  });
});
