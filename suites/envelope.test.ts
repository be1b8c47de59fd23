// The envelope: every reply carries the id of its request, exactly one reply per request, replies
// stay on their connection, one connection's messages are applied in order (SPEC.md ENV, section 3).
import { randomUUID } from 'node:crypto';
import type { Reply } from '../harness/client/connection.ts';
import type { OmikronSession } from '../harness/client/session.ts';
import { describeReply, type ScenarioContext } from '../harness/scenario/context.ts';
import {
  identifyUser,
  newIota,
  newUser,
  readUser,
  registerIdOf,
  type UserFixture,
} from '../harness/scenario/fixtures.ts';
import { scenario } from '../harness/scenario/scenario.ts';
import {
  anomaliesSince,
  describeOutcome,
  outcomeCause,
  expectNoAnomalies,
  type Outcome,
  outcomeOf,
} from '../harness/scenario/steps-outcomes.ts';
import { changeUser, expectAnswer, neverIssuedId } from '../harness/scenario/steps-users.ts';

scenario(['ENV-001', 'ENV-004'], 'a success reply carries the id of its request', async (t) => {
  const o = await t.omikron();
  const id = randomUUID();
  const reply = await o.call('getRegister', {}, { id });
  t.expectSuccess('ENV-001', 'getRegister', reply, 'get_register');
  t.expectEqual('ENV-001', 'id of the get_register reply', reply.frame.id, id);
  const u = await newUser(t, o);
  const readId = randomUUID();
  const read = await o.call('getUser', { user_id: u.userId }, { id: readId });
  expectAnswer(t, 'ENV-001', 'getUser', read, 'get_user_data');
  t.expectEqual('ENV-001', 'id of the get_user_data reply', read.frame.id, readId);
  await expectNoAnomalies(t, 'ENV-004', o.connection, 'every frame was a JSON object with a string type');
});

scenario(['ENV-002'], 'an error reply carries the id of its request', async (t) => {
  const o = await t.omikron();
  const cases: Array<[string, Record<string, unknown>]> = [
    ['get_user_data for a user_id no user has', { user_id: neverIssuedId() }],
    ['get_user_data for a username nobody has', { username: t.uniqueName() }],
    ['get_user_data naming no user', {}],
  ];
  for (const [what, data] of cases) {
    const id = randomUUID();
    const o1 = await outcomeOf(o.call('getUser', data, { id }));
    if (o1.kind !== 'reply') {
      t.fail('ENV-002', `${what}: ${describeOutcome(o1)}`, {
        expected: `an error reply with id "${id}"`,
        actual: describeOutcome(o1),
        ...outcomeCause(o1),
      });
      return;
    }
    t.expectError('ENV-002', o1.reply, what);
    t.expectEqual('ENV-002', `${what}: id of the error reply`, o1.reply.frame.id, id);
  }
});

scenario(
  ['ENV-003', 'ENV-004'],
  'exactly one reply per request, and no frame with an id nobody sent',
  async (t) => {
    const o = await t.omikron();
    const u = await newUser(t, o);
    await o.call('getRegister', {});
    await readUser(o, { user_id: u.userId });
    await readUser(o, { user_id: neverIssuedId() });
    await o.ping();
    await identifyUser(t, o, u.userId);
    await changeUser(o, u.userId, { status: 'one reply' });
    await o.connection.barrier();
    await expectNoAnomalies(
      t,
      'ENV-003',
      o.connection,
      'after a barrier: no reply missing, doubled, id-less or with an id no request carried',
    );
    const notJson = o.connection.anomalies.filter((a) => a.kind === 'not-json' || a.kind === 'binary');
    t.check('ENV-004', notJson.length === 0, 'every frame was a JSON object with a string type, as text', {
      expected: 'JSON objects with a string type in text frames',
      actual: notJson.length === 0 ? 'all were' : anomaliesSince(o.connection, 0).join('; '),
    });
  },
);

