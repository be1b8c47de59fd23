// The command line as vendors and CI jobs use it: options, exit codes, reports, expected failures, repeats.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REFERENCE_COMMAND, runCli, tempDir, verdictOf } from './cli-helpers.ts';

/** The embedded reference with a fault in the lookup rule, restricted to its area. */
const FAULTY_UM_GET = [
  '--reference-variant',
  'lookup-username-first',
  '--dialect',
  'seed',
  '--only',
  'UM-GET',
];

describe('omega-conformance: starting', () => {
  it('prints help and version', async () => {
    const help = await runCli(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Exit codes');
    const version = await runCli(['--version']);
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('exits 2 naming a bad option', async () => {
    const r = await runCli(['--frobnicate']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/frobnicate/);
  });

  it('exits 2 on an unknown requirement in --only', async () => {
    const r = await runCli(['--only', 'NOPE-1']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unknown requirement id, area or level: NOPE-1/);
  });

  it('exits 2 within the bound for an unreachable URL, saying why', async () => {
    const r = await runCli(['--url', 'ws://127.0.0.1:1/ws/omikron', '--timeout-ms', '2000']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /cannot authenticate with the target: .*cannot connect to ws:\/\/127\.0\.0\.1:1/,
    );
    expect(r.ms).toBeLessThan(15_000);
  });

  it('exits 2 when the server command dies, with its last output', async () => {
    const r = await runCli(['--command', 'echo "it broke" >&2; exit 3', '--start-timeout-ms', '10000']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/exited with status 3 before listening/);
    expect(r.stderr).toContain('it broke');
  });

  it('lists the requirements', async () => {
    const r = await runCli(['--list']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/UM-GET-003 +MUST +With both user_id and username, user_id is preferred/);
  });

  it('prints the trusted Omikrons and generates identities', async () => {
    const r = await runCli(['identities']);
    const trusted = JSON.parse(r.stdout) as { id: number; public_key: string }[];
    expect(trusted.length).toBeGreaterThanOrEqual(4);
    const file = join(tempDir(), 'me.json');
    const g = await runCli(['identities', '--generate', file, '--id', '7']);
    expect(g.code).toBe(0);
    expect(JSON.parse(g.stdout)[0].id).toBe(7);
    const again = await runCli(['identities', '--generate', file]);
    expect(again.code).toBe(2);
  });
});

describe('omega-conformance: verdicts and exit codes', () => {
  it('passes the embedded reference and writes all three reports', async () => {
    const r = await runCli(['--dialect', 'seed', '--only', 'UM-GET,ENV']);
    expect(r.code).toBe(0);
    const report = r.report();
    expect(report.outcome).toBe('passed');
    expect(verdictOf(report, 'UM-GET-003')).toBe('passed');
    expect(r.file('junit.xml')).toContain('<testsuites');
    expect(r.file('report.html')).toContain('PASSED');
    expect(r.stderr.trim().split('\n').at(-1)).toMatch(/^\d+ passed, 0 failed/);
  });

  it('fails a faulty variant with the right requirement in every format, exit 1', async () => {
    const r = await runCli(FAULTY_UM_GET);
    expect(r.code).toBe(1);
    expect(verdictOf(r.report(), 'UM-GET-003')).toBe('failed');
    expect(r.file('junit.xml')).toMatch(/UM-GET-003[^>]*>\s*<failure/);
    expect(r.file('report.html')).toContain('UM-GET-003');
    expect(r.file('report.html')).toContain('FAILED');
    const failed = r.report().requirements.find((q) => q.id === 'UM-GET-003')!;
    expect(failed.checks.some((c) => c.outcome === 'fail' && c.expected && c.actual && c.transcript)).toBe(
      true,
    );
  });

  it('excuses a listed expected failure, and fails when the entry is stale or expired', async () => {
    const file = join(tempDir(), 'known.json');
    writeFileSync(file, JSON.stringify([{ id: 'UM-GET-003', reason: 'ticket 42' }]));
    const excused = await runCli([...FAULTY_UM_GET, '--expected-failures', file]);
    expect(excused.code).toBe(0);
    expect(verdictOf(excused.report(), 'UM-GET-003')).toBe('expected-failure');

    const stale = await runCli(['--dialect', 'seed', '--only', 'UM-GET', '--expected-failures', file]);
    expect(stale.code).toBe(1);
    expect(stale.stderr).toMatch(/UM-GET-003 now passes/);
    // No requirement failed, yet the run did: JUnit shows it as an erroring run test case.
    expect(stale.file('junit.xml')).toMatch(
      /<testcase classname="run" name="run problems"><error message="expected failure UM-GET-003 now passes/,
    );

    writeFileSync(file, JSON.stringify([{ id: 'UM-GET-003', reason: 'ticket 42', until: '2020-01-01' }]));
    const expired = await runCli([...FAULTY_UM_GET, '--expected-failures', file]);
    expect(expired.code).toBe(1);
    expect(expired.stderr).toMatch(/UM-GET-003 expired on 2020-01-01/);
  });

  it('writes an expected-failures file from a run', async () => {
    const file = join(tempDir(), 'written.json');
    const r = await runCli([...FAULTY_UM_GET, '--write-expected-failures', file]);
    expect(r.code).toBe(1);
    const again = await runCli([...FAULTY_UM_GET, '--expected-failures', file]);
    expect(again.code).toBe(0);
  });

  it('labels repeated agreeing runs stable and disagreeing runs flaky (flaky fails)', async () => {
    const stable = await runCli(['--dialect', 'seed', '--only', 'UM-GET', '--repeat', '2']);
    expect(stable.code).toBe(0);
    expect(stable.report().requirements.find((q) => q.id === 'UM-GET-003')?.stability).toBe('stable');
    const flaky = await runCli([
      '--reference-variant',
      'lookup-username-first-while-cold',
      '--dialect',
      'seed',
      '--only',
      'UM-GET-003',
      '--repeat',
      '2',
    ]);
    expect(flaky.code).toBe(1);
    const q = flaky.report().requirements.find((x) => x.id === 'UM-GET-003')!;
    expect(q.stability).toBe('flaky');
    expect(q.verdict).not.toBe('passed');
    expect(flaky.stderr).toMatch(/flaky/);
  });

  it('reports timeout requirements not verified without clock control: partial, exit 0; 1 with --require-complete', async () => {
    const partial = await runCli(['--dialect', 'seed', '--only', 'UM-TMO', '--clock', 'none']);
    expect(partial.code).toBe(0);
    expect(partial.report().outcome).toBe('partial');
    expect(verdictOf(partial.report(), 'UM-TMO-002')).toBe('not-verified');
    const complete = await runCli([
      '--dialect',
      'seed',
      '--only',
      'UM-TMO',
      '--clock',
      'none',
      '--require-complete',
    ]);
    expect(complete.code).toBe(1);
  });

  it('emits one JSON event per line with --json-lines', async () => {
    const r = await runCli(['--dialect', 'tensamin', '--only', 'SES', '--json-lines']);
    expect(r.code).toBe(0);
    const events = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { event: string });
    expect(events[0]?.event).toBe('start');
    expect(events.some((e) => e.event === 'scenario')).toBe(true);
    expect(events.at(-1)?.event).toBe('end');
  });

  it('prints a replay line for a property counterexample, and the replay reproduces it', async () => {
    const args = [
      '--reference-variant',
      'pair-change-drops-second-field',
      '--dialect',
      'seed',
      '--seed',
      '42',
      '--only',
      'UM-CHG-004',
    ];
    const first = await runCli(args);
    expect(first.code).toBe(1);
    // The model catches this variant too (UM-CHG-002): the change property's line is the UM-CHG-004 one.
    const line = /^replay: npx omega-conformance (.* --only UM-CHG-004)$/m.exec(first.stderr)?.[1];
    expect(line, first.stderr).toBeDefined();
    expect(line).toContain('--reference-variant pair-change-drops-second-field');
    const counterexample = /change #\d+ (\{[^}]*\})/.exec(first.stderr)?.[1];
    const replay = await runCli(line!.split(' '));
    expect(replay.code).toBe(1);
    const again = /change #\d+ (\{[^}]*\})/.exec(replay.stderr)?.[1];
    // The same shrunk case (user ids differ: each run registers its own user).
    expect(again?.replace(/\d{10,}/g, 'ID')).toBe(counterexample?.replace(/\d{10,}/g, 'ID'));
    const check = replay
      .report()
      .requirements.find((q) => q.id === 'UM-CHG-004')!
      .checks.find((c) => c.outcome === 'fail');
    expect(check?.replay).toMatch(/^42:/);
  });

  it('certifies a --command target over TLS, probing its dialect', async () => {
    const r = await runCli([
      '--command',
      `OMEGA_DIALECT=tensamin ${REFERENCE_COMMAND}`,
      '--tls',
      '--only',
      'UM-GET,SES',
    ]);
    expect(r.code).toBe(0);
    const report = r.report();
    expect(report.dialect.name).toBe('tensamin');
    expect(report.dialect.how).toMatch(/probed/);
    expect(report.target.url).toMatch(/^wss:\/\/127\.0\.0\.1:\d+\/ws\/omikron$/);
  });
});
