// The one-hour timeout against a server the suite did not write: the reference as a separate
// process under libfaketime (CLOCKS.md), conformant and with no timeout at all.
import { describe, expect, it } from 'vitest';
import { REFERENCE_COMMAND, runCli, verdictOf } from '../cli-helpers.ts';
import { requireLibfaketime } from './require-tool.ts';

describe('--clock faketime on a --command target', () => {
  it('certifies the reference in full, the timeout requirements included', async () => {
    requireLibfaketime();
    const r = await runCli(['--command', REFERENCE_COMMAND, '--clock', 'faketime', '--dialect', 'seed'], {
      timeoutMs: 240_000,
    });
    expect(r.code, r.stderr).toBe(0);
    const report = r.report();
    expect(report.outcome).toBe('passed');
    for (const id of ['UM-TMO-001', 'UM-TMO-002', 'UM-TMO-003']) expect(verdictOf(report, id)).toBe('passed');
    expect(report.target.clock).toBe('faketime');
  });

  it('fails a server without a timeout on UM-TMO-002', async () => {
    requireLibfaketime();
    const r = await runCli([
      '--command',
      `OMEGA_REFERENCE_VARIANT=no-timeout ${REFERENCE_COMMAND}`,
      '--clock',
      'faketime',
      '--dialect',
      'tensamin',
      '--only',
      'UM-TMO',
    ]);
    expect(r.code).toBe(1);
    expect(verdictOf(r.report(), 'UM-TMO-002')).toBe('failed');
    expect(r.file('junit.xml')).toMatch(/UM-TMO-002[^>]*>\s*<failure/);
    expect(r.report().target.logs).toContain('omega reference listening');
  });

  it('certifies a server that measures the hour on its monotonic clock (libfaketime moves it too)', async () => {
    requireLibfaketime();
    const r = await runCli([
      '--command',
      `OMEGA_REFERENCE_VARIANT=timeout-on-monotonic-clock ${REFERENCE_COMMAND}`,
      '--clock',
      'faketime',
      '--dialect',
      'seed',
      '--only',
      'UM-TMO',
    ]);
    expect(r.code, r.stderr).toBe(0);
    for (const id of ['UM-TMO-001', 'UM-TMO-002', 'UM-TMO-003'])
      expect(verdictOf(r.report(), id)).toBe('passed');
  });

  it('certifies the reference in full over TLS', async () => {
    const r = await runCli(
      ['--command', REFERENCE_COMMAND, '--tls', '--dialect', 'tensamin', '--clock', 'faketime'],
      { timeoutMs: 240_000 },
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.report().target.url.startsWith('wss://')).toBe(true);
  });
});
