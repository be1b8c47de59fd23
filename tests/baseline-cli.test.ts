// --baseline and compare through the command line: the embedded reference's reports are the baseline;
// the reference's rerun reports no regression; each faulty variant's run reports its fault's
// requirements as the only regressions. npm test runs a representative subset of the variants
// (SUBSET); OMEGA_BASELINE_ALL_VARIANTS=1 runs every variant of the catalogue (minutes).
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { VARIANTS } from '../fixtures/variants/catalogue.ts';
import { MUTANT_RUNS, MUTANT_SEED } from '../harness/mutants/config.ts';
import { type CliRun, runCli, tempDir } from './cli-helpers.ts';

/** One per kind of fault: a lookup rule, identification, tokens, deletion, the clock, an announcement. */
const SUBSET = [
  'lookup-username-first',
  'identification-skipped-for-delete-user',
  'old-reset-token-still-works',
  'deleted-user-found-by-username',
  'no-timeout',
  'iota-disconnected-refused',
];
const ALL = process.env.OMEGA_BASELINE_ALL_VARIANTS === '1';
const chosen = VARIANTS.filter((v) => !v.loadOnly && (ALL || SUBSET.includes(v.name)));
/** The mutation run's fixed budget: the variants are proven caught at it. */
const BUDGET = ['--seed', String(MUTANT_SEED), '--runs', String(MUTANT_RUNS)];

let baselineDir = '';
let rerun: CliRun;

beforeAll(async () => {
  const ref = await runCli([...BUDGET]);
  expect(ref.code, ref.stderr).toBe(0);
  baselineDir = ref.dir;
  rerun = await runCli([...BUDGET, '--baseline', baselineDir]);
}, 300_000);

const failing = (run: CliRun, sub?: string) =>
  run
    .report(sub)
    .requirements.filter((r) => r.verdict === 'failed' || r.stability === 'flaky')
    .map((r) => r.id)
    .sort();

describe('--baseline: the embedded reference as the baseline', () => {
  it('the reference rerun reports no regression, in both dialects, and exits 0', () => {
    expect(rerun.code, rerun.stderr).toBe(0);
    for (const d of ['seed', 'tensamin']) {
      const b = rerun.report(d).baseline;
      expect(b, d).toBeDefined();
      expect(b!.regressions).toEqual([]);
      expect(b!.file).toBe(join(baselineDir, d, 'report.json'));
      expect(b!.notes).toEqual([]);
    }
    expect(rerun.stderr).toMatch(/0 regression\(s\)/);
  });

  it.each(chosen.map((v) => [v.name, v]))(
    'variant %s: its fault’s requirements are the only regressions',
    async (_name, v) => {
      const dialect = v.dialect ?? 'seed';
      const run = await runCli([
        ...BUDGET,
        '--dialect',
        dialect,
        '--reference-variant',
        v.name,
        '--baseline',
        baselineDir,
      ]);
      expect(run.code, run.stderr).toBe(1);
      const b = run.report().baseline!;
      const regressions = b.regressions.map((c) => c.id).sort();
      // Every failure is a regression (the reference failed nothing), and nothing else is.
      expect(regressions).toEqual(failing(run));
      expect(regressions.some((id) => v.mustCatch.includes(id))).toBe(true);
      if (!v.mayAlsoFail.includes('*'))
        for (const id of regressions) expect([...v.mustCatch, ...v.mayAlsoFail]).toContain(id);
      expect(b.stillFailing).toEqual([]);
      // JUnit: the regressions, and only they, are failures.
      expect(run.file('junit.xml')).toMatch(new RegExp(`<testsuites [^>]*failures="${regressions.length}"`));
    },
    120_000,
  );
});

describe('compare OLD.json NEW.json', () => {
  it('exits 0 between two runs of the reference and 1 with a regression, writing compare.html', async () => {
    const old = join(baselineDir, 'seed', 'report.json');
    const same = await runCli(['compare', old, join(rerun.dir, 'seed', 'report.json')]);
    expect(same.code, same.stderr).toBe(0);
    expect(same.stdout).toMatch(/0 regression\(s\)/);
    expect(existsSync(join(same.dir, 'compare.html'))).toBe(true);

    const faulty = await runCli([
      ...BUDGET,
      '--dialect',
      'seed',
      '--reference-variant',
      'lookup-username-first',
    ]);
    const worse = await runCli(['compare', old, join(faulty.dir, 'report.json')]);
    expect(worse.code, worse.stderr).toBe(1);
    expect(worse.stdout).toMatch(/regressions \(1\):\n {4}UM-GET-003 +MUST +passed → failed/);
    expect(worse.file('compare.html')).toMatch(/REGRESSED/);
    const better = await runCli(['compare', join(faulty.dir, 'report.json'), old]);
    expect(better.code).toBe(0);
    expect(better.stdout).toMatch(/improvements \(1\):\n {4}UM-GET-003/);
  }, 120_000);

  it('exits 2 naming the cause when a report cannot be read', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'broken.json'), '{"schemaVersion": 1');
    const r = await runCli(['compare', join(dir, 'broken.json'), join(dir, 'missing.json')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/broken\.json is not JSON/);
    const b = await runCli(['--dialect', 'seed', '--baseline', join(dir, 'missing.json')]);
    expect(b.code).toBe(2);
    expect(b.stderr).toMatch(/--baseline .*missing\.json: no such file or directory/);
    const usage = await runCli(['compare', 'only-one.json']);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/compare takes two report\.json files/);
    // compare is no certification: a usage error writes no report over one in --report-dir.
    expect(existsSync(join(usage.dir, 'report.json'))).toBe(false);
  });
});
