// User data from the wire: lookups (UM-GET), changes read back (UM-CHG, ENV-007, ENC-002/003),
// registration and its hour (UM-REG, UM-TMO), deletion (UM-DEL), reset tokens (UM-IOTA), integer
// fields (ENC-001), and the dialect probe. Every comparison needs the writes before a read to be
// ordered and none concurrent with it; otherwise the read is not judged.
import type { Dialect } from '../../protocol/dialect.ts';
import { requestDataSchema } from '../../protocol/schemas.ts';
import type { Existence } from './rules-session.ts';
import type { CheckContext, Reply, Req, Rules } from './types.ts';
import { isErrorReply, type Json } from './wire.ts';

const HOUR_MS = 3_600_000;
/** Clock granularity the server may have (a register id in seconds): a margin, never a fail inside it. */
const HOUR_SLACK_MS = 2_000;
const KEEP_WRITES = 64;
const USER_TEXT = ['username', 'display', 'avatar', 'about', 'status', 'public_key'] as const;
const INTEGER_FIELDS = ['user_id', 'iota_id', 'created_at', 'sub_level', 'sub_end'] as const;
const STRING_FIELDS = ['username', 'display', 'avatar', 'about', 'status', 'public_key'] as const;

interface Write {
  readonly req: Req;
  readonly fields: Json;
  readonly source: 'change' | 'register' | 'iota';
  outcome?: 'ok' | 'error';
}

interface UserState {
  writes: Write[];
  deletes: Req[];
  lastRead?: { record: Json; req: Req };
  token?: { value: string; at: number };
  tokenChanges: number;
  /** Reads that missed a change sent before them on the same connection, for a later read to judge. */
  behind: { field: string; write: Write; read: Req }[];
}

/** Entries kept per map: a proxy running for weeks forgets its oldest users, ids and tokens. */
export const STATE_LIMIT = 200_000;
function cap<K, V>(m: Map<K, V>): void {
  if (m.size <= STATE_LIMIT) return;
  for (const k of m.keys()) {
    m.delete(k);
    if (m.size <= STATE_LIMIT) return;
  }
}

/** The same bytes in another text (base64 decoded, or re-encoded): an encoding fault, not a lost change. */
function reencoded(expected: unknown, actual: unknown): boolean {
  if (typeof expected !== 'string' || typeof actual !== 'string') return false;
  const bytes = Buffer.from(expected, 'base64');
  return (
    actual === bytes.toString('utf8') ||
    actual === bytes.toString('latin1') ||
    (actual !== expected && Buffer.from(actual, 'base64').equals(bytes))
  );
}

const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v);
const acked = (w: Write) => w.outcome === 'ok' && w.req.repliedAt !== undefined;
/** w took effect before r was handled: acknowledged before r was sent, or sent earlier on r's connection. */
const before = (w: Req, r: Req) =>
  (w.repliedOrd !== undefined && w.repliedOrd < r.sentOrd) || (w.conn === r.conn && w.seq < r.seq);

export class DataRules implements Rules, Existence {
  private readonly users = new Map<number, UserState>();
  private readonly issued = new Map<string, { req: Req; at: number }>();
  private readonly used = new Map<string, Req>();
  private readonly expiredTries = new Set<string>();
  private readonly iotas = new Set<number>();
  private readonly replacedTokens = new Map<string, number>();
  private maxIssued: { id: number; at: number } | undefined;
  private readonly evidence: Record<Dialect, string[]> = { seed: [], tensamin: [] };
  private readonly getUserReplies: Record<string, { count: number; example: string }> = {};
  private readonly usernameWrites: Write[] = [];
  /** Seed dialect: the reset token names the user. */
  private readonly tokenOwners = new Map<string, number>();
  /** An Iota change whose user is unknown was sent then: no iota_id is judged from that time on. */
  private iotaUnknownSince = Number.POSITIVE_INFINITY;

  dialectEvidence(d: Dialect, type: string): void {
    const list = this.evidence[d];
    if (!list.includes(type)) list.push(type);
  }

  exists(principal: string): boolean {
    const [kind, idText] = principal.split(':');
    const id = Number(idText);
    if (kind === 'iota') return this.iotas.has(id);
    const u = this.users.get(id);
    return u?.deletes.every((d) => d.replyType === undefined || isErrorReply(d.replyType)) === true;
  }

