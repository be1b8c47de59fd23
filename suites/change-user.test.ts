// change_user_data for an identified user: each field alone, several at once, the fields not named,
// public_key, and a username another user holds (SPEC.md UM-CHG).
import { freshPublicKey, identifyUser, newIota, newUser } from '../harness/scenario/fixtures.ts';
import { scenario } from '../harness/scenario/scenario.ts';
import { createHash, randomBytes } from 'node:crypto';
import {
  CHANGEABLE,
  changeUser,
  expectField,
  expectRecord,
  readBack,
  valueFor,
} from '../harness/scenario/steps-users.ts';

for (const field of CHANGEABLE) {
  scenario(
    ['UM-CHG-001', 'UM-CHG-003'],
    `${field} changed alone is stored and the other fields keep their values`,
    async (t) => {
      const o = await t.omikron();
      const u = await newUser(t, o);
      await identifyUser(t, o, u.userId);
      // Every other field gets a value first (each changed alone), so a field the change wipes shows.
      for (const other of CHANGEABLE.filter((f) => f !== field)) {
        const r = await changeUser(o, u.userId, { [other]: valueFor(t, other) });
        t.expectSuccess('UM-CHG-001', 'changeUser', r, `change_user_data naming ${other} alone`);
      }
      const before = await readBack(t, o, 'UM-CHG-001', { user_id: u.userId }, 'the user before the change');
      const value = valueFor(t, field);
      const reply = await changeUser(o, u.userId, { [field]: value });
      t.expectSuccess('UM-CHG-001', 'changeUser', reply, `change_user_data naming ${field} alone`);
      const after = await readBack(
        t,
        o,
        'UM-CHG-001',
        { user_id: u.userId },
        `the user after changing ${field}`,
      );
      expectField(t, 'UM-CHG-001', `${field} reads back as changed`, after, field, value);
      expectRecord(t, 'UM-CHG-003', `after changing ${field} alone, a field not named`, after, {
        ...before,
        [field]: value,
      });
      if (field === 'username') {
        const byName = await readBack(
          t,
          o,
          'UM-CHG-001',
          { username: value },
          'the user by its new username',
        );
        expectField(t, 'UM-CHG-001', 'the new username finds the user', byName, 'user_id', u.userId);
      }
    },
  );
}

scenario(
  ['UM-CHG-002', 'UM-CHG-003'],
  'several fields changed in one request are all stored; the others keep their values',
  async (t) => {
    const o = await t.omikron();
    const u = await newUser(t, o);
    await identifyUser(t, o, u.userId);
    const before = await readBack(t, o, 'UM-CHG-002', { user_id: u.userId }, 'the user before the change');

    const all = Object.fromEntries(CHANGEABLE.map((f) => [f, valueFor(t, f)]));
    const reply = await changeUser(o, u.userId, all);
    t.expectSuccess('UM-CHG-002', 'changeUser', reply, 'change_user_data naming all five fields');
    const after = await readBack(t, o, 'UM-CHG-002', { user_id: u.userId }, 'the user after the change');
    for (const f of CHANGEABLE) expectField(t, 'UM-CHG-002', `${f} reads back as changed`, after, f, all[f]);
    expectRecord(t, 'UM-CHG-003', 'a field not named in the change', after, {
      user_id: before.user_id,
      iota_id: before.iota_id,
      created_at: before.created_at,
      public_key: before.public_key,
      sub_level: before.sub_level,
      sub_end: before.sub_end,
    });

    // Three of the five at once, in another order: those change, username and avatar stay.
    const some = {
      status: valueFor(t, 'status'),
      about: valueFor(t, 'about'),
      display: valueFor(t, 'display'),
    };
    const reply2 = await changeUser(o, u.userId, some);
    t.expectSuccess('UM-CHG-002', 'changeUser', reply2, 'change_user_data naming status, about and display');
    const after2 = await readBack(
      t,
      o,
      'UM-CHG-002',
      { user_id: u.userId },
      'the user after the second change',
    );
    for (const [f, v] of Object.entries(some))
      expectField(t, 'UM-CHG-002', `${f} reads back as changed the second time`, after2, f, v);
    expectRecord(t, 'UM-CHG-003', 'a field not named in the second change', after2, { ...after, ...some });
  },
);

