// The one place the differential run touches the model-based generator (harness/properties): the
// command sequences it generates and running one sequence on one target. Everything else in
// harness/differential works on steps, frames and the hooks below.
import fc from 'fast-check';
import type { Dialect } from '../protocol/dialect.ts';
import { type Model, modelCommands, type Real, runModel } from '../properties/model/commands.ts';
import { allRanReplayPath, Coverage, PropertyFailure } from '../properties/runner.ts';
import type { ScenarioContext } from '../scenario/context.ts';

export type Sequence = Iterable<fc.AsyncCommand<Model, Real>>;

/**
 * The model's command sequences, as the model suite generates them (same seed, same paths). Every
 * command counts as run (the model suite's replay log, allRanReplayPath): a step skipped once the
 * sequence diverged still shrinks away, and a shrunk SEED:PATH replays without the run before it.
 */
export function sequences(dialect: Dialect, clock: boolean, maxCommands: number): fc.Arbitrary<Sequence> {
  return fc.commands(modelCommands(dialect, clock), {
    maxCommands,
    size: 'medium',
    disableReplayLog: true,
    replayPath: allRanReplayPath(),
  }) as fc.Arbitrary<Sequence>;
}

/** What the model said about one step on one target. */
export interface StepOutcome {
  /** The model's judgement failed at this step (a requirement broken), or null. */
  readonly failure: unknown;
  /** Register ids the target issued so far in this sequence, oldest first. */
  readonly issued: readonly number[];
}

export interface StepHooks {
  /** Before step `i` (from 0); false: skip it (the sequences already differ). */
  before(i: number, command: string): Promise<boolean>;
  after(i: number, outcome: StepOutcome): Promise<void>;
}

export interface SequenceTarget {
  readonly t: ScenarioContext;
  readonly dialect: Dialect;
  readonly slots: number;
  readonly clock: boolean;
}

/**
 * Run one sequence against one target through the model, each step between the hooks. The model's
 * own failure is reported by `after` at its step; only errors that are no step's (the target cannot
 * be reached) are thrown.
 */
export async function runSequence(target: SequenceTarget, seq: Sequence, hooks: StepHooks): Promise<void> {
  let judged = false;
  const wrapped = [...seq].map(
    (c, i): fc.AsyncCommand<Model, Real> => ({
      check: (m) => c.check(m),
      run: async (m, r) => {
        if (!(await hooks.before(i, c.toString()))) return;
        const earlier = r.failure;
        const recorded = target.t.checks.length;
        await c.run(m, r);
        // A SHOULD the step broke is recorded, not thrown (the model follows the server): judged too.
        const should = target.t.checks.slice(recorded).find((x) => x.outcome === 'fail');
        const failure =
          earlier === null && r.failure !== null
            ? r.failure
            : should !== undefined
              ? new PropertyFailure(should.requirement, should.message)
              : null;
        if (failure !== null) judged = true;
        await hooks.after(i, { failure, issued: m.regs.map((g) => g.id) });
      },
      toString: () => c.toString(),
    }),
  );
  try {
    await runModel(
      {
        t: target.t,
        dialect: target.dialect,
        slots: target.slots,
        clock: target.clock,
        coverage: new Coverage(),
        noted: new Set(),
      },
      wrapped,
    );
  } catch (e) {
    if (!judged) throw e;
  }
}
