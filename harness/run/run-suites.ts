// Run the conformance scenarios through vitest's Node API, bounded by the run's watch. A run can be
// begun before its target exists (SuiteRun.begin): vitest's worker then boots and loads the suite's
// modules while the target launches, and the target reaches it through harness/scenario/target.ts's
// channel once known. Nothing is collected before that: every file waits for the target first.
import { randomUUID } from 'node:crypto';
import { BroadcastChannel } from 'node:worker_threads';
import type { Reporter, Vitest } from 'vitest/node';
import {
  type TargetDelivery,
  TARGET_CHANNEL_PREFIX,
  type TargetRequest,
} from '../scenario/target-channel.ts';
import type { TargetDescriptor } from '../scenario/target.ts';
import { CheckCollector, type Progress } from './collector.ts';
import { CODE_ROOT, COMPILED, PACKAGE_ROOT } from './version.ts';
import { type RunDeadline, RunWatch, type StopCause, type WatchOptions } from './watch.ts';

export { PACKAGE_ROOT };

/** How long vitest gets to tear down after a normal run; after a stopped run it is not awaited. */
const CLOSE_BOUND_MS = 10_000;
/** How long a begun run's worker waits for its target when the caller sets no bound. */
const TARGET_WAIT_MS = 10 * 60_000;

// vitest/node (and the config, whose sequencer extends vitest's) is large: loaded on first use, or
// early by preloadVitest.
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
  /** How long the worker of a begun run waits for its target (the launch's own bound and a margin). */
  readonly targetWaitMs?: number;
}

/**
 * One vitest run of the suites. `begin` starts vitest at once; `run(target)` hands it the target and
 * returns what the scenarios recorded. When the watch fires, `run` returns at once with
 * `collector.stopped` set (what had ended is kept); vitest is left to close in the background and the
 * caller ends the process after writing its reports. A begun run that gets no target is `cancel`led.
 */
export class SuiteRun {
  private readonly channel: BroadcastChannel;
  private readonly channelName = `${TARGET_CHANNEL_PREFIX}${randomUUID()}`;
  private delivery: TargetDelivery | undefined;
  private progress: Progress | undefined;
  private vitest: Vitest | undefined;
  private readonly started: Promise<undefined>;
  readonly collector: CheckCollector;
  private watch: RunWatch | undefined;

  private constructor(private readonly options: SuiteRunOptions) {
    this.progress = options.progress;
    this.collector = new CheckCollector({
      scenarioDone: (s) => {
        this.watch?.progress(s.name);
        this.progress?.scenarioDone(s);
      },
      scenarioStarted: (name, timeoutMs) => this.watch?.scenarioStarted(name, timeoutMs),
      fileStarted: () => this.watch?.progress(),
    });
    // The worker asks (it may subscribe after the target was posted): every ask gets the answer.
    this.channel = new BroadcastChannel(this.channelName);
    this.channel.onmessage = (e: unknown) => {
      const asked = (e as { data?: TargetRequest }).data?.want === true;
      if (asked && this.delivery) this.channel.postMessage(this.delivery);
    };
    this.channel.unref();
    this.started = this.start();
    this.started.catch(() => {}); // awaited by run(); a cancelled run's failure is moot
  }

  static begin(options: SuiteRunOptions = {}): SuiteRun {
    return new SuiteRun(options);
  }

  private async start(): Promise<undefined> {
    const [{ createVitest }, { CONFORMANCE_TEST_CONFIG }] = await preloadVitest();
    this.vitest = await createVitest(
      'test',
      {
        root: CODE_ROOT,
        config: false,
        ...CONFORMANCE_TEST_CONFIG,
        watch: false,
        reporters: [this.collector, ...(this.options.reporters ?? [])],
        provide: {
          targetChannel: {
            name: this.channelName,
            waitMs: this.options.targetWaitMs ?? TARGET_WAIT_MS,
          },
        },
        // Compiled, the harness is plain JavaScript: the worker loads it natively, untransformed.
        ...(COMPILED ? { server: { deps: { external: [/\/dist\/(harness|fixtures|reports)\//] } } } : {}),
      },
      { logLevel: 'silent' },
    );
    await this.vitest.start([...(this.options.files ?? [])]);
    return undefined;
  }

  private deliver(d: TargetDelivery): void {
    if (this.delivery) return;
    this.delivery = d;
    this.channel.postMessage(d);
  }

  /** Hands the target over and waits for the run to end or its watch to fire. */
  async run(target: TargetDescriptor, progress?: Progress): Promise<CheckCollector> {
    if (progress) this.progress = progress;
    const watch = new RunWatch({
      ...this.options.watch,
      ...(this.options.deadline ? { deadline: this.options.deadline } : {}),
    });
    this.watch = watch;
    this.deliver({ target });
    try {
      const stopped = await Promise.race([this.started, watch.stopped]);
      if (stopped) {
        this.collector.stopped = stopped;
        this.options.onStopped?.(stopped);
        void this.vitest?.close().catch(() => {});
        return this.collector;
      }
    } finally {
      watch.dispose();
      this.channel.close();
    }
    if (this.vitest) {
      const v = this.vitest;
      await Promise.race([v.close(), new Promise((r) => setTimeout(r, CLOSE_BOUND_MS).unref())]);
    }
    return this.collector;
  }

  /**
   * No target comes (its launch failed): the worker's wait ends, vitest closes in the background.
   * Once the target was handed over, the run is run()'s to end: nothing happens.
   */
  cancel(reason: string): void {
    if (this.delivery) return;
    this.deliver({ abort: reason });
    void this.started.then(() => this.vitest?.close()).catch(() => {});
    setTimeout(() => this.channel.close(), 1000).unref();
  }
}

/** Runs the suites against a known target (SuiteRun.begin(options).run(target)). */
export function runSuites(target: TargetDescriptor, options: SuiteRunOptions = {}): Promise<CheckCollector> {
  return SuiteRun.begin(options).run(target);
}
