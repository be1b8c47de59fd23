// Registration: get_register, complete_register_user, complete_register_iota (SPEC.md UM-REG).
import type { Reply } from '../harness/client/connection.ts';
import {
  freshPublicKey,
  identifyUser,
  newIota,
  newUser,
  registerId,
  registerIdOf,
} from '../harness/scenario/fixtures.ts';
import { scenario } from '../harness/scenario/scenario.ts';
import {
  completeUser,
  deleteUser,
  expectNoUser,
  expectWithinADay,
  expectRecord,
  neverIssuedId,
  pendingUser,
  readBack,
  userExists,
} from '../harness/scenario/steps-users.ts';

scenario(
  ['UM-REG-001', 'ENC-001', 'UM-REG-011'],
  'get_register answers an integer register id',
  async (t) => {
    const o = await t.omikron();
    const reply = await o.call('getRegister', {});
    const d = t.expectSuccess('UM-REG-001', 'getRegister', reply, 'get_register');
    const field = 'user_id' in d ? 'user_id' : 'register_id' in d ? 'register_id' : undefined;
    t.check('UM-REG-001', registerIdOf(reply) !== undefined, 'the reply carries an integer register id', {
      expected:
        t.dialect === 'seed' ? 'data.user_id, an integer' : 'data.user_id or data.register_id, an integer',
      actual: reply.frame,
    });
    if (t.dialect === 'tensamin') t.info('UM-REG-001', `the register id travels in data.${field}`);
    const id = registerIdOf(reply);
    if (id !== undefined) await expectWithinADay(t, 'UM-REG-011', 'the register id', id);
    const raw = field === undefined ? undefined : d[field];
    t.check(
      'ENC-001',
      typeof raw === 'number' && Number.isSafeInteger(raw),
      'the register id is a JSON integer',
      {
        expected: 'a JSON number with an integral value',
        actual: raw,
      },
    );
  },
);

scenario(
  ['UM-REG-002'],
  'register ids are unique, in sequence, in flight, and across two connections',
  async (t) => {
    const o0 = await t.omikron(0);
    const o1 = await t.omikron(1);
    const replies: { where: string; reply: Reply }[] = [];
    for (let i = 0; i < 10; i++)
      replies.push({ where: 'sequential', reply: await o0.call('getRegister', {}) });
    const burst = await Promise.all(Array.from({ length: 40 }, () => o0.call('getRegister', {})));
    replies.push(...burst.map((reply) => ({ where: 'in flight on one connection', reply })));
    const [on0, on1] = await Promise.all([
      Promise.all(Array.from({ length: 30 }, () => o0.call('getRegister', {}))),
      Promise.all(Array.from({ length: 30 }, () => o1.call('getRegister', {}))),
    ]);
    replies.push(...on0.map((reply) => ({ where: `on ${o0.label}, concurrently with ${o1.label}`, reply })));
    replies.push(...on1.map((reply) => ({ where: `on ${o1.label}, concurrently with ${o0.label}`, reply })));

    const seen = new Map<number, string>();
    const twice: string[] = [];
    for (const { where, reply } of replies) {
      const id = reply.type === 'get_register' ? registerIdOf(reply) : undefined;
      if (id === undefined) {
        t.fail('UM-REG-002', `get_register (${where}) answered without an integer register id`, {
          expected: 'get_register with an integer id',
          actual: reply.frame,
        });
        continue;
      }
      const first = seen.get(id);
      if (first !== undefined) twice.push(`${id} (${first}; again ${where})`);
      else seen.set(id, where);
    }
    t.check(
      'UM-REG-002',
      twice.length === 0,
      `${replies.length} register ids (10 sequential, 40 in flight, 30 + 30 on two connections at once) are all distinct`,
      { expected: 'no id issued twice', actual: `issued twice: ${twice.slice(0, 5).join(', ')}` },
    );
  },
);

scenario(['UM-REG-003'], 'register ids requested later are larger', async (t) => {
  const o0 = await t.omikron(0);
  const ids: number[] = [];
  for (let i = 0; i < 8; i++) ids.push(await registerId(o0));
  const o1 = await t.omikron(1);
  ids.push(await registerId(o1));
  const notIncreasing = ids.slice(1).flatMap((id, i) => (id > ids[i]! ? [] : [`${ids[i]} then ${id}`]));
  t.check(
    'UM-REG-003',
    notIncreasing.length === 0,
    '9 register ids requested one after another (the last on another connection) increase',
    { expected: 'each id larger than the one before', actual: ids.join(', ') },
  );
});

