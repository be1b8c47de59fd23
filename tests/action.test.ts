// The GitHub Action's shell steps (harness/action/*.sh), run as the runner runs them: INPUT_*
// variables in, outputs in a $GITHUB_OUTPUT file, the suite's exit code out. Loopback only.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, tempDir } from './cli-helpers.ts';

const RUN = join(ROOT, 'harness/action/run.sh');
const INSTALL = join(ROOT, 'harness/action/install.sh');

interface StepRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly outputs: Record<string, string>;
  readonly summary: string;
  readonly dir: string;
}

function runStep(script: string, env: Record<string, string>, timeoutMs = 120_000): Promise<StepRun> {
  const dir = tempDir();
  const output = join(dir, 'github_output');
  const summary = join(dir, 'step_summary');
  writeFileSync(output, '');
  return new Promise((resolve, reject) => {
    const child = spawn('bash', [script], {
      cwd: dir,
      env: { ...process.env, GITHUB_OUTPUT: output, GITHUB_STEP_SUMMARY: summary, ...env },
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
      reject(new Error(`${script} did not finish within ${timeoutMs} ms\n${stderr}`));
    }, timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      const outputs = Object.fromEntries(
        readFileSync(output, 'utf8')
          .split('\n')
          .filter((l) => l.includes('='))
          .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
      );
      resolve({
        code,
        stdout,
        stderr,
        outputs,
        summary: existsSync(summary) ? readFileSync(summary, 'utf8') : '',
        dir,
      });
    });
  });
}

/** A stand-in for the suite: records its arguments, writes a report.json with OUTCOME, exits with CODE. */
function stubCli(dir: string): string {
  const file = join(dir, 'stub.mjs');
  writeFileSync(
    file,
    `import { mkdirSync, writeFileSync } from 'node:fs';
const args = process.argv.slice(2);
writeFileSync(${JSON.stringify(join(dir, 'args.json'))}, JSON.stringify(args));
const out = args[args.indexOf('--report-dir') + 1];
mkdirSync(out, { recursive: true });
writeFileSync(out + '/report.json', JSON.stringify({ outcome: process.env.STUB_OUTCOME }));
process.exit(Number(process.env.STUB_CODE));
`,
  );
  return `${process.execPath} ${file}`;
}

