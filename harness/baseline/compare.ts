// Compare a run with a baseline (an earlier run of the suite): pure, on the requirement ids both have.
// A regression is a requirement failing now that did not fail in the baseline; failures the baseline
// already had are reported but never fail the run. Both sides are judged at the current run's level.
import type { BaselineBlock, RequirementChange, Side } from './model.ts';

export interface ComparableCheck {
  readonly outcome: string;
  readonly message: string;
  readonly expected?: string | undefined;
  readonly actual?: string | undefined;
  readonly replay?: string | undefined;
}

export interface ComparableRequirement {
  readonly id: string;
  readonly level: string;
  readonly title: string;
  readonly verdict: string;
  readonly summary: string;
  readonly stability: string;
  readonly checks?: readonly ComparableCheck[];
}

/** What a comparison needs of a run: report.json has it, and so has a run in progress. */
export interface ComparableRun {
  readonly label: string;
  readonly startedAt: string;
  readonly suiteVersion: string;
  readonly dialect: string;
  readonly requirements: readonly ComparableRequirement[];
}

export interface CompareOptions {
  /** The current run's level: a non-strict SHOULD fails at level should. */
  readonly level: 'must' | 'should';
  /** --strict-baseline: a changed informational choice fails the run too. */
  readonly strict: boolean;
  /** Where the baseline came from, for the report. */
  readonly file: string;
  /** Notes the loader already made (e.g. another report schema version). */
  readonly notes?: readonly string[];
}

type Standing = 'failing' | 'non-strict' | 'good' | 'unknown';

/** How a requirement stands at a level: failing (fails a run), non-strict (a SHOULD missed at MUST), good, unknown. */
export function standingOf(r: ComparableRequirement, level: 'must' | 'should'): Standing {
  if (r.stability === 'flaky') return 'failing';
  switch (r.verdict) {
    case 'failed':
    case 'expected-failure':
      return 'failing';
    case 'non-strict':
      return level === 'should' ? 'failing' : 'non-strict';
    case 'passed':
    case 'informational':
    case 'not-applicable':
      return 'good';
    default:
      return 'unknown';
  }
}

const isChoice = (r: ComparableRequirement): boolean =>
  r.level === 'MAY' || r.level === 'INFO' || r.verdict === 'informational';

/**
 * The parts of an informational observation ("; "-joined, in any order) with what differs from run
 * to run taken out: numbers (ids, times, counts) and the run's generated names (a lower-case letter,
 * then letters and digits, holding a digit).
 */
export function choiceParts(summary: string): Set<string> {
  return new Set(
    summary.split('; ').map((p) =>
      p
        .replace(/\b[a-z][a-z0-9]*\d[a-z0-9_]*\b/g, '<name>')
        .replace(/-?\d+(\.\d+)?/g, '<n>')
        .replace(/\s+/g, ' ')
        .trim(),
    ),
  );
}

/**
 * Did the recorded choice change? Generated sequences observe more or fewer situations from seed to
 * seed, so one side observing a subset of the other is no change; each observing something the
 * other did not is.
 */
export function choiceChanged(before: string, after: string): boolean {
  const a = choiceParts(before);
  const b = choiceParts(after);
  const within = (x: Set<string>, y: Set<string>) => [...x].every((p) => y.has(p));
  return !within(a, b) && !within(b, a);
}

const side = (r: ComparableRequirement): Side => ({
  verdict: r.verdict,
  summary: r.summary,
  stability: r.stability,
});

/** The new evidence of a failing requirement: its first failed check, with what was expected and seen. */
export function evidenceOf(r: ComparableRequirement): string | undefined {
  const c =
    r.checks?.find((x) => x.outcome === 'fail') ?? r.checks?.find((x) => x.outcome === 'not-verified');
  if (!c) return undefined;
  return [
    c.message,
    ...(c.expected !== undefined ? [`expected: ${c.expected}`] : []),
    ...(c.actual !== undefined ? [`actual:   ${c.actual}`] : []),
    ...(c.replay !== undefined ? [`replay:   ${c.replay}`] : []),
  ].join('\n');
}

