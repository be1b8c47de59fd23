// --image targets: the reference Omega built as a container image with no registry
// (fixtures/image/build-reference-image.sh), certified through the CLI as a vendor would certify
// theirs: conformant, conformant under libfaketime, and a faulty variant caught in every report.
// Needs a Docker engine (bash .ci/docker-engine.sh start) and libfaketime; fails loudly without.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, runCli, verdictOf } from '../cli-helpers.ts';
import { requireLibfaketime } from './require-tool.ts';

const IMAGE = 'omega-reference:local';
const BUILD = join(ROOT, 'fixtures/image/build-reference-image.sh');
const CLI_TIMEOUT_MS = 240_000;

/** A Docker engine must answer; the test fails naming what is missing otherwise (never skips). */
function requireDockerEngine(): void {
  const where = process.env.DOCKER_HOST ?? '/var/run/docker.sock';
  const r = spawnSync('docker', ['info', '--format', '{{.ServerVersion}}'], {
    encoding: 'utf8',
    timeout: 20_000,
  });
  if (r.error && (r.error as NodeJS.ErrnoException).code === 'ENOENT') {
    throw new Error('the docker client is missing: apt-get install -y docker.io (.ci/run installs it)');
  }
  if (r.status !== 0) {
    throw new Error(
      `no Docker engine answers at ${where}: start one with 'bash .ci/docker-engine.sh start' (installs docker.io, starts dockerd; .ci/run does it). docker info said: ${(r.stderr || r.stdout).trim().split('\n')[0]}`,
    );
  }
}

function containersLeft(): string[] {
  const r = spawnSync('docker', ['ps', '-a', '-q', '--filter', 'label=omega-conformance=1'], {
    encoding: 'utf8',
  });
  return r.stdout.split('\n').filter(Boolean);
}

function note(text: string): void {
  process.stderr.write(`[image.test] ${text}\n`);
}

/** Build the image once per file; every test asks for it, so each fails by itself without an engine. */
let built: { ok: true } | { ok: false; error: Error } | undefined;
function requireImage(): void {
  if (!built) {
    try {
      requireDockerEngine();
      const t0 = Date.now();
      const r = spawnSync('bash', [BUILD, IMAGE], { cwd: ROOT, encoding: 'utf8', timeout: 120_000 });
      if (r.status !== 0)
        throw new Error(`building ${IMAGE} failed (status ${r.status}):\n${r.stderr}${r.stdout}`);
      note(`built ${IMAGE} in ${Date.now() - t0} ms`);
      built = { ok: true };
    } catch (e) {
      built = { ok: false, error: e as Error };
    }
  }
  if (!built.ok) throw built.error;
}

describe('--image: the reference Omega as a container image', () => {
  it('certifies the reference image: conformant, the timeout not verified without a clock', async () => {
    requireImage();
    const r = await runCli(['--image', IMAGE, '--dialect', 'seed', '--quiet'], { timeoutMs: CLI_TIMEOUT_MS });
    note(`reference image certified in ${r.ms} ms`);
    expect(r.code, r.stderr).toBe(0);
    const report = r.report();
    // Without --clock faketime the suite cannot move the container's clock: partial, never passed.
    expect(report.outcome).toBe('partial');
    expect(report.counts.failed).toBe(0);
    expect(report.target.kind).toBe('image');
    expect(report.target.url).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/ws\/omikron$/);
    expect(verdictOf(report, 'UM-TMO-001')).toBe('not-verified');
    expect(report.target.clock).toMatch(/--clock faketime/);
    expect(containersLeft()).toEqual([]);
  });

  it('certifies the reference image under libfaketime: passed, the timeout requirements included', async () => {
    requireImage();
    requireLibfaketime();
    const r = await runCli(['--image', IMAGE, '--dialect', 'seed', '--clock', 'faketime', '--quiet'], {
      timeoutMs: CLI_TIMEOUT_MS,
    });
    note(`reference image certified under libfaketime in ${r.ms} ms`);
    expect(r.code, r.stderr).toBe(0);
    const report = r.report();
    expect(report.outcome).toBe('passed');
    expect(report.target.clock).toBe('faketime');
    for (const id of ['UM-TMO-001', 'UM-TMO-002']) expect(verdictOf(report, id), id).toBe('passed');
    expect(containersLeft()).toEqual([]);
  });

  it('fails the faulty variant lookup-username-first on UM-GET-003 in every report, with the container logs', async () => {
    requireImage();
    const r = await runCli(
      [
        '--image',
        IMAGE,
        '--dialect',
        'seed',
        '--image-env',
        'OMEGA_REFERENCE_VARIANT=lookup-username-first',
        '--quiet',
      ],
      { timeoutMs: CLI_TIMEOUT_MS },
    );
    note(`faulty image certified in ${r.ms} ms`);
    expect(r.code, r.stderr).toBe(1);
    const report = r.report();
    expect(report.outcome).toBe('failed');
    expect(verdictOf(report, 'UM-GET-003')).toBe('failed');
    expect(report.target.logs).toContain('faulty variant lookup-username-first');
    expect(r.file('junit.xml')).toMatch(/name="UM-GET-003[^"]*"[^>]*>\s*<failure/);
    const html = r.file('report.html');
    expect(html).toContain('<span class="outcome">FAILED</span>');
    expect(html).toMatch(/id="row-UM-GET-003"[^>]*data-verdict="failed"/);
    expect(containersLeft()).toEqual([]);
  });

  it('exits 2 naming what is wrong: an image that is not there, a malformed --image-env, a container that dies', async () => {
    requireImage();
    const missing = await runCli(['--image', 'omega-no-such-image:local', '--dialect', 'seed']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/image omega-no-such-image:local is not in the local images/);

    const malformed = await runCli(['--image', IMAGE, '--image-env', 'NO_EQUALS_SIGN']);
    expect(malformed.code).toBe(2);
    expect(malformed.stderr).toMatch(/--image-env takes KEY=VALUE .*"NO_EQUALS_SIGN"/);

    const dies = await runCli(['--image', IMAGE, '--image-env', 'OMEGA_REFERENCE_VARIANT=no-such-variant']);
    expect(dies.code).toBe(2);
    expect(dies.stderr).toMatch(/exited with status 2 before answering on port 9187/);
    expect(dies.stderr).toContain('unknown reference variant "no-such-variant"');
    expect(containersLeft()).toEqual([]);
  });
});
