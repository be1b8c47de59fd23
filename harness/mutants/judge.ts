// From a run's verdicts to the mutation outcome: is the reference clean, is each variant caught.
import { ALTERNATIVES } from '../../fixtures/alternatives/catalogue.ts';
import { EVERY_ALTERNATIVE, joinsEveryAlternative } from '../../fixtures/reference/select.ts';
import type { FaultyVariant } from '../../fixtures/variants/variant.ts';
import { requirement } from '../spec/requirements.ts';
import type { Dialect } from '../protocol/dialect.ts';
import type { JobResult } from './pool.ts';
import { isFailing, type RequirementOutcome } from './result.ts';
import { isPropertySuite } from './suite-files.ts';

export interface ReferenceOutcome {
  readonly dialect: Dialect;
  readonly ok: boolean;
  /** failed (MUST) or non-strict (SHOULD) against the unmodified reference. */
  readonly failed: readonly RequirementOutcome[];
  /** MUST/SHOULD requirements of this dialect that no scenario checked: a coverage failure. */
  readonly coverageGaps: readonly string[];
  /** Not verified for a stated reason (not a coverage gap). */
  readonly notVerified: readonly RequirementOutcome[];
  /** The run did not complete, suite files failed to load, or the reference threw. */
  readonly errors: readonly string[];
  readonly scenarios: number;
  readonly files: readonly string[];
  readonly missingPropertySuites: readonly string[];
  /** Wall time of the child process, and of the suites inside it (the rest is start-up). */
  readonly timeMs: number;
  readonly runMs?: number;
  /** Set when the first run's failures were reply timeouts only and a run with a longer bound decided. */
  readonly confirmation?: string;
}

export type VariantStatus = 'caught' | 'survived' | 'error';

export interface VariantOutcome {
  readonly name: string;
  /** What the variant was layered on: reference or every-alternative. */
  readonly base: string;
  readonly dialect: Dialect;
  readonly fault: string;
  readonly mustCatch: readonly string[];
  readonly status: VariantStatus;
  /** Every failing requirement (failed / non-strict), mustCatch ones first. */
  readonly failed: readonly string[];
  /** The mustCatch requirements that failed. */
  readonly caughtBy: readonly string[];
  /** Scenarios that recorded a failing check of a mustCatch requirement. */
  readonly catchingScenarios: readonly string[];
  /** Why each failing requirement failed: the first failing check, and the scenarios that failed it. */
  readonly failures: readonly RequirementOutcome[];
  /** Failing requirements outside mustCatch and mayAlsoFail (unless mayAlsoFail has "*"). */
  readonly unexpected: readonly string[];
  readonly propertyOnly: boolean;
  /** propertyOnly variants: whether the scripted scenarios alone (fresh target) catch it. */
  readonly scriptedAlone?: boolean;
  /** Caught only through property suites although the variant is not marked propertyOnly. */
  readonly onlyProperties?: boolean;
  readonly errors: readonly string[];
  /** Wall time of the child process, and of the suites inside it (the rest is start-up). */
  readonly timeMs: number;
  readonly runMs?: number;
  /** Set when the catch rested on reply timeouts only and a run with a longer bound decided. */
  readonly confirmation?: string;
}

const failureOf = (r: JobResult): string[] =>
  r.ok ? [] : [`${r.error}${r.stderrTail ? `\n${r.stderrTail}` : ''}`];

export function judgeReference(r: JobResult): ReferenceOutcome {
  if (!r.ok) {
    return {
      dialect: r.job.dialect,
      ok: false,
      failed: [],
      coverageGaps: [],
      notVerified: [],
      errors: failureOf(r),
      scenarios: 0,
      files: [],
      missingPropertySuites: [],
      timeMs: r.wallMs,
    };
  }
  const reqs = r.result.requirements;
  const judged = (o: RequirementOutcome): boolean => o.level === 'MUST' || o.level === 'SHOULD';
  const failed = reqs.filter((o) => isFailing(o.verdict));
  const coverageGaps = reqs
    .filter((o) => judged(o) && o.verdict === 'not-verified' && o.unchecked === true)
    .map((o) => o.id);
  const notVerified = reqs.filter((o) => judged(o) && o.verdict === 'not-verified' && o.unchecked !== true);
  const errors = r.result.errors;
  return {
    dialect: r.job.dialect,
    ok: failed.length === 0 && coverageGaps.length === 0 && errors.length === 0,
    failed,
    coverageGaps,
    notVerified,
    errors,
    scenarios: r.result.scenarios.total,
    files: r.result.files,
    missingPropertySuites: r.result.missingPropertySuites,
    timeMs: r.wallMs,
    runMs: r.result.durationMs,
  };
}

/**
 * The SHOULD and INFO requirements a base's own choices fail by design (every-alternative joins
 * repeated-delete-succeeds, which fails UM-DEL-003, for one): a variant on that base failing them is
 * the base, not the variant, so it is no warning. A MUST is never excused.
 */
export function choicesOfBase(base: string, dialect: Dialect): ReadonlySet<string> {
  const chosen =
    base === EVERY_ALTERNATIVE
      ? ALTERNATIVES.filter((a) => joinsEveryAlternative(a, dialect))
      : ALTERNATIVES.filter((a) => a.name === base);
  return new Set(chosen.flatMap((a) => a.records).filter((id) => requirement(id).level !== 'MUST'));
}

