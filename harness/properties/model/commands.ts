// Model-based conformance (fc.commands + fc.asyncModelRun): the command arbitraries and one run.
// Where the seed allows several outcomes the model holds all of them and checks only what the
// seed fixes (see state.ts).
//
// Every run starts from state no earlier run can disturb: the model starts empty, the run opens its
// own connections, and every username, token and key it registers is fresh. Every command's check()
// is true and a command after a failure does nothing, so every generated command "ran" and a
// counterexample replays from SEED:PATH alone (see allRanReplayPath).
import fc from 'fast-check';
import { HarnessError } from '../../client/errors.ts';
import type { Dialect } from '../../protocol/dialect.ts';
import { LIMITS } from '../../protocol/fields.ts';
import {
  ALNUM,
  arbitraryFor,
  nearValidRequest,
  requestFields,
  validData,
  validDataFew,
} from '../arbitraries.ts';
import { CHANGEABLE } from '../../scenario/steps-users.ts';
import { mustRefuse } from '../refusals.ts';
import { PropertyFailure } from '../runner.ts';
import { AdvanceClock, CloseConnection, OpenConnection } from './connections.ts';
import { DeleteIota, DeleteUser } from './deletion.ts';
import { Announce, type Focus, type SenderMode } from './identification.ts';
import {
  CompleteIota,
  CompleteUser,
  CompleteUserInvalid,
  CompleteUserUnissued,
  GetRegister,
  NewUser,
  type RegFocus,
} from './registration-commands.ts';
import { emptyModel, type Model, type ModelConfig, ONE_HOUR_MS, type Real } from './state.ts';
import { ChangeIota, ChangeUser, GetUser, GetUserByBoth, type OtherName, type TokenMode } from './users.ts';

export type { Model, ModelConfig, Real } from './state.ts';

// --- generation -------------------------------------------------------------------------------------

const pick = fc.nat({ max: 1000 });
const senderMode = fc.constantFrom<SenderMode>('principal', 'principal', 'principal', 'other', 'none');
const nameLike = fc.array(ALNUM, { minLength: 1, maxLength: LIMITS.username }).map((a) => a.join(''));

/** Clock moves: a little, most of an hour, just past it, well past it. */
const CLOCK_MOVES_MS = [60_000, 10 * 60_000, 30 * 60_000, 61 * 60_000, 2 * ONE_HOUR_MS];

/**
 * change_user_data naming exactly two profile fields: every pair comes up often, so a server that
 * treats one particular pair wrongly is reached (validDataFew spreads over every field count).
 */
function profilePair(
  dialect: Dialect,
  username: fc.Arbitrary<string>,
): fc.Arbitrary<Record<string, unknown>> {
  const fields = requestFields('changeUser', dialect);
  const value = (name: string): fc.Arbitrary<unknown> =>
    name === 'username' ? username : arbitraryFor(fields[name]!.kind, { ascii: true });
  return fc
    .subarray(
      CHANGEABLE.filter((k) => k in fields),
      { minLength: 2, maxLength: 2 },
    )
    .chain(([a, b]) => fc.tuple(value(a!), value(b!)).map(([x, y]) => ({ user_id: 0, [a!]: x, [b!]: y })));
}