/** One request of a concurrency batch and what its reply must be. */
interface Probe {
  readonly what: string;
  readonly send: () => Promise<Reply>;
  /** Whether the reply is the one this request asked for; a message when it is not. */
  readonly judge: (r: Reply) => string | null;
}

function probes(t: ScenarioContext, o: OmikronSession, users: readonly UserFixture[], n: number): Probe[] {
  const out: Probe[] = [];
  const unknown = neverIssuedId();
  const userReply = t.dialect === 'seed' ? 'get_user' : 'get_user_data';
  for (let i = 0; i < n; i++) {
    const kind = i % (users.length + 2);
    if (kind === 0) {
      out.push({
        what: `#${i} get_register`,
        send: () => o.call('getRegister', {}),
        judge: (r) =>
          r.type === 'get_register' && registerIdOf(r) !== undefined
            ? null
            : `expected get_register with a register id, got ${describeReply(r)}`,
      });
    } else if (kind === 1) {
      out.push({
        what: `#${i} get_user_data for an unknown user`,
        send: () => o.call('getUser', { user_id: unknown }),
        judge: (r) => (t.isError(r) ? null : `expected an error reply, got ${describeReply(r)}`),
      });
    } else {
      const u = users[kind - 2]!;
      out.push({
        what: `#${i} get_user_data for user ${u.userId}`,
        send: () => o.call('getUser', { user_id: u.userId }),
        judge: (r) => {
          const id = (r.data as { user_id?: unknown } | undefined)?.user_id;
          return r.type === userReply && id === u.userId
            ? null
            : `expected ${userReply} of user ${u.userId}, got ${describeReply(r)} for user ${String(id)}`;
        },
      });
    }
  }
  return out;
}

/** Fire every probe without waiting, then wait for all; a list of what went wrong. */
async function fireAll(list: readonly Probe[]): Promise<string[]> {
  const pending = list.map((p) => outcomeOf(p.send()));
  const outcomes: Outcome[] = await Promise.all(pending);
  const wrong: string[] = [];
  outcomes.forEach((o, i) => {
    const p = list[i]!;
    if (o.kind !== 'reply') wrong.push(`${p.what}: ${describeOutcome(o)}`);
    else {
      const why = p.judge(o.reply);
      if (why !== null) wrong.push(`${p.what}: ${why}`);
    }
  });
  return wrong;
}

scenario(
  ['ENV-005', 'ENV-003'],
  '100 requests in flight on one connection are each answered once, with their id',
  async (t) => {
    const o = await t.omikron();
    const iota = await newIota(o);
    const users = [await newUser(t, o, iota), await newUser(t, o, iota)];
    const list = probes(t, o, users, 100);
    const wrong = await fireAll(list);
    t.check('ENV-005', wrong.length === 0, '100 concurrent requests: each got its own reply, with its id', {
      expected: '100 replies, each with the id and content of its request',
      actual:
        wrong.length === 0 ? '100 right replies' : `${wrong.length} wrong: ${wrong.slice(0, 5).join('; ')}`,
    });
    await expectNoAnomalies(
      t,
      'ENV-005',
      o.connection,
      'after the 100 replies and a barrier: no second reply, stray id or id-less frame',
    );
  },
);

scenario(
  ['ENV-006', 'ENV-003'],
  'concurrent requests on three connections are each answered on their own connection',
  async (t) => {
    const sessions = await Promise.all([t.omikron(0), t.omikron(1), t.omikron(2)]);
    const users: UserFixture[] = [];
    for (const s of sessions) users.push(await newUser(t, s));
    // Each connection reads its own user and the others', and asks for register ids, all at once.
    const batches = sessions.map((s) => probes(t, s, users, 30));
    const results = await Promise.all(batches.map((b) => fireAll(b)));
    sessions.forEach((s, i) => {
      const wrong = results[i]!;
      t.check('ENV-006', wrong.length === 0, `${s.label}: 30 concurrent requests each answered there`, {
        expected: '30 replies on this connection, each with the id and content of its request',
        actual:
          wrong.length === 0 ? '30 right replies' : `${wrong.length} wrong: ${wrong.slice(0, 5).join('; ')}`,
      });
    });
    for (const s of sessions) {
      await expectNoAnomalies(
        t,
        'ENV-006',
        s.connection,
        `${s.label}: no reply that belongs to another connection (no stray id)`,
      );
    }
  },
);

