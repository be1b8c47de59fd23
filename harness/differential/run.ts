// A differential run: N generated model sequences (seed, runs), each against both targets in lockstep.
// Reproducible like every property: sequence k is SEED:k, and --replay SEED:k runs it alone.
import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import type { TlsOptions } from '../client/connection.ts';
import { HarnessError } from '../client/errors.ts';
import type { ClockDescriptor } from '../clock/clock.ts';
import type { OmikronIdentity } from '../identity/identities.ts';
import type { Dialect } from '../protocol/dialect.ts';
import { ScenarioContext } from '../scenario/context.ts';
import type { TargetDescriptor } from '../scenario/target.ts';
import type { DivergenceKind } from './compare.ts';
import { type Divergence, runLockstep, type SequenceResult } from './lockstep.ts';
import { type Sequence, sequences } from './model-adapter.ts';
import { shrinkSequence } from './shrink.ts';

export interface DifferentialTarget {
  readonly label: string;
  readonly url: string;
  readonly tls?: TlsOptions;
  readonly clock: ClockDescriptor;
}

export interface DifferentialParams {
  readonly targets: readonly [DifferentialTarget, DifferentialTarget];
  readonly dialect: Dialect;
  readonly identities: readonly OmikronIdentity[];
  readonly timeoutMs: number;
  readonly seed: number;
  /** How many sequences. */
  readonly sequences: number;
  readonly maxCommands: number;
  /** "SEED:k": run sequence k of that seed alone. */
  readonly replay?: string;
  /** The command line that reaches both targets again, for replay lines. */
  readonly replayPrefix?: string;
  readonly onSequence?: (index: number, result: SequenceReport | null) => void;
  /** End at the first sequence that differs in judged behaviour (the rest count as not run). */
  readonly stopOnJudged?: boolean;
  /**
   * Time for shrinking the first diverging sequence of each kind (default: as a property's, 4 s,
   * 3 reply bounds or 50 ms a sequence, whichever is longest); 0: report sequences as first found.
   */
  readonly shrinkBudgetMs?: number;
  /** Called before a diverging sequence is shrunk. */
  readonly onShrink?: (replay: string, kind: DivergenceKind) => void;
  /**
   * Aborted: the run ends now (--deadline-ms). No sequence starts or is shrunk any more; the one in
   * flight is dropped (its targets may be stopped under it); the report says why, exit code 2.
   */
  readonly signal?: AbortSignal;
  /** Why the signal stops the run, for the report. */
  readonly stopReason?: () => string;
}

/** How a reported sequence was shrunk from the one first found. */
export interface ShrinkInfo {
  /** The sequence as first found: SEED:k, and its steps. */
  readonly from: string;
  readonly fromSteps: number;
  readonly shrinks: number;
  /** Shrinking stopped when its time budget ran out: a shorter sequence may exist. */
  readonly budgetSpent: boolean;
}

export interface SequenceReport {
  readonly index: number;
  /** SEED:k */
  readonly replay: string;
  readonly replayCommand: string;
  readonly steps: number;
  readonly divergences: readonly Divergence[];
  /** Present when this is the shrunk form of the sequence first found. */
  readonly shrunk?: ShrinkInfo;
  /** Shrinking ran the sequence again and it did not diverge that way: reported as first found. */
  readonly notReproduced?: true;
}

export interface CutShort {
  readonly index: number;
  readonly replay: string;
  readonly step: number;
  readonly detail: string;
}

export interface DifferentialReport {
  readonly kind: 'omega-differential';
  readonly startedAt: string;
  readonly durationMs: number;
  readonly dialect: Dialect;
  readonly seed: number;
  readonly sequences: number;
  readonly maxCommands: number;
  readonly clock: boolean;
  readonly targets: readonly [{ label: string; url: string }, { label: string; url: string }];
  readonly steps: number;
  /** Sequences with at least one divergence, in order. */
  readonly diverged: readonly SequenceReport[];
  readonly counts: { readonly judged: number; readonly informational: number };
  /**
   * Sequences whose targets stopped being sent the same requests before any difference (e.g. an id
   * the model derives from an issued one exists on one server only): compared on verdicts from there.
   */
  readonly inputsDiffered: readonly CutShort[];
  /** The run was stopped before its sequences ended (--deadline-ms): why; the report holds those run. */
  readonly stopped?: string;
  /** 1 when a sequence differs in judged behaviour; 2 when the run was stopped. */
  readonly exitCode: number;
}

/** As suites/model.test.ts: with the same seed, sequence k is the model suite's run k. */
export const DEFAULT_MAX_COMMANDS = 60;

/** SEED:PATH, the path a sequence index with the shrink steps after it ("42:17", "42:17:3:0"). */
function parseReplay(s: string): { seed: number; index: number; path: string } {
  const m = /^(-?\d+):((\d+)(?::\d+)*)$/.exec(s.trim());
  if (!m)
    throw new HarnessError(
      `--replay "${s}" is not SEED:PATH as a differential run prints it (e.g. 42:17 or 42:17:3:0)`,
    );
  return { seed: Number(m[1]), index: Number(m[3]), path: m[2]! };
}

/** Whether a candidate's result shows the same divergence (kind, requirement, first aspect). */
const sameDivergence =
  (d: Divergence) =>
  (r: SequenceResult): boolean =>
    r.divergences.some(
      (x) => x.kind === d.kind && x.requirement === d.requirement && x.aspects[0] === d.aspects[0],
    );

