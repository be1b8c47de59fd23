// (5) The self-test as it is: the mutation run (npm run mutants) and the alternatives run (npm run
// alternatives), their total wall time, once each (they are long).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BIN, median, ROOT, tempDir, timedChild } from './measure.ts';

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

/** The alternatives run (npm run alternatives) as it is, once: the other half of the self-test. */
export async function alternativesRunBench(): Promise<{
  readonly ms: number;
  readonly exitCode: number | null;
}> {
  const json = join(tempDir(), 'alternatives.json');
  const r = await timedChild(
    process.execPath,
    ['--import', 'tsx', join(ROOT, 'harness/mutants/alternatives.ts'), '--no-color', '--json', json],
    { boundMs: 30 * 60_000 },
  );
  return { ms: Math.round(r.ms), exitCode: r.code };
}

export interface EveryAlternativeBench {
  /** Wall time of the default certification (both dialects), back-to-back pairs. */
  readonly referenceMs: number[];
  readonly everyAlternativeMs: number[];
  readonly referenceMedianMs: number;
  readonly everyAlternativeMedianMs: number;
  /** Median of the per-pair ratios every-alternative / reference (issue 11: at most 1.2). */
  readonly ratio: number;
  readonly exitCodes: (number | null)[];
}

/**
 * (7) Certifying every-alternative against certifying the reference, both dialects, as a user runs
 * it: a legitimate choice must cost no waits running out. Pairs run back to back, alternating which
 * goes first, so that a change of machine load hits both alike.
 */
export async function everyAlternativeBench(runs: number): Promise<EveryAlternativeBench> {
  const once = async (extra: readonly string[]): Promise<{ ms: number; code: number | null }> => {
    const r = await timedChild(process.execPath, [BIN, '--quiet', '--report-dir', tempDir(), ...extra], {
      boundMs: 600_000,
    });
    return { ms: Math.round(r.ms), code: r.code };
  };
  const referenceMs: number[] = [];
  const everyAlternativeMs: number[] = [];
  const ratios: number[] = [];
  const exitCodes: (number | null)[] = [];
  for (let i = 0; i < runs; i++) {
    const every = ['--reference-variant', 'every-alternative'];
    const everyFirst = i % 2 === 1 ? await once(every) : undefined;
    const ref = await once([]);
    const b = everyFirst ?? (await once(every));
    referenceMs.push(ref.ms);
    everyAlternativeMs.push(b.ms);
    ratios.push(b.ms / ref.ms);
    exitCodes.push(ref.code, b.code);
  }
  return {
    referenceMs,
    everyAlternativeMs,
    referenceMedianMs: median(referenceMs),
    everyAlternativeMedianMs: median(everyAlternativeMs),
    ratio: median(ratios),
    exitCodes,
  };
}
