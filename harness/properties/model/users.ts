// User commands: reading a user, changing its data, moving it to another Iota.
import { isAscii } from '../arbitraries.ts';
import { describeReply, exchange, PropertyFailure, show } from '../runner.ts';
import { bind, uniqueLike } from '../steps.ts';
import { Command } from './command.ts';
import {
  confirmIdentified,
  focused,
  type Focus,
  inDoubt,
  refusal,
  type SenderMode,
  senderFor,
  why,
} from './identification.ts';
import { expectOutcome, type Want } from './judging.ts';
import { verify } from './readback.ts';
import { actingSender, changeMayHitSender, iotaChangeMayHitSender } from './sender-acts.ts';
import { afterChange, CHANGE_FIELDS, type ChangeField, known } from '../values.ts';
import { type Model, openSlot, pickOf, type Real, session } from './state.ts';

export class GetUser extends Command {
  constructor(
    readonly user: number,
    readonly conn: number,
  ) {
    super();
  }
  toString(): string {
    return `getUser(user ${this.user}, conn ${this.conn})`;
  }
  protected async exec(m: Model, r: Real): Promise<void> {
    const slot = openSlot(m, this.conn);
    const u = pickOf(m.users, this.user);
    if (slot === null || u === undefined) return void r.log.push('  nothing to do');
    await verify(
      r,
      session(r, slot),
      u,
      `get_user_data for user[${u.n}]`,
      (f) => u.writer[f] ?? 'UM-GET-001',
      u.fate === 'deleted' ? 'UM-DEL-001' : 'UM-GET-001',
    );
  }
}

/** Which username a get_user_data naming a user by user_id carries too: another user's, or nobody's. */
export type OtherName = 'other' | 'nobody';

/**
 * get_user_data with both user_id and username naming different users (UM-GET-003: "user_id is
 * preferred"): the reply is the record of the user named by user_id. Only a user the model knows to
 * be alive is asked for; what a server does when user_id names nobody the seed leaves open.
 */
export class GetUserByBoth extends Command {
  constructor(
    readonly user: number,
    readonly other: number,
    readonly name: OtherName,
    readonly conn: number,
  ) {
    super();
  }
  toString(): string {
    return `getUserByBoth(user ${this.user}, username of ${this.name === 'other' ? `user ${this.other}` : 'nobody'}, conn ${this.conn})`;
  }
  protected async exec(m: Model, r: Real): Promise<void> {
    const slot = openSlot(m, this.conn);
    const u = pickOf(
      m.users.filter((x) => x.fate === 'alive'),
      this.user,
    );
    if (slot === null || u === undefined) return void r.log.push('  nothing to do');
    const others = m.users.filter((x) => x.id !== u.id && known(x.values.username) !== undefined);
    const other = this.name === 'other' ? pickOf(others, this.other) : undefined;
    const username = (other && known(other.values.username)) ?? r.cfg.t.uniqueName();
    const o = session(r, slot);
    const reply = await exchange(o, { type: o.wireType('getUser'), data: { user_id: u.id, username } });
    const what = `get_user_data with user_id of user[${u.n}] and ${other ? `the username of user[${other.n}]` : 'a username nobody has'} ${show(username)}`;
    expectOutcome(r, 'getUser', reply, 'success', 'UM-GET-003', what);
    const found = (reply.data as { user_id?: unknown } | undefined)?.user_id;
    r.log.push(`  ${what} → ${describeReply(reply)}`);
    if (found !== u.id)
      throw new PropertyFailure('UM-GET-003', `${what}: found user ${show(found)}, not user ${u.id}`, {
        expected: { user_id: u.id },
        actual: reply.frame,
      });
    r.cfg.coverage.hit('UM-GET-003');
  }
}

const isPlainName = (s: string): boolean => /^[A-Za-z0-9_]+$/.test(s);
const isPlainText = (s: string): boolean => isAscii(s) && s.trim() === s;

