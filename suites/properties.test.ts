// Properties that hold for any Omega, whatever the seed leaves open (issue: property-based
// conformance). Requests are generated from the message table (harness/properties/arbitraries.ts);
// every run starts from its own connection and its own fresh users, so runs and shrink steps never
// disturb each other. Seed and budget: target.seed / target.runs; target.replay replays one case.
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import type { Envelope, Reply } from '../harness/client/connection.ts';
import { TargetDownError } from '../harness/client/errors.ts';
import type { OmikronSession } from '../harness/client/session.ts';
import {
  anyNearValidRequest,
  anyValidRequest,
  arbitraryFor,
  type EnvelopeMutation,
  envelopeMutation,
  type GeneratedRequest,
  nearValidRequest,
  type RawFrame,
  rawFrame,
  requestFields,
  requestId,
  textWithin,
  validDataFew,
  validRequest,
} from '../harness/properties/arbitraries.ts';
import { Coverage, exchange, isError, PropertyFailure, runProperty } from '../harness/properties/runner.ts';
import {
  bind,
  describeDiff,
  diffRecord,
  freshIota,
  freshUser,
  type InFlight,
  idProblems,
  mustRead,
  type Problem,
  read,
  sendInFlight,
  settle,
  throwFirst,
  setup,
  type UserRecord,
  uniqueLike,
  withoutFallback,
} from '../harness/properties/steps.ts';
import { field, LIMITS } from '../harness/protocol/fields.ts';
import { isErrorType, type OperationName, resolveOperation } from '../harness/protocol/messages.ts';
import { requestDataSchema } from '../harness/protocol/schemas.ts';
import { type ScenarioContext, show } from '../harness/scenario/context.ts';
import { registerId } from '../harness/scenario/fixtures.ts';
import { scenario } from '../harness/scenario/scenario.ts';
import { currentTarget } from '../harness/scenario/target.ts';

const target = currentTarget();
const dialect = target.dialect;
/** Whole-scenario bound: generous per run, since every wait inside has its own bound. */
const bound = (perRunMs: number): number =>
  Math.max(60_000, 30_000 + target.runs * perRunMs + 20 * target.timeoutMs);
/** Bound on one reply of a request sent in flight (a ping barrier gives them up sooner). */
const flightBound = target.timeoutMs * 4;
const PING = { type: 'ping', data: { last_ping: -1 } } as const;

const isUuid = (s: string): boolean =>
  /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(s);

/**
 * Whether a conformant Omega must refuse the request (BAD-005): a required field missing, a field of
 * another JSON type, `data` not an object where the operation has fields; and the table agrees it is
 * invalid (in tensamin, complete_register_iota without iota_id is another, valid, operation).
 * `null` for an optional field is left alone: many servers read it as absent.
 */
function mustRefuse(r: GeneratedRequest): boolean {
  if (r.validity !== 'near-valid' || r.mutation === undefined) return false;
  const m = r.mutation;
  const fields = requestFields(r.op, r.dialect);
  const hasFields = Object.keys(fields).length > 0;
  let byClass = false;
  if (m.cls === 'missing') byClass = m.field !== undefined && fields[m.field]?.required === true;
  else if (m.cls === 'mistyped') {
    const value = m.field === undefined ? undefined : (r.data as Record<string, unknown>)[m.field];
    byClass = !(value === null && fields[m.field ?? '']?.required !== true);
  } else if (m.cls === 'data')
    byClass =
      hasFields && r.data !== undefined && r.data !== null && Object.values(fields).some((f) => f.required);
  if (!byClass) return false;
  const data = (r.data ?? {}) as Record<string, unknown>;
  if (typeof data !== 'object' || Array.isArray(data)) return true;
  const op = resolveOperation(r.dialect, r.type, data);
  return op === undefined || !requestDataSchema(op, r.dialect).safeParse(data).success;
}

// --- (a) every request gets exactly one reply carrying its id --------------------------------------

interface EnvItem {
  readonly req: GeneratedRequest | 'ping';
  readonly id: string;
  readonly sender: 'none' | 'self' | number;
  /** Point the request's ids and token at the run's own user, so guarded operations can succeed. */
  readonly bindToUser: boolean;
  readonly envelope: EnvelopeMutation | null;
}

