// The mutation run as one object: what the table prints and the JSON file holds.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { ReferenceOutcome, VariantOutcome } from './judge.ts';

export interface MutationSettings {
  readonly seed: number;
  readonly runs: number;
  readonly replyTimeoutMs: number;
  readonly confirmTimeoutMs: number;
  readonly boundMs: number;
  readonly concurrency: number;
  readonly only?: readonly string[];
}

export interface MutationReport {
  readonly kind: 'omega-mutants';
  readonly startedAt: string;
  readonly settings: MutationSettings;
  /** 1-minute load average: times (and short reply bounds) mean little on a loaded machine. */
  readonly machine: { readonly loadAverageAtStart: number; readonly loadAverageAtEnd: number };
  /** Suite files that existed; property suites that did not. */
  readonly suites: { readonly files: readonly string[]; readonly missingPropertySuites: readonly string[] };
  readonly reference: readonly ReferenceOutcome[];
  readonly variants: readonly VariantOutcome[];
  readonly score: { readonly caught: number; readonly total: number };
  /** Wall time of the whole run, and the sum of the per-run times (what one core would need). */
  readonly wallMs: number;
  readonly runTimeSumMs: number;
  /** Plain sentences: why the exit code is not 0. */
  readonly problems: readonly string[];
  /** Worth a look, but not failing the run: unexpected failures, slow or cut-short runs, stale flags. */
  readonly warnings: readonly string[];
  readonly exitCode: number;
}

export function writeJsonReport(path: string, report: object): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${JSON.stringify(report, null, 2)}\n`);
}
