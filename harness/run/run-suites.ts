import { createVitest, type Reporter } from 'vitest/node';
import { RunStoppedError } from '../failure/reason.ts';
import type { TargetDescriptor } from '../scenario/target.ts';
import { CheckCollector, type Progress } from './collector.ts';
import { CONFORMANCE_TEST_CONFIG } from './conformance-config.ts';
import { PACKAGE_ROOT } from './version.ts';

export { PACKAGE_ROOT };

/** The longest a run may go without a scenario finishing: longer than any scenario's own bound. */
export const STALL_BOUND_MS = 5 * 60_000;

export interface SuiteRunOptions {
  /** Only these suite files (paths relative to suites/, or name fragments). */
  readonly files?: readonly string[];
  /** Only scenarios whose name matches. */
  readonly namePattern?: string;
  readonly progress?: Progress;
  readonly stallBoundMs?: number;
  /** Further vitest reporters, e.g. the console's area progress (reports/progress.ts). */
  readonly reporters?: readonly Reporter[];
}

export async function runSuites(
  target: TargetDescriptor,
  options: SuiteRunOptions = {},
): Promise<CheckCollector> {
  let lastProgress = Date.now();
  const collector = new CheckCollector({
    scenarioDone: (s) => {
      lastProgress = Date.now();
      options.progress?.scenarioDone(s);
    },
  });
  // Every scenario bounds its own waits; this bounds what they cannot: a worker that never loads or never ends.
  const bound = options.stallBoundMs ?? STALL_BOUND_MS;
  let watchdog: NodeJS.Timeout | undefined;
  const stalled = new Promise<never>((_, reject) => {
    watchdog = setInterval(() => {
      if (Date.now() - lastProgress > bound) {
        reject(
          new RunStoppedError(
            { kind: 'stopped', by: 'stall', boundMs: bound },
            `the scenarios made no progress for ${Math.round(bound / 1000)} s: the run was stopped`,
          ),
        );
      }
    }, 1000);
  });
  const vitest = await Promise.race([
    createVitest(
      'test',
      {
        root: PACKAGE_ROOT,
        config: false,
        ...CONFORMANCE_TEST_CONFIG,
        watch: false,
        reporters: [collector, ...(options.reporters ?? [])],
        provide: { target },
        ...(options.namePattern ? { testNamePattern: options.namePattern } : {}),
      },
      { logLevel: 'silent' },
    ),
    stalled,
  ]).catch((e: unknown) => {
    clearInterval(watchdog);
    throw e;
  });
  try {
    await Promise.race([vitest.start([...(options.files ?? [])]), stalled]);
  } finally {
    clearInterval(watchdog);
    await Promise.race([vitest.close(), new Promise((r) => setTimeout(r, 10_000).unref())]);
  }
  return collector;
}
