// One recorded check: the unit every verdict is built from.
import type {} from 'vitest';
/** inconclusive: a passive check (check-trace) could not tell, e.g. history before the trace began. */
export type CheckOutcome = 'pass' | 'fail' | 'info' | 'not-verified' | 'inconclusive';

export interface CheckRecord {
  readonly requirement: string;
  readonly outcome: CheckOutcome;
  /** What was checked, in a sentence a vendor understands. */
  readonly message: string;
  readonly expected?: string;
  readonly actual?: string;
  /** The scenario that ran the check. */
  readonly scenario: string;
  /** Wire transcript of the scenario, attached to failures. */
  readonly transcript?: string;
  /** How to replay it (property-based checks). */
  readonly replay?: string;
}

declare module 'vitest' {
  interface TaskMeta {
    checks?: CheckRecord[];
    /** Free-form figures a scenario hands to the report (RunReport.figures), e.g. `load`. */
    figures?: Record<string, unknown>;
  }
}
