// One recorded check: the unit every verdict is built from. Its one definition is the report
// schema's (harness/run/report-model.ts, checkSchema): a field is added there.
import type {} from 'vitest';
import type { z } from 'zod';
import type { checkSchema } from '../run/report-model.ts';

export type CheckRecord = Readonly<z.infer<typeof checkSchema>>;
export type CheckOutcome = CheckRecord['outcome'];

declare module 'vitest' {
  interface TaskMeta {
    checks?: CheckRecord[];
    /** Free-form figures a scenario hands to the report (RunReport.figures), e.g. `load`. */
    figures?: Record<string, unknown>;
  }
}
