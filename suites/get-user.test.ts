// get_user_data: the lookup rule, the reply's fields and encodings (SPEC.md UM-GET, ENC).
import { scenario } from '../harness/scenario/scenario.ts';
import {
  expectField,
  expectUserShape,
  neverIssuedId,
  readBack,
  USER_FIELDS,
} from '../harness/scenario/steps-users.ts';
import { newIota, newUser, readUser } from '../harness/scenario/fixtures.ts';

scenario(
  ['UM-GET-001', 'UM-GET-006', 'ENC-001', 'ENC-002'],
  'get_user_data by user_id returns the user with every field',
  async (t) => {
    const o = await t.omikron();
    const u = await newUser(t, o);
    // The lookup judges that the right user came back; the record's shape is UM-GET-006 / ENC-001.
    const d = await readBack(t, o, 'UM-GET-001', { user_id: u.userId }, 'get_user_data by user_id');
    expectField(t, 'UM-GET-001', 'user_id of the record', d, 'user_id', u.userId);
    expectField(t, 'UM-GET-001', 'username of the record', d, 'username', u.username);
    expectUserShape(t, d, 'the user record');
    t.expectEqual('UM-GET-006', 'iota_id', d.iota_id, u.iotaId);
    expectField(t, 'ENC-002', 'public_key reads back as registered', d, 'public_key', u.publicKey);
    t.info(
      'UM-GET-007',
      `display of a new user: ${d.display === '' ? 'empty' : d.display === u.username ? 'the username' : JSON.stringify(d.display)}`,
    );
    const extra = Object.keys(d).filter((k) => !(USER_FIELDS as readonly string[]).includes(k));
    if (extra.length > 0) t.info('ENV-008', `extra fields in the user record: ${extra.join(', ')}`);
  },
);

scenario(['UM-GET-002'], 'get_user_data by username returns the user', async (t) => {
  const o = await t.omikron();
  const u = await newUser(t, o);
  const d = await readBack(t, o, 'UM-GET-002', { username: u.username }, 'get_user_data by username');
  expectField(t, 'UM-GET-002', 'user_id of the user found by username', d, 'user_id', u.userId);
});

scenario(['UM-GET-003'], 'with both user_id and username, user_id is preferred', async (t) => {
  const o = await t.omikron();
  const iota = await newIota(o);
  const a = await newUser(t, o, iota);
  const b = await newUser(t, o, iota);
  const d = await readBack(
    t,
    o,
    'UM-GET-003',
    { user_id: a.userId, username: b.username },
    'get_user_data with user_id of A and username of B',
  );
  expectField(t, 'UM-GET-003', 'the user found is the one named by user_id', d, 'user_id', a.userId);
});

scenario(['UM-GET-004', 'ENV-002'], 'with neither user_id nor username, an error reply', async (t) => {
  const o = await t.omikron();
  const { reply } = await readUser(o, {});
  t.expectError('UM-GET-004', reply, 'get_user_data naming no user');
});

scenario(
  ['UM-GET-005', 'ENV-002'],
  'an unknown user gets an error reply, by id and by username',
  async (t) => {
    const o = await t.omikron();
    // An id no get_register issued (beyond any timestamp or counter): a server numbering users
    // from 1 has a user 1, so small ids are no proof of absence.
    const unknown = neverIssuedId();
    const byId = await readUser(o, { user_id: unknown });
    t.expectError(
      'UM-GET-005',
      byId.reply,
      `get_user_data for user_id ${unknown}, which no get_register issued`,
    );
    const byName = await readUser(o, { username: t.uniqueName() });
    t.expectError('UM-GET-005', byName.reply, 'get_user_data for a username nobody has');
  },
);

scenario(['ENC-006'], 'get_user_data with user_id as a decimal string (recorded)', async (t) => {
  const o = await t.omikron();
  const u = await newUser(t, o);
  const reply = await o.call('getUser', { user_id: String(u.userId) });
  t.info('ENC-006', t.isError(reply) ? `refused (${reply.type})` : 'accepted', reply.type);
});
