// Bad input (SPEC.md BAD): what cannot be parsed gets an error reply or a clean close; a JSON object
// with a string id gets an error reply with that id; nothing is changed; and after every case a fresh
// connection proves the server still serves and still holds a user created before (BAD-010).
import { randomUUID } from 'node:crypto';
import type { Reply } from '../harness/client/connection.ts';
import type { OmikronSession } from '../harness/client/session.ts';
import type { ScenarioContext } from '../harness/scenario/context.ts';
import {
  completeUserRequest,
  identifyUser,
  newIota,
  newUser,
  registerId,
  registerIdOf,
  type UserFixture,
} from '../harness/scenario/fixtures.ts';
import { scenario } from '../harness/scenario/scenario.ts';
import type { RequirementId } from '../harness/spec/requirements.ts';
import {
  describeOutcome,
  outcomeCause,
  envelopeWithoutType,
  expectErrorOrClose,
  expectServerSurvived,
  type Outcome,
  outcomeOf,
  requestOutcome,
  sendRawOutcome,
  stillOpen,
} from '../harness/scenario/steps-outcomes.ts';
import {
  changeUser,
  expectField,
  expectNoUser,
  pendingUser,
  readBack,
} from '../harness/scenario/steps-users.ts';

/** An authenticated connection (identity 0) and a user created on it before the bad input. */
async function before(t: ScenarioContext): Promise<{ o: OmikronSession; user: UserFixture }> {
  const o = await t.omikron(0);
  const user = await newUser(t, o);
  return { o, user };
}

// --- frames the Omega cannot take an id from -----------------------------------------------------

interface RawCase {
  readonly req: 'BAD-001' | 'BAD-002' | 'BAD-007' | 'BAD-008' | 'BAD-009';
  readonly name: string;
  readonly payload: () => string | Buffer;
  readonly binary?: boolean;
}

const MIB = 1024 * 1024;

const RAW_CASES: readonly RawCase[] = [
  { req: 'BAD-001', name: 'a truncated JSON object', payload: () => '{"type":"get_register","id":"' },
  { req: 'BAD-001', name: 'text that is not JSON', payload: () => 'hello omega' },
  { req: 'BAD-001', name: 'JSON with single quotes', payload: () => "{'type': 'get_register'}" },
  { req: 'BAD-002', name: 'the JSON array []', payload: () => '[]' },
  { req: 'BAD-002', name: 'the JSON array [1,2]', payload: () => '[1,2]' },
  { req: 'BAD-002', name: 'the JSON number 42', payload: () => '42' },
  { req: 'BAD-002', name: 'the JSON string "x"', payload: () => '"x"' },
  { req: 'BAD-002', name: 'the JSON null', payload: () => 'null' },
  { req: 'BAD-007', name: 'an empty text frame', payload: () => '' },
  {
    req: 'BAD-008',
    name: 'a binary frame',
    payload: () => Buffer.from([0x00, 0xff, 0xfe, 0x7b, 0x0a, 0x80]),
    binary: true,
  },
  {
    req: 'BAD-009',
    name: 'a 1 MiB frame (a JSON object without an id)',
    payload: () => {
      const head = '{"type":"get_user_data","data":{"username":"';
      const tail = '"}}';
      return `${head}${'x'.repeat(MIB - head.length - tail.length)}${tail}`;
    },
  },
];

for (const c of RAW_CASES) {
  scenario([c.req, 'BAD-010', 'BAD-011'], `${c.name} gets an error reply or a clean close`, async (t) => {
    const { o, user } = await before(t);
    const payload = c.payload();
    const outcome = await sendRawOutcome(o, payload, c.binary ? { binary: true } : {});
    const how = expectErrorOrClose(t, c.req, outcome, `${c.name} (${payload.length} bytes)`);
    const then = outcome.kind === 'reply' ? `; the server then ${await stillOpen(o.connection)}` : '';
    t.info('BAD-011', `${c.name}: ${how}${then}`);
    await expectServerSurvived(t, c.name, user);
  });
}

// --- JSON objects with a string id -----------------------------------------------------------------

/** An error reply carrying `id` (checked under `req`): not a close, not silence. */
function expectErrorWithId(
  t: ScenarioContext,
  req: RequirementId,
  o: Outcome,
  id: string,
  what: string,
): string {
  if (o.kind !== 'reply') {
    t.fail(req, `${what}: ${describeOutcome(o)}`, {
      expected: `an error reply with id "${id}"`,
      actual: describeOutcome(o),
      ...outcomeCause(o),
    });
    return describeOutcome(o);
  }
  t.expectError(req, o.reply, what);
  t.expectEqual(req, `${what}: id of the error reply`, o.reply.frame.id, id);
  return describeOutcome(o);
}

