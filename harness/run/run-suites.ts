// Run the conformance scenarios through vitest's Node API, bounded by the run's watch.
import type { Reporter, Vitest } from 'vitest/node';
import type { TargetDescriptor } from '../scenario/target.ts';
import { CheckCollector, type Progress } from './collector.ts';
import { CODE_ROOT, COMPILED, PACKAGE_ROOT } from './version.ts';
import { type RunDeadline, RunWatch, type StopCause, type WatchOptions } from './watch.ts';

export { PACKAGE_ROOT };

/** How long vitest gets to tear down after a normal run; after a stopped run it is not awaited. */
const CLOSE_BOUND_MS = 10_000;

// vitest/node (and the config, whose sequencer extends vitest's) is large: loaded on first use, or
// early by preloadVitest, so that its load overlaps launching the target.
let vitestNode: Promise<[typeof import('vitest/node'), typeof import('./conformance-config.ts')]> | undefined;
export function preloadVitest(): Promise<
  [typeof import('vitest/node'), typeof import('./conformance-config.ts')]
> {
  vitestNode ??= Promise.all([import('vitest/node'), import('./conformance-config.ts')]);
  return vitestNode;
}

export interface SuiteRunOptions {
  /** Only these suite files (paths relative to suites/, or name fragments). */
  readonly files?: readonly string[];
  readonly progress?: Progress;
  /** The whole run's deadline (--deadline-ms); each scenario is bounded by its own timeout besides. */
  readonly deadline?: RunDeadline;
  /** Called the moment the watch fires, before the collector is returned. */
  readonly onStopped?: (cause: StopCause) => void;
  /** The watch's grace and idle bounds (tests shorten them). */
  readonly watch?: Omit<WatchOptions, 'deadline'>;
  /** Further vitest reporters, e.g. the console's area progress (reports/progress.ts). */
  readonly reporters?: readonly Reporter[];
}

/**
 * Runs the suites and returns what the scenarios recorded. When the watch fires, returns at once with
 * `collector.stopped` set (what had ended is kept); vitest is left to close in the background and the
 * caller ends the process after writing its reports.
 */
export async function runSuites(
  target: TargetDescriptor,
  options: SuiteRunOptions = {},
): Promise<CheckCollector> {
  const watch = new RunWatch({
    ...options.watch,
    ...(options.deadline ? { deadline: options.deadline } : {}),
  });
  const collector = new CheckCollector({
    scenarioDone: (s) => {
      watch.progress(s.name);
      options.progress?.scenarioDone(s);
    },
    scenarioStarted: (name, timeoutMs) => watch.scenarioStarted(name, timeoutMs),
    fileStarted: () => watch.progress(),
  });
  let vitest: Vitest | undefined;
  const run = (async () => {
    const [{ createVitest }, { CONFORMANCE_TEST_CONFIG }] = await preloadVitest();
    vitest = await createVitest(
      'test',
      {
        root: CODE_ROOT,
        config: false,
        ...CONFORMANCE_TEST_CONFIG,
        watch: false,
        reporters: [collector, ...(options.reporters ?? [])],
        provide: { target },
        // Compiled, the harness is plain JavaScript: the worker loads it natively, untransformed.
        ...(COMPILED ? { server: { deps: { external: [/\/dist\/(harness|fixtures|reports)\//] } } } : {}),
      },
      { logLevel: 'silent' },
    );
    await vitest.start([...(options.files ?? [])]);
    return undefined;
  })();
  const stopped = await Promise.race([run, watch.stopped]).finally(() => watch.dispose());
  if (stopped) {
    collector.stopped = stopped;
    options.onStopped?.(stopped);
    run.catch(() => {}); // whatever it settles with now is moot
    void vitest?.close().catch(() => {});
    return collector;
  }
  if (vitest) {
    const v = vitest;
    await Promise.race([v.close(), new Promise((r) => setTimeout(r, CLOSE_BOUND_MS).unref())]);
  }
  return collector;
}