const envItem: fc.Arbitrary<EnvItem> = fc.record({
  req: fc.oneof(
    { weight: 4, arbitrary: anyValidRequest(dialect) },
    { weight: 4, arbitrary: anyNearValidRequest(dialect) },
    { weight: 1, arbitrary: fc.constant('ping' as const) },
  ),
  id: requestId,
  sender: fc.oneof(
    fc.constant('none' as const),
    fc.constant('self' as const),
    arbitraryFor(field.id()) as fc.Arbitrary<number>,
  ),
  bindToUser: fc.boolean(),
  // One request in six has its envelope broken (unknown type, sender not an integer id).
  envelope: fc.oneof(
    { weight: 5, arbitrary: fc.constant(null) },
    { weight: 1, arbitrary: envelopeMutation(dialect) },
  ),
});

scenario(
  ['ENV-003', 'ENV-001', 'ENV-002', 'ENV-004', 'BAD-004', 'BAD-005', 'BAD-006'],
  'property: every generated request, valid or near-valid, gets exactly one reply carrying its id',
  async (t) => {
    const coverage = new Coverage();
    await runProperty(t, {
      name: 'exactly one reply per request, carrying its id',
      arbitrary: fc.noBias(fc.array(envItem, { minLength: 1, maxLength: 40, size: 'medium' })),
      fallback: 'ENV-003',
      judged: ['ENV-001', 'ENV-002', 'ENV-003', 'ENV-004', 'BAD-004', 'BAD-005', 'BAD-006'],
      coverage,
      predicate: async (items) => {
        const o = await t.omikron(0);
        try {
          const u = await freshUser(t, o);
          await o.announce('userConnected', u.userId);
          const ids = new Set<string>();
          const sent: { item: EnvItem; flight: InFlight }[] = [];
          items.forEach((item, i) => {
            const id = ids.has(item.id) ? `${item.id}#${i}` : item.id;
            ids.add(id);
            let type: string;
            let data: unknown;
            let label: string;
            if (item.req === 'ping') {
              type = PING.type;
              data = PING.data;
              label = `ping #${i}`;
            } else {
              const r = item.req;
              type = r.type;
              const generatedName = (r.data as { username?: unknown } | null | undefined)?.username;
              data = item.bindToUser
                ? bind(
                    r.data,
                    {
                      user_id: u.userId,
                      iota_id: u.iotaId,
                      reset_token: u.resetToken,
                      new_token: t.token(),
                      username:
                        r.op === 'getUser'
                          ? u.username
                          : typeof generatedName === 'string'
                            ? uniqueLike(t, generatedName)
                            : undefined,
                    },
                    r.mutation?.field,
                  )
                : r.data;
              label = `${r.validity} ${type} #${i}${r.mutation ? ` (${r.mutation.field ?? 'data'}: ${r.mutation.how})` : ''}`;
            }
            const sender =
              item.sender === 'none' ? undefined : item.sender === 'self' ? u.userId : item.sender;
            const envelope: Record<string, unknown> = {
              type: item.envelope?.type ?? type,
              id,
              ...(sender === undefined ? {} : { sender }),
              ...(data === undefined ? {} : { data }),
            };
            if (item.envelope && 'sender' in item.envelope) envelope.sender = item.envelope.sender;
            if (item.envelope) label += ` with ${item.envelope.how}`;
            const specific =
              item.envelope?.type !== undefined ? 'BAD-004' : isUuid(id) ? undefined : 'BAD-006';
            const flight = sendInFlight(
              o,
              envelope as unknown as Envelope & { id: string },
              label,
              flightBound,
              {
                ...(specific === undefined ? {} : { specific }),
              },
            );
            sent.push({ item, flight });
          });
          await settle(
            o,
            sent.map((s) => s.flight),
          );
          const problems: Problem[] = idProblems(
            o,
            sent.map((s) => s.flight),
          );
          // A server that rewrote a non-UUID id shows as a reply with an unknown id and a missing one.
          if (o.connection.anomalies.some((a) => a.kind === 'unsolicited')) {
            for (const p of problems) if (p.req === 'BAD-006') Object.assign(p, { rank: 0 });
          }
          for (const { item, flight } of sent) {
            const reply = flight.reply;
            if (reply === undefined) continue;
            coverage.hit(isErrorType(reply.type) ? 'ENV-002' : 'ENV-001');
            if (!isUuid(flight.id)) coverage.hit('BAD-006');
            if (item.envelope?.type !== undefined) {
              coverage.hit('BAD-004');
              if (!isErrorType(reply.type))
                problems.push({
                  req: 'BAD-004',
                  rank: 1,
                  text: `${flight.label} was answered ${reply.type}, not an error reply`,
                });
            } else if (item.req !== 'ping' && item.envelope === null && mustRefuse(item.req)) {
              coverage.hit('BAD-005');
              if (!isErrorType(reply.type))
                problems.push({
                  req: 'BAD-005',
                  rank: 1,
                  text: `${flight.label}, data ${show(item.req.data)}, was answered ${reply.type}, not an error reply`,
                });
            }
          }
          throwFirst(problems, `${items.length} requests sent in flight on one connection`);
          coverage.hit('ENV-003');
          coverage.hit('ENV-004');
        } finally {
          await o.close();
        }
      },
    });
  },
  { timeoutMs: bound(400) },
);

