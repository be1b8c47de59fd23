// Deleting an identified user or Iota (SPEC.md UM-DEL). seed: delete_profile with user_id or
// iota_id; tensamin: delete_user / delete_iota. The principal is announced, sender = its id.
import { identifyIota, identifyUser, newIota, newUser } from '../harness/scenario/fixtures.ts';
import { scenario } from '../harness/scenario/scenario.ts';
import { deleteIota, deleteUser, expectNoUser } from '../harness/scenario/steps-users.ts';

scenario(['UM-DEL-001'], 'deleting an identified user removes it, by id and by username', async (t) => {
  const o = await t.omikron();
  const u = await newUser(t, o);
  await identifyUser(t, o, u.userId);
  const reply = await deleteUser(o, u.userId);
  t.expectSuccess('UM-DEL-001', 'deleteUser', reply, 'deleting the identified user');
  await expectNoUser(t, o, 'UM-DEL-001', { user_id: u.userId }, 'the deleted user is not found by id');
  await expectNoUser(
    t,
    o,
    'UM-DEL-001',
    { username: u.username },
    'the deleted user is not found by username',
  );
});

scenario(['UM-DEL-002'], 'deleting an identified Iota is acknowledged with success', async (t) => {
  const o = await t.omikron();
  const iota = await newIota(o);
  await identifyIota(t, o, iota.iotaId);
  const reply = await deleteIota(o, iota.iotaId);
  t.expectSuccess('UM-DEL-002', 'deleteIota', reply, 'deleting the identified Iota');
});

scenario(
  ['UM-DEL-003', 'UM-DEL-001'],
  'deleting the same user a second time gets an error reply',
  async (t) => {
    const o = await t.omikron();
    const u = await newUser(t, o);
    await identifyUser(t, o, u.userId);
    const first = await deleteUser(o, u.userId);
    t.expectSuccess('UM-DEL-001', 'deleteUser', first, 'the first deletion of the identified user');
    const second = await deleteUser(o, u.userId);
    // SHOULD: an idempotent success is a common choice; the user staying gone is the MUST.
    t.check('UM-DEL-003', t.isError(second), 'a second deletion of the same user gets an error reply', {
      expected: 'an error reply',
      actual: second.frame,
    });
    await expectNoUser(
      t,
      o,
      'UM-DEL-001',
      { user_id: u.userId },
      'after the second deletion the user is still not found',
    );
  },
);

scenario(
  ['UM-DEL-004'],
  'get_iota_data after delete_iota (recorded)',
  async (t) => {
    const o = await t.omikron();
    const iota = await newIota(o);
    await identifyIota(t, o, iota.iotaId);
    const del = await deleteIota(o, iota.iotaId);
    if (t.isError(del)) {
      t.info('UM-DEL-004', `delete_iota was refused (${del.type}): nothing to observe`, del.frame);
      return;
    }
    const reply = await o.call('getIota', { iota_id: iota.iotaId });
    t.info(
      'UM-DEL-004',
      t.isError(reply)
        ? `after delete_iota, get_iota_data answers ${reply.type}: the Iota is gone`
        : `after delete_iota, get_iota_data still answers ${reply.type}`,
      reply.frame,
    );
  },
  { dialects: ['tensamin'] },
);
