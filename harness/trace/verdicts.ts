// From a trace's checks to verdicts: the same catalogue and verdict model as certification, with two
// verdicts of their own: not observed (the trace never exercised it) and inconclusive (it could not tell).
import type { Dialect } from '../protocol/dialect.ts';
import type { CheckRecord } from '../verdict/checks.ts';
import { type RequirementVerdict, verdictsFor } from '../verdict/verdicts.ts';

/** Requirements no passive check can judge, with the reason the report gives. */
export const NOT_PASSIVE: Readonly<Record<string, string>> = {
  'UM-GET-005': "whether a user exists needs the Omega's whole user list, which a trace does not show",
  'UM-GET-007': 'recorded by certification only (it sets up a user without display)',
  'UM-CHG-005':
    'needs to know which user holds a username at that moment, across Omikrons a trace may not see',
  'UM-REG-008': 'needs to know whether an Iota was ever registered, before the trace too',
  'UM-REG-009': 'needs a completion refused for a known reason, then retried: certification sets that up',
  'UM-TMO-005': "needs control of the server's clock",
  'UM-DEL-004': 'recorded by certification only',
  'ENC-005': 'needs to know the about text was not base64 on purpose',
  'BAD-010':
    'needs a fresh connection after bad input and data stored before it: only certification sends those',
  'EXT-003': 'recorded by certification only',
};

export function traceVerdicts(checks: readonly CheckRecord[], dialect: Dialect): RequirementVerdict[] {
  return verdictsFor({ dialect, checks }).map((v): RequirementVerdict => {
    if (v.verdict === 'not-applicable') return v;
    if (v.checks.length === 0) {
      const why = NOT_PASSIVE[v.id];
      return why
        ? { ...v, verdict: 'not-verified', summary: `check-trace cannot observe it: ${why}` }
        : { ...v, verdict: 'not-observed', summary: 'the trace never exercised it' };
    }
    if (
      v.verdict === 'not-verified' ||
      (v.verdict === 'informational' && v.checks.every((c) => c.outcome === 'inconclusive'))
    ) {
      const inc = v.checks.find((c) => c.outcome === 'inconclusive');
      if (inc) return { ...v, verdict: 'inconclusive', summary: inc.message };
    }
    return v;
  });
}
