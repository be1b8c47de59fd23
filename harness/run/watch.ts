// The run's one bound, watched from the main process (a stuck worker cannot stop it): every scenario
// ends within its own vitest timeout plus a grace, the gaps between scenarios (loading a file, hooks)
// are bounded, and the whole run ends by its deadline. When a bound passes, `stopped` settles with
// the cause as data; the caller writes the reports, stops the target and exits 2.
import type { StopReason } from '../failure/reason.ts';
import { stacksWanted, workerStacks } from './worker-stacks.ts';

/** Why a run was stopped before its scenarios ended. */
export type StopCause = (
  | { readonly kind: 'deadline'; readonly deadlineMs: number; readonly scenario?: string }
  | {
      readonly kind: 'scenario-overran';
      readonly scenario: string;
      readonly boundMs: number;
    }
  | { readonly kind: 'no-progress'; readonly idleMs: number; readonly after?: string }
) & {
  /** The suite worker's JavaScript stack when it was stopped (innermost first): where it was stuck. */
  readonly workerStack?: string[];
};

export function describeStop(c: StopCause): string {
  const where = c.workerStack?.length
    ? `; the worker was at ${c.workerStack
        .slice(0, 6)
        .map((f) => f.replace(/^at /, ''))
        .join(' < ')}`
    : '';
  return describeKind(c) + where;
}

function describeKind(c: StopCause): string {
  switch (c.kind) {
    case 'deadline':
      return `the run deadline of ${seconds(c.deadlineMs)} passed${c.scenario ? ` during "${c.scenario}"` : ''}`;
    case 'scenario-overran':
      return `"${c.scenario}" did not end within its bound of ${seconds(c.boundMs)} (the scenario's timeout and a grace): the suite's worker is stuck`;
    case 'no-progress':
      return `no scenario started or ended for ${seconds(c.idleMs)}${c.after ? ` after "${c.after}"` : ''}: the suite's worker is stuck`;
  }
}

const seconds = (ms: number): string => `${Math.round(ms / 100) / 10} s`;

/** The stop as report.json's `error.reason` (outcome error, like a run stopped by a signal). */
export function stopReasonOf(c: StopCause): StopReason {
  return c.kind === 'deadline'
    ? { kind: 'stopped', by: 'deadline', boundMs: c.deadlineMs }
    : { kind: 'stopped', by: 'stall', boundMs: c.kind === 'no-progress' ? c.idleMs : c.boundMs };
}

export interface RunDeadline {
  readonly at: number;
  readonly totalMs: number;
}

export function deadlineIn(totalMs: number): RunDeadline {
  return { at: Date.now() + totalMs, totalMs };
}

export interface WatchOptions {
  /** The whole run's deadline: the time (Date.now()) it passes, and its length as given. */
  readonly deadline?: RunDeadline;
  /** Added to a scenario's own timeout: its finally blocks (closing sessions) and reporting. */
  readonly graceMs?: number;
  /** Longest gap with no scenario running: loading a suite file, its hooks, vitest's start. */
  readonly idleMs?: number;
  /** Read the stuck worker's stack when stopping (default: OMEGA_STALL_STACKS=1, see worker-stacks.ts). */
  readonly stacks?: boolean;
}

export const WATCH_DEFAULTS = { graceMs: 15_000, idleMs: 90_000 } as const;

export class RunWatch {
  readonly stopped: Promise<StopCause>;
  private settle!: (c: StopCause) => void;
  private timer: NodeJS.Timeout | undefined;
  private done = false;
  private current: { name: string; boundMs: number; until: number } | undefined;
  private idleUntil: number;
  private last: string | undefined;
  private readonly graceMs: number;
  private readonly idleMs: number;

  constructor(private readonly options: WatchOptions = {}) {
    this.graceMs = options.graceMs ?? WATCH_DEFAULTS.graceMs;
    this.idleMs = options.idleMs ?? WATCH_DEFAULTS.idleMs;
    this.stopped = new Promise((resolve) => {
      this.settle = resolve;
    });
    this.idleUntil = Date.now() + this.idleMs;
    this.arm();
  }

  /** A scenario started; it must end within its timeout plus the grace. */
  scenarioStarted(name: string, timeoutMs: number): void {
    const boundMs = timeoutMs + this.graceMs;
    this.current = { name, boundMs, until: Date.now() + boundMs };
    this.arm();
  }

  /** A scenario ended (any state), or a file started: progress. */
  progress(ended?: string): void {
    if (ended !== undefined) {
      this.current = undefined;
      this.last = ended;
    }
    this.idleUntil = Date.now() + this.idleMs;
    this.arm();
  }

  dispose(): void {
    this.done = true;
    clearTimeout(this.timer);
  }

  private fire(c: StopCause): void {
    if (this.done) return;
    this.dispose();
    // Every worker with JavaScript on its stack (an idle one has none): dialects may run side by side.
    const stack =
      (this.options.stacks ?? stacksWanted())
        ? workerStacks().flatMap((frames, i) => (i === 0 ? frames : ['(another worker)', ...frames]))
        : [];
    this.settle(stack.length > 0 ? { ...c, workerStack: stack } : c);
  }

  private arm(): void {
    if (this.done) return;
    clearTimeout(this.timer);
    const bound = this.current ? this.current.until : this.idleUntil;
    const at = Math.min(bound, this.options.deadline?.at ?? Number.POSITIVE_INFINITY);
    this.timer = setTimeout(() => this.check(), Math.max(0, at - Date.now()));
  }

  private check(): void {
    const now = Date.now();
    const { deadline } = this.options;
    if (deadline !== undefined && now >= deadline.at) {
      return this.fire({
        kind: 'deadline',
        deadlineMs: deadline.totalMs,
        ...(this.current ? { scenario: this.current.name } : {}),
      });
    }
    if (this.current && now >= this.current.until) {
      return this.fire({
        kind: 'scenario-overran',
        scenario: this.current.name,
        boundMs: this.current.boundMs,
      });
    }
    if (!this.current && now >= this.idleUntil) {
      return this.fire({
        kind: 'no-progress',
        idleMs: this.idleMs,
        ...(this.last ? { after: this.last } : {}),
      });
    }
    this.arm(); // a timer that fired a hair early
  }
}