export function compareRuns(
  baseline: ComparableRun,
  current: ComparableRun,
  opts: CompareOptions,
): BaselineBlock {
  const before = new Map(baseline.requirements.map((r) => [r.id, r]));
  const nowIds = new Set(current.requirements.map((r) => r.id));
  const block: BaselineBlock = {
    file: opts.file,
    label: baseline.label,
    startedAt: baseline.startedAt,
    suiteVersion: baseline.suiteVersion,
    dialect: baseline.dialect,
    strict: opts.strict,
    notes: [...(opts.notes ?? [])],
    shared: 0,
    regressions: [],
    improvements: [],
    stillFailing: [],
    choicesChanged: [],
    otherChanges: [],
    onlyInBaseline: baseline.requirements.filter((r) => !nowIds.has(r.id)).map((r) => r.id),
    onlyInRun: current.requirements.filter((r) => !before.has(r.id)).map((r) => r.id),
  };
  const relevelled: string[] = [];
  for (const now of current.requirements) {
    const old = before.get(now.id);
    if (!old) continue;
    block.shared++;
    if (old.level !== now.level) relevelled.push(`${now.id} ${old.level} → ${now.level}`);
    const change: RequirementChange = {
      id: now.id,
      level: now.level,
      title: now.title,
      before: side(old),
      after: side(now),
    };
    const was = standingOf(old, opts.level);
    const is = standingOf(now, opts.level);
    if (is === 'failing') {
      if (was === 'failing') block.stillFailing.push(change);
      else {
        const evidence = evidenceOf(now);
        block.regressions.push(evidence === undefined ? change : { ...change, evidence });
      }
    } else if ((was === 'failing' && is !== 'unknown') || (was === 'non-strict' && is === 'good'))
      block.improvements.push(change);
    else if (isChoice(old) && isChoice(now) && choiceChanged(old.summary, now.summary))
      block.choicesChanged.push(change);
    else if (old.verdict !== now.verdict || old.stability !== now.stability) block.otherChanges.push(change);
  }
  if (baseline.dialect !== current.dialect)
    block.notes.push(
      `the baseline is a run of the ${baseline.dialect} dialect, this one of the ${current.dialect} dialect`,
    );
  if (baseline.suiteVersion !== current.suiteVersion)
    block.notes.push(
      `the baseline was made by suite version ${baseline.suiteVersion}, this run by ${current.suiteVersion}`,
    );
  const missing = block.onlyInBaseline.length + block.onlyInRun.length;
  if (missing > 0 || relevelled.length > 0)
    block.notes.push(
      `the requirement sets differ (${block.onlyInBaseline.length} only in the baseline, ${block.onlyInRun.length} only in this run${
        relevelled.length > 0 ? `; level changed: ${relevelled.join(', ')}` : ''
      })`,
    );
  if (block.notes.length > 0) block.notes.push(`compared on the ${block.shared} requirement ids both have`);
  return block;
}

/** Does the comparison fail the run? Regressions do; changed choices only with --strict-baseline. */
export function failsRun(b: BaselineBlock): boolean {
  return b.regressions.length > 0 || (b.strict && b.choicesChanged.length > 0);
}

/** The sentences that say why the comparison fails the run (empty when it does not). */
export function baselineProblems(b: BaselineBlock): string[] {
  const out: string[] = [];
  if (b.regressions.length > 0)
    out.push(
      `${b.regressions.length} regression(s) since the baseline: ${b.regressions.map((c) => c.id).join(', ')}`,
    );
  if (b.strict && b.choicesChanged.length > 0)
    out.push(
      `--strict-baseline: ${b.choicesChanged.length} informational choice(s) changed since the baseline: ${b.choicesChanged.map((c) => c.id).join(', ')}`,
    );
  return out;
}