// --- (b) the server survives every generated frame ---------------------------------------------------

interface BadCase {
  readonly frames: readonly RawFrame[];
  readonly authenticated: boolean;
}

/** Anything but a dead target is the server failing to survive (BAD-010). */
async function survival<T>(what: string, step: () => Promise<T>): Promise<T> {
  try {
    return await step();
  } catch (e) {
    if (e instanceof TargetDownError) throw e;
    throw new PropertyFailure('BAD-010', `${what}: ${(e as Error).message}`);
  }
}

scenario(
  ['BAD-010'],
  'property: after any generated frames, arbitrary JSON included, a fresh connection is served and data survives',
  async (t) => {
    const setup = await t.omikron(0);
    const keeper = await freshUser(t, setup);
    const before = await mustRead(setup, keeper.userId, 'UM-REG-004', 'the user created before');
    await setup.close();
    const coverage = new Coverage();
    await runProperty(t, {
      name: 'the server survives every generated frame with its data',
      arbitrary: fc.record({
        frames: fc.array(rawFrame(dialect), { minLength: 1, maxLength: 12 }),
        authenticated: fc.boolean(),
      }),
      fallback: 'BAD-010',
      judged: ['BAD-010'],
      coverage,
      predicate: async (c: BadCase) => {
        const bad = await survival('opening the connection for the frames', () =>
          c.authenticated ? t.omikron(0) : t.open(0),
        );
        try {
          for (const f of c.frames) {
            if (!bad.connection.isOpen) break;
            if (f.kind === 'text') bad.connection.sendRaw(f.text, { expectUncorrelatedReply: false });
            else
              bad.connection.sendRaw(Buffer.from(f.bytes), { binary: true, expectUncorrelatedReply: false });
          }
          if (bad.connection.isOpen) {
            // Two pings: the replies to the frames carry ids the connection does not know, and a
            // sole outstanding request would take them for its own reply gone wrong.
            const pongs = await Promise.allSettled([
              bad.connection.request({ ...PING, id: randomUUID() }),
              bad.connection.request({ ...PING, id: randomUUID() }),
            ]);
            const answered = pongs.some((p) => p.status === 'fulfilled');
            if (!answered && bad.connection.isOpen) {
              const why = pongs
                .map((p) => (p.status === 'rejected' ? (p.reason as Error).message : ''))
                .join('; ');
              throw new PropertyFailure(
                'BAD-010',
                `after the frames, the connection neither answered a ping nor closed: ${why}`,
              );
            }
          }
        } finally {
          await bad.close();
        }
        const fresh = await survival('afterwards, a fresh connection', () => t.omikron(0));
        try {
          const { reply, record } = await survival('afterwards, reading the user created before', () =>
            read(fresh, { user_id: keeper.userId }),
          );
          if (record === null)
            throw new PropertyFailure(
              'BAD-010',
              `afterwards, the user created before (${keeper.userId}) is gone: ${reply.type}`,
              { expected: before, actual: reply.frame },
            );
          const diff = diffRecord(before, record);
          if (diff.length > 0)
            throw new PropertyFailure(
              'BAD-010',
              `afterwards, the user created before changed: ${describeDiff(diff, before, record)}`,
              { expected: before, actual: record },
            );
          coverage.hit('BAD-010');
        } finally {
          await fresh.close();
        }
      },
    });
  },
  { timeoutMs: bound(300) },
);

// --- (c) and (d) what success and error replies mean for the data ----------------------------------

/** The run's own user, announced on the run's own connection, and its record as read. */
interface Subject {
  readonly o: OmikronSession;
  readonly userId: number;
  username: string;
  resetToken: string;
  record: UserRecord;
}