export class ChangeUser extends Command {
  constructor(
    readonly user: number,
    readonly focus: Focus,
    readonly data: Record<string, unknown>,
    readonly sender: SenderMode,
    readonly conn: number,
  ) {
    super();
  }
  toString(): string {
    const { user_id: _ignored, ...fields } = this.data;
    return `changeUser(user ${this.user} ${this.focus}, ${show(fields)}, sender ${this.sender}, conn ${this.conn})`;
  }
  protected async exec(m: Model, r: Real): Promise<void> {
    const slot = openSlot(m, this.conn);
    const u = slot === null ? undefined : pickOf(focused(m, 'user', m.users, this.focus, slot), this.user);
    if (slot === null || u === undefined) return void r.log.push('  nothing to do');
    const o = session(r, slot);
    const data = bind(this.data, {
      user_id: u.id,
      username: typeof this.data.username === 'string' ? uniqueLike(r.cfg.t, this.data.username) : undefined,
    }) as Record<string, unknown>;
    const named = CHANGE_FIELDS.filter((k) => typeof data[k] === 'string');
    const sender = senderFor(m, this.sender, u.id);
    const refused = refusal(m, 'user', 'CHG', u.id, slot, sender);
    const acting = refused ? actingSender(m, 'user', u.id, slot, sender) : null;
    // Only "" values may mean "nothing to change" (empty means unchanged), which a server may refuse.
    const strict =
      named.some((k) => data[k] !== '') &&
      !named.includes('public_key') &&
      (data.username === undefined || isPlainName(data.username as string)) &&
      ['display', 'status'].every((k) => data[k] === undefined || isPlainText(data[k] as string));
    const okReq = named.length > 1 ? 'UM-CHG-002' : 'UM-CHG-001';
    let want: Want;
    let req: string;
    if (u.fate !== 'alive') {
      want = refused ? 'error' : 'either';
      req = refused ?? 'UM-DEL-001';
    } else if (refused) {
      want = 'error';
      req = refused;
    } else {
      want = strict && !inDoubt(m, slot, u.id) ? 'success' : 'either';
      req = okReq;
    }
    if (acting !== null) want = 'either'; // IDN-007: it may act on the sender instead
    const reply = await exchange(o, {
      type: o.wireType('changeUser'),
      data,
      ...(sender === undefined ? {} : { sender }),
    });
    const what = `change_user_data of user[${u.n}] ${show(Object.fromEntries(named.map((k) => [k, data[k]])))} with sender ${show(sender)} on omikron#${slot}${refused ? ` (must be refused: ${why(refused)})` : ''}`;
    const got = expectOutcome(r, 'changeUser', reply, want, req, what);
    r.log.push(`  ${what} → ${describeReply(reply)}`);
    if (!refused && u.fate === 'alive') r.cfg.coverage.hit('IDN-CHG-006');
    if (!refused && got === 'success') confirmIdentified(m, r, slot, u.id);
    if (acting !== null && got === 'success')
      await changeMayHitSender(m, r, o, acting, data, named, okReq, what);
    if (u.fate === 'deleted')
      return verify(r, o, u, `after ${what}`, () => 'UM-DEL-001', 'UM-DEL-001', false);
    if (got === 'success' && !refused) {
      for (const k of named) {
        u.values[k] = afterChange(u.values[k], data[k] as string);
        u.writer[k] = k === 'public_key' ? 'UM-CHG-004' : okReq;
      }
      // What did not change keeps its value; a difference there breaks UM-CHG-003.
      await verify(
        r,
        o,
        u,
        `after ${what} answered success`,
        (f) =>
          named.includes(f as ChangeField) ? (f === 'public_key' ? 'UM-CHG-004' : okReq) : 'UM-CHG-003',
        'UM-CHG-004',
      );
      if (named.some((k) => k !== 'public_key')) {
        r.cfg.coverage.hit('UM-CHG-004');
        r.cfg.coverage.hit(okReq);
      }
      if (named.length < CHANGE_FIELDS.length) r.cfg.coverage.hit('UM-CHG-003');
      return;
    }
    await verify(
      r,
      o,
      u,
      `after ${what} ${got === 'success' ? 'answered success' : 'was refused'}`,
      () => (refused ? refused : 'BAD-005'),
      refused ?? 'BAD-005',
    );
  }
}

