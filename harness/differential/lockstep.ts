// One sequence against two targets in lockstep: step i starts on both once both finished step i-1
// and it was compared; the first difference is recorded, a difference in judged behaviour ends the
// sequence (the steps after it do nothing), a merely informational one lets it go on, to find one.
import type { ScenarioContext } from '../scenario/context.ts';
import type { Dialect } from '../protocol/dialect.ts';
import { compareSteps, requestsDiffer, type StepDifference } from './compare.ts';
import { runSequence, type Sequence, type StepOutcome } from './model-adapter.ts';
import { Side, type SideStep } from './side.ts';

export interface Divergence extends StepDifference {
  /** 1-based step of the sequence; steps + 1 for the state read back after the last step. */
  readonly step: number;
  readonly command: string;
  /** The two sides' steps, up to and including this one (the last STEPS_SHOWN). */
  readonly transcripts: readonly [readonly SideStep[], readonly SideStep[]];
  /** How the names of the comparison map to each target's own ids. */
  readonly ids: readonly (readonly [string, number | null, number | null])[];
}

export interface SequenceResult {
  readonly steps: number;
  /** From this step on the two targets were not sent the same requests: only verdicts were compared. */
  readonly inputsDiffer?: { readonly step: number; readonly detail: string };
  /** At most one of each kind: the first informational difference, the first judged one. */
  readonly divergences: readonly Divergence[];
}

const STEPS_SHOWN = 12;

export interface LockstepSide {
  readonly t: ScenarioContext;
  readonly label: string;
}

export interface LockstepConfig {
  readonly dialect: Dialect;
  readonly slots: number;
  readonly clock: boolean;
}

/** Waits on a condition that the two sides' progress changes. */
class Progress {
  private waiters: (() => void)[] = [];
  until(pred: () => boolean): Promise<void> {
    if (pred()) return Promise.resolve();
    return new Promise((resolve) => {
      const check = () => (pred() ? resolve() : this.waiters.push(check));
      this.waiters.push(check);
    });
  }
  changed(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }
}

export async function runLockstep(
  cfg: LockstepConfig,
  sides: readonly [LockstepSide, LockstepSide],
  sequence: Sequence,
): Promise<SequenceResult> {
  // The same commands on both sides (they hold no state: each side has its own model).
  const commands = [...sequence];
  const recorders = [new Side(sides[0].t, cfg.slots), new Side(sides[1].t, cfg.slots)] as const;
  const names = [sides[0].label, sides[1].label] as const;
  const progress = new Progress();
  const done = [-1, -1];
  const ended = [false, false];
  const stepsOf: SideStep[][] = [[], []];
  const divergences: Divergence[] = [];
  let compared = -1;
  let inputsDiffer: SequenceResult['inputsDiffer'];
  let stopped = false;
  let count = 0;

  const divergence = (d: StepDifference, step: number, command: string): Divergence => {
    const [a, b] = recorders.map((r) => r.renamer.idTable());
    const names = [...new Set([...a!.keys(), ...b!.keys()])];
    return {
      ...d,
      step,
      command,
      transcripts: [stepsOf[0]!.slice(-STEPS_SHOWN), stepsOf[1]!.slice(-STEPS_SHOWN)],
      ids: names.map((n) => [n, a!.get(n) ?? null, b!.get(n) ?? null] as const),
    };
  };
  const record = (d: StepDifference | null, step: number, command: string): void => {
    if (d === null || divergences.some((x) => x.kind === d.kind)) return;
    if (d.kind === 'informational' && divergences.some((x) => x.kind === 'judged')) return;
    divergences.push(divergence(d, step, command));
    if (d.kind === 'judged') stopped = true;
  };
  const compareReady = (): void => {
    while (compared + 1 <= Math.min(done[0]!, done[1]!)) {
      compared++;
      const a = stepsOf[0]![compared]!;
      const b = stepsOf[1]![compared]!;
      if (inputsDiffer === undefined) {
        const d = requestsDiffer(a, b);
        if (d !== null) inputsDiffer = { step: compared + 1, detail: d };
      }
      record(compareSteps(a, b, names, inputsDiffer !== undefined), compared + 1, a.command);
      // Both models failed: nothing more to learn from this sequence.
      if (a.judgement && b.judgement) stopped = true;
    }
  };

  const hooks = (k: 0 | 1) => ({
    before: async (i: number): Promise<boolean> => {
      await progress.until(() => stopped || compared >= i - 1 || ended[1 - k]!);
      if (stopped) return false;
      recorders[k].beginStep();
      return true;
    },
    after: async (i: number, outcome: StepOutcome, command?: string): Promise<void> => {
      const step = await recorders[k].endStep(command ?? '', outcome);
      stepsOf[k]![i] = step;
      done[k] = i;
      count = Math.max(count, i + 1);
      compareReady();
      progress.changed();
    },
  });

  const run = async (k: 0 | 1): Promise<void> => {
    const h = hooks(k);
    let command = '';
    try {
      await runSequence(
        { t: sides[k].t, dialect: cfg.dialect, slots: cfg.slots, clock: cfg.clock },
        commands,
        {
          before: (i, c) => {
            command = c;
            return h.before(i);
          },
          after: (i, o) => h.after(i, o, command),
        },
      );
    } finally {
      ended[k] = true;
      progress.changed();
    }
  };

  try {
    await Promise.all([run(0), run(1)]);
    compareReady();
    if (!stopped && count > 0 && inputsDiffer === undefined) {
      // The whole state at the end: every id either target issued, read back.
      const [fa, fb] = await Promise.all(recorders.map((r) => r.finalState()));
      const [a, b] = [fa!.state, fb!.state];
      if (fa!.failure?.requirement !== fb!.failure?.requirement) {
        // One side could not be read back on its own account (compareSteps' rule for a verdict).
        const broke = (fa!.failure ?? fb!.failure)!;
        const who =
          fa!.failure && fb!.failure
            ? `both (${fa!.failure.requirement} / ${fb!.failure.requirement})`
            : names[fa!.failure ? 0 : 1];
        record(
          {
            kind: 'judged',
            aspects: ['verdict', 'state'],
            requirement: broke.requirement,
            summary: `${who} broke ${broke.requirement} here: ${broke.message.split('\n')[0]}`,
          },
          count + 1,
          '(read back every id issued)',
        );
      } else if (a!.join('\n') !== b!.join('\n')) {
        const first = a!.findIndex((x, i) => x !== b![i]);
        record(
          {
            kind: 'informational',
            aspects: ['state'],
            summary: `the state read back after the last step differs: ${a![first] ?? '(nothing)'}  ≠  ${b![first] ?? '(nothing)'}`,
          },
          count + 1,
          '(read back every id issued)',
        );
      }
    }
  } finally {
    await Promise.all(recorders.map((r) => r.close()));
  }
  return { steps: count, divergences, ...(inputsDiffer ? { inputsDiffer } : {}) };
}