async function subject(t: ScenarioContext): Promise<Subject> {
  const o = await t.omikron(0);
  const u = await freshUser(t, o);
  await o.announce('userConnected', u.userId);
  const record = await mustRead(o, u.userId, 'UM-REG-004', 'the user just registered');
  return { o, userId: u.userId, username: u.username, resetToken: u.resetToken, record };
}

const CHANGEABLE = ['public_key', 'username', 'display', 'avatar', 'about', 'status'] as const;

/** Check a change answered success: the fields it named read back, the others as before. */
async function afterSuccess(
  s: Subject,
  data: Record<string, unknown>,
  what: string,
  cov: Coverage,
): Promise<void> {
  const named = CHANGEABLE.filter((k) => k in data);
  const valid = named.filter(
    (k) => requestDataSchema('changeUser', dialect).shape[k]?.safeParse(data[k]).success === true,
  );
  const now = await mustRead(s.o, s.userId, 'UM-CHG-004', `${what} answered success, then`);
  const expected: Record<string, unknown> = { ...withoutFallback(s.record) };
  for (const k of valid) expected[k] = data[k];
  const changed = diffRecord(expected, now, valid);
  if (changed.length > 0)
    throw new PropertyFailure(
      'UM-CHG-004',
      `${what} answered success, but reads back ${describeDiff(changed, expected, now)}`,
      { expected: Object.fromEntries(valid.map((k) => [k, data[k]])), actual: now },
    );
  const others = Object.keys(s.record).filter((k) => !named.includes(k as (typeof CHANGEABLE)[number]));
  const kept = diffRecord(withoutFallback(s.record), now, others);
  if (kept.length > 0)
    throw new PropertyFailure(
      'UM-CHG-003',
      `${what} answered success, and fields it did not name changed: ${describeDiff(kept, s.record, now)}`,
      { expected: s.record, actual: now },
    );
  if (valid.length > 0) cov.hit('UM-CHG-004');
  if (others.length > 0) cov.hit('UM-CHG-003');
  if (typeof data.username === 'string' && valid.includes('username')) {
    const byName = await read(s.o, { username: data.username });
    if (byName.record?.user_id !== s.userId)
      throw new PropertyFailure(
        'UM-CHG-004',
        `${what} answered success, but get_user_data by the new username ${show(data.username)} answered ${byName.reply.type}${byName.record ? ` for user ${show(byName.record.user_id)}` : ''}`,
        { actual: byName.reply.frame },
      );
    s.username = data.username;
  }
  s.record = now;
}

/** Check a request answered with an error changed nothing about the subject (BAD-005). */
async function afterError(s: Subject, reply: Reply, what: string, cov: Coverage): Promise<void> {
  const now = await mustRead(s.o, s.userId, 'BAD-005', `${what} answered ${reply.type}, then`);
  const diff = diffRecord(s.record, now);
  if (diff.length > 0)
    throw new PropertyFailure(
      'BAD-005',
      `${what} answered the error ${reply.type}, yet the user changed: ${describeDiff(diff, s.record, now)}`,
      { expected: s.record, actual: now },
    );
  cov.hit('BAD-005');
}

/** Changes naming one, two or all the fields (validDataFew makes particular pairs likely). */
const validChange: fc.Arbitrary<GeneratedRequest> = fc.oneof(
  { weight: 1, arbitrary: validRequest('changeUser', dialect) },
  {
    weight: 3,
    arbitrary: validDataFew('changeUser', dialect).map(
      (data): GeneratedRequest => ({
        op: 'changeUser',
        dialect,
        type: 'change_user_data',
        data,
        validity: 'valid',
      }),
    ),
  },
);

scenario(
  ['UM-CHG-004', 'UM-CHG-003', 'BAD-005'],
  'property: a change acknowledged with success is what a later get_user_data returns',
  async (t) => {
    const coverage = new Coverage();
    await runProperty(t, {
      name: 'a change acknowledged with success reads back',
      arbitrary: fc.noBias(fc.array(validChange, { minLength: 1, maxLength: 6 })),
      fallback: 'UM-CHG-004',
      judged: ['UM-CHG-004', 'UM-CHG-003'],
      coverage,
      predicate: async (changes) => {
        const s = await subject(t);
        try {
          for (const [i, change] of changes.entries()) {
            const g = change.data as Record<string, unknown>;
            const data = bind(g, {
              user_id: s.userId,
              username: typeof g.username === 'string' ? uniqueLike(t, g.username) : undefined,
            }) as Record<string, unknown>;
            const what = `change #${i + 1} ${show(data)}`;
            const reply = await exchange(s.o, { type: change.type, data, sender: s.userId });
            if (isError(reply)) await afterError(s, reply, what, coverage);
            else await afterSuccess(s, data, what, coverage);
          }
        } finally {
          await s.o.close();
        }
      },
    });
  },
  { timeoutMs: bound(300) },
);