/**
 * BAD-010 for a frame that carried a string id: whatever the answer to it (BAD-003/004 are SHOULD),
 * a later valid request on the same connection is served.
 */
async function expectConnectionServed(t: ScenarioContext, o: OmikronSession, after: string): Promise<void> {
  const next = await outcomeOf(o.call('getRegister', {}));
  t.check(
    'BAD-010',
    next.kind === 'reply' && next.reply.type === 'get_register' && registerIdOf(next.reply) !== undefined,
    `after ${after}, get_register on the same connection is served`,
    {
      expected: 'get_register with a register id, on the same connection',
      actual: next.kind === 'reply' ? next.reply.frame : describeOutcome(next),
    },
  );
}

const NO_TYPE_CASES: ReadonlyArray<[string, Record<string, unknown>]> = [
  ['an object with a string id and no type', { data: {} }],
  ['an object with a string id and a number as type', { type: 42, data: {} }],
];

for (const [name, rest] of NO_TYPE_CASES) {
  scenario(
    ['BAD-003', 'ENV-002', 'BAD-010', 'BAD-011'],
    `${name} gets an error reply with that id`,
    async (t) => {
      const { o, user } = await before(t);
      const id = randomUUID();
      const outcome = await requestOutcome(o.connection, envelopeWithoutType(id, rest));
      const how = expectErrorWithId(t, 'BAD-003', outcome, id, name);
      t.info('BAD-011', `${name}: ${how}`);
      await expectConnectionServed(t, o, name);
      await expectServerSurvived(t, name, user);
    },
  );
}

scenario(
  ['BAD-004', 'ENV-002', 'BAD-010', 'BAD-011'],
  'an unknown type gets an error reply with the id, and the connection stays usable',
  async (t) => {
    const { o, user } = await before(t);
    const id = randomUUID();
    const name = 'an unknown type';
    const outcome = await requestOutcome(o.connection, { type: 'no_such_type_bad004', id, data: {} });
    const how = expectErrorWithId(t, 'BAD-004', outcome, id, name);
    t.info('BAD-011', `${name}: ${how}`);
    await expectConnectionServed(t, o, name);
    await expectServerSurvived(t, name, user);
  },
);

/** One request with missing or mistyped data, and the proof that nothing was created or changed. */
interface DataCase {
  readonly name: string;
  run(
    t: ScenarioContext,
    o: OmikronSession,
  ): Promise<{
    outcome: Outcome;
    id: string;
    unchanged: () => Promise<void>;
    /** A reading the seed allows: the request may be carried out; this judges what it did. */
    accepted?: (reply: Reply) => Promise<void>;
  }>;
}

/** A complete_register_user whose data is `shape(valid request)`; afterwards no such user exists. */
function badRegistration(
  name: string,
  shape: (valid: ReturnType<typeof completeUserRequest>) => unknown,
  mayAccept = false,
): DataCase {
  return {
    name,
    async run(t, o) {
      const iota = await newIota(o);
      const u = pendingUser(t, await registerId(o), iota);
      const id = randomUUID();
      const outcome = await requestOutcome(o.connection, {
        type: o.wireType('completeUser'),
        id,
        data: shape(completeUserRequest(u)),
      });
      return {
        outcome,
        id,
        unchanged: async () => {
          await expectNoUser(
            t,
            o,
            'BAD-005',
            { user_id: u.userId },
            `${name}: no user exists under the register id`,
          );
          await expectNoUser(
            t,
            o,
            'BAD-005',
            { username: u.username },
            `${name}: no user exists with the username`,
          );
        },
        ...(mayAccept
          ? {
              // user_id is drawn as "<user id>" (a string) in the seed: accepting the digits is a
              // reading, recorded; the user then is the one registered under that id.
              accepted: async (reply: Reply) => {
                t.info('ENC-006', `${name}: accepted (${reply.type})`, reply.frame);
                const d = await readBack(
                  t,
                  o,
                  'BAD-005',
                  { user_id: u.userId },
                  `${name}: the user reads back`,
                );
                expectField(
                  t,
                  'BAD-005',
                  `${name}: the user registered is the one named`,
                  d,
                  'username',
                  u.username,
                );
              },
            }
          : {}),
      };
    },
  };
}

