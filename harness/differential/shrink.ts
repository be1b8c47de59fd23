// Shrinking a diverging sequence: fast-check walks the shrink tree from the sequence as first found
// (path "k"), keeping each smaller sequence that shows the same divergence again, until the tree is
// exhausted or the time budget is spent (then every further candidate counts as not diverging, so
// fast-check stops with the smallest found so far: a real one, it replays from SEED:PATH).
import fc from 'fast-check';
import type { SequenceResult } from './lockstep.ts';
import type { Sequence } from './model-adapter.ts';

export interface Shrunk {
  /** fast-check's path of the smallest diverging sequence ("k:a:b…"). */
  readonly path: string;
  readonly result: SequenceResult;
  readonly shrinks: number;
  /** Shrinking stopped when its time budget ran out: a shorter sequence may exist. */
  readonly budgetSpent: boolean;
}

export interface ShrinkParams {
  /** The same arbitrary as the run's (same seed: the same sequences at the same paths). */
  readonly arbitrary: fc.Arbitrary<Sequence>;
  readonly seed: number;
  /** The index of the sequence as first found. */
  readonly index: number;
  readonly budgetMs: number;
  /** Run one candidate against both targets. */
  readonly run: (seq: Sequence) => Promise<SequenceResult>;
  /** Whether a candidate's result shows the divergence being shrunk. */
  readonly matches: (r: SequenceResult) => boolean;
  /** Aborted: shrinking ends as when its budget is spent (a candidate in flight is dropped). */
  readonly signal?: AbortSignal;
}

/** Thrown to tell fast-check a candidate still diverges. */
class StillDiverges extends Error {}

const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** The smallest sequence showing the divergence, or null when the sequence did not diverge again. */
export async function shrinkSequence(p: ShrinkParams): Promise<Shrunk | null> {
  let started: number | null = null;
  let budgetSpent = false;
  let last: SequenceResult | null = null;
  let error: unknown = null;
  const predicate = async (seq: Sequence): Promise<void> => {
    // Candidates skipped without I/O resolve in microtasks: give timers and sockets a turn.
    await yieldToEventLoop();
    if (error !== null) return;
    started ??= performance.now();
    if (performance.now() - started > p.budgetMs || p.signal?.aborted) {
      budgetSpent = true;
      return;
    }
    let r: SequenceResult;
    try {
      r = await p.run(seq);
    } catch (e) {
      // A target that cannot be reached: no candidate can be judged any more.
      if (!p.signal?.aborted) error = e;
      return;
    }
    if (p.signal?.aborted) return;
    if (p.matches(r)) {
      last = r;
      throw new StillDiverges('the divergence shows again');
    }
  };
  let details: fc.RunDetails<[Sequence]> | null = null;
  await fc.assert(fc.asyncProperty(p.arbitrary, predicate), {
    seed: p.seed,
    path: String(p.index),
    numRuns: 1,
    reporter: (d) => {
      details = d;
    },
  });
  if (error !== null) throw error;
  const d = details as fc.RunDetails<[Sequence]> | null;
  if (d === null || !d.failed || d.counterexamplePath === null || last === null) return null;
  return { path: d.counterexamplePath, result: last, shrinks: d.numShrinks, budgetSpent };
}
