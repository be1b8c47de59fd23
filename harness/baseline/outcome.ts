// A run's outcome against a baseline: only regressions fail it (and, with --strict-baseline, changed
// choices); failures the baseline already had, or of requirements it lacks, are reported, not counted.
// Problems that are no requirement's (a dead target, the suite's own errors) fail the run as ever.
import { outcomeOf, type RunOutcome } from '../run/outcome.ts';
import type { RequirementVerdict } from '../verdict/verdicts.ts';
import { baselineProblems } from './compare.ts';
import type { BaselineBlock } from './model.ts';

export function outcomeWithBaseline(
  verdicts: readonly RequirementVerdict[],
  block: BaselineBlock,
  opts: {
    level: 'must' | 'should';
    requireComplete: boolean;
    problems: readonly string[];
    stopped?: boolean;
  },
): RunOutcome {
  const regressions = new Set(block.regressions.map((c) => c.id));
  const counted = verdicts.map((v) =>
    regressions.has(v.id) || (v.verdict !== 'failed' && v.verdict !== 'non-strict' && v.stability !== 'flaky')
      ? v
      : { ...v, verdict: 'expected-failure' as const, stability: 'stable' as const },
  );
  return outcomeOf(counted, { ...opts, problems: [...opts.problems, ...baselineProblems(block)] });
}