export async function runDifferential(p: DifferentialParams): Promise<DifferentialReport> {
  if (p.identities.length < 2)
    throw new HarnessError('a differential run needs two Omikron identities at least (one reads state back)');
  const started = new Date();
  const t0 = performance.now();
  const replay = p.replay === undefined ? null : parseReplay(p.replay);
  const seed = replay?.seed ?? p.seed;
  const slots = Math.min(3, p.identities.length - 1);
  const clock = p.targets.every((t) => t.clock.kind !== 'none');
  const prefix = `d${randomBytes(3).toString('hex').slice(0, 4)}`;
  const descriptor = (t: DifferentialTarget, side: string): TargetDescriptor => ({
    label: t.label,
    url: t.url,
    dialect: p.dialect,
    identities: p.identities,
    timeoutMs: p.timeoutMs,
    ...(t.tls ? { tls: t.tls } : {}),
    clock: t.clock,
    runPrefix: `${prefix}${side}`,
    seed,
    runs: p.sequences,
  });
  const targets = [descriptor(p.targets[0], 'a'), descriptor(p.targets[1], 'b')] as const;
  const diverged: SequenceReport[] = [];
  const inputsDiffered: CutShort[] = [];
  let steps = 0;
  let calls = 0;
  let ran = 0;
  let stop: unknown = null;
  const aborted = (): boolean => p.signal?.aborted === true;
  const arbitrary = sequences(p.dialect, clock, p.maxCommands);
  const replayAt = (path: string) => ({
    replay: `${seed}:${path}`,
    replayCommand: `${p.replayPrefix ?? 'npx omega-conformance'} --replay ${seed}:${path}`,
  });

  /** One sequence against both targets, each on connections and a scenario context of its own. */
  const runOne = (seq: Sequence, name: string): Promise<SequenceResult> => {
    const contexts = targets.map((t) => new ScenarioContext(t, `differential sequence ${name}`, []));
    return runLockstep(
      { dialect: p.dialect, slots, clock },
      [
        { t: contexts[0]!, label: p.targets[0].label },
        { t: contexts[1]!, label: p.targets[1].label },
      ],
      seq,
    );
  };

  const predicate = async (seq: Sequence): Promise<void> => {
    const index = replay ? replay.index : calls;
    calls++;
    if (stop !== null || aborted() || (replay && calls > 1)) return;
    try {
      const path = replay ? replay.path : String(index);
      const result = await runOne(seq, path);
      if (aborted()) return;
      ran++;
      steps += result.steps;
      const report: SequenceReport | null =
        result.divergences.length === 0
          ? null
          : { index, ...replayAt(path), steps: result.steps, divergences: result.divergences };
      if (report) diverged.push(report);
      if (p.stopOnJudged && report?.divergences.some((d) => d.kind === 'judged')) stop = 'enough';
      else if (result.inputsDiffer)
        inputsDiffered.push({ index, replay: `${seed}:${path}`, ...result.inputsDiffer });
      p.onSequence?.(index, report);
    } catch (e) {
      if (!aborted()) stop = e;
    }
  };
  try {
    await fc.assert(fc.asyncProperty(arbitrary, predicate), {
      seed,
      numRuns: replay ? 1 : p.sequences,
      ...(replay ? { path: replay.path } : {}),
    });
  } catch (e) {
    if (replay && /Unable to replay/.test((e as Error).message))
      throw new HarnessError(
        `--replay ${p.replay}: no sequence of this run has that path (a path printed by a differential run with other options, or a property's?)`,
      );
    throw e;
  }
  if (stop !== null && stop !== 'enough') throw stop;

  // The first diverging sequence of each kind, shrunk (a replay reports the sequence it was given).
  const budgetMs = p.shrinkBudgetMs ?? Math.max(4000, 3 * p.timeoutMs, p.sequences * 50);
  if (!replay && budgetMs > 0)
    for (const kind of ['judged', 'informational'] as const) {
      // An informational difference is shrunk in a sequence that shows no judged one only.
      const at = diverged.findIndex(
        (s) =>
          s.divergences.some((d) => d.kind === kind) &&
          (kind === 'judged' || !s.divergences.some((d) => d.kind === 'judged')),
      );
      if (at < 0) continue;
      const found = diverged[at]!;
      const target = found.divergences.find((d) => d.kind === kind)!;
      if (aborted()) break;
      p.onShrink?.(found.replay, kind);
      let tried = 0;
      const shrunk = await shrinkSequence({
        arbitrary,
        seed,
        index: found.index,
        budgetMs,
        run: (seq) => runOne(seq, `${found.index} shrinking ${++tried}`),
        matches: sameDivergence(target),
        ...(p.signal ? { signal: p.signal } : {}),
      });
      diverged[at] =
        shrunk === null && aborted()
          ? found
          : shrunk === null
            ? { ...found, notReproduced: true }
            : {
                index: found.index,
                ...replayAt(shrunk.path),
                steps: shrunk.result.steps,
                divergences: shrunk.result.divergences,
                shrunk: {
                  from: found.replay,
                  fromSteps: found.steps,
                  shrinks: shrunk.shrinks,
                  budgetSpent: shrunk.budgetSpent,
                },
              };
    }
  const judged = diverged.filter((s) => s.divergences.some((d) => d.kind === 'judged')).length;
  const informational = diverged.filter((s) => s.divergences.some((d) => d.kind === 'informational')).length;
  return {
    kind: 'omega-differential',
    startedAt: started.toISOString(),
    durationMs: Math.round(performance.now() - t0),
    dialect: p.dialect,
    seed,
    sequences: ran,
    maxCommands: p.maxCommands,
    clock,
    targets: [
      { label: p.targets[0].label, url: p.targets[0].url },
      { label: p.targets[1].label, url: p.targets[1].url },
    ],
    steps,
    diverged,
    counts: { judged, informational },
    inputsDiffered,
    ...(aborted() ? { stopped: p.stopReason?.() ?? 'the run was stopped' } : {}),
    exitCode: aborted() ? 2 : judged > 0 ? 1 : 0,
  };
}
