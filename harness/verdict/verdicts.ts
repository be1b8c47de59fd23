// From recorded checks to one verdict per requirement.
import { appliesTo, isJudged, type Level, REQUIREMENTS, type Requirement } from '../spec/requirements.ts';
import type { Dialect } from '../protocol/dialect.ts';
import type { CheckRecord } from './checks.ts';

export const VERDICTS = [
  'passed',
  'failed',
  'non-strict',
  'informational',
  'not-verified',
  'expected-failure',
  'not-applicable',
  // check-trace (passive checking): the trace never exercised it / could not tell. Never a pass.
  'not-observed',
  'inconclusive',
] as const;
export type Verdict = (typeof VERDICTS)[number];
export type Stability = 'stable' | 'flaky' | 'broken';

export interface RequirementVerdict {
  readonly id: string;
  readonly level: Level;
  readonly area: string;
  readonly title: string;
  readonly verdict: Verdict;
  /** Why, in one line: the first failure, the not-verified reason, or the recorded observation. */
  readonly summary: string;
  readonly stability: Stability;
  readonly checks: readonly CheckRecord[];
  readonly durationMs: number;
  /** Reason from the expected-failures file, when it applies. */
  readonly expectedFailure?: string;
}

/** The verdict one run gives a requirement, from its checks. */
export function verdictOf(
  q: Requirement,
  checks: readonly CheckRecord[],
): { verdict: Verdict; summary: string } {
  const failed = checks.find((c) => c.outcome === 'fail');
  if (failed) {
    if (q.level === 'MUST') return { verdict: 'failed', summary: failed.message };
    if (q.level === 'SHOULD') return { verdict: 'non-strict', summary: failed.message };
    return { verdict: 'informational', summary: failed.message };
  }
  if (!isJudged(q.level)) {
    const info = checks.filter((c) => c.outcome === 'info' || c.outcome === 'pass');
    if (info.length > 0) return { verdict: 'informational', summary: info.map((c) => c.message).join('; ') };
    const nv = checks.find((c) => c.outcome === 'not-verified');
    return { verdict: 'not-verified', summary: nv?.message ?? 'no observation was recorded' };
  }
  if (checks.some((c) => c.outcome === 'pass')) {
    return {
      verdict: 'passed',
      summary: `${checks.filter((c) => c.outcome === 'pass').length} checks passed`,
    };
  }
  const nv = checks.find((c) => c.outcome === 'not-verified');
  if (nv) return { verdict: 'not-verified', summary: nv.message };
  return { verdict: 'not-verified', summary: 'no scenario checked it in this run' };
}

export interface VerdictInput {
  readonly dialect: Dialect;
  readonly checks: readonly CheckRecord[];
  readonly durations?: ReadonlyMap<string, number>;
  /** Requirement ids selected for this run (--only/--skip); all when absent. */
  readonly selected?: ReadonlySet<string>;
}

export function verdictsFor(input: VerdictInput): RequirementVerdict[] {
  const byReq = new Map<string, CheckRecord[]>();
  for (const c of input.checks) {
    const list = byReq.get(c.requirement) ?? [];
    list.push(c);
    byReq.set(c.requirement, list);
  }
  return REQUIREMENTS.filter((q) => input.selected === undefined || input.selected.has(q.id)).map((q) => {
    const checks = byReq.get(q.id) ?? [];
    const base = {
      id: q.id,
      level: q.level,
      area: q.area,
      title: q.title,
      checks,
      durationMs: input.durations?.get(q.id) ?? 0,
    };
    if (!appliesTo(q, input.dialect)) {
      return {
        ...base,
        verdict: 'not-applicable',
        summary: `applies to the ${q.dialects?.join(', ')} dialect only`,
        stability: 'stable',
      };
    }
    const { verdict, summary } = verdictOf(q, checks);
    return {
      ...base,
      verdict,
      summary,
      stability: verdict === 'failed' || verdict === 'non-strict' ? 'broken' : 'stable',
    };
  });
}

/** Combine the verdicts of repeated runs (--repeat): disagreeing runs are flaky, and flaky is never passed. */
export function combineRepeats(runs: readonly (readonly RequirementVerdict[])[]): RequirementVerdict[] {
  const first = runs[0];
  if (!first) return [];
  return first.map((v, i) => {
    const all = runs.map((r) => r[i]!);
    const kinds = new Set(all.map((x) => x.verdict));
    const checks = all.flatMap((x) => x.checks);
    const durationMs = all.reduce((s, x) => s + x.durationMs, 0);
    if (kinds.size === 1) return { ...v, checks, durationMs };
    const bad = all.find((x) => x.verdict === 'failed' || x.verdict === 'non-strict');
    const counts = [...kinds].map((k) => `${all.filter((x) => x.verdict === k).length}× ${k}`).join(', ');
    return {
      ...v,
      verdict: bad ? bad.verdict : v.verdict,
      stability: 'flaky',
      summary: `runs disagree (${counts})${bad ? `: ${bad.summary}` : ''}`,
      checks,
      durationMs,
    };
  });
}

/** Requirements grouped by area, in catalogue order. */
export function requirementsByArea<T extends { area: string }>(reqs: readonly T[]): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const q of reqs) {
    const list = out.get(q.area) ?? [];
    list.push(q);
    out.set(q.area, list);
  }
  return out;
}