  markExists(principal: string): void {
    const [kind, idText] = principal.split(':');
    if (kind === 'iota') this.iotas.add(Number(idText));
    else this.user(Number(idText));
  }

  private user(id: number): UserState {
    let u = this.users.get(id);
    if (!u) {
      u = { writes: [], deletes: [], tokenChanges: 0, behind: [] };
      this.users.set(id, u);
      cap(this.users);
    }
    return u;
  }

  private write(user: number, w: Write): void {
    const u = this.user(user);
    u.writes.push(w);
    if (u.writes.length > KEEP_WRITES) u.writes.shift();
    if ('username' in w.fields) {
      this.usernameWrites.push(w);
      if (this.usernameWrites.length > 256) this.usernameWrites.shift();
    }
  }

  onRequest(req: Req): void {
    const d = req.data;
    switch (req.op) {
      case 'changeUser': {
        if (!isInt(d.user_id)) return;
        const fields: Json = {};
        for (const f of USER_TEXT) if (typeof d[f] === 'string') fields[f] = d[f];
        const w: Write = { req, fields, source: 'change' };
        req.notes.write = w;
        // Invalid by the message table (limits included): refused, it must have changed nothing (BAD-005).
        if (!requestDataSchema('changeUser', 'seed').safeParse(d).success) req.notes.invalid = true;
        this.write(d.user_id, w);
        return;
      }
      case 'changeIota': {
        const owner = typeof d.reset_token === 'string' ? this.tokenOwners.get(d.reset_token) : undefined;
        const user = isInt(d.user_id) ? d.user_id : owner;
        if (user === undefined) {
          this.iotaUnknownSince = Math.min(this.iotaUnknownSince, req.sentOrd);
          return;
        }
        req.notes.user = user;
        const u = this.user(user);
        req.notes.token = u.tokenChanges === 0 ? u.token : undefined; // a token change in flight: unknown
        u.tokenChanges++;
        if (isInt(d.iota_id)) {
          const w: Write = { req, fields: { iota_id: d.iota_id }, source: 'iota' };
          req.notes.write = w;
          this.write(user, w);
        }
        return;
      }
      case 'getRegister':
        if (this.maxIssued) req.notes.maxBefore = this.maxIssued;
        return;
      default:
    }
  }

  onReply(req: Req, reply: Reply, ctx: CheckContext): void {
    const w = req.notes.write as Write | undefined;
    if (w) w.outcome = reply.error ? 'error' : 'ok';
    switch (req.op) {
      case 'getUser':
        return this.read(req, reply, ctx);
      case 'getRegister':
        return this.registerId(req, reply, ctx);
      case 'completeUser':
      case 'completeIota':
        return this.complete(req, reply, ctx);
      case 'deleteUser':
        return this.deleted(req, reply, ctx);
      case 'deleteIota':
        if (!reply.error && isInt(req.data.iota_id)) this.iotas.delete(req.data.iota_id);
        return;
      case 'changeIota':
        return this.iotaChange(req, reply, ctx);
      case 'completeIotaWithoutId':
        ctx.observe(
          'EXT-001',
          'info',
          `complete_register_iota without an id got ${reply.type}${isInt(reply.data?.iota_id) ? ' with data.iota_id' : ''}`,
          { at: reply.at },
        );
        if (isInt(reply.data?.iota_id)) this.iotas.add(reply.data.iota_id);
        return;
      case 'getIotaData':
        ctx.observe('EXT-002', 'info', `get_iota_data got ${reply.type}`, { at: reply.at });
        return;
      default:
    }
  }

  // ---- registration ----------------------------------------------------------------------------------

