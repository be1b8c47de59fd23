// Interleavings: concurrent requests on several connections, under a fast-check scheduler, keep
// ids and identification (ENV-005, ENV-006, IDN-CHG-*).
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import type { Envelope, Reply } from '../harness/client/connection.ts';
import type { OmikronSession } from '../harness/client/session.ts';
import { textWithin } from '../harness/properties/arbitraries.ts';
import { PING, propertyBounds } from '../harness/properties/budget.ts';
import { Coverage, PropertyFailure, runProperty } from '../harness/properties/runner.ts';
import {
  type InFlight,
  idProblems,
  type Problem,
  sendInFlight,
  settle,
  throwFirst,
} from '../harness/properties/flights.ts';
import { freshIota, freshUser, mustRead } from '../harness/properties/steps.ts';
import { LIMITS } from '../harness/protocol/fields.ts';
import { isErrorType } from '../harness/protocol/messages.ts';
import { show } from '../harness/scenario/context.ts';
import { scenario } from '../harness/scenario/scenario.ts';
import { currentTarget } from '../harness/scenario/target.ts';

const target = currentTarget();
const bounds = propertyBounds(target);

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
                  sendInFlight(p.o, { ...(env as unknown as Envelope), id }, label, bounds.flight, {
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
                        bounds.flight,
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
  { timeoutMs: bounds.scenario(600) },
);
