// Running a fast-check property inside a scenario: the target's seed and budget, replay of one
// counterexample ("SEED:PATH"), and a failed check naming the most specific requirement with the
// shrunk counterexample and a one-line replay command.
import fc from 'fast-check';
import type { Cause } from '../client/causes.ts';
import type { Reply } from '../client/connection.ts';
import { HarnessError } from '../client/errors.ts';
import type { OmikronSession } from '../client/session.ts';
import { isErrorType } from '../protocol/messages.ts';
import { describeReply, type ScenarioContext, show } from '../scenario/context.ts';
import { asRequirementId, requirement } from '../spec/requirements.ts';
import { isInfrastructure, requirementOfRequestError } from './causes.ts';

/** A property did not hold: names the requirement it breaks. */
export class PropertyFailure extends Error {
  override name = 'PropertyFailure';
  constructor(
    readonly requirement: string,
    message: string,
    readonly detail: { readonly expected?: unknown; readonly actual?: unknown; readonly cause?: Cause } = {},
  ) {
    super(message);
  }
}

/** Which requirements the generated cases exercised (passes are recorded only for those). */
export class Coverage {
  private readonly hits = new Map<string, number>();
  hit(req: string, n = 1): void {
    this.hits.set(req, (this.hits.get(req) ?? 0) + n);
  }
  count(req: string): number {
    return this.hits.get(req) ?? 0;
  }
}

export interface Replay {
  readonly seed: number;
  readonly path: string;
}

/** "SEED:PATH", e.g. "-1234:7:0:2". */
export function parseReplay(s: string | undefined): Replay | null {
  if (s === undefined || s === '') return null;
  const m = /^(-?\d+):(\d+(?::\d+)*)$/.exec(s.trim());
  if (!m) throw new HarnessError(`--replay "${s}" is not SEED:PATH (e.g. 42:7:0:1)`);
  return { seed: Number(m[1]), path: m[2]! };
}

/** `prefix` names the same target (TargetDescriptor.replayCommand); the rest selects the one counterexample. */
export const replayCommand = (
  seed: number,
  path: string,
  req: string,
  prefix = 'npx omega-conformance',
): string => `${prefix} --replay ${seed}:${path} --only ${req}`;

/**
 * fc.commands' replayPath for a replay. Every model command always runs (its check() is true and a
 * command after a failure is a no-op), so the path of which commands ran is all true: replaying
 * needs only SEED:PATH.
 */
export function allRanReplayPath(commands = 64 * 4096): string {
  const chunks = Math.ceil(commands / 64);
  return `${'/'.repeat(chunks)}:${'/'.repeat(Math.ceil(chunks / 6))}`;
}

export interface PropertySpec<T> {
  /** Short name for messages: "every request gets exactly one reply carrying its id". */
  readonly name: string;
  readonly arbitrary: fc.Arbitrary<T>;
  readonly predicate: (value: T) => Promise<void>;
  /** Requirement a failure is recorded against when it names none. */
  readonly fallback: string;
  /** Requirements the property judges: passed when it holds and a case exercised them. */
  readonly judged: readonly string[];
  readonly coverage: Coverage;
  /** Time for shrinking after the first failure (default: 4 s, 3 reply bounds, or 50 ms a run). */
  readonly shrinkBudgetMs?: number;
  /**
   * Bound on one run (default: 30 reply bounds). Every wait inside has its own bound; this one
   * turns a wait that has none (a harness fault) into a failed check naming it, not a stall.
   */
  readonly runBoundMs?: number;
  /** Called at every failing run, before shrinking goes on (e.g. to stop reusing connections). */
  readonly onFailure?: () => Promise<void>;
}

