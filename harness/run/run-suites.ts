// Run the conformance scenarios against one target through vitest's Node API.
import { resolve } from 'node:path';
import { startVitest } from 'vitest/node';
import type { TargetDescriptor } from '../scenario/target.ts';
import { CheckCollector, type Progress } from './collector.ts';
import { PACKAGE_ROOT } from './version.ts';

export { PACKAGE_ROOT };

export interface SuiteRunOptions {
  /** Only these suite files (paths relative to suites/, or name fragments). */
  readonly files?: readonly string[];
  /** Only scenarios whose name matches. */
  readonly namePattern?: string;
  readonly progress?: Progress;
}

export async function runSuites(
  target: TargetDescriptor,
  options: SuiteRunOptions = {},
): Promise<CheckCollector> {
  const collector = new CheckCollector(options.progress);
  const vitest = await startVitest(
    'test',
    [...(options.files ?? [])],
    {
      root: PACKAGE_ROOT,
      config: resolve(PACKAGE_ROOT, 'vitest.conformance.config.ts'),
      watch: false,
      reporters: [collector],
      provide: { target },
      ...(options.namePattern ? { testNamePattern: options.namePattern } : {}),
    },
    { logLevel: 'silent' },
  );
  await vitest.close();
  return collector;
}