describe('harness/action/run.sh', () => {
  it('passes every input through as options and sets the outputs from report.json', async () => {
    const dir = tempDir();
    const r = await runStep(RUN, {
      OMEGA_CONFORMANCE_CLI: stubCli(dir),
      STUB_OUTCOME: 'failed',
      STUB_CODE: '1',
      INPUT_IMAGE: 'my-omega:1.2',
      INPUT_DIALECT: 'seed',
      INPUT_LEVEL: 'should',
      INPUT_BASELINE: 'last/report.json',
      INPUT_REPORT_DIR: join(dir, 'out'),
      INPUT_ARGS: `--require-complete --image-env 'GREETING=hello world'`,
    });
    expect(r.code).toBe(1);
    const args = JSON.parse(readFileSync(join(dir, 'args.json'), 'utf8'));
    expect(args).toEqual([
      '--image',
      'my-omega:1.2',
      '--dialect',
      'seed',
      '--level',
      'should',
      // No clock input: an image target gets libfaketime.
      '--clock',
      'faketime',
      '--baseline',
      'last/report.json',
      '--report-dir',
      join(dir, 'out'),
      '--require-complete',
      '--image-env',
      'GREETING=hello world',
    ]);
    expect(r.outputs).toEqual({
      verdict: 'failed',
      'exit-code': '1',
      'report-dir': join(dir, 'out'),
      'report-json': join(dir, 'out', 'report.json'),
      junit: join(dir, 'out', 'junit.xml'),
      html: join(dir, 'out', 'report.html'),
    });
    expect(r.summary).toMatch(/Omega conformance: FAILED \(exit code 1\)/);
  });

  it('a URL target gets no clock unless one is given; dialect auto is left to the probe', async () => {
    const dir = tempDir();
    const r = await runStep(RUN, {
      OMEGA_CONFORMANCE_CLI: stubCli(dir),
      STUB_OUTCOME: 'passed',
      STUB_CODE: '0',
      INPUT_URL: 'ws://127.0.0.1:9/ws/omikron',
      INPUT_DIALECT: 'auto',
      INPUT_REPORT_DIR: join(dir, 'out'),
    });
    expect(r.code).toBe(0);
    expect(JSON.parse(readFileSync(join(dir, 'args.json'), 'utf8'))).toEqual([
      '--url',
      'ws://127.0.0.1:9/ws/omikron',
      '--report-dir',
      join(dir, 'out'),
    ]);
    expect(r.outputs.verdict).toBe('passed');
  });

  it('no report at all is verdict error, whatever the exit code', async () => {
    const dir = tempDir();
    const stub = join(dir, 'silent.mjs');
    writeFileSync(stub, 'process.exit(0);\n');
    const r = await runStep(RUN, {
      OMEGA_CONFORMANCE_CLI: `${process.execPath} ${stub}`,
      INPUT_REPORT_DIR: join(dir, 'out'),
    });
    expect(r.outputs.verdict).toBe('error');
  });

  it('certifies the embedded reference for real: exit 0, verdict passed, the three reports', async () => {
    const dir = tempDir();
    const r = await runStep(RUN, {
      INPUT_DIALECT: 'seed',
      INPUT_ARGS: '--only UM-GET',
      INPUT_REPORT_DIR: join(dir, 'out'),
    });
    expect(r.code, r.stderr).toBe(0);
    expect(r.outputs.verdict).toBe('passed');
    expect(r.outputs['exit-code']).toBe('0');
    for (const k of ['report-json', 'junit', 'html']) expect(existsSync(r.outputs[k]!), k).toBe(true);
  });

  it('an unreachable URL: exit 2, verdict error, and the reports exist', async () => {
    const s = createServer();
    await new Promise<void>((res) => s.listen(0, '127.0.0.1', res));
    const port = (s.address() as { port: number }).port;
    await new Promise<void>((res) => s.close(() => res()));
    const dir = tempDir();
    const r = await runStep(RUN, {
      INPUT_URL: `ws://127.0.0.1:${port}/ws/omikron`,
      INPUT_ARGS: '--timeout-ms 2000',
      INPUT_REPORT_DIR: join(dir, 'out'),
    });
    expect(r.code).toBe(2);
    expect(r.outputs.verdict).toBe('error');
    expect(readFileSync(r.outputs.junit!, 'utf8')).toContain('run ended early: refused');
  });
});

describe('harness/action/install.sh', () => {
  it('does nothing when the suite is installed and no clock is needed', async () => {
    const r = await runStep(INSTALL, { INPUT_URL: 'ws://127.0.0.1:9/', INPUT_CLOCK: 'none' });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe('');
  });
});

describe('action.yml', () => {
  const yml = readFileSync(join(ROOT, 'action.yml'), 'utf8');
  /** The keys of a top-level mapping of action.yml (two-space indented children). */
  const keysOf = (section: string): string[] => {
    const body = yml.split(new RegExp(`^${section}:\\n`, 'm'))[1]!.split(/^\S/m)[0]!;
    return [...body.matchAll(/^ {2}([\w-]+):/gm)].map((m) => m[1]!);
  };

  it('is a composite action whose steps run the tested scripts', () => {
    expect(yml).toMatch(/^ {2}using: composite$/m);
    expect(yml).toContain('bash "$GITHUB_ACTION_PATH/harness/action/install.sh"');
    expect(yml).toContain('bash "$GITHUB_ACTION_PATH/harness/action/run.sh"');
  });

  it('has the inputs and outputs the issue names, each wired to the script', () => {
    const inputs = keysOf('inputs');
    for (const i of ['image', 'command', 'url', 'dialect', 'level', 'clock', 'baseline', 'report-dir'])
      expect(inputs).toContain(i);
    const script = readFileSync(RUN, 'utf8');
    for (const i of inputs.filter((x) => x !== 'setup-node')) {
      const v = `INPUT_${i.toUpperCase().replace(/-/g, '_')}`;
      expect(yml, i).toContain(`${v}: \${{ inputs.${i} }}`);
      expect(script, v).toContain(v);
    }
    const outputs = keysOf('outputs');
    expect(outputs).toEqual(['verdict', 'exit-code', 'report-dir', 'report-json', 'junit', 'html']);
    for (const o of outputs) {
      expect(yml).toContain(`value: \${{ steps.certify.outputs.${o} }}`);
      expect(script).toContain(`echo "${o}=`);
    }
  });
});
