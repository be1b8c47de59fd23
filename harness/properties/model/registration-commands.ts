// Registration commands: get_register, completions (valid, with a used or never-issued id, invalid)
// and a new user in one step.
import { isErrorType } from '../../protocol/messages.ts';
import { freshPublicKey } from '../../scenario/fixtures.ts';
import { describeReply, exchange, PropertyFailure, show } from '../runner.ts';
import { bind, uniqueLike } from '../steps.ts';
import { Command } from './command.ts';
import { announceOn } from './identification.ts';
import { expectOutcome } from './judging.ts';
import { get } from './readback.ts';
import { completeIota, completeUser, getRegister } from './registration.ts';
import { known } from '../values.ts';
import { type Model, openSlot, pickOf, type Real, session } from './state.ts';

export class GetRegister extends Command {
  constructor(readonly conn: number) {
    super();
  }
  toString(): string {
    return `getRegister(conn ${this.conn})`;
  }
  protected async exec(m: Model, r: Real): Promise<void> {
    const slot = openSlot(m, this.conn);
    if (slot === null) return void r.log.push('  no open connection');
    await getRegister(m, r, slot);
  }
}

export class CompleteIota extends Command {
  constructor(
    readonly reg: number,
    readonly conn: number,
  ) {
    super();
  }
  toString(): string {
    return `completeIota(reg ${this.reg}, conn ${this.conn})`;
  }
  protected async exec(m: Model, r: Real): Promise<void> {
    const slot = openSlot(m, this.conn);
    const reg = pickOf(m.regs, this.reg);
    if (slot === null || reg === undefined) return void r.log.push('  nothing to do');
    await completeIota(m, r, slot, reg);
  }
}

/** Which register ids a completion aims at: unused ones, ones a user holds (or held), any used one, or any. */
export type RegFocus = 'fresh' | 'user' | 'used' | 'any';

export class CompleteUser extends Command {
  constructor(
    readonly reg: number,
    readonly regFocus: RegFocus,
    readonly iota: number | null,
    readonly name: string,
    readonly conn: number,
    /** Take the username of an existing user instead (may be refused: a failed completion). */
    readonly takenName: boolean,
  ) {
    super();
  }
  toString(): string {
    return `completeUser(reg ${this.reg} ${this.regFocus}, iota ${this.iota ?? 'unregistered'}, name like ${show(this.name)}${this.takenName ? ' taken' : ''}, conn ${this.conn})`;
  }
  protected async exec(m: Model, r: Real): Promise<void> {
    const slot = openSlot(m, this.conn);
    const aimed = m.regs.filter((g) =>
      this.regFocus === 'any'
        ? true
        : this.regFocus === 'fresh'
          ? g.state === 'fresh'
          : this.regFocus === 'user'
            ? g.state === 'user'
            : g.state !== 'fresh',
    );
    const reg = pickOf(aimed.length > 0 ? aimed : m.regs, this.reg);
    if (slot === null || reg === undefined) return void r.log.push('  nothing to do');
    const iota = this.iota === null ? undefined : pickOf(m.iotas, this.iota);
    const taken = this.takenName
      ? pickOf(
          m.users.filter((u) => u.fate !== 'deleted'),
          this.reg,
        )
      : undefined;
    const username = (taken && known(taken.values.username)) ?? uniqueLike(r.cfg.t, this.name);
    await completeUser(m, r, slot, reg, iota, username);
  }
}

/** Never issued: above every id issued so far (ids are timestamps or counters). */
export class CompleteUserUnissued extends Command {
  constructor(readonly conn: number) {
    super();
  }
  toString(): string {
    return `completeUserWithIdNeverIssued(conn ${this.conn})`;
  }
  protected async exec(m: Model, r: Real): Promise<void> {
    const slot = openSlot(m, this.conn);
    const iota = m.iotas.find((i) => i.gone === 'no');
    if (slot === null) return void r.log.push('  no open connection');
    const o = session(r, slot);
    const highest = Math.max(0, ...m.issued);
    const id = highest * 2 + 12_345;
    const username = r.cfg.t.uniqueName();
    const reply = await exchange(o, {
      type: o.wireType('completeUser'),
      data: {
        user_id: id,
        username,
        public_key: freshPublicKey(),
        iota_id: iota?.id ?? id + 1,
        reset_token: r.cfg.t.token(),
      },
    });
    const what = `complete_register_user with id ${id}, never issued`;
    expectOutcome(r, 'completeUser', reply, 'error', 'UM-REG-005', what);
    r.log.push(`  ${what} → ${describeReply(reply)}`);
    for (const q of [{ user_id: id }, { username }]) {
      const back = await get(o, q);
      if (!isErrorType(back.type))
        throw new PropertyFailure(
          'UM-REG-005',
          `${what} was refused, yet get_user_data ${show(q)} found a user`,
          {
            actual: back.frame,
          },
        );
    }
  }
}

