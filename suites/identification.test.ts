// Identification checks of the four guarded operations (SPEC.md IDN-*): a guarded request must
// carry `sender` equal to the principal it acts for, announced on the same connection and not
// withdrawn. One table of operations, one loop over the six conditions: 24 scenarios.
import type { Reply } from '../harness/client/connection.ts';
import type { OmikronSession } from '../harness/client/session.ts';
import type { Announcement } from '../harness/protocol/messages.ts';
import { type ScenarioContext, SetupError } from '../harness/scenario/context.ts';
import { announce, iotaChange, newIota, newUser, readUser } from '../harness/scenario/fixtures.ts';
import { scenario } from '../harness/scenario/scenario.ts';
import { requirement } from '../harness/spec/requirements.ts';

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
  unchanged(req: string, read: OmikronSession, identified: () => Promise<OmikronSession>): Promise<void>;
  /** After the positive control: the change took effect. */
  applied(req: string, read: OmikronSession): Promise<void>;
}

interface GuardedOp {
  readonly key: 'CHG' | 'IOTA' | 'DELU' | 'DELI';
  readonly connected: Announcement;
  readonly disconnected: Announcement;
  /** Whether the read-back after a refusal announces (a positive follow-up). */
  readonly followUpAnnounces: boolean;
  setup(t: ScenarioContext, o: OmikronSession): Promise<Case>;
}

const USER = { connected: 'userConnected', disconnected: 'userDisconnected' } as const;
const IOTA = { connected: 'iotaConnected', disconnected: 'iotaDisconnected' } as const;

/** The user's record, or a failed check of `req` naming what was expected. */
async function userRecord(
  t: ScenarioContext,
  req: string,
  o: OmikronSession,
  query: { user_id?: number; username?: string },
  what: string,
): Promise<Record<string, unknown>> {
  const { reply } = await readUser(o, query);
  return t.expectSuccess(req, 'getUser', reply, what);
}

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
          const d = await userRecord(t, req, read, { user_id: u.userId }, 'the user reads back');
          t.expectEqual(req, 'status keeps its old value after the refused change', d.status, before.status);
        },
        async applied(req, read) {
          const d = await userRecord(t, req, read, { user_id: u.userId }, 'the user reads back');
          t.expectEqual(req, 'status reads back as changed', d.status, value);
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
          const d = await userRecord(t, req, read, { user_id: u.userId }, 'the user reads back');
          t.expectEqual(req, "the user's iota_id is unchanged after the refused change", d.iota_id, u.iotaId);
          const s = await identified();
          const again = await iotaChange(s, u, to, u.resetToken, t.token(), to);
          t.expectSuccess(
            req,
            'changeIota',
            again,
            'the old reset token still works afterwards (identified, right sender)',
          );
          const after = await userRecord(t, req, read, { user_id: u.userId }, 'the user reads back');
          t.expectEqual(req, 'iota_id after the identified change', after.iota_id, to);
        },
        async applied(req, read) {
          const d = await userRecord(t, req, read, { user_id: u.userId }, 'the user reads back');
          t.expectEqual(req, "the user's iota_id is the new Iota", d.iota_id, to);
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
      return {
        principal: u.userId,
        other: async () => (await newUser(t, o, iota)).userId,
        send: (s, sender) => s.call('deleteUser', { user_id: u.userId }, { sender }),
        async unchanged(req, read) {
          const byId = await userRecord(t, req, read, { user_id: u.userId }, 'the user is still found by id');
          t.expectEqual(req, 'user_id of the user found by id', byId.user_id, u.userId);
          const byName = await userRecord(
            t,
            req,
            read,
            { username: u.username },
            'the user is still found by username',
          );
          t.expectEqual(req, 'user_id of the user found by username', byName.user_id, u.userId);
        },
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
        async unchanged(req, read, identified) {
          if (t.dialect === 'tensamin') {
            const got = await read.call('getIota', { iota_id: iota.iotaId });
            const d = t.expectSuccess(req, 'getIota', got, 'get_iota_data still finds the Iota');
            t.expectEqual(req, 'public_key of the Iota still found', d.public_key, iota.publicKey);
          }
          // The seed cannot read an Iota back: an identified deletion afterwards proves it was still there.
          const s = await identified();
          t.expectSuccess(
            req,
            'deleteIota',
            await send(s, iota.iotaId),
            'the Iota still exists: an identified deletion afterwards succeeds',
          );
        },
        async applied(_req, read) {
          if (t.dialect !== 'tensamin') return;
          const got = await read.call('getIota', { iota_id: iota.iotaId });
          t.info('UM-DEL-004', `get_iota_data after an identified delete_iota: ${got.type}`, got.frame);
        },
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

const CONDITIONS: Readonly<Record<string, Condition>> = {
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
  for (const [n, condition] of Object.entries(CONDITIONS)) {
    const id = `IDN-${op.key}-${n}`;
    const q = requirement(id);
    const announces = n !== '001' || op.followUpAnnounces;
    scenario(announces ? [id, 'ANN-001'] : [id], q.title, async (t) => {
      const { c, sent } = await condition(t, op);
      if (n === '006') {
        t.expectSuccess(id, OPERATION[op.key], sent.reply, q.title);
        await c.applied(id, sent.read);
        return;
      }
      t.expectError(id, sent.reply, q.title);
      await c.unchanged(id, sent.read, sent.identified);
    });
  }
}