scenario(
  ['UM-REG-004', 'UM-REG-011'],
  'complete_register_user with an issued id creates the user as given',
  async (t) => {
    const o = await t.omikron();
    const iota = await newIota(o);
    const u = pendingUser(t, await registerId(o), iota);
    const reply = await completeUser(o, u);
    t.expectSuccess('UM-REG-004', 'completeUser', reply, 'complete_register_user with an issued id');
    const byId = await readBack(t, o, 'UM-REG-004', { user_id: u.userId }, 'the new user by id');
    expectRecord(t, 'UM-REG-004', 'the new user by id', byId, {
      user_id: u.userId,
      username: u.username,
      public_key: u.publicKey,
      iota_id: u.iotaId,
    });
    // Only an integer can be judged here; a missing or mistyped created_at is a shape fault (UM-GET-006, ENC-001).
    if (typeof byId.created_at === 'number')
      await expectWithinADay(t, 'UM-REG-011', "the new user's created_at", byId.created_at);
    else
      t.notVerified(
        'UM-REG-011',
        `not verified for created_at: the record has ${'created_at' in byId ? `created_at ${JSON.stringify(byId.created_at)}, not a number` : 'no created_at'} (a shape fault, UM-GET-006 / ENC-001)`,
      );
    const byName = await readBack(t, o, 'UM-REG-004', { username: u.username }, 'the new user by username');
    expectRecord(t, 'UM-REG-004', 'the new user by username', byName, {
      user_id: u.userId,
      username: u.username,
      public_key: u.publicKey,
      iota_id: u.iotaId,
    });
  },
);

scenario(
  ['UM-REG-005', 'ENV-002'],
  'complete_register_user with an id never issued is refused and creates no user',
  async (t) => {
    const o = await t.omikron();
    const iota = await newIota(o);
    const u = pendingUser(t, neverIssuedId(), iota);
    const reply = await completeUser(o, u);
    t.expectError('UM-REG-005', reply, `complete_register_user with user_id ${u.userId}, never issued`);
    await expectNoUser(
      t,
      o,
      'UM-REG-005',
      { user_id: u.userId },
      'afterwards no user has the never-issued id',
    );
    await expectNoUser(t, o, 'UM-REG-005', { username: u.username }, 'afterwards no user has its username');
  },
);

scenario(
  ['UM-REG-006', 'ENV-002'],
  'complete_register_user with the id of an existing user is refused; that user is unchanged',
  async (t) => {
    const o = await t.omikron();
    const iota = await newIota(o);
    const other = await newIota(o);
    const a = await newUser(t, o, iota);
    const before = await readBack(t, o, 'UM-REG-006', { user_id: a.userId }, 'the existing user before');
    const again = pendingUser(t, a.userId, other);
    const reply = await completeUser(o, again);
    t.expectError(
      'UM-REG-006',
      reply,
      `complete_register_user again with ${a.userId}, the id of an existing user`,
    );
    const after = await readBack(t, o, 'UM-REG-006', { user_id: a.userId }, 'the existing user after');
    expectRecord(t, 'UM-REG-006', 'the existing user after the refused completion', after, before);
    await expectNoUser(t, o, 'UM-REG-006', { username: again.username }, 'no user has the refused username');
  },
);

scenario(
  ['UM-REG-010'],
  'complete_register_user with an id already used by an Iota registration is refused',
  async (t) => {
    const o = await t.omikron();
    const iota = await newIota(o); // uses its register id
    const u = pendingUser(t, iota.iotaId, iota);
    const reply = await completeUser(o, u);
    // Whether Iota and user ids share one pool is not in the seed: SHOULD, so this goes on either way.
    t.check(
      'UM-REG-010',
      t.isError(reply),
      `complete_register_user with ${iota.iotaId}, already used for an Iota`,
      {
        expected: 'an error reply',
        actual: reply.frame,
      },
    );
    if (t.isError(reply)) {
      await expectNoUser(t, o, 'UM-REG-010', { user_id: u.userId }, 'afterwards no user has that id');
      await expectNoUser(t, o, 'UM-REG-010', { username: u.username }, 'afterwards no user has the username');
    }
  },
);

scenario(
  ['UM-REG-010', 'UM-DEL-001'],
  'complete_register_user with the id of a deleted user is refused',
  async (t) => {
    const o = await t.omikron();
    const iota = await newIota(o);
    const a = await newUser(t, o, iota);
    await identifyUser(t, o, a.userId);
    t.expectSuccess(
      'UM-DEL-001',
      'deleteUser',
      await deleteUser(o, a.userId),
      'deleting the identified user',
    );
    const again = pendingUser(t, a.userId, iota);
    const reply = await completeUser(o, again);
    t.check(
      'UM-REG-010',
      t.isError(reply),
      `complete_register_user with ${a.userId}, the id of a deleted user`,
      {
        expected: 'an error reply: the id was used',
        actual: reply.frame,
      },
    );
    if (t.isError(reply))
      await expectNoUser(
        t,
        o,
        'UM-REG-010',
        { username: again.username },
        'no user has the refused username',
      );
  },
);

