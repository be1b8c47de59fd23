// (5) The self-test: npm run selftest (the mutation run and the alternatives run side by side on one
// scheduler), once (it is long).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadavg } from 'node:os';
import { BIN, median, ROOT, tempDir, timedChild } from './measure.ts';

export interface SelftestBench {
  readonly ms: number;
  /** CPU seconds of every run the self-test started, as it reports them (Linux). */
  readonly cpuS?: number;
  readonly exitCode: number | null;
  readonly caught?: { readonly caught: number; readonly total: number };
  readonly certified?: { readonly certified: number; readonly total: number };
  readonly loadAverage: readonly [start: number, end: number];
}

/** npm run selftest once, as CI runs it (its own default lanes). */
export async function selftestBench(): Promise<SelftestBench> {
  const dir = tempDir();
  const mutants = join(dir, 'mutants.json');
  const alternatives = join(dir, 'alternatives.json');
  const load0 = loadavg()[0]!;
  const r = await timedChild(
    process.execPath,
    [
      '--import',
      'tsx',
      join(ROOT, 'harness/mutants/selftest.ts'),
      '--no-color',
      '--mutants-json',
      mutants,
      '--alternatives-json',
      alternatives,
    ],
    { boundMs: 30 * 60_000 },
  );
  const cpu = /, (\d+) s CPU in the runs/.exec(r.stderr)?.[1];
  const read = <T>(path: string): T | undefined => {
    try {
      return JSON.parse(readFileSync(path, 'utf8')) as T;
    } catch {
      return undefined;
    }
  };
  const m = read<{ score: { caught: number; total: number } }>(mutants);
  const a = read<{ alternatives: { status: string }[] }>(alternatives);
  return {
    ms: Math.round(r.ms),
    ...(cpu === undefined ? {} : { cpuS: Number(cpu) }),
    exitCode: r.code,
    ...(m ? { caught: m.score } : {}),
    ...(a
      ? {
          certified: {
            certified: a.alternatives.filter((x) => x.status === 'certified').length,
            total: a.alternatives.length,
          },
        }
      : {}),
    loadAverage: [load0, loadavg()[0]!],
  };
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
