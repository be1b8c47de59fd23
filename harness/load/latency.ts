// Reply latencies: percentiles and a histogram the HTML report draws ({leMs, count}, one bar each).

export interface Bucket {
  /** Upper bound of the bucket (ms); the count is of latencies above the previous bound and up to this one. */
  readonly leMs: number;
  readonly count: number;
}

/** Nearest-rank percentile of ascending values; 0 when there are none. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1]!;
}

/**
 * Buckets doubling from 0.125 ms, from the first non-empty one to the last: every latency is
 * counted once, in the first bucket whose bound it does not exceed.
 */
export function histogram(values: readonly number[]): Bucket[] {
  if (values.length === 0) return [];
  const max = Math.max(...values);
  const bounds: number[] = [0.125];
  while (bounds.at(-1)! < max) bounds.push(bounds.at(-1)! * 2);
  const counts = bounds.map(() => 0);
  for (const v of values) {
    let i = 0;
    while (bounds[i]! < v) i++;
    counts[i]!++;
  }
  const first = counts.findIndex((c) => c > 0);
  return bounds.slice(first).map((leMs, i) => ({ leMs, count: counts[first + i]! }));
}

export interface LatencySummary {
  readonly p50Ms: number;
  readonly p95Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  readonly histogram: Bucket[];
}

const round = (ms: number): number => Math.round(ms * 100) / 100;

export function summarise(values: readonly number[]): LatencySummary {
  const sorted = [...values].sort((a, b) => a - b);
  return {
    p50Ms: round(percentile(sorted, 50)),
    p95Ms: round(percentile(sorted, 95)),
    p99Ms: round(percentile(sorted, 99)),
    maxMs: round(sorted.at(-1) ?? 0),
    histogram: histogram(sorted),
  };
}
