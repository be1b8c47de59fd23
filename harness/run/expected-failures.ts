// --expected-failures: requirements a team knows it fails. Stale and expired entries fail the run.
import { readFileSync, writeFileSync } from 'node:fs';
import { z } from 'zod';
import { isRequirementId } from '../spec/requirements.ts';
import type { RequirementVerdict } from '../verdict/verdicts.ts';
import { UsageError } from './selection.ts';

const entrySchema = z.object({
  id: z.string(),
  reason: z.string().min(1),
  until: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/, 'until must be a date YYYY-MM-DD')
    .optional(),
});
const fileSchema = z.array(entrySchema);
export type ExpectedFailure = z.infer<typeof entrySchema>;

export function loadExpectedFailures(path: string): ExpectedFailure[] {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new UsageError(`--expected-failures ${path}: ${(e as Error).message}`);
  }
  const parsed = fileSchema.safeParse(json);
  if (!parsed.success) {
    throw new UsageError(
      `--expected-failures ${path}: expected a JSON array of {"id", "reason", "until"?}: ${parsed.error.issues[0]?.message ?? ''}`,
    );
  }
  const unknown = parsed.data.filter((e) => !isRequirementId(e.id));
  if (unknown.length > 0)
    throw new UsageError(
      `--expected-failures ${path}: unknown requirement ids ${unknown.map((e) => e.id).join(', ')}`,
    );
  return parsed.data;
}

export interface Applied {
  readonly verdicts: RequirementVerdict[];
  /** Plain sentences, each a reason the run fails. */
  readonly problems: string[];
}

export function applyExpectedFailures(
  verdicts: readonly RequirementVerdict[],
  entries: readonly ExpectedFailure[],
  today: Date,
): Applied {
  const problems: string[] = [];
  const byId = new Map(entries.map((e) => [e.id, e]));
  const day = today.toISOString().slice(0, 10);
  const out = verdicts.map((v) => {
    const e = byId.get(v.id);
    if (!e) return v;
    if (e.until !== undefined && e.until < day) {
      problems.push(
        `expected failure ${v.id} expired on ${e.until} ("${e.reason}"): fix it or extend the date`,
      );
    }
    if (v.verdict === 'failed' || v.verdict === 'non-strict') {
      if (v.stability === 'flaky') return v; // flaky is never excused
      return { ...v, verdict: 'expected-failure' as const, expectedFailure: e.reason };
    }
    if (v.verdict === 'passed')
      problems.push(
        `expected failure ${v.id} now passes ("${e.reason}"): remove it from the expected-failures file`,
      );
    return v;
  });
  return { verdicts: out, problems };
}

export function writeExpectedFailures(path: string, verdicts: readonly RequirementVerdict[]): number {
  const entries = verdicts
    .filter((v) => v.verdict === 'failed' || v.verdict === 'non-strict' || v.verdict === 'expected-failure')
    .map((v) => ({ id: v.id, reason: v.expectedFailure ?? v.summary }));
  writeFileSync(path, `${JSON.stringify(entries, null, 2)}\n`);
  return entries.length;
}