  private registerId(req: Req, reply: Reply, ctx: CheckContext): void {
    if (reply.error) return;
    const where = { conn: req.conn, at: reply.at };
    const raw = reply.data?.user_id ?? reply.data?.register_id;
    const ok = reply.type === 'get_register' && isInt(raw);
    ctx.observe(
      'UM-REG-001',
      ok ? 'pass' : 'fail',
      `get_register got ${reply.type} with register id ${JSON.stringify(raw)}`,
      where,
      { expected: 'get_register with an integer data.user_id' },
    );
    if (raw !== undefined)
      ctx.observe(
        'ENC-001',
        isInt(raw) ? 'pass' : 'fail',
        `the register id is ${JSON.stringify(raw)}`,
        where,
        { expected: 'a JSON integer' },
      );
    if (!isInt(raw)) return;
    const key = String(raw);
    const prior = this.issued.get(key);
    if (prior)
      ctx.observe(
        'UM-REG-002',
        'fail',
        `register id ${raw} was issued twice (first on connection ${prior.req.conn.name})`,
        where,
      );
    else ctx.observe('UM-REG-002', 'pass', `register id ${raw} is new`, where);
    this.issued.set(key, { req, at: reply.at });
    cap(this.issued);
    const maxBefore = req.notes.maxBefore as { id: number } | undefined;
    if (maxBefore)
      ctx.observe(
        'UM-REG-003',
        raw > maxBefore.id ? 'pass' : 'fail',
        `register id ${raw}, asked for after ${maxBefore.id} was issued`,
        where,
        { expected: `larger than ${maxBefore.id}` },
      );
    if (!this.maxIssued || raw > this.maxIssued.id) this.maxIssued = { id: raw, at: reply.at };
    ctx.observe('ENC-004', 'info', `register ids look like Unix ${raw > 1e11 ? 'milliseconds' : 'seconds'}`, {
      at: reply.at,
    });
  }

  private complete(req: Req, reply: Reply, ctx: CheckContext): void {
    const where = { conn: req.conn, at: reply.at };
    const user = req.op === 'completeUser';
    const raw = user ? req.data.user_id : req.data.iota_id;
    if (!isInt(raw)) return;
    const key = String(raw);
    const what = `${req.type} with id ${raw}`;
    const ok = !reply.error;
    const used = this.used.get(key);
    if (
      used &&
      used.repliedOrd !== undefined &&
      used.repliedAt !== undefined &&
      used.repliedOrd < req.sentOrd
    )
      ctx.observe(
        'UM-REG-006',
        ok ? 'fail' : 'pass',
        `${what}, already used by ${used.type} at ${new Date(used.repliedAt).toISOString()}, got ${reply.type}`,
        where,
        { expected: 'an error reply' },
      );
    const issue = this.issued.get(key);
    if (issue) {
      const sinceIssue = req.sentAt - issue.at; // at least this long after the id was issued
      const atMost = reply.at - issue.req.sentAt;
      if (sinceIssue > HOUR_MS + HOUR_SLACK_MS) {
        const id = !user ? 'UM-TMO-004' : this.expiredTries.has(key) ? 'UM-TMO-003' : 'UM-TMO-002';
        if (user) this.expiredTries.add(key);
        if (id === 'UM-TMO-004')
          ctx.observe(
            id,
            'info',
            `an Iota registration ${Math.round(sinceIssue / 60000)} min after get_register got ${reply.type}`,
            where,
          );
        else
          ctx.observe(
            id,
            ok ? 'fail' : 'pass',
            `${what}, ${Math.round(sinceIssue / 60000)} min after get_register issued it, got ${reply.type}`,
            where,
            { expected: 'an error reply: the registration timed out' },
          );
      } else if (user && ok && atMost < HOUR_MS - HOUR_SLACK_MS && atMost > 55 * 60_000)
        ctx.observe(
          'UM-TMO-001',
          'pass',
          `${what}, ${Math.round(atMost / 60000)} min after get_register, succeeded`,
          where,
        );
      if (ok && !user && sinceIssue <= HOUR_MS)
        ctx.observe('UM-REG-007', 'pass', `${what} (issued) got ${reply.type}`, where);
    } else if (user) {
      if (ctx.fromStart)
        ctx.observe(
          'UM-REG-005',
          ok ? 'fail' : 'pass',
          `${what}, an id no traced get_register issued, got ${reply.type}`,
          where,
          { expected: 'an error reply' },
        );
      else if (ok)
        ctx.observe(
          'UM-REG-005',
          'inconclusive',
          `${what} succeeded, but no traced get_register issued it: it may have been issued before the trace began`,
          where,
        );
    }
    if (!ok) return;
    if (!used) cap(this.used.set(key, req));
    if (!user) {
      this.iotas.add(raw);
      return;
    }
    const fields: Json = {};
    for (const f of ['username', 'public_key', 'iota_id'] as const)
      if (req.data[f] !== undefined) fields[f] = req.data[f];
    this.write(raw, { req, fields, source: 'register', outcome: 'ok' });
    const u = this.user(raw);
    if (typeof req.data.reset_token === 'string') {
      cap(this.tokenOwners.set(req.data.reset_token, raw));
      if (u.tokenChanges === 0) u.token = { value: req.data.reset_token, at: req.repliedOrd ?? 0 };
    }
  }

