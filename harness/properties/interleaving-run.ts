// One run of the interleaving property: plans of steps on several connections, released in an
// order fast-check's scheduler picks, every request kept in flight. Replies may come in any order;
// the outcome is judged by linearizability (interleaving.ts), ids by the flights (flights.ts).
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import type { Envelope, Reply } from '../client/connection.ts';
import type { OmikronSession } from '../client/session.ts';
import { LIMITS } from '../protocol/fields.ts';
import { isErrorType } from '../protocol/messages.ts';
import { type ScenarioContext, show } from '../scenario/context.ts';
import { registerIdOf } from '../scenario/fixtures.ts';
import { textWithin } from './arbitraries.ts';
import { PING } from './budget.ts';
import { type InFlight, idProblems, type Problem, sendInFlight, settle, throwFirst } from './flights.ts';
import { describeUserOp, exercised, type UserOp, type UserOut, userModel, userOut } from './interleaving.ts';
import { checkLinearizable, describeViolation, type HistoryOp, renderHistory } from './linearizability.ts';
import { type Coverage, exchange, PropertyFailure } from './runner.ts';
import { freshIota, freshUser, mustRead } from './steps.ts';

type Owner = 'own' | 'other';
export type Step =
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
export const step: fc.Arbitrary<Step> = fc.oneof(
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
  { weight: 3, arbitrary: fc.record({ k: fc.constant('get' as const), owner, user: userIndex }) },
  { weight: 2, arbitrary: fc.constant({ k: 'register' as const }) },
  { weight: 1, arbitrary: fc.constant({ k: 'ping' as const }) },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 100 }).map((n) => ({ k: 'burst' as const, n })) },
);

interface Peer {
  readonly index: number;
  readonly o: OmikronSession;
  readonly users: readonly [number, number];
}

/** A request of the run: its flight, what it was about, and a check of its reply on its own. */
interface Sent {
  readonly flight: InFlight;
  readonly peer: Peer;
  /** The user and the operation, for the linearizability history. */
  readonly op?: { readonly user: number; readonly input: UserOp };
  /** A change naming another user: the same request in its sender's history (IDN-007). */
  readonly senderOp?: { readonly user: number; readonly input: UserOp };
  readonly check?: (reply: Reply) => Problem | null;
  readonly register?: boolean;
}

export interface InterleavingRun {
  readonly t: ScenarioContext;
  readonly coverage: Coverage;
  readonly connections: number;
  /** Bound on each reply in flight. */
  readonly flightMs: number;
}

/** Run the plans under the scheduler; throws the first property failure. */
export async function runInterleaving(
  run: InterleavingRun,
  scheduler: fc.Scheduler,
  plans: readonly (readonly Step[])[],
): Promise<void> {
  const { t, coverage } = run;
  const peers: Peer[] = [];
  try {
    for (let i = 0; i < run.connections; i++) {
      const o = await t.omikron(i);
      const iota = await freshIota(o);
      const a = await freshUser(t, o, iota);
      const b = await freshUser(t, o, iota);
      peers.push({ index: i, o, users: [a.userId, b.userId] });
    }
    const initial = new Map<number, string>();
    for (const p of peers)
      for (const u of p.users) {
        const r = await mustRead(p.o, u, 'UM-REG-004', 'a user just registered');
        // A record that leaves the status out (UM-GET-006 judges that) is taken to hold it empty.
        initial.set(u, String(r.status ?? ''));
      }
    const sent: Sent[] = [];
    const sequences = peers.map((p) =>
      (plans[p.index] ?? []).map((st, i) => ({
        label: `omikron#${p.index} step ${i}: ${show(st)}`,
        builder: async () => send(run, peers, p, st, `omikron#${p.index} step ${i}`, sent),
      })),
    );
    const running = sequences.map((seq) => scheduler.scheduleSequence(seq).task);
    await scheduler.waitFor(Promise.all(running));
    for (const p of peers)
      await settle(
        p.o,
        sent.map((s) => s.flight),
      );
    judgeIds(peers, sent, coverage);
    // The read-back after everything: part of the history, after every other operation.
    const after: { user: number; op: HistoryOp<UserOp, UserOut> }[] = [];
    for (const p of peers)
      for (const u of p.users) {
        const call = performance.now();
        const reply = await exchange(p.o, { type: p.o.wireType('getUser'), data: { user_id: u } });
        const op: HistoryOp<UserOp, UserOut> = {
          label: `read-back of user ${u}`,
          call,
          ret: performance.now(),
          input: { k: 'get', conn: p.index },
          output: userOut(reply.type, reply.data),
        };
        if (isErrorType(reply.type))
          throw new PropertyFailure(
            'UM-GET-001',
            `after the interleaved requests, get_user_data for user ${u} answered ${reply.type}`,
            { actual: reply.frame },
          );
        after.push({ user: u, op });
      }
    await judgeLinearizable(peers, sent, after, initial, coverage);
    coverage.hit('ENV-003');
    if (peers.length > 1) coverage.hit('ENV-006');
    if (peers.some((p) => sent.filter((s) => s.peer === p).length >= 100)) coverage.hit('ENV-005');
  } finally {
    await Promise.all(peers.map((p) => p.o.close()));
  }
}