type Faulty =
  | { readonly kind: 'change' | 'delete' | 'iota' | 'complete' | 'get'; readonly req: GeneratedRequest }
  | { readonly kind: 'valid'; readonly req: GeneratedRequest };

const near = (op: OperationName) => nearValidRequest(op, dialect);
const faulty: fc.Arbitrary<Faulty> = fc.oneof(
  { weight: 6, arbitrary: near('changeUser').map((req) => ({ kind: 'change' as const, req })) },
  { weight: 1, arbitrary: validChange.map((req) => ({ kind: 'valid' as const, req })) },
  { weight: 1, arbitrary: near('deleteUser').map((req) => ({ kind: 'delete' as const, req })) },
  { weight: 2, arbitrary: near('changeIota').map((req) => ({ kind: 'iota' as const, req })) },
  { weight: 2, arbitrary: near('completeUser').map((req) => ({ kind: 'complete' as const, req })) },
  { weight: 1, arbitrary: near('getUser').map((req) => ({ kind: 'get' as const, req })) },
);

scenario(
  ['BAD-005', 'UM-CHG-004', 'UM-IOTA-001', 'UM-REG-004'],
  'property: a request answered with an error changes nothing observable',
  async (t) => {
    const coverage = new Coverage();
    await runProperty(t, {
      name: 'an error reply changes nothing',
      arbitrary: fc.array(faulty, { minLength: 1, maxLength: 4 }),
      fallback: 'BAD-005',
      judged: ['BAD-005', 'UM-CHG-004'],
      coverage,
      predicate: async (steps) => {
        const s = await subject(t);
        try {
          const home = await freshIota(s.o);
          await s.o.announce('iotaConnected', home.iotaId);
          for (const [i, step] of steps.entries()) {
            const r = step.req;
            const except = r.mutation?.field;
            const g = (typeof r.data === 'object' && r.data !== null ? r.data : {}) as Record<
              string,
              unknown
            >;
            const username = typeof g.username === 'string' ? uniqueLike(t, g.username) : undefined;
            let data: unknown;
            let sender: number | undefined = s.userId;
            let regId: number | undefined;
            switch (step.kind) {
              case 'change':
              case 'valid':
              case 'delete':
              case 'get':
                data = bind(r.data, { user_id: s.userId, username }, except);
                break;
              case 'iota':
                sender = home.iotaId;
                data = bind(
                  r.data,
                  {
                    user_id: s.userId,
                    iota_id: home.iotaId,
                    reset_token: s.resetToken,
                    new_token: t.token(),
                  },
                  except,
                );
                break;
              case 'complete':
                regId = await setup(() => registerId(s.o));
                data = bind(r.data, { user_id: regId, username, reset_token: t.token() }, except);
                break;
            }
            const what = `${r.validity} ${r.type} #${i + 1} (${r.mutation ? `${r.mutation.field ?? 'data'}: ${r.mutation.how}` : 'valid'}) ${show(data)}`;
            const reply = await exchange(s.o, {
              type: r.type,
              ...(data === undefined ? {} : { data }),
              ...(sender === undefined ? {} : { sender }),
            });
            if (isError(reply)) {
              await afterError(s, reply, what, coverage);
              if (step.kind === 'complete' && regId !== undefined) {
                const byId = await read(s.o, { user_id: regId });
                const name = (data as { username?: unknown } | null | undefined)?.username;
                const byName = typeof name === 'string' ? await read(s.o, { username: name }) : null;
                // A mutated username ("\u0000", say) may belong to a user an earlier run created: a user
                // found by name is evidence only when it has this register id or this run's own name.
                const foundByName =
                  byName?.record != null && (byName.record.user_id === regId || name === username);
                if (byId.record !== null || foundByName)
                  throw new PropertyFailure(
                    'BAD-005',
                    `${what} answered the error ${reply.type}, yet a user was created`,
                    { actual: (byId.record ?? byName?.record) as unknown },
                  );
              }
              continue;
            }
            // Accepted: a lenient server may take some near-valid requests; then they must hold.
            if (step.kind === 'delete') return; // the subject is gone; nothing more to compare
            if (step.kind === 'change' || step.kind === 'valid')
              await afterSuccess(s, data as Record<string, unknown>, what, coverage);
            else if (step.kind === 'iota') {
              const d = data as { new_token?: unknown };
              const now = await mustRead(s.o, s.userId, 'UM-IOTA-001', `${what} answered success, then`);
              if (now.iota_id !== home.iotaId && now.iota_id !== s.record.iota_id)
                throw new PropertyFailure(
                  'UM-IOTA-001',
                  `${what} answered success, and iota_id reads ${show(now.iota_id)}`,
                  { expected: home.iotaId, actual: now },
                );
              if (now.iota_id === home.iotaId && typeof d.new_token === 'string') s.resetToken = d.new_token;
              s.record = now;
            }
          }
        } finally {
          await s.o.close();
        }
      },
    });
  },
  { timeoutMs: bound(400) },
);

