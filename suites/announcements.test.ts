// Announcements: user_connected, user_disconnected, iota_connected, iota_disconnected for existing
// principals get no reply or exactly one non-error reply with their id (SPEC.md ANN, section 4).
import { describeReply } from '../harness/scenario/context.ts';
import { announce, newIota, newUser } from '../harness/scenario/fixtures.ts';
import { scenario } from '../harness/scenario/scenario.ts';
import { expectNoAnomalies } from '../harness/scenario/steps-outcomes.ts';
import { ANNOUNCEMENTS, type Announcement } from '../harness/protocol/messages.ts';

/** The announcement that must come first for a withdrawal to withdraw something. */
const PRECEDED_BY: Partial<Record<Announcement, Announcement>> = {
  userDisconnected: 'userConnected',
  iotaDisconnected: 'iotaConnected',
};

for (const kind of Object.keys(ANNOUNCEMENTS) as Announcement[]) {
  const wire = ANNOUNCEMENTS[kind];
  scenario(
    ['ANN-001', 'ENV-003'],
    `${wire} for an existing principal gets no reply or exactly one non-error reply with its id`,
    async (t) => {
      const o = await t.omikron();
      const iota = await newIota(o);
      const user = await newUser(t, o, iota);
      const principal = kind.startsWith('user') ? user.userId : iota.iotaId;
      const first = PRECEDED_BY[kind];
      if (first) await announce(t, o, first, principal);
      const from = o.connection.anomalies.length;
      // announce(): the reply if one came before a barrier; an error reply fails ANN-001.
      const reply = await announce(t, o, kind, principal);
      await expectNoAnomalies(
        t,
        'ANN-001',
        o.connection,
        `${wire}: no second reply, no late reply and no id-less frame after a barrier`,
        from,
      );
      t.info('ANN-001', `${wire}: ${reply === null ? 'no reply' : `answered with ${describeReply(reply)}`}`);
    },
  );
}

scenario(
  ['ANN-002', 'ANN-001'],
  "iota_connected answered with iota_user_data listing the Iota's users (recorded)",
  async (t) => {
    const o = await t.omikron();
    const iota = await newIota(o);
    const users = [await newUser(t, o, iota), await newUser(t, o, iota)];
    const reply = await announce(t, o, 'iotaConnected', iota.iotaId);
    if (reply === null) {
      t.info('ANN-002', 'iota_connected got no reply');
      return;
    }
    const ids = (reply.data as { user_ids?: unknown } | undefined)?.user_ids;
    const listed = Array.isArray(ids) ? ids : [];
    const all = users.every((u) => listed.includes(u.userId));
    t.info(
      'ANN-002',
      `iota_connected answered with ${describeReply(reply)}; ${
        Array.isArray(ids)
          ? `data.user_ids ${all ? 'lists' : 'does not list'} both users of the Iota (${listed.length} ids)`
          : 'no data.user_ids list'
      }`,
      reply.frame,
    );
  },
  { dialects: ['tensamin'] },
);