export function judgeVariant(v: FaultyVariant, r: JobResult): VariantOutcome {
  const base = {
    name: v.name,
    base: r.job.base ?? 'reference',
    dialect: v.dialect ?? 'seed',
    fault: v.fault,
    mustCatch: v.mustCatch,
    propertyOnly: v.propertyOnly === true,
    timeMs: r.wallMs,
  };
  if (!r.ok) {
    // A run that stalled (never retried) or gave no report is not
    // judged on what it did so far: it fails the mutation run, naming the variant.
    return {
      ...base,
      status: 'error',
      failed: [],
      caughtBy: [],
      catchingScenarios: [],
      failures: [],
      unexpected: [],
      errors: failureOf(r),
    };
  }
  const failing = r.result.requirements.filter((o) => isFailing(o.verdict));
  const must = new Set(v.mustCatch);
  const caught = failing.filter((o) => must.has(o.id));
  const byBase = r.job.base === undefined ? [] : [...choicesOfBase(r.job.base, r.job.dialect)];
  const allowed = new Set([...v.mustCatch, ...v.mayAlsoFail, ...byBase]);
  const unexpected = v.mayAlsoFail.includes('*')
    ? []
    : failing.filter((o) => !allowed.has(o.id)).map((o) => o.id);
  const catchingFiles = new Set(caught.flatMap((o) => o.files ?? []));
  const scripted = r.result.scriptedFailed;
  return {
    ...base,
    status: caught.length > 0 ? 'caught' : 'survived',
    failed: [...caught, ...failing.filter((o) => !must.has(o.id))].map((o) => o.id),
    caughtBy: caught.map((o) => o.id),
    catchingScenarios: [...new Set(caught.flatMap((o) => o.scenarios ?? []))],
    failures: [...caught, ...failing.filter((o) => !must.has(o.id))],
    unexpected,
    ...(base.propertyOnly && scripted ? { scriptedAlone: scripted.some((id) => must.has(id)) } : {}),
    runMs: r.result.durationMs,
    ...(!base.propertyOnly && caught.length > 0 && catchingFiles.size > 0
      ? { onlyProperties: [...catchingFiles].every((f) => isPropertySuite(f)) }
      : {}),
    errors: r.result.errors,
  };
}

/**
 * Whether an outcome rests only on reply bounds running out. On a loaded machine a short bound can
 * run out against a healthy target, so such an outcome is run again with a longer bound.
 */
export function restsOnTimeouts(o: ReferenceOutcome | VariantOutcome): boolean {
  if ('ok' in o)
    return (
      !o.ok &&
      o.failed.length > 0 &&
      o.failed.every((f) => f.timeoutOnly === true) &&
      o.coverageGaps.length === 0 &&
      o.errors.length === 0
    );
  if (o.status !== 'caught') return false;
  const caught = o.failures.filter((f) => o.mustCatch.includes(f.id));
  return caught.length > 0 && caught.every((f) => f.timeoutOnly === true);
}

/** The outcome after the confirming run (longer reply bound `ms`); times add up. */
export function confirmReference(
  first: ReferenceOutcome,
  rerun: ReferenceOutcome,
  ms: number,
): ReferenceOutcome {
  const ids = first.failed.map((f) => f.id).join(', ');
  return {
    ...rerun,
    timeMs: first.timeMs + rerun.timeMs,
    confirmation: rerun.ok
      ? `${ids} failed through reply timeouts only at the short bound, and passed with a ${ms} ms bound (a loaded machine?)`
      : `${ids} failed through reply timeouts only at the short bound; run again with a ${ms} ms bound, it still fails`,
  };
}

export function confirmVariant(first: VariantOutcome, rerun: VariantOutcome, ms: number): VariantOutcome {
  const timeMs = first.timeMs + rerun.timeMs;
  if (rerun.status === 'error')
    return {
      ...first,
      timeMs,
      confirmation: `caught through reply timeouts only; the confirming run with a ${ms} ms bound did not decide (${rerun.errors[0]?.split('\n')[0] ?? 'no result'}), so the first run's catch stands`,
    };
  if (rerun.status === 'caught')
    return {
      ...rerun,
      timeMs,
      confirmation: `caught through reply timeouts only; caught again with a ${ms} ms bound`,
    };
  return {
    ...rerun,
    timeMs,
    confirmation: `caught through reply timeouts only at the short bound (${first.caughtBy.join(', ')}), not with a ${ms} ms bound: the short bound ran out against a working target (a loaded machine?)`,
  };
}

/** The suites a confirming run needs: the scripted ones alone when only scripted scenarios caught it
 * (property suites are slow against a silent target), everything otherwise. */
export function confirmScope(o: ReferenceOutcome | VariantOutcome): 'all' | 'scripted' | 'split' {
  if ('ok' in o) return 'all';
  const files = o.failures.filter((f) => o.mustCatch.includes(f.id)).flatMap((f) => f.files ?? []);
  return files.length > 0 && files.every((f) => !isPropertySuite(f)) ? 'scripted' : 'all';
}
