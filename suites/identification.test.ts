// Identification checks of the four guarded operations (SPEC.md IDN-*): a guarded request must
// carry `sender` equal to the principal it acts for, announced on the same connection and not
// withdrawn. One table of operations, one loop over the six conditions: 24 scenarios.
import type { Reply } from '../harness/client/connection.ts';
import type { OmikronSession } from '../harness/client/session.ts';
import type { Announcement } from '../harness/protocol/messages.ts';
import { type ScenarioContext, SetupError } from '../harness/scenario/context.ts';
import { announce, iotaChange, newIota, newUser, readUser } from '../harness/scenario/fixtures.ts';
import { scenario } from '../harness/scenario/scenario.ts';
import { expectAnswer, expectField, readBack } from '../harness/scenario/steps-users.ts';
import {
  type GuardedOp as GuardedKey,
  IDN_CONDITIONS,
  type IdnCondition,
  idnId,
  type RequirementId,
  requirement,
} from '../harness/spec/requirements.ts';

/** One guarded operation set up for one scenario: its principal, the request, and the read-backs. */
interface Case {
  /** The principal the request acts for. */
  readonly principal: number;
  /** Another existing principal of the same kind (condition 005 announces it and names it as sender). */
  other(): Promise<number>;
  /** The guarded request, with this `sender`. */
  send(o: OmikronSession, sender: number): Promise<Reply>;
  /**
   * After a refusal: prove nothing changed. `read` is any authenticated session; `identified()`
   * gives a session on which the principal is identified, for a positive follow-up.
   */
  unchanged(
    req: RequirementId,
    read: OmikronSession,
    identified: () => Promise<OmikronSession>,
  ): Promise<void>;
  /**
   * After a request that was answered success though `sender` named another principal (005): the
   * principal named in data was not affected. Only what the seed can read back is judged.
   */
  notAffected(
    req: RequirementId,
    read: OmikronSession,
    identified: () => Promise<OmikronSession>,
  ): Promise<void>;
  /** After the positive control: the change took effect. */
  applied(req: RequirementId, read: OmikronSession): Promise<void>;
}

interface GuardedOp {
  readonly key: GuardedKey;
  readonly connected: Announcement;
  readonly disconnected: Announcement;
  /** Whether the read-back after a refusal announces (a positive follow-up). */
  readonly followUpAnnounces: boolean;
  setup(t: ScenarioContext, o: OmikronSession): Promise<Case>;
}

const USER = { connected: 'userConnected', disconnected: 'userDisconnected' } as const;
const IOTA = { connected: 'iotaConnected', disconnected: 'iotaDisconnected' } as const;

