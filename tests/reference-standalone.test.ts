// The reference Omega as its own process under the launch contract, plain and TLS, both dialects.
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { OmikronSession } from '../harness/client/session.ts';
import { fixtureIdentities, trustedOmikronsJson } from '../harness/identity/identities.ts';
import { launchCommand } from '../harness/launchers/command.ts';
import { DIALECTS } from '../harness/protocol/dialect.ts';

const identities = fixtureIdentities();
const REFERENCE = `"${process.execPath}" --import tsx fixtures/reference/main.ts`;

describe.each(DIALECTS)('the standalone reference (%s)', (dialect) => {
  it.each([false, true])('serves the handshake and an operation, TLS %s', async (tls) => {
    const target = await launchCommand({
      command: REFERENCE,
      identities,
      path: '/ws/omikron',
      startTimeoutMs: 20_000,
      dialect,
      tls,
      clock: 'none',
    });
    try {
      expect(target.url.startsWith(tls ? 'wss://' : 'ws://')).toBe(true);
      const s = await OmikronSession.connect(
        {
          url: target.url,
          dialect,
          connection: { timeoutMs: 3000, ...(target.tls ? { tls: target.tls } : {}) },
        },
        identities[0]!,
        'o',
      );
      const reply = await s.call('getRegister', {});
      expect(reply.type).toBe('get_register');
      await s.close();
    } finally {
      await target.stop();
    }
  });
});

describe('the launch contract', () => {
  const run = (env: Record<string, string>) =>
    spawnSync(process.execPath, ['--import', 'tsx', 'fixtures/reference/main.ts'], {
      env: { ...process.env, ...env },
      encoding: 'utf8',
      timeout: 20_000,
    });

  it.each([
    [{ OMEGA_PORT: '0' }, /OMEGA_TRUSTED_OMIKRONS is not set/],
    [{ OMEGA_PORT: 'x', OMEGA_TRUSTED_OMIKRONS: '[]' }, /OMEGA_PORT "x" is not a port number/],
    [{ OMEGA_PORT: '0', OMEGA_TRUSTED_OMIKRONS: '{' }, /OMEGA_TRUSTED_OMIKRONS is not JSON/],
    [
      { OMEGA_PORT: '0', OMEGA_TRUSTED_OMIKRONS: '[{"id":1,"public_key":"abc"}]' },
      /not base64 of a raw 56-byte X448 key/,
    ],
    [
      { OMEGA_PORT: '0', OMEGA_TRUSTED_OMIKRONS: trustedOmikronsJson(identities), OMEGA_DIALECT: 'klingon' },
      /OMEGA_DIALECT "klingon"/,
    ],
    [
      {
        OMEGA_PORT: '0',
        OMEGA_TRUSTED_OMIKRONS: trustedOmikronsJson(identities),
        OMEGA_REFERENCE_VARIANT: 'nope',
      },
      /unknown reference variant "nope"/,
    ],
  ])('exits non-zero with a one-line reason for bad configuration %#', (env, reason) => {
    const r = run(env as Record<string, string>);
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(reason);
  });
});
