// Registration steps: issuing register ids and completing them as Iotas or users, against the
// outcomes the model allows (the hour, used ids, taken names, deleted Iotas).
import { isErrorType } from '../../protocol/messages.ts';
import { freshPublicKey, registerIdOf } from '../../scenario/fixtures.ts';
import { describeReply, exchange, PropertyFailure, show } from '../runner.ts';
import { expectOutcome, note, type Want } from './judging.ts';
import { get, verify } from './readback.ts';
import { exactly, mayBe } from '../values.ts';
import {
  HOUR_MARGIN_MS,
  type MIota,
  type Model,
  type MReg,
  type MUser,
  ONE_HOUR_MS,
  type Real,
  serverNow,
  session,
} from './state.ts';

export async function getRegister(m: Model, r: Real, slot: number): Promise<MReg> {
  const o = session(r, slot);
  const reply = await exchange(o, { type: o.wireType('getRegister') });
  expectOutcome(r, 'getRegister', reply, 'success', 'UM-REG-001', 'get_register');
  const id = registerIdOf(reply);
  if (id === undefined)
    throw new PropertyFailure('UM-REG-001', `get_register answered no integer register id`, {
      actual: reply.frame,
    });
  if (m.issued.has(id))
    throw new PropertyFailure('UM-REG-002', `get_register issued ${id} a second time in this run`, {
      actual: reply.frame,
    });
  r.cfg.coverage.hit('UM-REG-002');
  m.issued.add(id);
  const reg: MReg = { n: m.regs.length, id, issuedAt: serverNow(m), state: 'fresh', expiredSeen: false };
  m.regs.push(reg);
  r.log.push(`  get_register on #${slot} → reg[${reg.n}] = ${id}`);
  return reg;
}

/** Age of a registration against the hour: before, after, or too close to tell. */
export function age(m: Model, r: Real, reg: MReg): 'early' | 'late' | 'edge' {
  const a = serverNow(m) - reg.issuedAt;
  if (!r.cfg.clock || m.clock === 'unmoved') return 'early';
  // A move the server did not show: its clock is unknown, so is every registration's age.
  if (m.clock === 'unshown') return 'edge';
  if (a < ONE_HOUR_MS - HOUR_MARGIN_MS) return 'early';
  if (a > ONE_HOUR_MS + HOUR_MARGIN_MS) return 'late';
  return 'edge';
}

export async function completeIota(m: Model, r: Real, slot: number, reg: MReg): Promise<MIota | null> {
  const o = session(r, slot);
  const when = age(m, r, reg);
  const want: Want = reg.state === 'fresh' && when === 'early' ? 'success' : 'either';
  const reply = await exchange(o, {
    type: o.wireType('completeIota'),
    data: { iota_id: reg.id, public_key: freshPublicKey() },
  });
  const what = `complete_register_iota with reg[${reg.n}] (${reg.state}, ${when})`;
  const got = expectOutcome(r, 'completeIota', reply, want, 'UM-REG-007', what);
  r.log.push(`  ${what} on #${slot} → ${describeReply(reply)}`);
  if (when === 'late')
    note(
      r,
      'UM-TMO-004',
      `an Iota registration more than an hour on was ${got === 'success' ? 'accepted' : 'refused'}`,
    );
  if (got === 'error') return null;
  reg.state = 'iota';
  const iota: MIota = { n: m.iotas.length, id: reg.id, gone: 'no' };
  m.iotas.push(iota);
  return iota;
}

export async function completeUser(
  m: Model,
  r: Real,
  slot: number,
  reg: MReg,
  iota: MIota | undefined,
  username: string,
): Promise<MUser | null> {
  const o = session(r, slot);
  const t = r.cfg.t;
  const when = age(m, r, reg);
  const holder = m.users.find((u) => u.id === reg.id);
  const nameTaken = m.users.some((u) => u.fate !== 'deleted' && mayBe(u.values.username, username));
  let want: Want = 'either';
  let req = 'UM-REG-004';
  if (reg.state === 'user') {
    want = 'error';
    req = 'UM-REG-006';
  } else if (when === 'late' || reg.expiredSeen) {
    want = 'error';
    req = reg.expiredSeen ? 'UM-TMO-003' : 'UM-TMO-002';
  } else if (when === 'early' && reg.state === 'fresh' && iota?.gone === 'no' && !nameTaken) {
    want = 'success';
    req = serverNow(m) - reg.issuedAt > 5 * 60_000 ? 'UM-TMO-001' : 'UM-REG-004';
  }
  const iotaId = iota?.id ?? reg.id + 1;
  const publicKey = freshPublicKey();
  // The seed fixes no initial display, avatar, about or status: any value, fixed by the first read.
  const values = {
    username: exactly(username),
    public_key: exactly(publicKey),
    display: null,
    avatar: null,
    about: null,
    status: null,
    iota_id: iotaId,
  };
  const token = t.token();
  const reply = await exchange(o, {
    type: o.wireType('completeUser'),
    data: { user_id: reg.id, username, public_key: publicKey, iota_id: iotaId, reset_token: token },
  });
  const what = `complete_register_user with reg[${reg.n}] (${reg.state}${reg.expiredSeen ? ', expired' : ''}, ${when}) on ${iota ? `iota[${iota.n}]${iota.gone === 'no' ? '' : ' (deleted)'}` : 'an Iota never registered'}${nameTaken ? ', username taken' : ''}`;
  const got = expectOutcome(r, 'completeUser', reply, want, req, what);
  r.log.push(`  ${what} on #${slot} → ${describeReply(reply)}`);
  if (iota === undefined && want === 'either' && reg.state === 'fresh' && when === 'early')
    note(
      r,
      'UM-REG-008',
      `complete_register_user naming an Iota never registered was ${got === 'success' ? 'accepted' : 'refused'}`,
    );
  if (reg.state === 'maybe' && when === 'early')
    note(
      r,
      'UM-REG-009',
      `after a refused completion, the same register id ${got === 'success' ? 'still completed' : 'was refused'}`,
    );
  if (got === 'error') {
    if (when === 'late' && r.cfg.clock) reg.expiredSeen = true;
    if (reg.state === 'fresh') reg.state = 'maybe';
    // Nothing was created: no user with that id (unless an earlier one holds it), none with that name.
    if (holder === undefined || holder.fate === 'deleted') {
      const byId = await get(o, { user_id: reg.id });
      if (!isErrorType(byId.type))
        throw new PropertyFailure(req, `${what} was refused, yet user ${reg.id} exists`, {
          actual: byId.frame,
        });
    }
    if (!nameTaken) {
      const byName = await get(o, { username });
      if (!isErrorType(byName.type))
        throw new PropertyFailure(req, `${what} was refused, yet a user named ${show(username)} exists`, {
          actual: byName.frame,
        });
    }
    if (holder && holder.fate !== 'deleted')
      await verify(r, o, holder, `after ${what} was refused, the user holding that id`, () => req, req);
    return null;
  }
  reg.state = 'user';
  const sameName = m.users.filter((u) => u.fate !== 'deleted' && mayBe(u.values.username, username));
  const user: MUser = {
    n: m.users.length,
    id: reg.id,
    values,
    token,
    oldTokens: [],
    fate: 'alive',
    nameShared: sameName.length > 0,
    writer: {},
  };
  for (const u of sameName) u.nameShared = true;
  if (sameName.length > 0)
    r.log.push('  a username another user holds was accepted: lookups by it are not judged');
  m.users.push(user);
  await verify(r, o, user, `after ${what} answered success`, () => 'UM-REG-004', 'UM-REG-004');
  return user;
}