  // ---- reading users back ----------------------------------------------------------------------------

  private read(req: Req, reply: Reply, ctx: CheckContext): void {
    const where = { conn: req.conn, at: reply.at };
    const byId = req.data.user_id;
    const byName = req.data.username;
    if (byId === undefined && byName === undefined) {
      ctx.observe(
        'UM-GET-004',
        reply.error ? 'pass' : 'fail',
        `get_user_data naming no user got ${reply.type}`,
        where,
        { expected: 'an error reply' },
      );
      return;
    }
    const deleted = isInt(byId) ? this.deletedBefore(byId, req) : undefined;
    if (reply.error) {
      if (deleted) ctx.observe('UM-DEL-001', 'pass', `user ${byId}, deleted, is not found by id`, where);
      return;
    }
    const slot = this.getUserReplies[reply.type] ?? { count: 0, example: where.conn.name };
    slot.count++;
    this.getUserReplies[reply.type] = slot;
    const rec = reply.data ?? {};
    const which =
      byId !== undefined && byName !== undefined
        ? 'UM-GET-003'
        : byId !== undefined
          ? 'UM-GET-001'
          : 'UM-GET-002';
    const badInts = INTEGER_FIELDS.filter((f) => f in rec && !isInt(rec[f]));
    const missing = [...INTEGER_FIELDS, ...STRING_FIELDS].filter((f) => !(f in rec));
    const badStrings = STRING_FIELDS.filter((f) => f in rec && typeof rec[f] !== 'string');
    ctx.observe(
      'ENC-001',
      badInts.length ? 'fail' : 'pass',
      badInts.length
        ? `user record fields ${badInts.join(', ')} are not JSON integers`
        : 'user record integers are integers',
      where,
    );
    const shapeProblem = [
      ...missing.map((f) => `${f} missing`),
      ...badInts.map((f) => `${f} not an integer`),
      ...badStrings.map((f) => `${f} not a string`),
    ];
    ctx.observe(
      'UM-GET-006',
      shapeProblem.length ? 'fail' : 'pass',
      shapeProblem.length
        ? `the user record: ${shapeProblem.join(', ')}`
        : 'the user record has every field of the seed',
      where,
    );
    if (isInt(rec.created_at))
      ctx.observe(
        'ENC-004',
        'info',
        `created_at looks like Unix ${rec.created_at > 1e11 ? 'milliseconds' : 'seconds'}`,
        { at: reply.at },
      );
    if (byId !== undefined) {
      if (typeof byId === 'string')
        ctx.observe('ENC-006', 'info', 'get_user_data with user_id as a decimal string was answered', {
          at: reply.at,
        });
      const same = rec.user_id === byId || String(rec.user_id) === String(byId);
      ctx.observe(
        which,
        same ? 'pass' : 'fail',
        `get_user_data for user_id ${byId}${byName !== undefined ? ` and username ${JSON.stringify(byName)}` : ''} returned user ${JSON.stringify(rec.user_id)}`,
        where,
        { expected: `user ${byId}`, actual: `user ${JSON.stringify(rec.user_id)}` },
      );
      if (deleted)
        ctx.observe(
          'UM-DEL-001',
          'fail',
          `user ${byId} was found by id after its deletion was acknowledged`,
          where,
          { expected: 'an error reply' },
        );
    } else if (typeof byName === 'string') {
      const concurrent =
        !ctx.settled(req.sentAt) ||
        this.usernameWrites.some(
          (w) =>
            w.req.sentOrd < (req.repliedOrd ?? Number.POSITIVE_INFINITY) &&
            (w.req.repliedOrd === undefined || w.req.repliedOrd > req.sentOrd),
        );
      if (rec.username === byName)
        ctx.observe(
          which,
          'pass',
          `get_user_data for username ${JSON.stringify(byName)} returned that user`,
          where,
        );
      else if (!concurrent)
        ctx.observe(
          which,
          'fail',
          `get_user_data for username ${JSON.stringify(byName)} returned ${JSON.stringify(rec.username)}`,
          where,
          { expected: byName, actual: String(rec.username) },
        );
      if (isInt(rec.user_id)) {
        const gone = this.deletedBefore(rec.user_id, req);
        if (gone)
          ctx.observe(
            'UM-DEL-001',
            'fail',
            `user ${rec.user_id}, deleted, was still found by its username ${JSON.stringify(byName)}`,
            where,
            { expected: 'an error reply' },
          );
      }
    }
    if (isInt(rec.user_id) && ctx.settled(req.sentAt)) this.readBack(rec.user_id, rec, req, ctx);
  }

