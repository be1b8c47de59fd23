// The default load profile (--load: 50 connections × 200 requests) against the embedded reference:
// throughput and reply latency from report.json's figures.load, median of several runs.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BIN, median, tempDir, timedChild } from './measure.ts';

export interface LoadBench {
  readonly throughputPerS: number;
  readonly p50Ms: number;
  readonly p95Ms: number;
  readonly p99Ms: number;
  readonly problems: number;
  readonly runs: Record<string, unknown>[];
}

const KEYS = ['throughputPerS', 'p50Ms', 'p95Ms', 'p99Ms'] as const;

export async function loadBench(runs: number, dialect: 'seed' | 'tensamin' = 'seed'): Promise<LoadBench> {
  const figures: Record<string, unknown>[] = [];
  for (let i = 0; i < runs; i++) {
    const dir = tempDir();
    await timedChild(
      process.execPath,
      [BIN, '--quiet', '--dialect', dialect, '--load', '--only', 'ENV-006', '--report-dir', dir],
      { boundMs: 300_000 },
    );
    try {
      const report = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')) as {
        figures?: { load?: Record<string, unknown> };
      };
      const { histogram: _h, ...scalars } = report.figures?.load ?? {};
      figures.push(scalars);
    } catch {
      figures.push({});
    }
  }
  const med = (k: (typeof KEYS)[number]) => median(figures.map((f) => Number(f[k])));
  const problems = figures.reduce(
    (s, f) =>
      s +
      ['lost', 'wrongId', 'crossed', 'duplicates', 'readBackFailed'].reduce(
        (a, k) => a + Number(f[k] ?? 0),
        0,
      ),
    0,
  );
  return {
    throughputPerS: med('throughputPerS'),
    p50Ms: med('p50Ms'),
    p95Ms: med('p95Ms'),
    p99Ms: med('p99Ms'),
    problems,
    runs: figures,
  };
}
