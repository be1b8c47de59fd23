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
import { type Divergence, runLockstep } from './lockstep.ts';
import { sequences } from './model-adapter.ts';

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
}

export interface SequenceReport {
  readonly index: number;
  /** SEED:k */
  readonly replay: string;
  readonly replayCommand: string;
  readonly steps: number;
  readonly divergences: readonly Divergence[];
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
  /** 1 when a sequence differs in judged behaviour. */
  readonly exitCode: number;
}

/** As suites/model.test.ts: with the same seed, sequence k is the model suite's run k. */
export const DEFAULT_MAX_COMMANDS = 60;

function parseReplay(s: string): { seed: number; index: number } {
  const m = /^(-?\d+):(\d+)$/.exec(s.trim());
  if (!m)
    throw new HarnessError(
      `--replay "${s}" is not SEED:SEQUENCE as a differential run prints it (e.g. 42:17)`,
    );
  return { seed: Number(m[1]), index: Number(m[2]) };
}

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

  const predicate = async (seq: Parameters<typeof runLockstep>[2]): Promise<void> => {
    const index = replay ? replay.index : calls;
    calls++;
    if (stop !== null || (replay && calls > 1)) return;
    ran++;
    try {
      const contexts = targets.map((t) => new ScenarioContext(t, `differential sequence ${index}`, []));
      const result = await runLockstep(
        { dialect: p.dialect, slots, clock },
        [
          { t: contexts[0]!, label: p.targets[0].label },
          { t: contexts[1]!, label: p.targets[1].label },
        ],
        seq,
      );
      steps += result.steps;
      const report: SequenceReport | null =
        result.divergences.length === 0
          ? null
          : {
              index,
              replay: `${seed}:${index}`,
              replayCommand: `${p.replayPrefix ?? 'npx omega-conformance'} --replay ${seed}:${index}`,
              steps: result.steps,
              divergences: result.divergences,
            };
      if (report) diverged.push(report);
      if (p.stopOnJudged && report?.divergences.some((d) => d.kind === 'judged')) stop = 'enough';
      else if (result.inputsDiffer)
        inputsDiffered.push({ index, replay: `${seed}:${index}`, ...result.inputsDiffer });
      p.onSequence?.(index, report);
    } catch (e) {
      stop = e;
    }
  };
  await fc.assert(fc.asyncProperty(sequences(p.dialect, clock, p.maxCommands), predicate), {
    seed,
    numRuns: replay ? 1 : p.sequences,
    ...(replay ? { path: String(replay.index) } : {}),
  });
  if (stop !== null && stop !== 'enough') throw stop;
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
    exitCode: judged > 0 ? 1 : 0,
  };
}