  private deletedBefore(user: number, r: Req): Req | undefined {
    const u = this.users.get(user);
    if (!u) return undefined;
    const del = u.deletes.find(
      (d) => d.replyType !== undefined && !isErrorReply(d.replyType) && before(d, r),
    );
    if (!del) return undefined;
    // Registered again after the deletion (a reused register id): not judged here.
    return u.writes.some((w) => w.source === 'register' && w.req.sentOrd > del.sentOrd) ? undefined : del;
  }

  private readBack(user: number, rec: Json, r: Req, ctx: CheckContext): void {
    const u = this.user(user);
    const where = { conn: r.conn, at: r.repliedAt ?? r.sentAt };
    const endOrd = r.repliedOrd ?? r.sentOrd;
    const fieldsSeen = new Set<string>();
    for (const w of u.writes) for (const f of Object.keys(w.fields)) fieldsSeen.add(f);
    for (const f of fieldsSeen) {
      if (f === 'iota_id' && this.iotaUnknownSince < endOrd) continue;
      const touching = u.writes.filter((w) => f in w.fields && w.req !== r);
      const done = touching.filter((w) => acked(w) && before(w.req, r));
      // Anything else touching f sent before the read was answered: concurrent, or refused (and maybe applied).
      const open = touching.filter((w) => !done.includes(w) && w.req.sentOrd < endOrd);
      // No acknowledged change of f: the user's traced registration is the baseline (f unknown then).
      const registered = u.writes.find((w) => w.source === 'register' && acked(w) && before(w.req, r));
      const last =
        done.length > 0
          ? done.reduce((a, b) => ((b.req.repliedOrd ?? 0) > (a.req.repliedOrd ?? 0) ? b : a))
          : registered;
      if (!last) continue;
      // Refused after the last acknowledged change, and refused before the read was sent: it must have changed nothing.
      const refused = open.filter(
        (w) =>
          w.outcome === 'error' &&
          w.req.sentOrd > last.req.sentOrd &&
          w.req.repliedOrd !== undefined &&
          w.req.repliedOrd < r.sentOrd,
      );
      if (
        open.some((w) => !refused.includes(w) && (w.req.sentOrd >= last.req.sentOrd || w.outcome !== 'error'))
      )
        continue;
      if (done.some((w) => w !== last && !before(w.req, last.req))) continue; // their order is unknown
      const expected = last.fields[f];
      if (refused.length > 0) {
        // Without an acknowledged value, a read between the baseline and the refusal gives it.
        const prior = u.lastRead;
        const baseline =
          expected === undefined && prior && prior.req.sentOrd > last.req.sentOrd
            ? prior.record[f]
            : expected;
        this.refusedChanged(user, f, baseline, rec, refused, where, ctx);
        if (rec[f] !== expected) continue; // perhaps a refusal applied: not the change's fault
      }
      if (expected === undefined) continue;
      if (f === 'display' && expected === '') continue; // a server may show the username instead
      const actual = rec[f];
      const match = actual === expected;
      const verb = last.source === 'register' ? 'registered' : 'changed';
      if (!(last.req.repliedOrd !== undefined && last.req.repliedOrd < r.sentOrd)) {
        // Sent on the change's connection before it was acknowledged: in order, it must see it (ENV-007).
        // A stale value here is judged by a later read: the change stored after all is ENV-007,
        // never stored is the change's own requirement.
        if (match)
          ctx.observe(
            'ENV-007',
            'pass',
            `${f} of user ${user}, read right after its change on the same connection, shows it`,
            where,
          );
        else if (u.behind.length < 16) u.behind.push({ field: f, write: last, read: r });
        continue;
      }
      const stale = u.behind.filter((b) => b.field === f && b.write === last);
      if (stale.length > 0) {
        u.behind = u.behind.filter((b) => !stale.includes(b));
        if (match)
          ctx.observe(
            'ENV-007',
            'fail',
            `${f} of user ${user}: a read sent right after the change on its connection did not show it, a later read does (applied out of order)`,
            { conn: stale[0]!.read.conn, at: stale[0]!.read.repliedAt ?? stale[0]!.read.sentAt },
            { expected: JSON.stringify(expected) },
          );
      }
      for (const id of this.requirementsFor(last, f)) {
        const encoding = id === 'ENC-002' || id === 'ENC-003';
        if (encoding && !match && !reencoded(expected, actual)) continue; // not an encoding fault
        ctx.observe(
          id,
          match ? 'pass' : 'fail',
          `${f} of user ${user}, ${verb} by ${last.req.type} (acknowledged), reads back ${match ? 'as written' : encoding ? 'in another encoding' : 'differently'}`,
          where,
          match ? {} : { expected: JSON.stringify(expected), actual: JSON.stringify(actual) },
        );
      }
    }
    this.unchanged(u, rec, r, ctx);
    u.lastRead = { record: rec, req: r };
  }