const OPS: readonly GuardedOp[] = [
  {
    key: 'CHG',
    ...USER,
    followUpAnnounces: false,
    async setup(t, o) {
      const iota = await newIota(o);
      const u = await newUser(t, o, iota);
      const before = (await readUser(o, { user_id: u.userId })).record;
      if (before === null) throw new SetupError(`setup: user ${u.userId} cannot be read back`);
      const value = t.uniqueName();
      return {
        principal: u.userId,
        other: async () => (await newUser(t, o, iota)).userId,
        send: (s, sender) => s.call('changeUser', { user_id: u.userId, status: value }, { sender }),
        async unchanged(req, read) {
          const d = await readBack(t, read, req, { user_id: u.userId }, 'the user reads back');
          t.expectEqual(req, 'status keeps its old value after the refused change', d.status, before.status);
        },
        async notAffected(req, read) {
          const d = await readBack(t, read, req, { user_id: u.userId }, 'the named user reads back');
          t.expectEqual(req, "the named user's status is not changed", d.status, before.status);
        },
        async applied(req, read) {
          const d = await readBack(t, read, req, { user_id: u.userId }, 'the user reads back');
          expectField(t, req, 'status reads back as changed', d, 'status', value);
        },
      };
    },
  },
  {
    key: 'IOTA',
    ...IOTA,
    followUpAnnounces: true,
    async setup(t, o) {
      const oldIota = await newIota(o);
      const u = await newUser(t, o, oldIota);
      const newIotaFx = await newIota(o);
      const to = newIotaFx.iotaId;
      return {
        principal: to,
        // The user's current Iota: an existing Iota other than the one acted for.
        other: async () => oldIota.iotaId,
        send: (s, sender) => iotaChange(s, u, to, u.resetToken, t.token(), sender),
        async unchanged(req, read, identified) {
          const d = await readBack(t, read, req, { user_id: u.userId }, 'the user reads back');
          t.expectEqual(req, "the user's iota_id is unchanged after the refused change", d.iota_id, u.iotaId);
          const s = await identified();
          const again = await iotaChange(s, u, to, u.resetToken, t.token(), to);
          expectAnswer(
            t,
            req,
            'changeIota',
            again,
            'the old reset token still works afterwards (identified, right sender)',
          );
          const after = await readBack(t, read, req, { user_id: u.userId }, 'the user reads back');
          expectField(t, req, 'iota_id after the identified change', after, 'iota_id', to);
        },
        async notAffected(req, read) {
          // Acting for the sender (the user's current Iota) must not move the user to the named one.
          const d = await readBack(t, read, req, { user_id: u.userId }, 'the user reads back');
          t.check(req, d.iota_id !== to, 'the user is not moved to the Iota the request named', {
            expected: `an iota_id other than ${to}`,
            actual: d.iota_id,
          });
        },
        async applied(req, read) {
          const d = await readBack(t, read, req, { user_id: u.userId }, 'the user reads back');
          expectField(t, req, "the user's iota_id is the new Iota", d, 'iota_id', to);
        },
      };
    },
  },
  {
    key: 'DELU',
    ...USER,
    followUpAnnounces: false,
    async setup(t, o) {
      const iota = await newIota(o);
      const u = await newUser(t, o, iota);
      const stillThere = async (req: RequirementId, read: OmikronSession) => {
        const byId = await readBack(t, read, req, { user_id: u.userId }, 'the user is still found by id');
        expectField(t, req, 'user_id of the user found by id', byId, 'user_id', u.userId);
        const byName = await readBack(
          t,
          read,
          req,
          { username: u.username },
          'the user is still found by username',
        );
        expectField(t, req, 'user_id of the user found by username', byName, 'user_id', u.userId);
      };
      return {
        principal: u.userId,
        other: async () => (await newUser(t, o, iota)).userId,
        send: (s, sender) => s.call('deleteUser', { user_id: u.userId }, { sender }),
        unchanged: (req, read) => stillThere(req, read),
        notAffected: (req, read) => stillThere(req, read),
        async applied(req, read) {
          const { reply } = await readUser(read, { user_id: u.userId });
          t.check(req, t.isError(reply), 'the deleted user is not found by id', {
            expected: 'an error reply',
            actual: reply.frame,
          });
        },
      };
    },
  },
  {
    key: 'DELI',
    ...IOTA,
    followUpAnnounces: true,
    async setup(t, o) {
      const iota = await newIota(o);
      const send = (s: OmikronSession, sender: number) =>
        s.call('deleteIota', { iota_id: iota.iotaId }, { sender });
      return {
        principal: iota.iotaId,
        other: async () => (await newIota(o)).iotaId,
        send,
        // No seed operation reads an Iota back (get_iota_data is a tensamin extension, EXT-002):
        // an identified deletion afterwards proves the Iota was still there, when the server
        // refuses deleting a missing Iota; when it answers success to that too, nothing can.
        async unchanged(req, _read, identified) {
          const s = await identified();
          const again = await send(s, iota.iotaId);
          expectAnswer(
            t,
            req,
            'deleteIota',
            again,
            'the Iota still exists: an identified deletion afterwards succeeds',
          );
        },
        // Acting on the sender's Iota must leave the named one: an identified deletion of it still
        // succeeds (proof only where deleting a missing Iota is refused; never a false failure).
        async notAffected(req, _read, identified) {
          const s = await identified();
          const again = await send(s, iota.iotaId);
          expectAnswer(
            t,
            req,
            'deleteIota',
            again,
            'the named Iota still exists: an identified deletion of it succeeds',
          );
        },
        async applied() {},
      };
    },
  },
];

/** What a condition leaves for the checks: the reply, a session to read on, and an identified one. */
interface Sent {
  readonly reply: Reply;
  readonly read: OmikronSession;
  identified(): Promise<OmikronSession>;
}

