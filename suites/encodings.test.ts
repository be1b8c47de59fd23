// Encodings of the user record (SPEC.md ENC-003..005): base64 text kept as given, timestamp units,
// and whether about must be base64.
import { identifyUser, newUser, registerId } from '../harness/scenario/fixtures.ts';
import { scenario } from '../harness/scenario/scenario.ts';
import {
  base64Bytes,
  changeUser,
  describeTimestamp,
  readBack,
  userExists,
} from '../harness/scenario/steps-users.ts';

scenario(['ENC-003'], 'avatar and about read back exactly as the base64 text given', async (t) => {
  const o = await t.omikron();
  const u = await newUser(t, o);
  await identifyUser(t, o, u.userId);
  // Random bytes, with "+" and "/" and padding ("=" for the avatar, "==" for about).
  const avatar = base64Bytes(1000);
  const about = base64Bytes(148); // 200 characters: the limit
  const reply = await changeUser(o, u.userId, { avatar, about });
  t.expectSuccess('ENC-003', 'changeUser', reply, 'change_user_data with base64 avatar and about');
  const d = await readBack(t, o, 'ENC-003', { user_id: u.userId }, 'the user after the change');
  t.expectEqual('ENC-003', 'avatar reads back as the base64 text given', d.avatar, avatar);
  t.expectEqual('ENC-003', 'about reads back as the base64 text given', d.about, about);
});

scenario(['ENC-004'], 'units of created_at and of register ids (recorded)', async (t) => {
  // The distance from the harness clock includes any move of the server's clock earlier in the
  // run (the timeout scenarios move it forward, 3 h 1 min in all, and it stays moved).
  const o = await t.omikron();
  const id = await registerId(o);
  t.info(
    'ENC-004',
    `register id ${describeTimestamp(id)}${t.clock ? ' (the server clock may have been moved forward earlier in this run)' : ''}`,
  );
  const u = await newUser(t, o);
  const d = await userExists(o, { user_id: u.userId });
  t.info(
    'ENC-004',
    d === null
      ? 'created_at: the new user could not be read back'
      : `created_at ${describeTimestamp(d.created_at)}`,
  );
});

scenario(['ENC-005'], 'about that is not base64 (recorded)', async (t) => {
  const o = await t.omikron();
  const u = await newUser(t, o);
  await identifyUser(t, o, u.userId);
  const before = await userExists(o, { user_id: u.userId });
  const about = 'plain text, not base64!';
  const reply = await changeUser(o, u.userId, { about });
  const after = await userExists(o, { user_id: u.userId });
  if (t.isError(reply)) {
    t.info('ENC-005', `refused with ${reply.type}`, reply.frame);
    t.check('ENC-005', after?.about === before?.about, 'the refused about was not stored', {
      expected: before?.about,
      actual: after?.about,
    });
  } else {
    t.info(
      'ENC-005',
      `accepted (${reply.type}); it reads back ${after?.about === about ? 'as given' : `as ${JSON.stringify(after?.about)}`}`,
    );
  }
});
