// report.html in a real browser (headless Chromium): it loads with no error, its script runs
// under its own Content-Security-Policy, and it shows the verdict and the failing requirement.
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../cli-helpers.ts';
import { requireChromium } from './require-tool.ts';

function chromium(args: string[]): { dom: string; log: string } {
  const r = spawnSync(
    requireChromium(),
    [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--enable-logging=stderr',
      '--v=0',
      `--user-data-dir=${mkdtempSync(join(tmpdir(), 'omega-chromium-'))}`,
      ...args,
    ],
    { encoding: 'utf8', timeout: 60_000 },
  );
  if (r.error) throw new Error(`Chromium did not run: ${r.error.message}`);
  return { dom: r.stdout, log: r.stderr };
}

describe('report.html in headless Chromium', () => {
  it('renders a failing run: verdict banner, the failed requirement, filters live, no console error', async () => {
    const run = await runCli([
      '--reference-variant',
      'lookup-username-first',
      '--dialect',
      'seed',
      '--only',
      'UM-GET',
    ]);
    expect(run.code).toBe(1);
    const page = `file://${join(run.dir, 'report.html')}`;
    const { dom, log } = chromium(['--dump-dom', page]);
    expect(dom).toContain('FAILED');
    expect(dom).toContain('UM-GET-003');
    // The inline script ran (the CSP let it) when the filter counter was filled in.
    expect(dom).toMatch(/id="shown"[^>]*>[^<]*\bshown\b/);
    expect(log).not.toMatch(/Uncaught|Refused to (load|execute|apply)|Content Security Policy/);
    const shot = join(run.dir, 'report.png');
    chromium(['--screenshot=' + shot, '--window-size=1280,1600', page]);
  });

  it('renders a passing run', async () => {
    const run = await runCli(['--dialect', 'tensamin', '--only', 'SES']);
    expect(run.code).toBe(0);
    const { dom, log } = chromium(['--dump-dom', `file://${join(run.dir, 'report.html')}`]);
    expect(dom).toContain('PASSED');
    expect(log).not.toMatch(/Uncaught|Refused to (load|execute|apply)/);
  });
});
