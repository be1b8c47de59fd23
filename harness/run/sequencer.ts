// Suite files run in one fixed order (by path), never in the order of vitest's results cache:
// a run against the same target with the same seed is then the same run, which replay relies on.
import { BaseSequencer, type TestSpecification } from 'vitest/node';

export class PathOrderSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    return [...files].sort((a, b) => (a.moduleId < b.moduleId ? -1 : a.moduleId > b.moduleId ? 1 : 0));
  }
}
