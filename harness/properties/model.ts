// Model-based conformance (fc.commands + fc.asyncModelRun): a small model of an Omega's state and a
// command for every operation. Where the seed allows several outcomes (whether a failed completion
// uses up a register id, which error type, whether announcements are answered, what happens to a
// user whose Iota is deleted) the model holds all of them and checks only what the seed fixes.
//
// Every run starts from state no earlier run can disturb: the model starts empty, the run opens its
// own connections, and every username, token and key it registers is fresh. Every command's check()
// is true and a command after a failure does nothing, so every generated command "ran" and a
// counterexample replays from SEED:PATH alone (see allRanReplayPath).
import fc from 'fast-check';
import type { Reply } from '../client/connection.ts';
import type { OmikronSession } from '../client/session.ts';
import type { Dialect } from '../protocol/dialect.ts';
import { LIMITS } from '../protocol/fields.ts';
import { type Announcement, isErrorType, type OperationName, operationSpec } from '../protocol/messages.ts';
import { describeIssues, replyDataSchema } from '../protocol/schemas.ts';
import type { ScenarioContext } from '../scenario/context.ts';
import { freshPublicKey, registerIdOf } from '../scenario/fixtures.ts';
import { ALNUM, isAscii, nearValidRequest, validData, validDataFew } from './arbitraries.ts';
import { asRequirementId } from '../spec/requirements.ts';
import { brief, type Coverage, exchange, PropertyFailure, show } from './runner.ts';
import { bind, describeDiff, diffRecord, pickRecord, type UserRecord, uniqueLike } from './steps.ts';

export const ONE_HOUR_MS = 3_600_000;
/** Completions within this distance of the hour may go either way (network and clock latency). */
const HOUR_MARGIN_MS = 60_000;

// --- the model -------------------------------------------------------------------------------------

type RegState = 'fresh' | 'user' | 'iota' | 'maybe';

interface MReg {
  readonly n: number;
  readonly id: number;
  /** Server wall time (harness estimate: local time plus the clock moves so far) when issued. */
  readonly issuedAt: number;
  state: RegState;
  /** A completion was refused as expired: every later one must be refused too (UM-TMO-003). */
  expiredSeen: boolean;
}

interface MIota {
  readonly n: number;
  readonly id: number;
  gone: 'no' | 'yes' | 'maybe';
}

const TEXT_FIELDS = ['username', 'display', 'avatar', 'about', 'status', 'public_key'] as const;
type TextField = (typeof TEXT_FIELDS)[number];

interface MUser {
  readonly n: number;
  readonly id: number;
  readonly values: Record<TextField, string> & { iota_id: number };
  token: string;
  readonly oldTokens: string[];
  /** `uncertain`: its Iota was deleted; the seed does not say what happens to its users. */
  fate: 'alive' | 'deleted' | 'uncertain';
  /** Another user got the same username (a server that allowed it): lookups by name are not judged. */
  nameShared: boolean;
  /** created_at, sub_level, sub_end as first read: they stay. */
  fixed?: UserRecord;
  /** Which requirement set each field's expected value last (blamed when a later read differs). */
  readonly writer: Record<string, string>;
}

interface MConn {
  open: boolean;
  serial: number;
  readonly users: Set<number>;
  readonly iotas: Set<number>;
}

interface History {
  readonly announcedOn: Set<number>;
  readonly withdrawnOn: Set<number>;
}

export interface Model {
  readonly regs: MReg[];
  readonly iotas: MIota[];
  readonly users: MUser[];
  readonly conns: MConn[];
  readonly closedSerials: Set<number>;
  readonly history: { readonly user: Map<number, History>; readonly iota: Map<number, History> };
  readonly issued: Set<number>;
  serials: number;
  offsetMs: number;
}

export interface ModelConfig {
  readonly t: ScenarioContext;
  readonly dialect: Dialect;
  /** Connections, each its own Omikron identity. */
  readonly slots: number;
  /** The target's clock can be moved: clock commands exist and the hour is judged. */
  readonly clock: boolean;
  readonly coverage: Coverage;
  /** INFO observations already recorded (once per scenario). */
  readonly noted: Set<string>;
}

export interface Real {
  readonly cfg: ModelConfig;
  readonly sessions: (OmikronSession | null)[];
  failure: unknown;
  readonly log: string[];
  step: number;
}