/** A change_user_data for an identified user whose data is `data(userId)`; afterwards status is as before. */
function badChange(name: string, data: (userId: number) => unknown, mayAccept = false): DataCase {
  return {
    name,
    async run(t, o) {
      const u = await newUser(t, o);
      await identifyUser(t, o, u.userId);
      const status = `kept ${t.uniqueName()}`.slice(0, 15);
      t.expectSuccess(
        'BAD-005',
        'changeUser',
        await changeUser(o, u.userId, { status }),
        'setup: status set',
      );
      const id = randomUUID();
      const outcome = await requestOutcome(o.connection, {
        type: o.wireType('changeUser'),
        id,
        sender: u.userId,
        data: data(u.userId),
      });
      return {
        outcome,
        id,
        unchanged: async () => {
          const d = await readBack(t, o, 'BAD-005', { user_id: u.userId }, `${name}: the user reads back`);
          t.expectEqual('BAD-005', `${name}: status keeps its value`, d.status, status);
        },
        ...(mayAccept
          ? {
              // Later public versions take the acting user from `sender`: applying the change to
              // the sender is a reading; no other user may change (the sender is this user).
              accepted: async (reply: Reply) => {
                t.info(
                  'BAD-011',
                  `${name}: accepted (${reply.type}), applied to the sender or to nobody`,
                  reply.frame,
                );
                const d = await readBack(
                  t,
                  o,
                  'BAD-005',
                  { user_id: u.userId },
                  `${name}: the sender reads back`,
                );
                const sent = (data(u.userId) as { status?: unknown }).status;
                t.check(
                  'BAD-005',
                  d.status === status || d.status === sent,
                  `${name}: the sender's status is as before or as sent`,
                  {
                    expected: `${JSON.stringify(status)} or ${JSON.stringify(sent)}`,
                    actual: d.status,
                  },
                );
              },
            }
          : {}),
      };
    },
  };
}

const DATA_CASES: readonly DataCase[] = [
  badRegistration('complete_register_user without username', ({ username: _u, ...rest }) => rest),
  badRegistration(
    'complete_register_user with user_id as a string of digits',
    (v) => ({ ...v, user_id: String(v.user_id) }),
    true,
  ),
  badRegistration('complete_register_user with data as an array', (v) => [v]),
  badChange('change_user_data with status as a number', (userId) => ({ user_id: userId, status: 42 })),
  badChange('change_user_data without user_id', () => ({ status: 'no user named' }), true),
  badChange('change_user_data with data as an array', (userId) => [
    { user_id: userId, status: 'in an array' },
  ]),
];

for (const c of DATA_CASES) {
  scenario(
    ['BAD-005', 'ENV-002', 'BAD-010', 'BAD-011'],
    `${c.name}${c.name.includes('string of digits') || c.name.includes('without user_id') ? ' is refused (nothing changes) or carried out as the seed allows' : ' gets an error reply with the id and changes nothing'}`,
    async (t) => {
      const { o, user } = await before(t);
      const { outcome, id, unchanged, accepted } = await c.run(t, o);
      if (accepted && outcome.kind === 'reply' && !t.isError(outcome.reply)) {
        await accepted(outcome.reply);
      } else {
        const how = expectErrorWithId(t, 'BAD-005', outcome, id, c.name);
        t.info('BAD-011', `${c.name}: ${how}`);
        await unchanged();
      }
      await expectConnectionServed(t, o, c.name);
      await expectServerSurvived(t, c.name, user);
    },
  );
}

// --- ids that are not UUIDs ---------------------------------------------------------------------------

const ODD_IDS: ReadonlyArray<[string, string]> = [
  ['a short numeric id', '7'],
  ['a plain word', 'not-a-uuid'],
  ['spaces, quotes, a backslash and non-ASCII', 'id "q" \\ /ü ñ 🎉 end'],
  ['a 256-character id', 'L'.repeat(256)],
];

for (const [name, odd] of ODD_IDS) {
  scenario(
    ['BAD-006', 'BAD-010', 'BAD-011'],
    `${name} is echoed exactly, on a success and on an error reply (recorded)`,
    async (t) => {
      const { o, user } = await before(t);
      for (const [path, id, send] of [
        ['get_register (success)', odd, () => o.call('getRegister', {}, { id: odd })],
        ['get_user_data naming no user (error)', `${odd}-e`, () => o.call('getUser', {}, { id: `${odd}-e` })],
      ] as const) {
        // The seed draws "<uuid>" ids: what happens to other strings is recorded, never judged.
        const outcome = await outcomeOf(send());
        const echoed = outcome.kind === 'reply' && outcome.reply.frame.id === id;
        t.info('BAD-006', `${name}, ${path}: ${echoed ? 'echoed exactly' : describeOutcome(outcome)}`);
        t.info('BAD-011', `${name}, ${path}: ${describeOutcome(outcome)}`);
      }
      await expectServerSurvived(t, name, user);
    },
  );
}