export type TokenMode = 'right' | 'old' | 'wrong';

export class ChangeIota extends Command {
  constructor(
    readonly user: number,
    readonly iota: number,
    readonly focus: Focus,
    readonly token: TokenMode,
    readonly sender: SenderMode,
    readonly conn: number,
  ) {
    super();
  }
  toString(): string {
    return `changeIota(user ${this.user}, to iota ${this.iota} ${this.focus}, ${this.token} token, sender ${this.sender}, conn ${this.conn})`;
  }
  protected async exec(m: Model, r: Real): Promise<void> {
    const slot = openSlot(m, this.conn);
    // The old token aims at a user whose token changed, when there is one (else it is a wrong one).
    const changed = this.token === 'old' ? m.users.filter((x) => x.oldTokens.length > 0) : [];
    const u = pickOf(changed.length > 0 ? changed : m.users, this.user);
    const iota = slot === null ? undefined : pickOf(focused(m, 'iota', m.iotas, this.focus, slot), this.iota);
    if (slot === null || u === undefined || iota === undefined) return void r.log.push('  nothing to do');
    const o = session(r, slot);
    const mode: TokenMode = this.token === 'old' && u.oldTokens.length === 0 ? 'wrong' : this.token;
    const token = mode === 'right' ? u.token : mode === 'old' ? u.oldTokens.at(-1)! : r.cfg.t.token();
    const newToken = r.cfg.t.token();
    const sender = senderFor(m, this.sender, iota.id);
    const refused = refusal(m, 'iota', 'IOTA', iota.id, slot, sender);
    const acting = refused ? actingSender(m, 'iota', iota.id, slot, sender) : null;
    let want: Want;
    let req: string;
    if (refused) {
      want = acting === null ? 'error' : 'either'; // IDN-007: it may act on the sender instead
      req = refused;
    } else if (u.fate !== 'alive') {
      want = 'either';
      req = 'UM-IOTA-001';
    } else if (mode === 'wrong') {
      want = 'error';
      req = 'UM-IOTA-003';
    } else if (mode === 'old') {
      want = 'error';
      req = 'UM-IOTA-002';
    } else {
      want = iota.gone === 'no' ? 'success' : 'either';
      req = u.oldTokens.length > 0 ? 'UM-IOTA-002' : 'UM-IOTA-001';
    }
    const data =
      r.cfg.dialect === 'seed'
        ? { iota_id: iota.id, reset_token: token, new_token: newToken }
        : { user_id: u.id, iota_id: iota.id, reset_token: token, new_token: newToken };
    const reply = await exchange(o, {
      type: o.wireType('changeIota'),
      data,
      ...(sender === undefined ? {} : { sender }),
    });
    const what = `Iota change of user[${u.n}] to iota[${iota.n}] with the ${mode} reset token, sender ${show(sender)} on omikron#${slot}${refused ? ` (must be refused: ${why(refused)})` : ''}`;
    const got = expectOutcome(r, 'changeIota', reply, want, req, what);
    r.log.push(`  ${what} → ${describeReply(reply)}`);
    if (!refused && u.fate === 'alive') r.cfg.coverage.hit('IDN-IOTA-006');
    if (u.fate !== 'alive') return;
    if (acting !== null && got === 'success') await iotaChangeMayHitSender(r, o, u, acting, newToken, what);
    if (got === 'success' && !refused) {
      u.values.iota_id = iota.id;
      u.oldTokens.push(u.token);
      u.token = newToken;
      u.writer.iota_id = 'UM-IOTA-001';
      return verify(r, o, u, `after ${what} answered success`, () => 'UM-IOTA-001', 'UM-IOTA-001', false);
    }
    await verify(
      r,
      o,
      u,
      `after ${what} ${got === 'success' ? 'answered success' : 'was refused'}`,
      () => req,
      req,
      false,
    );
  }
}