export function emptyModel(slots: number): Model {
  return {
    regs: [],
    iotas: [],
    users: [],
    conns: Array.from({ length: slots }, () => ({
      open: false,
      serial: 0,
      users: new Set(),
      iotas: new Set(),
    })),
    closedSerials: new Set(),
    history: { user: new Map(), iota: new Map() },
    issued: new Set(),
    serials: 0,
    offsetMs: 0,
  };
}

const serverNow = (m: Model): number => Date.now() + m.offsetMs;

function history(m: Model, kind: 'user' | 'iota', id: number): History {
  const map = m.history[kind];
  let h = map.get(id);
  if (!h) {
    h = { announcedOn: new Set(), withdrawnOn: new Set() };
    map.set(id, h);
  }
  return h;
}

type Guarded = 'CHG' | 'IOTA' | 'DELU' | 'DELI';

/**
 * The identification requirement a guarded request breaks if accepted, or null when it must be
 * accepted: the principal announced on this connection and `sender` naming it (IDN-*-006).
 */
function refusal(
  m: Model,
  kind: 'user' | 'iota',
  op: Guarded,
  principal: number,
  slot: number,
  sender: number | undefined,
): string | null {
  const conn = m.conns[slot]!;
  const here = kind === 'user' ? conn.users : conn.iotas;
  if (here.has(principal)) return sender === principal ? null : `IDN-${op}-005`;
  const h = history(m, kind, principal);
  const elsewhere = m.conns.some(
    (c, i) => i !== slot && c.open && (kind === 'user' ? c.users : c.iotas).has(principal),
  );
  if (elsewhere) return `IDN-${op}-004`;
  if (h.withdrawnOn.has(conn.serial)) return `IDN-${op}-002`;
  if ([...h.announcedOn].some((s) => m.closedSerials.has(s))) return `IDN-${op}-003`;
  if (h.announcedOn.size === 0) return `IDN-${op}-001`;
  return `IDN-${op}-002`;
}

const REFUSAL_WHY: Record<string, string> = {
  '001': 'it was never announced',
  '002': 'its announcement was withdrawn',
  '003': 'it was announced on a connection that has since closed',
  '004': 'it is announced on another Omikron connection only',
  '005': '`sender` does not name it',
};
const why = (req: string): string => REFUSAL_WHY[req.slice(-3)] ?? req;

// --- outcomes ---------------------------------------------------------------------------------------

type Want = 'success' | 'error' | 'either';

/** Judge a reply against what the model allows; returns what it was. */
function judge(
  r: Real,
  op: OperationName,
  reply: Reply,
  want: Want,
  req: string,
  what: string,
): 'success' | 'error' {
  const cov = r.cfg.coverage;
  if (isErrorType(reply.type)) {
    if (want === 'success')
      throw new PropertyFailure(req, `${what}: expected success, got the error ${brief(reply)}`, {
        expected: operationSpec(op).reply[r.cfg.dialect].join(' or '),
        actual: reply.frame,
      });
    if (want === 'error') cov.hit(req);
    return 'error';
  }
  if (want === 'error')
    throw new PropertyFailure(req, `${what}: expected an error reply, got ${reply.type}`, {
      expected: 'an error reply',
      actual: reply.frame,
    });
  const accepted = operationSpec(op).reply[r.cfg.dialect];
  if (!accepted.includes(reply.type))
    throw new PropertyFailure(req, `${what}: reply type ${reply.type}, expected ${accepted.join(' or ')}`, {
      actual: reply.frame,
    });
  if (want === 'success') cov.hit(req);
  return 'success';
}

function note(r: Real, req: string, message: string): void {
  if (r.cfg.noted.has(message)) return;
  r.cfg.noted.add(message);
  r.cfg.t.info(asRequirementId(req), message);
}

// --- reading back -----------------------------------------------------------------------------------

function expectedRecord(u: MUser): UserRecord {
  return {
    user_id: u.id,
    iota_id: u.values.iota_id,
    username: u.values.username,
    display: u.values.display,
    avatar: u.values.avatar,
    about: u.values.about,
    status: u.values.status,
    public_key: u.values.public_key,
    ...(u.fixed ?? {}),
  };
}

async function get(o: OmikronSession, query: { user_id?: number; username?: string }): Promise<Reply> {
  return exchange(o, { type: o.wireType('getUser'), data: query });
}

