// The --baseline option as a run uses it: the loaded baseline compared with this run's verdicts.
import { REPORT_SCHEMA_VERSION } from '../run/report-model.ts';
import { type ComparableRun, compareRuns } from './compare.ts';
import type { LoadedBaseline } from './load.ts';
import type { BaselineBlock } from './model.ts';

export interface BaselineParam {
  readonly loaded: LoadedBaseline;
  /** --strict-baseline */
  readonly strict: boolean;
}

export function baselineBlock(
  b: BaselineParam,
  current: ComparableRun,
  level: 'must' | 'should',
): BaselineBlock {
  const notes =
    b.loaded.schemaVersion === REPORT_SCHEMA_VERSION
      ? []
      : [`the baseline has report schema ${b.loaded.schemaVersion}, this run ${REPORT_SCHEMA_VERSION}`];
  return compareRuns(b.loaded.run, current, { level, strict: b.strict, file: b.loaded.file, notes });
}