scenario(
  ['ENV-007'],
  "one connection's messages are applied in order: a read sent right after a change sees it",
  async (t) => {
    const o = await t.omikron();
    const u = await newUser(t, o);
    await identifyUser(t, o, u.userId);
    for (let round = 1; round <= 5; round++) {
      const status = `in order ${round}`;
      // Sent back to back, the read not waiting for the change.
      const change = outcomeOf(changeUser(o, u.userId, { status }));
      const read = outcomeOf(o.call('getUser', { user_id: u.userId }));
      const [c, r] = await Promise.all([change, read]);
      if (c.kind !== 'reply' || r.kind !== 'reply') {
        t.fail('ENV-007', `round ${round}: change ${describeOutcome(c)}, read ${describeOutcome(r)}`, {
          expected: 'a reply to each',
          actual: `change: ${describeOutcome(c)}; read: ${describeOutcome(r)}`,
          ...outcomeCause(c.kind === 'reply' ? r : c),
        });
        return;
      }
      t.expectSuccess('ENV-007', 'changeUser', c.reply, `round ${round}: change_user_data (status)`);
      const d = expectAnswer(t, 'ENV-007', 'getUser', r.reply, `round ${round}: get_user_data right after`);
      t.expectEqual(
        'ENV-007',
        `round ${round}: the read sent right after the change sees it`,
        d.status,
        status,
      );
    }
    // Replies in order: a ping sent last is answered after every reply sent before it.
    const order: string[] = [];
    const tracked = (name: string, p: Promise<Reply>) =>
      outcomeOf(
        p.then((r) => {
          order.push(name);
          return r;
        }),
      );
    const batch = [
      tracked('get_register', o.call('getRegister', {})),
      tracked('get_user_data', o.call('getUser', { user_id: u.userId })),
      tracked('change_user_data', changeUser(o, u.userId, { status: 'before the ping' })),
      tracked('get_user_data (unknown)', o.call('getUser', { user_id: neverIssuedId() })),
      tracked('ping', o.ping()),
    ];
    await Promise.all(batch);
    t.expectEqual('ENV-007', 'the ping sent last is answered last', order.at(-1), 'ping');
  },
);

scenario(['ENV-008'], 'error types and extra reply fields the server uses (recorded)', async (t) => {
  const o = await t.omikron();
  const u = await newUser(t, o);
  const envelopeKeys = new Set(['type', 'id', 'data']);
  const samples: Array<[string, Reply]> = [
    ['get_register', await o.call('getRegister', {})],
    ['get_user_data', (await readUser(o, { user_id: u.userId })).reply],
    ['pong', await o.ping()],
  ];
  for (const [what, r] of samples) {
    const extra = Object.keys(r.frame).filter((k) => !envelopeKeys.has(k));
    t.info(
      'ENV-008',
      `${what} reply: ${extra.length === 0 ? 'no envelope fields beyond type, id, data' : `extra envelope fields ${extra.join(', ')}`}`,
    );
  }
  // The unknown type last: a server may close the connection after it (BAD-004 judges that).
  const errors: Array<[string, () => Promise<Reply>]> = [
    ['unknown user', () => o.call('getUser', { user_id: neverIssuedId() })],
    ['no user named', () => o.call('getUser', {})],
    [
      'guarded request for a user not identified',
      () => o.call('changeUser', { user_id: u.userId, status: 'x' }, { sender: u.userId }),
    ],
    ['unknown type', () => o.connection.request({ type: 'no_such_type_env008', data: {} })],
  ];
  for (const [what, send] of errors) {
    if (!o.connection.isOpen) break;
    const r = await outcomeOf(send());
    t.info('ENV-008', `${what}: ${r.kind === 'reply' ? describeReply(r.reply) : describeOutcome(r)}`);
  }
});