  /** A refused guarded change (IDN-*-001..005) must change nothing: the read shows the value before it. */
  private refusedChanged(
    user: number,
    f: string,
    expected: unknown,
    rec: Json,
    refused: readonly Write[],
    where: { conn: Req['conn']; at: number },
    ctx: CheckContext,
  ): void {
    const actual = rec[f];
    for (const w of refused) {
      const g = w.req.notes.guard as { key: string; condition: string } | undefined;
      // Refused for a reason the trace shows: unidentified (IDN-*-001..005), a wrong reset token, malformed.
      const id =
        g && /^00[1-5]$/.test(g.condition)
          ? `IDN-${g.key}-${g.condition}`
          : w.req.notes.wrongToken === true
            ? 'UM-IOTA-003'
            : typeof w.req.notes.malformed === 'string' || w.req.notes.invalid === true
              ? 'BAD-005'
              : undefined;
      if (!id) continue;
      // No baseline at all: only a value the user could not have had otherwise (not empty, not its username).
      if (expected === undefined && (w.fields[f] === '' || w.fields[f] === rec.username)) continue;
      const applied = actual === w.fields[f] && actual !== expected;
      if (applied || actual === expected || (expected === undefined && actual !== w.fields[f]))
        ctx.observe(
          id,
          applied ? 'fail' : 'pass',
          `${f} of user ${user} after ${w.req.type} was refused: ${applied ? 'the refused value was stored' : 'unchanged'}`,
          where,
          applied ? { expected: JSON.stringify(expected), actual: JSON.stringify(actual) } : {},
        );
    }
  }

  private requirementsFor(w: Write, field: string): string[] {
    if (w.source === 'register') return ['UM-REG-004'];
    if (w.source === 'iota') return ['UM-IOTA-001'];
    const named = Object.keys(w.fields).length;
    const ids = ['UM-CHG-004', named > 1 ? 'UM-CHG-002' : 'UM-CHG-001'];
    if (field === 'avatar' || field === 'about') ids.push('ENC-003');
    if (field === 'public_key') ids.push('ENC-002');
    return ids;
  }

  /** UM-CHG-003: a read, then one acknowledged change and nothing else, then a read: the rest kept its values. */
  private unchanged(u: UserState, rec: Json, r: Req, ctx: CheckContext): void {
    const prev = u.lastRead;
    if (!prev || prev.req.repliedAt === undefined) return;
    const between = u.writes.filter(
      (w) =>
        w.req.sentOrd < (r.repliedOrd ?? r.sentOrd) &&
        (w.req.repliedOrd === undefined || w.req.repliedOrd > prev.req.sentOrd),
    );
    const w = between[0];
    if (between.length !== 1 || !w || w.source !== 'change' || !acked(w)) return;
    if (!(w.req.sentOrd > (prev.req.repliedOrd ?? Infinity) && (w.req.repliedOrd ?? Infinity) < r.sentOrd))
      return;
    const kept = USER_TEXT.filter((f) => !(f in w.fields) && f in prev.record);
    const changed = kept.filter((f) => prev.record[f] !== rec[f]);
    ctx.observe(
      'UM-CHG-003',
      changed.length ? 'fail' : 'pass',
      changed.length
        ? `fields ${changed.join(', ')} changed though the change named only ${Object.keys(w.fields).join(', ')}`
        : `fields the change did not name kept their values`,
      { conn: r.conn, at: r.repliedAt ?? r.sentAt },
    );
  }

  // ---- deletion and reset tokens ---------------------------------------------------------------------