/** The command arbitraries (weights by repetition), for fc.commands. */
export function modelCommands(
  dialect: Dialect,
  withClock: boolean,
): fc.Arbitrary<fc.AsyncCommand<Model, Real>>[] {
  const zero = { user_id: fc.constant(0) };
  const change = fc.oneof(
    {
      weight: 3,
      arbitrary: validDataFew('changeUser', dialect, { ...zero, username: nameLike }, { ascii: true }),
    },
    { weight: 2, arbitrary: validDataFew('changeUser', dialect, zero) },
    { weight: 1, arbitrary: validData('changeUser', dialect, zero) },
    { weight: 2, arbitrary: profilePair(dialect, nameLike) },
  );
  const focus = fc.constantFrom<Focus>('here', 'here', 'here', 'withdrawn', 'any', 'any');
  // Every completeUser field is required: a missing one or one of another JSON type must be refused.
  const invalidCompletion = nearValidRequest('completeUser', dialect, {}, ['missing', 'mistyped']);
  const w = <T>(n: number, a: fc.Arbitrary<T>): fc.Arbitrary<T>[] => Array.from({ length: n }, () => a);
  const out: fc.Arbitrary<fc.AsyncCommand<Model, Real>>[] = [
    ...w(
      3,
      fc
        .tuple(pick, nameLike, fc.option(pick, { nil: null, freq: 2 }), fc.boolean())
        .map(([c, n, i, a]) => new NewUser(c, n, i, a)),
    ),
    ...w(
      2,
      fc.nat({ max: 7 }).map((s) => new OpenConnection(s)),
    ),
    pick.map((c) => new CloseConnection(c)),
    pick.map((c) => new GetRegister(c)),
    fc.tuple(pick, pick).map(([g, c]) => new CompleteIota(g, c)),
    ...w(
      2,
      fc
        .tuple(
          pick,
          fc.constantFrom<RegFocus>('fresh', 'fresh', 'user', 'user', 'used', 'any'),
          fc.option(pick, { nil: null, freq: 8 }),
          nameLike,
          pick,
          fc.boolean(),
        )
        .map(([g, f, i, n, c, taken]) => new CompleteUser(g, f, i, n, c, taken && g % 3 === 0)),
    ),
    pick.map((c) => new CompleteUserUnissued(c)),
    fc
      .tuple(pick, invalidCompletion, pick)
      .map(
        ([g, req, c]) =>
          new CompleteUserInvalid(g, req.data, req.mutation!.how, req.mutation!.field, c, mustRefuse(req)),
      ),
    ...w(
      2,
      fc.tuple(pick, pick).map(([u, c]) => new GetUser(u, c)),
    ),
    fc
      .tuple(pick, pick, fc.constantFrom<OtherName>('other', 'other', 'nobody'), pick)
      .map(([u, o, n, c]) => new GetUserByBoth(u, o, n, c)),
    ...w(
      3,
      fc.tuple(pick, focus, change, senderMode, pick).map(([u, f, d, s, c]) => new ChangeUser(u, f, d, s, c)),
    ),
    ...w(
      2,
      fc
        .tuple(
          pick,
          pick,
          focus,
          fc.constantFrom<TokenMode>('right', 'right', 'old', 'wrong'),
          senderMode,
          pick,
        )
        .map(([u, i, f, tk, s, c]) => new ChangeIota(u, i, f, tk, s, c)),
    ),
    ...w(
      2,
      fc
        .tuple(pick, focus, senderMode, pick, fc.boolean())
        .map(([u, f, s, c, reuse]) => new DeleteUser(u, f, s, c, reuse)),
    ),
    fc.tuple(pick, focus, senderMode, pick).map(([i, f, s, c]) => new DeleteIota(i, f, s, c)),
    ...w(
      4,
      fc.tuple(pick, pick).map(([p, c]) => new Announce('user', false, p, c)),
    ),
    ...w(
      2,
      fc.tuple(pick, pick).map(([p, c]) => new Announce('iota', false, p, c)),
    ),
    ...w(
      2,
      fc
        .tuple(fc.constantFrom<'user' | 'iota'>('user', 'user', 'iota'), pick, pick)
        .map(([k, p, c]) => new Announce(k, true, p, c)),
    ),
  ];
  if (withClock) out.push(fc.constantFrom(...CLOCK_MOVES_MS).map((ms) => new AdvanceClock(ms)));
  return out;
}