// --- interleavings: concurrent requests on several connections, under a fast-check scheduler --------

type Owner = 'own' | 'other';
type Step =
  | { readonly k: 'announce' | 'withdraw'; readonly user: 0 | 1 }
  | {
      readonly k: 'change';
      readonly owner: Owner;
      readonly user: 0 | 1;
      readonly sender: 'principal' | 'other' | 'none';
      readonly status: string;
    }
  | { readonly k: 'get'; readonly owner: Owner; readonly user: 0 | 1 }
  | { readonly k: 'register' }
  | { readonly k: 'ping' }
  /** Many reads of an own user at once (ENV-005: 100 requests in flight on one connection). */
  | { readonly k: 'burst'; readonly n: number };

const userIndex = fc.constantFrom(0 as const, 1 as const);
const owner = fc.constantFrom<Owner>('own', 'own', 'own', 'other');
const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 3, arbitrary: userIndex.map((user) => ({ k: 'announce' as const, user })) },
  { weight: 2, arbitrary: userIndex.map((user) => ({ k: 'withdraw' as const, user })) },
  {
    weight: 5,
    arbitrary: fc.record({
      k: fc.constant('change' as const),
      owner,
      user: userIndex,
      sender: fc.constantFrom<'principal' | 'other' | 'none'>(
        'principal',
        'principal',
        'principal',
        'other',
        'none',
      ),
      status: textWithin(1, LIMITS.status, true),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({ k: fc.constant('get' as const), owner, user: userIndex }),
  },
  { weight: 2, arbitrary: fc.constant({ k: 'register' as const }) },
  { weight: 1, arbitrary: fc.constant({ k: 'ping' as const }) },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 100 }).map((n) => ({ k: 'burst' as const, n })) },
);

const CONNECTIONS = Math.min(3, target.identities.length);

interface Peer {
  readonly index: number;
  readonly o: OmikronSession;
  readonly users: readonly [number, number];
  /** Status each own user has after this connection's accepted changes so far (in its own order). */
  readonly status: [string, string];
}

interface Expectation {
  readonly flight: InFlight;
  readonly peer: Peer;
  readonly check: (reply: Reply) => Problem | null;
  /** get_register: the id issued. */
  readonly register?: boolean;
}

/** What the interleaving property judges; also the scenario's requirement ids. */
const INTERLEAVED = [
  'ENV-006',
  'ENV-005',
  'ENV-001',
  'ENV-002',
  'ENV-003',
  'ENV-007',
  'IDN-CHG-001',
  'IDN-CHG-002',
  'IDN-CHG-004',
  'IDN-CHG-005',
  'IDN-CHG-006',
  'UM-REG-002',
  'UM-CHG-004',
] as const;