type Condition = (t: ScenarioContext, op: GuardedOp) => Promise<{ c: Case; sent: Sent }>;

/** The principal announced on `o` (once), for a positive follow-up. */
const announcedOn = (t: ScenarioContext, op: GuardedOp, o: OmikronSession, c: Case, already: boolean) => {
  let done = already;
  return async () => {
    if (!done) await announce(t, o, op.connected, c.principal);
    done = true;
    return o;
  };
};

const CONDITIONS: Readonly<Record<IdnCondition, Condition>> = {
  // Never announced on any connection; sender is the principal.
  '001': async (t, op) => {
    const o = await t.omikron(0);
    const c = await op.setup(t, o);
    const reply = await c.send(o, c.principal);
    return { c, sent: { reply, read: o, identified: announcedOn(t, op, o, c, false) } };
  },
  // Announced, then withdrawn on the same connection.
  '002': async (t, op) => {
    const o = await t.omikron(0);
    const c = await op.setup(t, o);
    await announce(t, o, op.connected, c.principal);
    await announce(t, o, op.disconnected, c.principal);
    const reply = await c.send(o, c.principal);
    return { c, sent: { reply, read: o, identified: announcedOn(t, op, o, c, false) } };
  },
  // Announced on a connection that then closed; the request comes on a new connection of the same Omikron.
  '003': async (t, op) => {
    const first = await t.omikron(0);
    const c = await op.setup(t, first);
    await announce(t, first, op.connected, c.principal);
    await first.close();
    const o = await t.omikron(0);
    const reply = await c.send(o, c.principal);
    return { c, sent: { reply, read: o, identified: announcedOn(t, op, o, c, false) } };
  },
  // Announced on Omikron A's connection; the request comes from Omikron B.
  '004': async (t, op) => {
    const a = await t.omikron(0);
    const b = await t.omikron(1);
    const c = await op.setup(t, a);
    await announce(t, a, op.connected, c.principal);
    const reply = await c.send(b, c.principal);
    return { c, sent: { reply, read: b, identified: announcedOn(t, op, a, c, true) } };
  },
  // The principal is announced here, and so is another one, which `sender` names.
  '005': async (t, op) => {
    const o = await t.omikron(0);
    const c = await op.setup(t, o);
    const other = await c.other();
    await announce(t, o, op.connected, c.principal);
    await announce(t, o, op.connected, other);
    const reply = await c.send(o, other);
    return { c, sent: { reply, read: o, identified: announcedOn(t, op, o, c, true) } };
  },
  // The positive control.
  '006': async (t, op) => {
    const o = await t.omikron(0);
    const c = await op.setup(t, o);
    await announce(t, o, op.connected, c.principal);
    const reply = await c.send(o, c.principal);
    return { c, sent: { reply, read: o, identified: announcedOn(t, op, o, c, true) } };
  },
};

const OPERATION = { CHG: 'changeUser', IOTA: 'changeIota', DELU: 'deleteUser', DELI: 'deleteIota' } as const;

for (const op of OPS) {
  for (const n of IDN_CONDITIONS) {
    const condition = CONDITIONS[n];
    const id = idnId(op.key, n);
    const q = requirement(id);
    const announces = n !== '001' || op.followUpAnnounces;
    const reqs: [RequirementId, ...RequirementId[]] = [id];
    if (announces) reqs.push('ANN-001');
    if (n === '005') reqs.push('IDN-007');
    scenario(reqs, q.title, async (t) => {
      const { c, sent } = await condition(t, op);
      if (n === '006') {
        expectAnswer(t, id, OPERATION[op.key], sent.reply, q.title);
        await c.applied(id, sent.read);
        return;
      }
      if (n === '005' && !t.isError(sent.reply)) {
        // Acting on the sender's own record is a reading the seed allows: judge the named principal.
        t.info(
          'IDN-007',
          `${op.key}: a request naming principal ${c.principal} with sender another identified principal was answered ${sent.reply.type} (acted on the sender)`,
          sent.reply.frame,
        );
        await c.notAffected(id, sent.read, sent.identified);
        return;
      }
      if (n === '005') t.info('IDN-007', `${op.key}: refused (${sent.reply.type})`);
      t.expectError(id, sent.reply, q.title);
      await c.unchanged(id, sent.read, sent.identified);
    });
  }
}