const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** The run, or a failure naming the bound when it does not end in time. */
async function withinBound(
  run: Promise<void>,
  ms: number,
  spec: { name: string; fallback: string },
): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const bound = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new PropertyFailure(
            spec.fallback,
            `one run of "${spec.name}" did not end within ${ms} ms: a wait inside it got no answer and had no bound of its own (a harness fault; the transcript shows the last frames)`,
          ),
        ),
      ms,
    );
  });
  try {
    await Promise.race([run, bound]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * fc.assert with the target's seed and runs (or the replay's seed and path, ending at the first
 * failure). A failure becomes one failed check with the shrunk counterexample and a replay line,
 * and it stops the scenario (MUST). Errors that are not property failures (the target is down,
 * the handshake was refused) end the scenario the ordinary way (ScenarioContext.attribute).
 */
export async function runProperty<T>(t: ScenarioContext, spec: PropertySpec<T>): Promise<void> {
  for (const id of [spec.fallback, ...spec.judged]) requirement(id);
  const replay = parseReplay(t.target.replay);
  const seed = replay?.seed ?? t.target.seed;
  const numRuns = Math.max(1, t.target.runs);
  // Shrinking has a time budget: once it is spent, further candidates count as passing, so
  // fast-check stops with the smallest failing case found so far (a real one: it replays).
  const budgetMs = spec.shrinkBudgetMs ?? Math.max(4000, 3 * t.target.timeoutMs, numRuns * 50);
  let firstFailureAt: number | null = null;
  let shrinkStopped = false;
  let infra: unknown = null;

  const runBoundMs = spec.runBoundMs ?? 30 * t.target.timeoutMs;
  let calls = 0;
  const guarded = async (value: T): Promise<void> => {
    // Candidates decided without I/O resolve in microtasks only: give timers and sockets a turn,
    // or a long shrink walk starves every bound in the process (and looks like a stall).
    await yieldToEventLoop();
    if (infra !== null) throw infra;
    // A replay runs the value at the path only; fast-check would go on through the rest of that
    // shrink level when it passes (a fixed target, or a path of another property).
    if (replay && calls++ > 0) return;
    if (firstFailureAt !== null && performance.now() - firstFailureAt > budgetMs) {
      shrinkStopped = true;
      return;
    }
    try {
      await withinBound(spec.predicate(value), runBoundMs, spec);
    } catch (e) {
      if (isInfrastructure(e)) infra = e;
      firstFailureAt ??= performance.now();
      await spec.onFailure?.();
      throw e;
    }
  };
  const property = fc.asyncProperty(spec.arbitrary, guarded);

  let details: fc.RunDetails<[T]> | null = null;
  try {
    await fc.assert(property, {
      seed,
      numRuns,
      ...(replay ? { path: replay.path, endOnFailure: true } : {}),
      reporter: (d) => {
        details = d;
      },
    });
  } catch (e) {
    // With a reporter, fc.assert throws only when it cannot run at all: on a replay, a path that is
    // not one of this property's (fast-check cannot walk it).
    if (replay) {
      t.notVerified(
        asRequirementId(spec.fallback),
        `replay ${replay.seed}:${replay.path} is not a path of "${spec.name}" (${(e as Error).message})`,
      );
      return;
    }
    throw e;
  }
  const d = details as fc.RunDetails<[T]> | null;
  if (d === null) throw new HarnessError(`fast-check gave no run details for "${spec.name}"`);
  if (!d.failed) {
    for (const req of spec.judged) {
      const n = spec.coverage.count(req);
      if (n > 0)
        t.pass(
          asRequirementId(req),
          replay
            ? `property "${spec.name}" held for the replayed case ${replay.seed}:${replay.path}`
            : `property "${spec.name}" held over ${d.numRuns} runs (seed ${seed})`,
        );
      else
        t.notVerified(
          asRequirementId(req),
          `property "${spec.name}": no generated case exercised it in ${d.numRuns} runs (seed ${seed})`,
        );
    }
    return;
  }
  if (d.counterexample === null || d.counterexamplePath === null) {
    throw new HarnessError(
      `property "${spec.name}" could not complete: ${d.interrupted ? 'interrupted' : 'too many skipped runs'}`,
    );
  }
  // The target went away or refused us: not a property failure, the scenario ends on it.
  if (isInfrastructure(d.errorInstance)) throw d.errorInstance;

  const path = d.counterexamplePath;
  // Run the counterexample once more so the transcript attached to the check is its own.
  t.transcript.note('property', `re-running the shrunk counterexample of "${spec.name}"`);
  let error: unknown = d.errorInstance;
  let reproduced = true;
  try {
    await withinBound(spec.predicate(fc.cloneIfNeeded(d.counterexample[0])), runBoundMs, spec);
    reproduced = false;
  } catch (e) {
    if (isInfrastructure(e)) throw e;
    error = e;
  }
  const failure = toPropertyFailure(error, spec.fallback);
  const req = failure.requirement;
  const counterexample = truncate(fc.stringify(d.counterexample[0]), 2500);
  const message = [
    `property "${spec.name}" failed: ${failure.message}`,
    `counterexample (after ${d.numRuns} runs, shrunk ${d.numShrinks} times${
      shrinkStopped ? `; shrinking stopped after its ${Math.round(budgetMs / 1000)} s budget` : ''
    }${reproduced ? '' : '; it did not fail again when re-run'}): ${counterexample}`,
    `seed ${seed}, path ${path}`,
    `replay: ${replayCommand(seed, path, req, t.target.replayCommand)}`,
  ].join('\n');
  failWithReplay(t, req, message, `${seed}:${path}`, failure.detail);
}

function truncate(s: string, n: number): string {
  return s.length > n ? `${s.slice(0, n)}… (${s.length} characters)` : s;
}

/** Record a failed check carrying its replay ("SEED:PATH") and stop the scenario (MUST level). */
export function failWithReplay(
  t: ScenarioContext,
  req: string,
  message: string,
  replay: string,
  detail: { expected?: unknown; actual?: unknown; cause?: Cause } = {},
): void {
  const before = t.checks.length;
  let stop: unknown = null;
  try {
    t.fail(asRequirementId(req), message, detail);
  } catch (e) {
    stop = e;
  }
  const rec = t.checks[before];
  if (rec !== undefined) t.checks[before] = { ...rec, replay };
  if (stop !== null) throw stop;
}

/** What an error thrown by a predicate says, as a property failure (its cause read from its fields). */
export function toPropertyFailure(e: unknown, fallback: string): PropertyFailure {
  if (e instanceof PropertyFailure) return e;
  const req = requirementOfRequestError(e);
  const cause = e instanceof HarnessError && e.cause !== undefined ? { cause: e.cause } : {};
  if (req !== null) return new PropertyFailure(req, (e as Error).message, cause);
  const err = e instanceof Error ? e : new Error(String(e));
  return new PropertyFailure(
    fallback,
    err instanceof HarnessError ? err.message : `harness error: ${err.stack}`,
    cause,
  );
}

// --- requests ------------------------------------------------------------------------------------

export interface RawRequest {
  readonly type: string;
  readonly data?: unknown;
  readonly sender?: unknown;
  readonly id?: string;
}

/**
 * One request and its reply. A reply with another id, without an id, or none within the bound is a
 * property failure of ENV-001 / ENV-002 / ENV-003 (not a harness error).
 */
export async function exchange(o: OmikronSession, r: RawRequest, timeoutMs?: number): Promise<Reply> {
  const envelope = {
    type: r.type,
    ...(r.id === undefined ? {} : { id: r.id }),
    ...(r.sender === undefined ? {} : { sender: r.sender }),
    ...(r.data === undefined ? {} : { data: r.data }),
  };
  try {
    return await o.connection.request(envelope as never, timeoutMs === undefined ? {} : { timeoutMs });
  } catch (e) {
    throw toPropertyFailure(e, 'ENV-003');
  }
}

export const isError = (reply: Reply): boolean => isErrorType(reply.type);

export { describeReply, show };
