// (7) Regression checks: a 500-sequence differential run (the reference against itself, both in this
// process, clocks controllable) and a baseline comparison (two report.json files of the reference's
// default certification read, compared and rendered as text and HTML, the work `compare` does).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { compareRuns } from '../harness/baseline/compare.ts';
import { comparePage } from '../harness/baseline/html.ts';
import { parseReport } from '../harness/baseline/load.ts';
import { renderBaselineText } from '../harness/baseline/text.ts';
import { DEFAULT_MAX_COMMANDS, runDifferential } from '../harness/differential/run.ts';
import { fixtureIdentities } from '../harness/identity/identities.ts';
import { launchEmbedded } from '../harness/launchers/embedded.ts';
import { escapeHtml } from '../reports/html.ts';
import { BIN, median, tempDir, timedChild } from './measure.ts';
import { type Row, secs } from './table.ts';

export interface RegressionBench {
  readonly differential: {
    sequences: number;
    maxCommands: number;
    steps: number;
    ms: number;
    diverged: number;
  };
  readonly comparison: { requirements: number; medianMs: number; rounds: number; certifyMs: number };
}

async function differential(sequences: number): Promise<RegressionBench['differential']> {
  const ids = fixtureIdentities();
  const [a, b] = await Promise.all([launchEmbedded('seed', ids), launchEmbedded('seed', ids)]);
  try {
    const t0 = performance.now();
    const r = await runDifferential({
      targets: [a, b],
      dialect: 'seed',
      identities: ids,
      timeoutMs: 5000,
      seed: 42,
      sequences,
      maxCommands: DEFAULT_MAX_COMMANDS,
    });
    return {
      sequences: r.sequences,
      maxCommands: r.maxCommands,
      steps: r.steps,
      ms: performance.now() - t0,
      diverged: r.diverged.length,
    };
  } finally {
    await Promise.all([a.stop(), b.stop()]);
  }
}

async function comparison(rounds: number): Promise<RegressionBench['comparison']> {
  const dirs = [tempDir(), tempDir()];
  const t0 = performance.now();
  for (const dir of dirs) {
    const r = await timedChild(process.execPath, [BIN, '--dialect', 'seed', '--quiet', '--report-dir', dir], {
      boundMs: 300_000,
    });
    if (r.code !== 0)
      throw new Error(`the reference's certification exited ${r.code}: ${r.stderr.slice(-500)}`);
  }
  const certifyMs = (performance.now() - t0) / 2;
  const [before, after] = dirs.map((d) => readFileSync(join(d!, 'report.json'), 'utf8'));
  const times: number[] = [];
  let requirements = 0;
  for (let i = 0; i < rounds; i++) {
    const t = performance.now();
    const old = parseReport(before!, 'old');
    const now = parseReport(after!, 'new');
    const block = compareRuns(old.run, now.run, { level: 'must', strict: false, file: 'old' });
    renderBaselineText(block);
    comparePage(block, now.run, false, escapeHtml);
    times.push(performance.now() - t);
    requirements = block.shared;
  }
  return { requirements, medianMs: median(times), rounds, certifyMs };
}

export async function regressionBench(sequences = 500): Promise<{ result: RegressionBench; rows: Row[] }> {
  const d = await differential(sequences);
  const c = await comparison(50);
  return {
    result: { differential: d, comparison: c },
    rows: [
      [
        `(7) differential run, ${d.sequences} sequences`,
        secs(d.ms),
        '',
        `reference vs reference in-process, up to ${d.maxCommands} commands, ${d.steps} steps, ${d.diverged} diverged`,
      ],
      [
        '    baseline comparison',
        `${c.medianMs.toFixed(2)} ms`,
        '',
        `read + compare + text + HTML of two report.json (${c.requirements} requirements), median of ${c.rounds}`,
      ],
    ],
  };
}
