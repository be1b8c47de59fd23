// The run's outcome and exit code from its verdicts (SPEC.md, "Exit codes").
import type { RequirementVerdict } from '../verdict/verdicts.ts';

/** 2 is also a run that did not end: stopped by its deadline or a stuck worker (SPEC.md, "Exit codes"). */
export const EXIT = { ok: 0, failed: 1, cannotStart: 2, stopped: 2 } as const;

export interface RunOutcome {
  readonly outcome: 'passed' | 'failed' | 'partial';
  readonly exitCode: number;
  readonly problems: string[];
}

export function outcomeOf(
  verdicts: readonly RequirementVerdict[],
  opts: {
    level: 'must' | 'should';
    requireComplete: boolean;
    problems: readonly string[];
    /** The run was stopped by its bound: incomplete whatever its verdicts say. */
    stopped?: boolean;
  },
): RunOutcome {
  const problems = [...opts.problems];
  const failedAtLevel = verdicts.filter(
    (v) => v.verdict === 'failed' || (opts.level === 'should' && v.verdict === 'non-strict'),
  );
  const flaky = verdicts.filter((v) => v.stability === 'flaky');
  const notVerified = verdicts.filter(
    (v) => v.verdict === 'not-verified' && (v.level === 'MUST' || v.level === 'SHOULD'),
  );
  if (failedAtLevel.length > 0)
    problems.push(
      `${failedAtLevel.length} requirement(s) failed at level ${opts.level.toUpperCase()}: ${failedAtLevel.map((v) => v.id).join(', ')}`,
    );
  if (flaky.length > 0)
    problems.push(
      `${flaky.length} requirement(s) gave different verdicts on repeated runs (flaky): ${flaky.map((v) => v.id).join(', ')}`,
    );
  if (opts.requireComplete && notVerified.length > 0) {
    problems.push(
      `--require-complete: ${notVerified.length} requirement(s) not verified: ${notVerified.map((v) => v.id).join(', ')}`,
    );
  }
  const failed = problems.length > 0 || opts.stopped === true;
  return {
    outcome: failed ? 'failed' : notVerified.length > 0 ? 'partial' : 'passed',
    exitCode: opts.stopped ? EXIT.stopped : failed ? EXIT.failed : EXIT.ok,
    problems,
  };
}