/** Send one step's request(s) in flight. */
function send(
  run: InterleavingRun,
  peers: readonly Peer[],
  p: Peer,
  st: Step,
  label: string,
  sent: Sent[],
): void {
  const id = randomUUID();
  const fly = (env: Record<string, unknown>, optional = false) =>
    sendInFlight(p.o, { ...(env as unknown as Envelope), id }, label, run.flightMs, { optional });
  const other = peers[(p.index + 1) % peers.length]!;
  switch (st.k) {
    case 'announce':
    case 'withdraw': {
      const user = p.users[st.user];
      const flight = fly(
        { type: st.k === 'announce' ? 'user_connected' : 'user_disconnected', data: { user_id: user } },
        true,
      );
      sent.push({
        flight,
        peer: p,
        op: { user, input: { k: st.k, conn: p.index } },
        check: (r) =>
          isErrorType(r.type)
            ? { req: 'ANN-001', rank: 3, text: `${label} for user ${user} got the error ${r.type}` }
            : null,
      });
      return;
    }
    case 'change': {
      const holder = st.owner === 'own' || peers.length === 1 ? p : other;
      const user = holder.users[st.user];
      const sibling = holder.users[1 - st.user]!;
      const sender = st.sender === 'principal' ? user : st.sender === 'other' ? sibling : undefined;
      const flight = fly({
        type: p.o.wireType('changeUser'),
        ...(sender === undefined ? {} : { sender }),
        data: { user_id: user, status: st.status },
      });
      sent.push({
        flight,
        peer: p,
        op: { user, input: { k: 'change', conn: p.index, self: sender === user, status: st.status } },
        ...(sender === sibling
          ? { senderOp: { user: sibling, input: { k: 'sent', conn: p.index, status: st.status } } }
          : {}),
      });
      return;
    }
    case 'get': {
      const holder = st.owner === 'own' || peers.length === 1 ? p : other;
      const user = holder.users[st.user];
      const flight = fly({ type: p.o.wireType('getUser'), data: { user_id: user } });
      sent.push({
        flight,
        peer: p,
        op: { user, input: { k: 'get', conn: p.index } },
        check: lookupCheck(label, user, 'UM-GET-001'),
      });
      return;
    }
    case 'register':
      sent.push({ flight: fly({ type: p.o.wireType('getRegister') }), peer: p, register: true });
      return;
    case 'ping':
      sent.push({ flight: fly({ ...PING }), peer: p });
      return;
    case 'burst': {
      const user = p.users[0];
      for (let n = 0; n < st.n; n++) {
        const flight = sendInFlight(
          p.o,
          { type: p.o.wireType('getUser'), id: randomUUID(), data: { user_id: user } },
          `${label} read ${n + 1} of ${st.n}`,
          run.flightMs,
        );
        sent.push({ flight, peer: p, check: lookupCheck(flight.label, user, 'ENV-005') });
      }
      return;
    }
  }
}

const lookupCheck =
  (label: string, user: number, req: string) =>
  (r: Reply): Problem | null =>
    !isErrorType(r.type) && (r.data as { user_id?: unknown } | undefined)?.user_id === user
      ? null
      : { req, rank: 4, text: `${label}: get_user_data for user ${user} answered ${show(r.frame)}` };

/** Ids on every connection, each reply's own check, register ids issued once. */
function judgeIds(peers: readonly Peer[], sent: readonly Sent[], coverage: Coverage): void {
  const all = new Map<string, string>();
  for (const s of sent) all.set(s.flight.id, `${s.flight.label} (sent on ${s.peer.o.label})`);
  const problems: Problem[] = [];
  for (const p of peers) {
    const mine = sent.filter((s) => s.peer === p).map((s) => s.flight);
    const ids = new Set(mine.map((f) => f.id));
    const elsewhere = new Map([...all].filter(([id]) => !ids.has(id)));
    problems.push(...idProblems(p.o, mine, elsewhere));
  }
  const registerIds = new Map<number, string>();
  for (const s of sent) {
    const r = s.flight.reply;
    if (r === undefined) continue;
    coverage.hit(isErrorType(r.type) ? 'ENV-002' : 'ENV-001');
    const problem = s.check?.(r);
    if (problem) problems.push(problem);
    if (!s.register) continue;
    const regId = registerIdOf(r);
    if (regId === undefined) continue;
    coverage.hit('UM-REG-002');
    const earlier = registerIds.get(regId);
    if (earlier !== undefined)
      problems.push({
        req: 'UM-REG-002',
        rank: 5,
        text: `register id ${regId} was issued twice: to ${earlier} and to ${s.flight.label}`,
      });
    registerIds.set(regId, s.flight.label);
  }
  throwFirst(problems, 'interleaved requests on several connections');
}