  private deleted(req: Req, reply: Reply, ctx: CheckContext): void {
    const user = req.data.user_id;
    if (!isInt(user)) return;
    const u = this.user(user);
    const earlier = u.deletes.find(
      (d) => d.replyType !== undefined && !isErrorReply(d.replyType) && before(d, req),
    );
    if (earlier && !u.writes.some((w) => w.source === 'register' && w.req.sentOrd > earlier.sentOrd))
      ctx.observe(
        'UM-DEL-003',
        reply.error ? 'pass' : 'fail',
        `deleting user ${user} again, after its deletion was acknowledged, got ${reply.type}`,
        { conn: req.conn, at: reply.at },
        { expected: 'an error reply' },
      );
    u.deletes.push(req);
  }

  private iotaChange(req: Req, reply: Reply, ctx: CheckContext): void {
    const where = { conn: req.conn, at: reply.at };
    const old = req.data.reset_token;
    const fresh = req.data.new_token;
    const user = req.notes.user as number | undefined;
    if (user !== undefined) this.user(user).tokenChanges--;
    if (typeof old !== 'string') return;
    const replacedAt = this.replacedTokens.get(old);
    if (replacedAt !== undefined && replacedAt < req.sentOrd)
      ctx.observe(
        'UM-IOTA-002',
        reply.error ? 'pass' : 'fail',
        `an Iota change with a reset token already replaced got ${reply.type}`,
        where,
        { expected: 'an error reply: the new token is the one that works' },
      );
    const known = req.notes.token as { value: string; at: number } | undefined;
    const wrong =
      known !== undefined && known.at < req.sentOrd && known.value !== old && replacedAt === undefined;
    if (wrong) req.notes.wrongToken = true;
    if (wrong)
      ctx.observe(
        'UM-IOTA-003',
        reply.error ? 'pass' : 'fail',
        `an Iota change for user ${user} with a reset token that is not the user's got ${reply.type}`,
        where,
        { expected: 'an error reply' },
      );
    if (reply.error || typeof fresh !== 'string') return;
    cap(this.replacedTokens.set(old, req.repliedOrd ?? 0));
    if (user !== undefined) {
      this.user(user).token = { value: fresh, at: req.repliedOrd ?? 0 };
      cap(this.tokenOwners.set(fresh, user));
    }
  }

  // ---- the dialect -----------------------------------------------------------------------------------

  /** Which dialect the trace speaks, and how that was found. */
  dialect(forced?: Dialect): { dialect?: Dialect; how: string } {
    if (forced) return { dialect: forced, how: 'given with --dialect' };
    const { seed, tensamin } = this.evidence;
    if (seed.length > 0 && tensamin.length === 0)
      return { dialect: 'seed', how: `probed from the trace: requests ${seed.join(', ')}` };
    if (tensamin.length > 0 && seed.length === 0)
      return { dialect: 'tensamin', how: `probed from the trace: requests ${tensamin.join(', ')}` };
    if (seed.length > 0)
      return {
        how: `the trace mixes both dialects (seed: ${seed.join(', ')}; tensamin: ${tensamin.join(', ')})`,
      };
    const types = Object.keys(this.getUserReplies);
    if (types.length === 1 && types[0] === 'get_user')
      return { dialect: 'seed', how: 'probed from the trace: get_user_data is answered with get_user' };
    if (types.length === 1 && types[0] === 'get_user_data')
      return {
        dialect: 'tensamin',
        how: 'probed from the trace: get_user_data is answered with get_user_data',
      };
    return { how: 'no request or reply in the trace names a dialect' };
  }

  finish(ctx: CheckContext, end: number): void {
    const { dialect } = this.dialect(ctx.forcedDialect);
    const types = Object.entries(this.getUserReplies);
    if (types.length === 0) return;
    const expected = dialect === 'seed' ? 'get_user' : dialect === 'tensamin' ? 'get_user_data' : undefined;
    const wrong = types.filter(([t]) => (expected ? t !== expected : types.length > 1));
    const msg = wrong.map(([t, s]) => `${s.count}× ${t} (e.g. connection ${s.example})`).join(', ');
    for (const id of ['UM-GET-001', 'UM-GET-002', 'UM-GET-003'])
      if (wrong.length > 0)
        ctx.observe(
          id,
          'fail',
          expected
            ? `get_user_data was answered with ${msg}; the ${dialect} dialect answers ${expected}`
            : `get_user_data is answered with both reply types: ${types.map(([t, s]) => `${s.count}× ${t}`).join(', ')}`,
          { at: end },
          expected ? { expected } : {},
        );
  }
}