/**
 * Run one command sequence from an empty model; throws the first failure. Its connections are fresh,
 * or kept from an earlier sequence that held (cfg.pool, pool.ts: as good as fresh). A failure on them
 * is judged like any other, its steps saying the connections were kept; only a kept connection the
 * server closed is excused (a server may close a connection it has served long): the sequence is
 * then run again on fresh connections and judged there. Either way, after a failure every later
 * sequence of the run (shrinking, the counterexample's re-run) connects afresh, as a replay does.
 */
export async function runModel(
  cfg: ModelConfig,
  cmds: Iterable<fc.AsyncCommand<Model, Real>>,
): Promise<void> {
  const first = await runOnce(cfg, cmds);
  if (first.failure === null) return;
  if (!closedKeptConnection(first)) {
    await cfg.pool?.disable(first.reused ? 'a sequence failed on kept connections' : 'a sequence failed');
    throw withSteps(first);
  }
  await cfg.pool?.disable('a kept connection was closed by the server');
  cfg.t.transcript.note(
    'model',
    `a connection kept from an earlier sequence was closed by the server; the sequence runs again on fresh connections: ${errorText(first.failure)}`,
  );
  const again = await runOnce(cfg, fc.cloneIfNeeded(cmds));
  if (again.failure !== null) throw withSteps(again);
}

/** The failure's cause is a kept connection the server closed: the only failure kept connections excuse. */
function closedKeptConnection(r: Real): boolean {
  const e = r.failure;
  const cause =
    e instanceof PropertyFailure ? e.detail.cause : e instanceof HarnessError ? e.cause : undefined;
  return cause?.kind === 'closed' && r.keptLabels.includes(cause.connection);
}

const errorText = (e: unknown): string => (e instanceof Error ? e.message : String(e));

async function runOnce(cfg: ModelConfig, cmds: Iterable<fc.AsyncCommand<Model, Real>>): Promise<Real> {
  const real: Real = {
    cfg,
    sessions: Array.from({ length: cfg.slots }, () => null),
    failure: null,
    log: [],
    step: 0,
    reused: false,
    keptLabels: [],
  };
  let model: Model | undefined;
  try {
    await fc.asyncModelRun(async () => {
      model = emptyModel(cfg.slots);
      // The slots' sessions open at the same time (distinct identities); serials go in slot order.
      const opened = await Promise.allSettled(
        Array.from({ length: cfg.slots }, (_, slot) => {
          const kept = cfg.pool?.take(slot) ?? null;
          if (kept !== null) {
            real.reused = true;
            real.keptLabels.push(kept.connection.label);
          }
          return kept !== null ? Promise.resolve(kept) : cfg.t.omikron(slot);
        }),
      );
      for (const [slot, o] of opened.entries()) if (o.status === 'fulfilled') real.sessions[slot] = o.value;
      const failed = opened.find((o) => o.status === 'rejected');
      if (failed) throw failed.reason;
      if (real.reused)
        real.log.push('  (connections kept from an earlier sequence, announcements withdrawn)');
      for (let slot = 0; slot < cfg.slots; slot++) {
        model.conns[slot]!.open = true;
        model.conns[slot]!.serial = ++model.serials;
      }
      return { model, real };
    }, cmds);
  } catch (e) {
    real.failure ??= e;
  } finally {
    const m = model;
    await Promise.all(
      real.sessions.map((s, slot) => {
        if (s === null) return undefined;
        const c = m?.conns[slot];
        if (real.failure !== null || cfg.pool === undefined || c === undefined || !c.open)
          return s.close().catch(() => {});
        return cfg.pool.give(slot, s, { users: c.users, iotas: c.iotas });
      }),
    );
  }
  return real;
}

/** The failure with the last steps that led to it. */
function withSteps(real: Real): unknown {
  const e = real.failure;
  if (!(e instanceof PropertyFailure)) return e;
  const steps = real.log.slice(-30).join('\n');
  return new PropertyFailure(
    e.requirement,
    `${e.message}\nsteps (last 30; the commands after the failing one did nothing):\n${steps}`,
    e.detail,
  );
}
