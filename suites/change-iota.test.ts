// The Iota change: the user's reset token moves the user to a new Iota (SPEC.md UM-IOTA).
// It is sent for the new Iota: registered, announced on the same connection, sender = its id.
// seed: change_user_data {iota_id, reset_token, new_token} (the token names the user);
// tensamin: change_iota_data {user_id, iota_id, reset_token, new_token}.
import type { OmikronSession } from '../harness/client/session.ts';
import type { ScenarioContext } from '../harness/scenario/context.ts';
import {
  type IotaFixture,
  identifyIota,
  iotaChange,
  newIota,
  newUser,
  type UserFixture,
} from '../harness/scenario/fixtures.ts';
import { scenario } from '../harness/scenario/scenario.ts';
import type { RequirementId } from '../harness/spec/requirements.ts';
import { expectField, readBack } from '../harness/scenario/steps-users.ts';

/** A new Iota, registered and announced on this connection. */
async function announcedIota(t: ScenarioContext, o: OmikronSession): Promise<IotaFixture> {
  const iota = await newIota(o);
  await identifyIota(t, o, iota.iotaId);
  return iota;
}

const change = (o: OmikronSession, u: UserFixture, to: IotaFixture, token: string, newToken: string) =>
  iotaChange(o, u, to.iotaId, token, newToken, to.iotaId);

/** The user's iota_id read back equals `expected` (a record without iota_id is named as such). */
async function expectIota(
  t: ScenarioContext,
  o: OmikronSession,
  req: RequirementId,
  u: UserFixture,
  when: string,
  what: string,
  expected: number,
): Promise<void> {
  const d = await readBack(t, o, req, { user_id: u.userId }, `the user ${when}`);
  expectField(t, req, what, d, 'iota_id', expected);
}

scenario(['UM-IOTA-001'], 'the right reset token moves the user to the new Iota', async (t) => {
  const o = await t.omikron();
  const u = await newUser(t, o);
  const to = await announcedIota(t, o);
  const reply = await change(o, u, to, u.resetToken, t.token());
  t.expectSuccess('UM-IOTA-001', 'changeIota', reply, 'the Iota change with the current reset token');
  await expectIota(
    t,
    o,
    'UM-IOTA-001',
    u,
    'after the change',
    'iota_id reads back as the new Iota',
    to.iotaId,
  );
});

scenario(
  ['UM-IOTA-002', 'UM-IOTA-001'],
  'after a change the old reset token is refused and the new one works',
  async (t) => {
    const o = await t.omikron();
    const u = await newUser(t, o);
    const first = await announcedIota(t, o);
    const newToken = t.token();
    const r1 = await change(o, u, first, u.resetToken, newToken);
    t.expectSuccess('UM-IOTA-001', 'changeIota', r1, 'the first Iota change, with the current reset token');
    await expectIota(
      t,
      o,
      'UM-IOTA-001',
      u,
      'after the first change',
      'iota_id reads back as the first new Iota',
      first.iotaId,
    );

    const second = await announcedIota(t, o);
    const rOld = await change(o, u, second, u.resetToken, t.token());
    t.expectError('UM-IOTA-002', rOld, 'a second Iota change with the old (replaced) reset token');
    await expectIota(
      t,
      o,
      'UM-IOTA-002',
      u,
      'after the refused change',
      'after the refused change, iota_id is still the first new Iota',
      first.iotaId,
    );

    const rNew = await change(o, u, second, newToken, t.token());
    t.expectSuccess('UM-IOTA-002', 'changeIota', rNew, 'a second Iota change with the new reset token');
    await expectIota(
      t,
      o,
      'UM-IOTA-002',
      u,
      'after the second change',
      'iota_id reads back as the second new Iota',
      second.iotaId,
    );
  },
);

scenario(
  ['UM-IOTA-003'],
  'a wrong reset token is refused, changes nothing, and the right one still works',
  async (t) => {
    const o = await t.omikron();
    const u = await newUser(t, o);
    const to = await announcedIota(t, o);
    const wrong = await change(o, u, to, t.token(), t.token());
    t.expectError('UM-IOTA-003', wrong, 'the Iota change with a reset token the user never had');
    await expectIota(
      t,
      o,
      'UM-IOTA-003',
      u,
      'after the refused change',
      'after the refused change, iota_id is unchanged',
      u.iotaId,
    );
    const right = await change(o, u, to, u.resetToken, t.token());
    t.expectSuccess('UM-IOTA-003', 'changeIota', right, 'then the Iota change with the right reset token');
    await expectIota(
      t,
      o,
      'UM-IOTA-003',
      u,
      'after the right change',
      'iota_id reads back as the new Iota',
      to.iotaId,
    );
  },
);