/**
 * Read the user back by id (and by username) and compare with the model.
 * `blame(field)` names the requirement a difference breaks; `gone` the one for a user found or lost.
 */
async function verify(
  r: Real,
  o: OmikronSession,
  u: MUser,
  what: string,
  blame: (field: string) => string,
  gone: string,
  byName = true,
): Promise<void> {
  const reply = await get(o, { user_id: u.id });
  if (u.fate === 'deleted') {
    if (!isErrorType(reply.type))
      throw new PropertyFailure(gone, `${what}: user ${u.id} was deleted, yet get_user_data found it`, {
        actual: reply.frame,
      });
    if (byName && !u.nameShared) {
      const again = await get(o, { username: u.values.username });
      if (!isErrorType(again.type))
        throw new PropertyFailure(
          gone,
          `${what}: user ${u.id} was deleted, yet get_user_data by its username ${show(u.values.username)} found ${show((again.data as { user_id?: unknown })?.user_id)}`,
          { actual: again.frame },
        );
    }
    r.cfg.coverage.hit(gone);
    return;
  }
  if (isErrorType(reply.type)) {
    if (u.fate === 'uncertain') {
      u.fate = 'deleted';
      r.log.push(`  user[${u.n}] went with its deleted Iota (the seed leaves that open)`);
      return;
    }
    throw new PropertyFailure(gone, `${what}: get_user_data for user ${u.id} answered ${brief(reply)}`, {
      actual: reply.frame,
    });
  }
  if (u.fate === 'uncertain') {
    u.fate = 'alive';
    r.log.push(`  user[${u.n}] outlived its deleted Iota (the seed leaves that open)`);
  }
  const parsed = replyDataSchema('getUser', r.cfg.dialect).safeParse(reply.data ?? {});
  if (!parsed.success)
    throw new PropertyFailure(
      'UM-GET-006',
      `${what}: the user record does not match the message table: ${describeIssues(parsed.error)}`,
      { actual: reply.frame },
    );
  const actual = pickRecord(r.cfg.dialect, reply.data);
  u.fixed ??= { created_at: actual.created_at, sub_level: actual.sub_level, sub_end: actual.sub_end };
  const expected = expectedRecord(u);
  const diff = diffRecord(expected, actual);
  if (diff.length > 0) {
    const req = blame(diff[0]!);
    throw new PropertyFailure(req, `${what}: user ${u.id} reads ${describeDiff(diff, expected, actual)}`, {
      expected,
      actual,
    });
  }
  r.cfg.coverage.hit('UM-GET-001');
  if (byName && !u.nameShared) {
    const again = await get(o, { username: u.values.username });
    const found = (again.data as { user_id?: unknown } | undefined)?.user_id;
    if (isErrorType(again.type) || found !== u.id)
      throw new PropertyFailure(
        'UM-GET-002',
        `${what}: get_user_data by username ${show(u.values.username)} answered ${isErrorType(again.type) ? brief(again) : `user ${show(found)}`}, not user ${u.id}`,
        { actual: again.frame },
      );
    r.cfg.coverage.hit('UM-GET-002');
  }
}

// --- shared steps ------------------------------------------------------------------------------------

function session(r: Real, slot: number): OmikronSession {
  const s = r.sessions[slot];
  if (!s) throw new PropertyFailure('ENV-003', `model error: connection ${slot} is not open`);
  return s;
}

/** The open connection a pick lands on, or null when none is open. */
function openSlot(m: Model, pick: number): number | null {
  const open = m.conns.map((c, i) => (c.open ? i : -1)).filter((i) => i >= 0);
  return open.length === 0 ? null : open[pick % open.length]!;
}

const pickOf = <T>(list: readonly T[], pick: number): T | undefined =>
  list.length === 0 ? undefined : list[pick % list.length];