/** A completion with a field missing or of another JSON type: refused (BAD-005), nothing created. */
export class CompleteUserInvalid extends Command {
  constructor(
    readonly reg: number,
    readonly data: unknown,
    readonly how: string,
    readonly field: string | undefined,
    readonly conn: number,
    /**
     * Every conformant Omega must refuse it (refusals.ts); false: the seed allows a reading that
     * accepts it (an id as a string of digits), so either outcome holds and nothing is judged after.
     */
    readonly mustRefuse = true,
  ) {
    super();
  }
  toString(): string {
    return `completeUserInvalid(reg ${this.reg}, ${this.field ?? 'data'}: ${this.how}${this.mustRefuse ? '' : ', may be accepted'}, conn ${this.conn})`;
  }
  protected async exec(m: Model, r: Real): Promise<void> {
    const slot = openSlot(m, this.conn);
    const reg = pickOf(
      m.regs.filter((g) => g.state === 'fresh'),
      this.reg,
    );
    if (slot === null || reg === undefined) return void r.log.push('  nothing to do');
    const o = session(r, slot);
    const username = r.cfg.t.uniqueName();
    const data = bind(
      this.data,
      { user_id: reg.id, username, public_key: freshPublicKey(), reset_token: r.cfg.t.token() },
      this.field,
    );
    const reply = await exchange(o, {
      type: o.wireType('completeUser'),
      ...(data === undefined ? {} : { data }),
    });
    const what = `complete_register_user with reg[${reg.n}] and ${this.field ?? 'data'} ${this.how}: ${show(data)}`;
    expectOutcome(r, 'completeUser', reply, this.mustRefuse ? 'error' : 'either', 'BAD-005', what);
    r.log.push(`  ${what} → ${describeReply(reply)}`);
    reg.state = 'maybe';
    if (!this.mustRefuse) return;
    for (const q of [{ user_id: reg.id }, { username }]) {
      const back = await get(o, q);
      if (!isErrorType(back.type))
        throw new PropertyFailure(
          'BAD-005',
          `${what} was refused, yet get_user_data ${show(q)} found a user`,
          {
            actual: back.frame,
          },
        );
    }
  }
}

export class NewUser extends Command {
  constructor(
    readonly conn: number,
    readonly name: string,
    /** Live on an existing Iota (pick) instead of a new one. */
    readonly iota: number | null,
    /** Announce the new user on the connection right away (a client identified at the Omikron). */
    readonly announceIt: boolean,
  ) {
    super();
  }
  toString(): string {
    return `newUser(conn ${this.conn}, name like ${show(this.name)}, ${this.iota === null ? 'new iota' : `iota ${this.iota}`}${this.announceIt ? ', announced' : ''})`;
  }
  protected async exec(m: Model, r: Real): Promise<void> {
    const slot = openSlot(m, this.conn);
    if (slot === null) return void r.log.push('  no open connection');
    let iota =
      this.iota === null
        ? undefined
        : pickOf(
            m.iotas.filter((i) => i.gone === 'no'),
            this.iota,
          );
    if (iota === undefined) {
      const reg = await getRegister(m, r, slot);
      iota = (await completeIota(m, r, slot, reg)) ?? undefined;
    }
    const reg = await getRegister(m, r, slot);
    const user = await completeUser(m, r, slot, reg, iota, uniqueLike(r.cfg.t, this.name));
    if (user && this.announceIt) await announceOn(m, r, 'user', false, user.id, slot);
  }
}
