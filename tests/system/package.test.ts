// The package installs and runs outside this repository, from a packed tarball (README "Installing").
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../cli-helpers.ts';

describe('the packed package', () => {
  it('installs from its tarball and certifies the embedded reference', () => {
    const dir = mkdtempSync(join(tmpdir(), 'omega-pack-'));
    const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
    const tarball = execFileSync(npm, ['pack', '--silent', '--pack-destination', dir], {
      cwd: ROOT,
      encoding: 'utf8',
    })
      .trim()
      .split('\n')
      .at(-1)!;
    const consumer = join(dir, 'consumer');
    execFileSync('mkdir', ['-p', consumer]);
    writeFileSync(
      join(consumer, 'package.json'),
      JSON.stringify({ name: 'consumer', version: '1.0.0', private: true }),
    );
    execFileSync(npm, ['install', '--no-audit', '--no-fund', join(dir, tarball)], {
      cwd: consumer,
      stdio: 'pipe',
    });
    const run = spawnSync(
      join(consumer, 'node_modules/.bin/omega-conformance'),
      ['--dialect', 'seed', '--only', 'UM-GET,SES', '--quiet'],
      {
        cwd: consumer,
        encoding: 'utf8',
        timeout: 120_000,
      },
    );
    expect(run.status, run.stderr).toBe(0);
    const report = JSON.parse(readFileSync(join(consumer, 'reports/out/report.json'), 'utf8')) as {
      outcome: string;
    };
    expect(report.outcome).toBe('passed');
  });
});
