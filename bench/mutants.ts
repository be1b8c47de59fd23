// (5) The mutation run (npm run mutants) as it is: its total wall time, once (it is long).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, tempDir, timedChild } from './measure.ts';

export interface MutantsBench {
  readonly ms: number;
  readonly exitCode: number | null;
  /** From its JSON report, when it wrote one. */
  readonly score?: { readonly caught: number; readonly total: number };
  readonly runTimeSumMs?: number;
}

export async function mutantsBench(): Promise<MutantsBench | { readonly skipped: string }> {
  const main = join(ROOT, 'harness/mutants/main.ts');
  if (!existsSync(main)) return { skipped: 'harness/mutants/main.ts is absent' };
  const json = join(tempDir(), 'mutants.json');
  const r = await timedChild(process.execPath, ['--import', 'tsx', main, '--no-color', '--json', json], {
    boundMs: 30 * 60_000,
  });
  let report: Pick<MutantsBench, 'score' | 'runTimeSumMs'> = {};
  try {
    const j = JSON.parse(readFileSync(json, 'utf8')) as Pick<MutantsBench, 'score' | 'runTimeSumMs'>;
    report = {
      ...(j.score ? { score: j.score } : {}),
      ...(j.runTimeSumMs !== undefined ? { runTimeSumMs: j.runTimeSumMs } : {}),
    };
  } catch {}
  return { ms: Math.round(r.ms), exitCode: r.code, ...report };
}
