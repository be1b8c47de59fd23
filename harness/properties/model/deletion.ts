// Deletion commands: users and Iotas.
import { describeReply, exchange, show } from '../runner.ts';
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
import { completeUser } from './registration.ts';
import { actingSender, deletionMayHitSender, iotaDeletionMayHitSender } from './sender-acts.ts';
import { type Model, openSlot, pickOf, type Real, session } from './state.ts';

export class DeleteUser extends Command {
  constructor(
    readonly user: number,
    readonly focus: Focus,
    readonly sender: SenderMode,
    readonly conn: number,
    /** Once deleted, complete a registration with the user's register id again: still used (UM-REG-006). */
    readonly reuseId: boolean,
  ) {
    super();
  }
  toString(): string {
    return `deleteUser(user ${this.user} ${this.focus}, sender ${this.sender}, conn ${this.conn}${this.reuseId ? ', then reuse its register id' : ''})`;
  }
  protected async exec(m: Model, r: Real): Promise<void> {
    const slot = openSlot(m, this.conn);
    const u = slot === null ? undefined : pickOf(focused(m, 'user', m.users, this.focus, slot), this.user);
    if (slot === null || u === undefined) return void r.log.push('  nothing to do');
    const o = session(r, slot);
    const sender = senderFor(m, this.sender, u.id);
    const refused = refusal(m, 'user', 'DELU', u.id, slot, sender);
    const acting = refused ? actingSender(m, 'user', u.id, slot, sender) : null;
    const want: Want = refused
      ? acting === null
        ? 'error'
        : 'either' // IDN-007: it may act on the sender instead
      : u.fate === 'alive'
        ? inDoubt(m, slot, u.id)
          ? 'either'
          : 'success'
        : u.fate === 'deleted'
          ? 'error'
          : 'either';
    const req = refused ?? (u.fate === 'deleted' ? 'UM-DEL-003' : 'UM-DEL-001');
    const reply = await exchange(o, {
      type: o.wireType('deleteUser'),
      data: { user_id: u.id },
      ...(sender === undefined ? {} : { sender }),
    });
    const what = `deleting user[${u.n}] (${u.fate}) with sender ${show(sender)} on omikron#${slot}${refused ? ` (must be refused: ${why(refused)})` : ''}`;
    const got = expectOutcome(r, 'deleteUser', reply, want, req, what);
    r.log.push(`  ${what} → ${describeReply(reply)}`);
    if (!refused && u.fate === 'alive') r.cfg.coverage.hit('IDN-DELU-006');
    if (!refused && got === 'success') confirmIdentified(m, r, slot, u.id);
    if (got === 'success' && !refused) u.fate = 'deleted';
    await verify(r, o, u, `after ${what}`, () => req, req);
    if (acting !== null && got === 'success') await deletionMayHitSender(m, r, o, acting, what);
    const reg = m.regs.find((g) => g.id === u.id);
    if (got === 'success' && !refused && this.reuseId && reg !== undefined) {
      const home = m.iotas.find((i) => i.gone === 'no');
      await completeUser(m, r, slot, reg, home, r.cfg.t.uniqueName());
    }
  }
}

export class DeleteIota extends Command {
  constructor(
    readonly iota: number,
    readonly focus: Focus,
    readonly sender: SenderMode,
    readonly conn: number,
  ) {
    super();
  }
  toString(): string {
    return `deleteIota(iota ${this.iota} ${this.focus}, sender ${this.sender}, conn ${this.conn})`;
  }
  protected async exec(m: Model, r: Real): Promise<void> {
    const slot = openSlot(m, this.conn);
    const iota = slot === null ? undefined : pickOf(focused(m, 'iota', m.iotas, this.focus, slot), this.iota);
    if (slot === null || iota === undefined) return void r.log.push('  nothing to do');
    const o = session(r, slot);
    const sender = senderFor(m, this.sender, iota.id);
    const refused = refusal(m, 'iota', 'DELI', iota.id, slot, sender);
    const acting = refused ? actingSender(m, 'iota', iota.id, slot, sender) : null;
    // Refusing to delete an Iota that still has users is a reading the seed allows.
    const users = m.users.filter((u) => u.fate !== 'deleted' && u.values.iota_id === iota.id).length;
    const want: Want = refused
      ? acting === null
        ? 'error'
        : 'either' // IDN-007: it may act on the sender instead
      : iota.gone === 'no' && users === 0
        ? 'success'
        : 'either';
    const req = refused ?? 'UM-DEL-002';
    const reply = await exchange(o, {
      type: o.wireType('deleteIota'),
      data: { iota_id: iota.id },
      ...(sender === undefined ? {} : { sender }),
    });
    const what = `deleting iota[${iota.n}] with sender ${show(sender)} on omikron#${slot}${refused ? ` (must be refused: ${why(refused)})` : ''}`;
    const got = expectOutcome(r, 'deleteIota', reply, want, req, what);
    r.log.push(`  ${what} → ${describeReply(reply)}`);
    if (!refused && iota.gone === 'no' && (got === 'success' || users === 0))
      r.cfg.coverage.hit('IDN-DELI-006');
    if (!refused && got === 'success') r.cfg.coverage.hit('UM-DEL-002');
    if (!refused && got === 'error' && users > 0)
      r.log.push(
        `  the deletion of iota[${iota.n}], which has ${users} user(s), was refused (the seed leaves that open)`,
      );
    if (acting !== null && got === 'success') iotaDeletionMayHitSender(m, r, acting, what);
    if (got === 'success' && !refused && iota.gone !== 'yes') {
      iota.gone = 'yes';
      for (const u of m.users) if (u.values.iota_id === iota.id && u.fate === 'alive') u.fate = 'uncertain';
    }
  }
}