scenario(
  ['UM-CHG-004', 'ENC-002', 'UM-CHG-003'],
  'a public_key change is refused (recorded) or reads back',
  async (t) => {
    const o = await t.omikron();
    const u = await newUser(t, o);
    await identifyUser(t, o, u.userId);
    const before = await readBack(t, o, 'UM-CHG-004', { user_id: u.userId }, 'the user before the change');
    const key = freshPublicKey();
    const reply = await changeUser(o, u.userId, { public_key: key });
    const after = await readBack(t, o, 'UM-CHG-004', { user_id: u.userId }, 'the user after the change');
    if (t.isError(reply)) {
      t.info(
        'UM-CHG-004',
        `public_key change without private_key_hash refused with ${reply.type} (allowed: a server may require private_key_hash)`,
        reply.frame,
      );
      t.expectEqual(
        'UM-CHG-004',
        'after the refused change, public_key is unchanged',
        after.public_key,
        u.publicKey,
      );
    } else {
      t.expectSuccess('UM-CHG-004', 'changeUser', reply, 'change_user_data naming public_key alone');
      t.info('UM-CHG-004', 'public_key change without private_key_hash accepted');
      t.expectEqual('UM-CHG-004', 'the acknowledged public_key reads back', after.public_key, key);
      t.expectEqual(
        'ENC-002',
        'the changed public_key reads back as the base64 text given',
        after.public_key,
        key,
      );
    }
    expectRecord(t, 'UM-CHG-003', 'a field not named in the public_key change', after, {
      ...before,
      public_key: after.public_key,
    });
  },
);

scenario(
  ['UM-CHG-006', 'UM-CHG-004'],
  'a public_key change carrying private_key_hash succeeds and reads back',
  async (t) => {
    const o = await t.omikron();
    const u = await newUser(t, o);
    await identifyUser(t, o, u.userId);
    const key = freshPublicKey();
    // The public implementation requires private_key_hash with a new key (PROTOCOL-NOTES.md).
    const hash = createHash('sha256').update(randomBytes(56)).digest('hex');
    const reply = await changeUser(o, u.userId, { public_key: key, private_key_hash: hash });
    t.check('UM-CHG-006', !t.isError(reply), 'change_user_data naming public_key and private_key_hash', {
      expected: 'success',
      actual: reply.frame,
    });
    const after = await readBack(t, o, 'UM-CHG-004', { user_id: u.userId }, 'the user after the change');
    if (t.isError(reply)) {
      t.expectEqual(
        'UM-CHG-004',
        'after the refused change, public_key is unchanged',
        after.public_key,
        u.publicKey,
      );
    } else {
      expectField(t, 'UM-CHG-004', 'the acknowledged public_key reads back', after, 'public_key', key);
    }
  },
);

scenario(
  ['UM-CHG-005', 'UM-GET-001'],
  'changing to a username another user holds is refused and changes nothing',
  async (t) => {
    const o = await t.omikron();
    const iota = await newIota(o);
    const a = await newUser(t, o, iota);
    const b = await newUser(t, o, iota);
    await identifyUser(t, o, a.userId);
    const display = valueFor(t, 'display');
    const reply = await changeUser(o, a.userId, { username: b.username, display });
    if (t.isError(reply)) {
      t.pass('UM-CHG-005', `taking the username of another user refused (${reply.type})`);
      t.info('ENV-008', `change_user_data to a taken username: ${reply.type}`, reply.frame);
    } else {
      t.fail('UM-CHG-005', `taking the username of another user answered ${reply.type}`, {
        expected: 'an error reply',
        actual: reply.frame,
      });
    }
    // A SHOULD failure does not stop the scenario: read back what the server did either way.
    const aNow = await readBack(t, o, 'UM-GET-001', { user_id: a.userId }, 'user A after the change');
    t.expectEqual('UM-CHG-005', "A's username is unchanged", aNow.username, a.username);
    t.check('UM-CHG-005', aNow.display !== display, 'the display named in the same request was not stored', {
      expected: 'the display as before',
      actual: aNow.display,
    });
    // Under UM-CHG-005: a server that let A take the name (a SHOULD missed) may find either user.
    const byName = await readBack(t, o, 'UM-CHG-005', { username: b.username }, "lookup by B's username");
    t.expectEqual('UM-CHG-005', "B's username still finds B (and only B holds it)", byName.user_id, b.userId);
  },
);