async function getRegister(m: Model, r: Real, slot: number): Promise<MReg> {
  const o = session(r, slot);
  const reply = await exchange(o, { type: o.wireType('getRegister') });
  judge(r, 'getRegister', reply, 'success', 'UM-REG-001', 'get_register');
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
function age(m: Model, r: Real, reg: MReg): 'early' | 'late' | 'edge' {
  const a = serverNow(m) - reg.issuedAt;
  if (!r.cfg.clock) return 'early';
  if (a < ONE_HOUR_MS - HOUR_MARGIN_MS) return 'early';
  if (a > ONE_HOUR_MS + HOUR_MARGIN_MS) return 'late';
  return 'edge';
}

async function completeIota(m: Model, r: Real, slot: number, reg: MReg): Promise<MIota | null> {
  const o = session(r, slot);
  const when = age(m, r, reg);
  const want: Want = reg.state === 'fresh' && when === 'early' ? 'success' : 'either';
  const reply = await exchange(o, {
    type: o.wireType('completeIota'),
    data: { iota_id: reg.id, public_key: freshPublicKey() },
  });
  const what = `complete_register_iota with reg[${reg.n}] (${reg.state}, ${when})`;
  const got = judge(r, 'completeIota', reply, want, 'UM-REG-007', what);
  r.log.push(`  ${what} on #${slot} → ${brief(reply)}`);
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

async function completeUser(
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
  const nameTaken = m.users.some((u) => u.fate !== 'deleted' && u.values.username === username);
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
  const values = {
    username,
    public_key: freshPublicKey(),
    display: '',
    avatar: '',
    about: '',
    status: '',
    iota_id: iotaId,
  };
  const token = t.token();
  const reply = await exchange(o, {
    type: o.wireType('completeUser'),
    data: { user_id: reg.id, username, public_key: values.public_key, iota_id: iotaId, reset_token: token },
  });
  const what = `complete_register_user with reg[${reg.n}] (${reg.state}${reg.expiredSeen ? ', expired' : ''}, ${when}) on ${iota ? `iota[${iota.n}]${iota.gone === 'no' ? '' : ' (deleted)'}` : 'an Iota never registered'}${nameTaken ? ', username taken' : ''}`;
  const got = judge(r, 'completeUser', reply, want, req, what);
  r.log.push(`  ${what} on #${slot} → ${brief(reply)}`);
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
  const sameName = m.users.filter((u) => u.fate !== 'deleted' && u.values.username === username);
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

// --- commands ---------------------------------------------------------------------------------------

abstract class Command implements fc.AsyncCommand<Model, Real> {
  /** Always true: a command that cannot apply does nothing, so every command runs (replay). */
  check(): boolean {
    return true;
  }
  async run(m: Model, r: Real): Promise<void> {
    if (r.failure !== null) return;
    r.step++;
    r.log.push(`#${r.step} ${this.toString()}`);
    try {
      await this.exec(m, r);
    } catch (e) {
      r.failure = e;
    }
  }
  protected abstract exec(m: Model, r: Real): Promise<void>;
  abstract toString(): string;
}

class OpenConnection extends Command {
  constructor(readonly slot: number) {
    super();
  }
  toString(): string {
    return `open(omikron#${this.slot})`;
  }
  protected async exec(m: Model, r: Real): Promise<void> {
    const slot = this.slot % m.conns.length;
    const c = m.conns[slot]!;
    if (c.open) return void r.log.push('  already open');
    r.sessions[slot] = await r.cfg.t.omikron(slot);
    c.open = true;
    c.serial = ++m.serials;
    c.users.clear();
    c.iotas.clear();
  }
}

class CloseConnection extends Command {
  constructor(readonly pick: number) {
    super();
  }
  toString(): string {
    return `close(conn ${this.pick})`;
  }
  protected async exec(m: Model, r: Real): Promise<void> {
    const slot = openSlot(m, this.pick);
    if (slot === null) return void r.log.push('  no open connection');
    await session(r, slot).close();
    r.sessions[slot] = null;
    const c = m.conns[slot]!;
    c.open = false;
    m.closedSerials.add(c.serial);
    c.users.clear();
    c.iotas.clear();
    r.log.push(`  closed omikron#${slot}`);
    if (m.conns.every((x) => !x.open)) {
      // The last one: reconnect, so the run goes on (announcements on the old connection are gone).
      r.sessions[slot] = await r.cfg.t.omikron(slot);
      c.open = true;
      c.serial = ++m.serials;
      r.log.push(`  reconnected omikron#${slot}`);
    }
  }
}

class AdvanceClock extends Command {
  constructor(readonly ms: number) {
    super();
  }
  toString(): string {
    return `advanceClock(${this.ms / 60_000} min)`;
  }
  protected async exec(m: Model, r: Real): Promise<void> {
    const clock = r.cfg.t.clock;
    if (clock === null) return;
    await clock.advance(this.ms);
    m.offsetMs += this.ms;
    // libfaketime moves the server's monotonic clock too: its timers fire at the jump and it may
    // drop the connections it now thinks idle (its right). Go on on fresh connections, as a close.
    if (r.cfg.t.target.clock.kind !== 'faketime') return;
    for (const [slot, c] of m.conns.entries()) {
      if (!c.open) continue;
      await session(r, slot).close();
      m.closedSerials.add(c.serial);
      c.users.clear();
      c.iotas.clear();
      r.sessions[slot] = await r.cfg.t.omikron(slot);
      c.serial = ++m.serials;
    }
    r.log.push('  reconnected every open connection (the server may drop them at the jump)');
  }
}

class GetRegister extends Command {
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

class CompleteIota extends Command {
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
type RegFocus = 'fresh' | 'user' | 'used' | 'any';

class CompleteUser extends Command {
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
    const username = taken?.values.username ?? uniqueLike(r.cfg.t, this.name);
    await completeUser(m, r, slot, reg, iota, username);
  }
}

/** Never issued: above every id issued so far (ids are timestamps or counters). */
class CompleteUserUnissued extends Command {
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
    judge(r, 'completeUser', reply, 'error', 'UM-REG-005', what);
    r.log.push(`  ${what} → ${brief(reply)}`);
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
class CompleteUserInvalid extends Command {
  constructor(
    readonly reg: number,
    readonly data: unknown,
    readonly how: string,
    readonly field: string | undefined,
    readonly conn: number,
  ) {
    super();
  }
  toString(): string {
    return `completeUserInvalid(reg ${this.reg}, ${this.field ?? 'data'}: ${this.how}, conn ${this.conn})`;
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
    judge(r, 'completeUser', reply, 'error', 'BAD-005', what);
    r.log.push(`  ${what} → ${brief(reply)}`);
    reg.state = 'maybe';
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

class NewUser extends Command {
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

class GetUser extends Command {
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

type SenderMode = 'principal' | 'other' | 'none';

/**
 * Which principals a guarded command picks from: those announced on its connection, those
 * withdrawn there, or any. Random picks alone rarely hit an announced one.
 */
type Focus = 'here' | 'withdrawn' | 'any';

function focused<T extends { readonly id: number }>(
  m: Model,
  kind: 'user' | 'iota',
  list: readonly T[],
  focus: Focus,
  slot: number,
): readonly T[] {
  if (focus === 'any') return list;
  const c = m.conns[slot]!;
  const here = kind === 'user' ? c.users : c.iotas;
  const chosen =
    focus === 'here'
      ? list.filter((p) => here.has(p.id))
      : list.filter((p) => !here.has(p.id) && history(m, kind, p.id).withdrawnOn.has(c.serial));
  return chosen.length > 0 ? chosen : list;
}

function senderFor(m: Model, mode: SenderMode, principal: number): number | undefined {
  if (mode === 'none') return undefined;
  if (mode === 'principal') return principal;
  const other = m.users.find((u) => u.id !== principal) ?? m.iotas.find((i) => i.id !== principal);
  return other?.id ?? principal + 1;
}

const isPlainName = (s: string): boolean => /^[A-Za-z0-9_]+$/.test(s);
const isPlainText = (s: string): boolean => isAscii(s) && s.trim() === s;

class ChangeUser extends Command {
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
    const named = TEXT_FIELDS.filter((k) => typeof data[k] === 'string');
    const sender = senderFor(m, this.sender, u.id);
    const refused = refusal(m, 'user', 'CHG', u.id, slot, sender);
    const strict =
      named.length > 0 &&
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
      want = strict ? 'success' : 'either';
      req = okReq;
    }
    const reply = await exchange(o, {
      type: o.wireType('changeUser'),
      data,
      ...(sender === undefined ? {} : { sender }),
    });
    const what = `change_user_data of user[${u.n}] ${show(Object.fromEntries(named.map((k) => [k, data[k]])))} with sender ${show(sender)} on omikron#${slot}${refused ? ` (must be refused: ${why(refused)})` : ''}`;
    const got = judge(r, 'changeUser', reply, want, req, what);
    r.log.push(`  ${what} → ${brief(reply)}`);
    if (!refused && u.fate === 'alive') r.cfg.coverage.hit('IDN-CHG-006');
    if (u.fate === 'deleted')
      return verify(r, o, u, `after ${what}`, () => 'UM-DEL-001', 'UM-DEL-001', false);
    if (got === 'success') {
      for (const k of named) {
        u.values[k] = data[k] as string;
        u.writer[k] = k === 'public_key' ? 'UM-CHG-004' : okReq;
      }
      // What did not change keeps its value; a difference there breaks UM-CHG-003.
      await verify(
        r,
        o,
        u,
        `after ${what} answered success`,
        (f) => (named.includes(f as TextField) ? (f === 'public_key' ? 'UM-CHG-004' : okReq) : 'UM-CHG-003'),
        'UM-CHG-004',
      );
      if (named.some((k) => k !== 'public_key')) {
        r.cfg.coverage.hit('UM-CHG-004');
        r.cfg.coverage.hit(okReq);
      }
      if (named.length < TEXT_FIELDS.length) r.cfg.coverage.hit('UM-CHG-003');
      return;
    }
    await verify(
      r,
      o,
      u,
      `after ${what} was refused`,
      () => (refused ? refused : 'BAD-005'),
      refused ?? 'BAD-005',
    );
  }
}

type TokenMode = 'right' | 'old' | 'wrong';

class ChangeIota extends Command {
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
    const u = pickOf(m.users, this.user);
    const iota = slot === null ? undefined : pickOf(focused(m, 'iota', m.iotas, this.focus, slot), this.iota);
    if (slot === null || u === undefined || iota === undefined) return void r.log.push('  nothing to do');
    const o = session(r, slot);
    const mode: TokenMode = this.token === 'old' && u.oldTokens.length === 0 ? 'wrong' : this.token;
    const token = mode === 'right' ? u.token : mode === 'old' ? u.oldTokens.at(-1)! : r.cfg.t.token();
    const newToken = r.cfg.t.token();
    const sender = senderFor(m, this.sender, iota.id);
    const refused = refusal(m, 'iota', 'IOTA', iota.id, slot, sender);
    let want: Want;
    let req: string;
    if (refused) {
      want = 'error';
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
    const got = judge(r, 'changeIota', reply, want, req, what);
    r.log.push(`  ${what} → ${brief(reply)}`);
    if (!refused && u.fate === 'alive') r.cfg.coverage.hit('IDN-IOTA-006');
    if (u.fate !== 'alive') return;
    if (got === 'success') {
      u.values.iota_id = iota.id;
      u.oldTokens.push(u.token);
      u.token = newToken;
      u.writer.iota_id = 'UM-IOTA-001';
      return verify(r, o, u, `after ${what} answered success`, () => 'UM-IOTA-001', 'UM-IOTA-001', false);
    }
    await verify(r, o, u, `after ${what} was refused`, () => req, req, false);
  }
}

class DeleteUser extends Command {
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
    const want: Want = refused
      ? 'error'
      : u.fate === 'alive'
        ? 'success'
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
    const got = judge(r, 'deleteUser', reply, want, req, what);
    r.log.push(`  ${what} → ${brief(reply)}`);
    if (!refused && u.fate === 'alive') r.cfg.coverage.hit('IDN-DELU-006');
    if (got === 'success') u.fate = 'deleted';
    await verify(r, o, u, `after ${what}`, () => req, req);
    const reg = m.regs.find((g) => g.id === u.id);
    if (got === 'success' && this.reuseId && reg !== undefined) {
      const home = m.iotas.find((i) => i.gone === 'no');
      await completeUser(m, r, slot, reg, home, r.cfg.t.uniqueName());
    }
  }
}

class DeleteIota extends Command {
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
    const want: Want = refused ? 'error' : iota.gone === 'no' ? 'success' : 'either';
    const req = refused ?? 'UM-DEL-002';
    const reply = await exchange(o, {
      type: o.wireType('deleteIota'),
      data: { iota_id: iota.id },
      ...(sender === undefined ? {} : { sender }),
    });
    const what = `deleting iota[${iota.n}] with sender ${show(sender)} on omikron#${slot}${refused ? ` (must be refused: ${why(refused)})` : ''}`;
    const got = judge(r, 'deleteIota', reply, want, req, what);
    r.log.push(`  ${what} → ${brief(reply)}`);
    if (!refused && iota.gone === 'no') r.cfg.coverage.hit('IDN-DELI-006');
    if (got === 'success' && iota.gone !== 'yes') {
      iota.gone = 'yes';
      for (const u of m.users) if (u.values.iota_id === iota.id && u.fate === 'alive') u.fate = 'uncertain';
    }
  }
}

class Announce extends Command {
  constructor(
    readonly kind: 'user' | 'iota',
    readonly withdraw: boolean,
    readonly pick: number,
    readonly conn: number,
  ) {
    super();
  }
  toString(): string {
    return `${this.withdraw ? 'withdraw' : 'announce'}(${this.kind} ${this.pick}, conn ${this.conn})`;
  }
  protected async exec(m: Model, r: Real): Promise<void> {
    const slot = openSlot(m, this.conn);
    const c = slot === null ? undefined : m.conns[slot];
    const set = this.kind === 'user' ? c?.users : c?.iotas;
    // Withdraw one announced here when there is one; announce any known principal.
    const candidates =
      this.withdraw && set && set.size > 0
        ? [...set]
        : (this.kind === 'user' ? m.users : m.iotas).map((p) => p.id);
    const principal = pickOf(candidates, this.pick);
    if (slot === null || c === undefined || set === undefined || principal === undefined)
      return void r.log.push('  nothing to do');
    await announceOn(m, r, this.kind, this.withdraw, principal, slot);
  }
}

/** Announce or withdraw a principal on a connection; an error reply fails ANN-001. */
async function announceOn(
  m: Model,
  r: Real,
  kind: 'user' | 'iota',
  withdraw: boolean,
  principal: number,
  slot: number,
): Promise<void> {
  const c = m.conns[slot]!;
  const set = kind === 'user' ? c.users : c.iotas;
  const message: Announcement =
    kind === 'user'
      ? withdraw
        ? 'userDisconnected'
        : 'userConnected'
      : withdraw
        ? 'iotaDisconnected'
        : 'iotaConnected';
  let reply: Reply | null;
  try {
    reply = await session(r, slot).announce(message, principal);
  } catch (e) {
    throw new PropertyFailure(
      'ANN-001',
      `${message} for ${principal} on omikron#${slot}: ${(e as Error).message}`,
    );
  }
  if (reply && isErrorType(reply.type))
    throw new PropertyFailure(
      'ANN-001',
      `${message} for ${principal} on omikron#${slot} got the error ${brief(reply)}`,
      {
        actual: reply.frame,
      },
    );
  r.cfg.coverage.hit('ANN-001');
  r.log.push(`  ${message} ${principal} on omikron#${slot} → ${reply ? reply.type : 'no reply'}`);
  const h = history(m, kind, principal);
  if (withdraw) {
    if (set.delete(principal)) h.withdrawnOn.add(c.serial);
  } else {
    set.add(principal);
    h.announcedOn.add(c.serial);
  }
}

// --- generation -------------------------------------------------------------------------------------

const pick = fc.nat({ max: 1000 });
const senderMode = fc.constantFrom<SenderMode>('principal', 'principal', 'principal', 'other', 'none');
const nameLike = fc.array(ALNUM, { minLength: 1, maxLength: LIMITS.username }).map((a) => a.join(''));

/** Clock moves: a little, most of an hour, just past it, well past it. */
const CLOCK_MOVES_MS = [60_000, 10 * 60_000, 30 * 60_000, 61 * 60_000, 2 * ONE_HOUR_MS];

/** The command arbitraries (weights by repetition), for fc.commands. */
export function modelCommands(
  dialect: Dialect,
  withClock: boolean,
): fc.Arbitrary<fc.AsyncCommand<Model, Real>>[] {
  const zero = { user_id: fc.constant(0) };
  const change = fc.oneof(
    {
      weight: 3,
      arbitrary: validDataFew('changeUser', dialect, { ...zero, username: nameLike }, { ascii: true }),
    },
    { weight: 2, arbitrary: validDataFew('changeUser', dialect, zero) },
    { weight: 1, arbitrary: validData('changeUser', dialect, zero) },
  );
  const focus = fc.constantFrom<Focus>('here', 'here', 'here', 'withdrawn', 'any', 'any');
  // Every completeUser field is required: a missing one or one of another JSON type must be refused.
  const invalidCompletion = nearValidRequest('completeUser', dialect, {}, ['missing', 'mistyped']);
  const w = <T>(n: number, a: fc.Arbitrary<T>): fc.Arbitrary<T>[] => Array.from({ length: n }, () => a);
  const out: fc.Arbitrary<fc.AsyncCommand<Model, Real>>[] = [
    ...w(
      3,
      fc
        .tuple(pick, nameLike, fc.option(pick, { nil: null, freq: 2 }), fc.boolean())
        .map(([c, n, i, a]) => new NewUser(c, n, i, a)),
    ),
    ...w(
      2,
      fc.nat({ max: 7 }).map((s) => new OpenConnection(s)),
    ),
    pick.map((c) => new CloseConnection(c)),
    pick.map((c) => new GetRegister(c)),
    fc.tuple(pick, pick).map(([g, c]) => new CompleteIota(g, c)),
    ...w(
      2,
      fc
        .tuple(
          pick,
          fc.constantFrom<RegFocus>('fresh', 'fresh', 'user', 'user', 'used', 'any'),
          fc.option(pick, { nil: null, freq: 8 }),
          nameLike,
          pick,
          fc.boolean(),
        )
        .map(([g, f, i, n, c, taken]) => new CompleteUser(g, f, i, n, c, taken && g % 3 === 0)),
    ),
    pick.map((c) => new CompleteUserUnissued(c)),
    fc
      .tuple(pick, invalidCompletion, pick)
      .map(([g, req, c]) => new CompleteUserInvalid(g, req.data, req.mutation!.how, req.mutation!.field, c)),
    ...w(
      2,
      fc.tuple(pick, pick).map(([u, c]) => new GetUser(u, c)),
    ),
    ...w(
      3,
      fc.tuple(pick, focus, change, senderMode, pick).map(([u, f, d, s, c]) => new ChangeUser(u, f, d, s, c)),
    ),
    ...w(
      2,
      fc
        .tuple(
          pick,
          pick,
          focus,
          fc.constantFrom<TokenMode>('right', 'right', 'old', 'wrong'),
          senderMode,
          pick,
        )
        .map(([u, i, f, tk, s, c]) => new ChangeIota(u, i, f, tk, s, c)),
    ),
    ...w(
      2,
      fc
        .tuple(pick, focus, senderMode, pick, fc.boolean())
        .map(([u, f, s, c, reuse]) => new DeleteUser(u, f, s, c, reuse)),
    ),
    fc.tuple(pick, focus, senderMode, pick).map(([i, f, s, c]) => new DeleteIota(i, f, s, c)),
    ...w(
      4,
      fc.tuple(pick, pick).map(([p, c]) => new Announce('user', false, p, c)),
    ),
    ...w(
      2,
      fc.tuple(pick, pick).map(([p, c]) => new Announce('iota', false, p, c)),
    ),
    ...w(
      2,
      fc
        .tuple(fc.constantFrom<'user' | 'iota'>('user', 'user', 'iota'), pick, pick)
        .map(([k, p, c]) => new Announce(k, true, p, c)),
    ),
  ];
  if (withClock) out.push(fc.constantFrom(...CLOCK_MOVES_MS).map((ms) => new AdvanceClock(ms)));
  return out;
}

/** Run one command sequence from an empty model on fresh connections; throws the first failure. */
export async function runModel(
  cfg: ModelConfig,
  cmds: Iterable<fc.AsyncCommand<Model, Real>>,
): Promise<void> {
  const real: Real = {
    cfg,
    sessions: Array.from({ length: cfg.slots }, () => null),
    failure: null,
    log: [],
    step: 0,
  };
  try {
    await fc.asyncModelRun(async () => {
      const model = emptyModel(cfg.slots);
      for (let slot = 0; slot < cfg.slots; slot++) {
        real.sessions[slot] = await cfg.t.omikron(slot);
        model.conns[slot]!.open = true;
        model.conns[slot]!.serial = ++model.serials;
      }
      return { model, real };
    }, cmds);
  } finally {
    await Promise.all(real.sessions.map((s) => s?.close().catch(() => {})));
  }
  if (real.failure !== null) {
    const e = real.failure;
    if (e instanceof PropertyFailure) {
      const steps = real.log.slice(-30).join('\n');
      throw new PropertyFailure(
        e.requirement,
        `${e.message}\nsteps (last 30; the commands after the failing one did nothing):\n${steps}`,
        e.detail,
      );
    }
    throw e;
  }
}