scenario(
  INTERLEAVED,
  'property: concurrent requests on several connections, interleaved by a scheduler, keep ids and identification',
  async (t) => {
    if (CONNECTIONS < 2)
      t.notVerified('ENV-006', 'needs two Omikron identities; the run has one (add --omikron-key)');
    const coverage = new Coverage();
    await runProperty(t, {
      name: 'interleaved requests on several connections',
      arbitrary: fc.record({
        scheduler: fc.scheduler(),
        // Unbiased lengths: fast-check keeps early runs small, and races need long plans.
        plans: fc.array(fc.noBias(fc.array(step, { maxLength: 40, size: 'medium' })), {
          minLength: CONNECTIONS,
          maxLength: CONNECTIONS,
        }),
      }),
      fallback: 'ENV-006',
      judged: [...INTERLEAVED],
      coverage,
      predicate: async ({ scheduler, plans }) => {
        const peers: Peer[] = [];
        try {
          for (let i = 0; i < CONNECTIONS; i++) {
            const o = await t.omikron(i);
            const iota = await freshIota(o);
            const a = await freshUser(t, o, iota);
            const b = await freshUser(t, o, iota);
            peers.push({ index: i, o, users: [a.userId, b.userId], status: ['', ''] });
          }
          for (const p of peers) {
            for (const u of p.users) {
              const r = await mustRead(p.o, u, 'UM-REG-004', 'a user just registered');
              p.status[p.users.indexOf(u)] = String(r.status ?? '');
            }
          }
          const expectations: Expectation[] = [];
          const sequences = peers.map((p) => {
            const plan = plans[p.index] ?? [];
            const announced = new Set<number>();
            const withdrawn = new Set<number>();
            const other = peers[(p.index + 1) % peers.length]!;
            return plan.map((st, i) => ({
              label: `omikron#${p.index} step ${i}: ${show(st)}`,
              builder: async () => {
                const id = randomUUID();
                const label = `omikron#${p.index} step ${i} ${st.k}`;
                const send = (env: Record<string, unknown>, optional = false) =>
                  sendInFlight(p.o, { ...(env as unknown as Envelope), id }, label, flightBound, {
                    optional,
                  });
                switch (st.k) {
                  case 'announce':
                  case 'withdraw': {
                    const user = p.users[st.user];
                    if (st.k === 'announce') {
                      announced.add(user);
                      withdrawn.delete(user);
                    } else if (announced.delete(user)) withdrawn.add(user);
                    const flight = send(
                      {
                        type: st.k === 'announce' ? 'user_connected' : 'user_disconnected',
                        data: { user_id: user },
                      },
                      true,
                    );
                    expectations.push({
                      flight,
                      peer: p,
                      check: (r) =>
                        isErrorType(r.type)
                          ? {
                              req: 'ANN-001',
                              rank: 3,
                              text: `${label} for user ${user} got the error ${r.type}`,
                            }
                          : null,
                    });
                    return;
                  }
                  case 'change': {
                    const mine = st.owner === 'own' || peers.length === 1;
                    const holder = mine ? p : other;
                    const user = holder.users[st.user];
                    const sibling = holder.users[1 - st.user]!;
                    const sender =
                      st.sender === 'principal' ? user : st.sender === 'other' ? sibling : undefined;
                    const accepted = mine && announced.has(user) && sender === user;
                    const refusal = accepted
                      ? null
                      : !mine
                        ? 'IDN-CHG-004'
                        : announced.has(user)
                          ? 'IDN-CHG-005'
                          : withdrawn.has(user)
                            ? 'IDN-CHG-002'
                            : 'IDN-CHG-001';
                    if (accepted) p.status[st.user] = st.status;
                    const flight = send({
                      type: p.o.wireType('changeUser'),
                      ...(sender === undefined ? {} : { sender }),
                      data: { user_id: user, status: st.status },
                    });
                    expectations.push({
                      flight,
                      peer: p,
                      check: (r) => {
                        coverage.hit(refusal ?? 'IDN-CHG-006');
                        if (refusal === null && isErrorType(r.type))
                          return {
                            req: 'IDN-CHG-006',
                            rank: 4,
                            text: `${label}: change of user ${user} announced on this connection, sender ${user}, was refused: ${r.type}`,
                          };
                        if (refusal !== null && !isErrorType(r.type))
                          return {
                            req: refusal,
                            rank: 4,
                            text: `${label}: change of user ${user} with sender ${show(sender)} was accepted (${r.type}) although ${
                              refusal === 'IDN-CHG-004'
                                ? 'the user is announced on another connection only (or not yet)'
                                : refusal === 'IDN-CHG-005'
                                  ? 'the sender is not the user'
                                  : refusal === 'IDN-CHG-002'
                                    ? 'the announcement was withdrawn'
                                    : 'the user was never announced'
                            }`,
                          };
                        return null;
                      },
                    });
                    return;
                  }
                  case 'get': {
                    const mine = st.owner === 'own' || peers.length === 1;
                    const holder = mine ? p : other;
                    const user = holder.users[st.user];
                    const expectedStatus = mine ? p.status[st.user] : undefined;
                    const flight = send({ type: p.o.wireType('getUser'), data: { user_id: user } });
                    expectations.push({
                      flight,
                      peer: p,
                      check: (r) => {
                        const d = r.data as { user_id?: unknown; status?: unknown } | undefined;
                        if (isErrorType(r.type) || d?.user_id !== user)
                          return {
                            req: 'UM-GET-001',
                            rank: 4,
                            text: `${label}: get_user_data for user ${user} answered ${show(r.frame)}`,
                          };
                        if (expectedStatus !== undefined) {
                          coverage.hit('ENV-007');
                          if (d.status !== expectedStatus)
                            return {
                              req: 'ENV-007',
                              rank: 5,
                              text: `${label}: read status ${show(d.status)} of user ${user}; the changes sent before it on this connection leave ${show(expectedStatus)}`,
                            };
                        }
                        return null;
                      },
                    });
                    return;
                  }
                  case 'register': {
                    const flight = send({ type: p.o.wireType('getRegister') });
                    expectations.push({ flight, peer: p, check: () => null, register: true });
                    return;
                  }
                  case 'ping': {
                    const flight = send({ ...PING });
                    expectations.push({ flight, peer: p, check: () => null });
                    return;
                  }
                  case 'burst': {
                    const user = p.users[0];
                    for (let n = 0; n < st.n; n++) {
                      const flight = sendInFlight(
                        p.o,
                        { type: p.o.wireType('getUser'), id: randomUUID(), data: { user_id: user } },
                        `${label} read ${n + 1} of ${st.n}`,
                        flightBound,
                      );
                      expectations.push({
                        flight,
                        peer: p,
                        check: (r) =>
                          (r.data as { user_id?: unknown } | undefined)?.user_id === user
                            ? null
                            : {
                                req: 'ENV-005',
                                rank: 4,
                                text: `${flight.label}: get_user_data for user ${user} answered ${show(r.frame)}`,
                              },
                      });
                    }
                    return;
                  }
                }
              },
            }));
          });
          const running = sequences.map((seq) => scheduler.scheduleSequence(seq).task);
          await scheduler.waitFor(Promise.all(running));
          for (const p of peers)
            await settle(
              p.o,
              expectations.map((e) => e.flight),
            );

          const all = new Map<string, string>();
          for (const e of expectations) all.set(e.flight.id, `${e.flight.label} (sent on ${e.peer.o.label})`);
          const problems: Problem[] = [];
          for (const p of peers) {
            const mine = expectations.filter((e) => e.peer === p).map((e) => e.flight);
            const elsewhere = new Map([...all].filter(([id]) => !mine.some((f) => f.id === id)));
            problems.push(...idProblems(p.o, mine, elsewhere));
          }
          const registerIds = new Map<number, string>();
          for (const e of expectations) {
            const r = e.flight.reply;
            if (r === undefined) continue;
            coverage.hit(isErrorType(r.type) ? 'ENV-002' : 'ENV-001');
            const problem = e.check(r);
            if (problem) problems.push(problem);
            if (e.register) {
              const d = r.data as { user_id?: unknown; register_id?: unknown } | undefined;
              const regId = d?.user_id ?? d?.register_id;
              if (typeof regId === 'number') {
                coverage.hit('UM-REG-002');
                const earlier = registerIds.get(regId);
                if (earlier !== undefined)
                  problems.push({
                    req: 'UM-REG-002',
                    rank: 5,
                    text: `register id ${regId} was issued twice: to ${earlier} and to ${e.flight.label}`,
                  });
                registerIds.set(regId, e.flight.label);
              }
            }
          }
          throwFirst(problems, 'interleaved requests on several connections');
          coverage.hit('ENV-003');
          if (peers.length > 1) coverage.hit('ENV-006');
          if (peers.some((p) => expectations.filter((e) => e.peer === p).length >= 100))
            coverage.hit('ENV-005');
          for (const p of peers) {
            for (const [j, u] of p.users.entries()) {
              const r = await mustRead(p.o, u, 'UM-CHG-004', 'after the interleaved requests');
              if (r.status !== p.status[j])
                throw new PropertyFailure(
                  'UM-CHG-004',
                  `after the interleaved requests, user ${u} reads status ${show(r.status)}; the last change accepted on its connection set ${show(p.status[j])}`,
                );
              coverage.hit('UM-CHG-004');
            }
          }
        } finally {
          await Promise.all(peers.map((p) => p.o.close()));
        }
      },
    });
  },
  { timeoutMs: bound(600) },
);