scenario(
  ['UM-REG-012'],
  'complete_register_user with a username another user holds is refused',
  async (t) => {
    const o = await t.omikron();
    const iota = await newIota(o);
    const a = await newUser(t, o, iota);
    const clash = { ...pendingUser(t, await registerId(o), iota), username: a.username };
    const reply = await completeUser(o, clash);
    t.check('UM-REG-012', t.isError(reply), 'a completion with a username another user holds', {
      expected: 'an error reply',
      actual: reply.frame,
    });
    // Either way, read what the username finds (a SHOULD failure goes on; two holders may both answer).
    const d = await readBack(t, o, 'UM-REG-012', { username: a.username }, 'the holder by its username');
    t.check('UM-REG-012', d.user_id === a.userId, 'the username still finds the user who held it', {
      expected: a.userId,
      actual: d.user_id,
    });
  },
);

scenario(
  ['UM-REG-007'],
  'complete_register_iota with an issued id registers the Iota; a user can live on it',
  async (t) => {
    const o = await t.omikron();
    const iotaId = await registerId(o);
    const reply = await o.call('completeIota', { iota_id: iotaId, public_key: freshPublicKey() });
    t.expectSuccess('UM-REG-007', 'completeIota', reply, 'complete_register_iota with an issued id');
    if (t.dialect === 'tensamin')
      t.info('UM-REG-007', `complete_register_iota answered ${reply.type}`, reply.frame);
    const u = pendingUser(t, await registerId(o), iotaId);
    const r2 = await completeUser(o, u);
    t.expectSuccess('UM-REG-007', 'completeUser', r2, 'complete_register_user on the new Iota');
    const d = await readBack(t, o, 'UM-REG-007', { user_id: u.userId }, 'the user on the new Iota');
    t.expectEqual('UM-REG-007', "the user's iota_id is the new Iota", d.iota_id, iotaId);
  },
);

scenario(['UM-REG-008'], 'complete_register_user naming an Iota never registered (recorded)', async (t) => {
  const o = await t.omikron();
  const u = pendingUser(t, await registerId(o), neverIssuedId());
  const reply = await completeUser(o, u);
  const found = await userExists(o, { user_id: u.userId });
  if (t.isError(reply)) {
    t.info('UM-REG-008', `refused with ${reply.type}`, reply.frame);
    t.check('UM-REG-008', found === null, 'the refused registration created no user', {
      expected: 'an error reply to get_user_data',
      actual: found,
    });
  } else {
    t.info(
      'UM-REG-008',
      `accepted (${reply.type}); the user reads back with iota_id ${JSON.stringify(found?.iota_id)}`,
    );
  }
});

scenario(
  ['UM-REG-009', 'UM-REG-004'],
  'whether a completion refused for a taken username uses the register id up (recorded)',
  async (t) => {
    const o = await t.omikron();
    const iota = await newIota(o);
    const a = await newUser(t, o, iota);
    const id = await registerId(o);
    const clash = { ...pendingUser(t, id, iota), username: a.username };
    const refused = await completeUser(o, clash);
    if (!t.isError(refused)) {
      t.info(
        'UM-REG-009',
        `a completion with a taken username was accepted (${refused.type}): nothing to observe`,
      );
      return;
    }
    t.info('ENV-008', `complete_register_user with a taken username: ${refused.type}`, refused.frame);
    const ghost = await userExists(o, { user_id: id });
    t.check('UM-REG-009', ghost === null, 'the refused completion created no user', {
      expected: 'no user with that id',
      actual: ghost,
    });
    const retry = pendingUser(t, id, iota);
    const reply = await completeUser(o, retry);
    if (t.isError(reply)) {
      t.info('UM-REG-009', `the refused completion used the id up: a second completion got ${reply.type}`);
      await expectNoUser(t, o, 'UM-REG-009', { user_id: id }, 'and no user has the id');
      return;
    }
    t.info('UM-REG-009', 'the id stayed usable: a second completion with a free username succeeded');
    t.expectSuccess('UM-REG-004', 'completeUser', reply, 'the second completion with the same id');
    const d = await readBack(t, o, 'UM-REG-004', { user_id: id }, 'the user of the second completion');
    t.expectEqual('UM-REG-004', 'its username is the one given the second time', d.username, retry.username);
  },
);