/** Per user: some order of the overlapping requests, consistent with real time, explains every reply. */
async function judgeLinearizable(
  peers: readonly Peer[],
  sent: readonly Sent[],
  after: readonly { user: number; op: HistoryOp<UserOp, UserOut> }[],
  initial: ReadonlyMap<number, string>,
  coverage: Coverage,
): Promise<void> {
  for (const p of peers)
    for (const user of p.users) {
      const history: HistoryOp<UserOp, UserOut>[] = [];
      // The latest announcement of this user sent on each connection so far (by index in history).
      const lastAnnouncement = new Map<number, number>();
      const ordered = (conn: number): { after?: number[] } => {
        const a = lastAnnouncement.get(conn);
        return a === undefined ? {} : { after: [a] };
      };
      for (const s of [...sent].sort((a, b) => a.flight.sentAt - b.flight.sentAt)) {
        const mine = s.op?.user === user ? s.op : s.senderOp?.user === user ? s.senderOp : undefined;
        if (mine === undefined) continue;
        const f = s.flight;
        const input = mine.input;
        if (input.k === 'announce' || input.k === 'withdraw') {
          // No reply: it takes effect, before anything its connection sent after it (any time otherwise).
          history.push({
            label: f.label,
            call: f.sentAt,
            ret: null,
            required: true,
            input,
            output: undefined,
            ...ordered(input.conn),
          });
          lastAnnouncement.set(input.conn, history.length - 1);
          continue;
        }
        history.push({
          label: f.label,
          call: f.sentAt,
          ret: f.reply ? (f.settledAt ?? null) : null,
          input,
          output: f.reply ? userOut(f.reply.type, f.reply.data) : undefined,
          ...ordered(input.conn),
        });
      }
      for (const a of after) if (a.user === user) history.push({ ...a.op, ...ordered(a.op.input.conn) });
      const start = initial.get(user) ?? '';
      unwrittenRead(user, history, start);
      // Identification first, statuses abstracted (quick), then everything.
      let exercisedReqs: string[] | null = null;
      for (const statuses of [false, true]) {
        const model = userModel(user, start, statuses);
        // Between searches, a turn of the event loop: timers and heartbeats keep running.
        await new Promise((resolve) => setImmediate(resolve));
        const v = checkLinearizable(history, model, { maxSteps: statuses ? 5_000 : 20_000, maxMs: 250 });
        if (v.kind === 'violation') {
          const req = v.stuck[0]?.blame.requirement ?? (statuses ? 'UM-CHG-004' : 'IDN-CHG-006');
          throw new PropertyFailure(
            req,
            `user ${user}: ${describeViolation(v, history, model, describeUserOp)}`,
          );
        }
        if (v.kind === 'inconclusive') break; // the bounded search gave up: judged neither way
        if (!statuses) exercisedReqs = exercised(history, v.order, model);
        else if (history.some((h) => h.input.k === 'change')) coverage.hit('UM-CHG-004');
      }
      for (const req of exercisedReqs ?? []) coverage.hit(req);
    }
}

/**
 * A read of a status that neither the user had nor any change sent set cannot be explained by any
 * order: said at once, without searching every order (which grows with the overlapping requests).
 */
function unwrittenRead(user: number, history: readonly HistoryOp<UserOp, UserOut>[], initial: string): void {
  const written = new Set([
    initial,
    ...history.flatMap((h) => (h.input.k === 'change' || h.input.k === 'sent' ? [h.input.status] : [])),
  ]);
  const bad = history.find(
    (h) =>
      h.input.k === 'get' &&
      h.output !== undefined &&
      !h.output.error &&
      h.output.status !== undefined &&
      !written.has(h.output.status as string),
  );
  if (bad === undefined) return;
  throw new PropertyFailure(
    'UM-CHG-004',
    `user ${user}: ${bad.label} read status ${show(bad.output?.status)}, which neither the user had (${show(initial)}) nor any change that was not refused set\nhistory ([sent → answered] ms):\n${renderHistory(history, describeUserOp)}`,
  );
}
