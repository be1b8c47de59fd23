// The passive checker: frames in trace order, correlated by id per connection, judged by the rule
// modules. Envelope rules (ENV-*, bad input) live here; the rest in rules-*.ts.
import type { OmikronIdentity } from '../../identity/identities.ts';
import type { Dialect } from '../../protocol/dialect.ts';
import { isBinary, isEvent, type TraceHeader, type TraceRecord } from '../format.ts';
import { DataRules } from './rules-data.ts';
import { SessionRules } from './rules-session.ts';
import { CheckSink, type TraceOutcome } from './sink.ts';
import type { CheckContext, Conn, Reply, Req, Rules } from './types.ts';
import { classify, isAnnouncement, isErrorReply, isOperation, malformed, obj, parseFrame } from './wire.ts';

export interface CheckerOptions {
  /** Forced dialect (--dialect); probed from the trace when absent. */
  readonly dialect?: Dialect;
  /** A request unanswered this long on an open connection has lost its reply (ENV-003). */
  readonly replyBoundMs?: number;
  /** Vouch that the trace holds the Omega's whole history (overrides the header). */
  readonly fromStart?: boolean;
  /** Omikron identities: with them the challenges decrypt and the answers are judged (SES-002/003). */
  readonly identities?: readonly OmikronIdentity[];
  /** Called the first time a requirement fails (the proxy prints it as it happens). */
  readonly onFirstFailure?: (requirement: string, message: string) => void;
}

export const DEFAULT_REPLY_BOUND_MS = 10_000;
const RECENT = 12;
const ANSWERED_KEEP_MS = 60_000;
const BURST = 100;
const CLOSED_KEPT = 10_000;
/** A connection idle this long between requests ends a burst. */
const BURST_GAP_MS = 20;

export interface CheckerSummary {
  readonly frames: number;
  readonly connections: number;
  readonly firstTime?: number;
  readonly lastTime?: number;
}

export class TraceChecker implements CheckContext {
  readonly sink = new CheckSink();
  readonly conns = new Map<string, Conn>();
  readonly replyBoundMs: number;
  readonly forcedDialect?: Dialect;
  fromStart: boolean;
  readonly session: SessionRules;
  readonly data = new DataRules();
  private readonly rules: Rules[];
  private frames = 0;
  /** The most requests seen in flight on one connection (ENV-005 needs 100). */
  maxInFlight = 0;
  /** Records fed so far: the order of everything in the trace. */
  private ord = 0;
  private readonly closedOrder: string[] = [];
  /** Connections seen and not closed. */
  private open = 0;
  private firstTime: number | undefined;
  private lastTime: number | undefined;
  private nextSweep = 0;
  private concurrentReplies = 0;
  private crossed = 0;
  private finished = false;

  constructor(readonly options: CheckerOptions = {}) {
    this.replyBoundMs = options.replyBoundMs ?? DEFAULT_REPLY_BOUND_MS;
    if (options.dialect) this.forcedDialect = options.dialect;
    this.fromStart = options.fromStart ?? false;
    this.session = new SessionRules(options.identities ?? []);
    this.session.existence = this.data;
    this.rules = [this.session, this.data];
  }

  header(h: TraceHeader): void {
    if (this.options.fromStart === undefined && h.fromStart === true) this.fromStart = true;
  }

  observe(
    requirement: string,
    outcome: TraceOutcome,
    message: string,
    where: { conn?: Conn; at: number },
    extra: { expected?: string; actual?: string } = {},
  ): void {
    const conn = where.conn;
    if (conn && outcome === 'fail' && /^ENV-00[123]$/.test(requirement)) conn.envFailures++;
    // Most observations are passes after the first: counted, nothing else kept.
    if (outcome === 'pass' && this.sink.countPass(requirement)) return;
    const recent = conn && outcome !== 'pass' ? conn.recent.map(renderFrame) : undefined;
    if (outcome === 'fail' && this.sink.failures(requirement) === 0)
      this.options.onFirstFailure?.(requirement, message);
    this.sink.record({
      requirement,
      outcome,
      message,
      ...extra,
      where: `${conn ? `connection ${conn.name} ` : ''}at ${new Date(where.at).toISOString()}`,
      ...(recent ? { evidence: () => recent.join('\n') } : {}),
    });
  }

  settled(at: number): boolean {
    return this.fromStart || (this.firstTime !== undefined && at >= this.firstTime + this.replyBoundMs);
  }

  get summary(): CheckerSummary {
    return {
      frames: this.frames,
      connections: this.conns.size,
      ...(this.firstTime !== undefined ? { firstTime: this.firstTime } : {}),
      ...(this.lastTime !== undefined ? { lastTime: this.lastTime } : {}),
    };
  }

  private conn(name: string, opening: boolean): Conn {
    let c = this.conns.get(name);
    if (!c) {
      c = {
        name,
        openSeen: opening,
        closed: false,
        handshake: 'none',
        announced: new Map(),
        pending: new Map(),
        reused: new Map(),
        answered: new Map(),
        idlessSent: 0,
        idlessReplies: 0,
        inFlight: 0,
        burst: false,
        sinceIdle: 0,
        idleAt: Number.NEGATIVE_INFINITY,
        envFailures: 0,
        seq: 0,
        recent: [],
      };
      this.conns.set(name, c);
      this.open++;
    }
    return c;
  }

  feed(r: TraceRecord): void {
    this.ord++;
    this.firstTime ??= r.time;
    this.lastTime = r.time;
    if (r.time >= this.nextSweep) {
      this.sweep(r.time);
      this.nextSweep = r.time + 250;
    }
    if (isEvent(r)) {
      if (r.event === 'open') this.conn(r.connection, true);
      else this.onClose(this.conn(r.connection, false), r.time, r.by, r.code);
      return;
    }
    this.frames++;
    const c = this.conn(r.connection, false);
    c.recent.push(r);
    if (c.recent.length > RECENT) c.recent.shift();
    if (r.direction === 'to-omega') this.fromOmikron(c, r);
    else this.fromOmega(c, r);
  }

  // ---- Omikron → Omega ---------------------------------------------------------------------------------

  private fromOmikron(c: Conn, r: TraceRecord): void {
    const at = r.time;
    if (isBinary(r)) {
      c.idlessSent++;
      c.badPending = { requirement: 'BAD-008', at, what: `a binary frame of ${r.binary} bytes` };
      return;
    }
    if (!('text' in r)) return;
    const length = r.length ?? Buffer.byteLength(r.text, 'utf8');
    const p = parseFrame(r.text);
    if (p.kind !== 'object' || p.type === undefined) {
      if (p.kind === 'object' && p.id !== undefined) {
        // An object with a string id but no type: an error reply with that id (BAD-003), as a request.
        this.request(c, at, p.id, '', p.json);
        return;
      }
      c.idlessSent++;
      const requirement =
        length >= 1024 * 1024
          ? 'BAD-009'
          : p.kind === 'empty'
            ? 'BAD-007'
            : p.kind === 'invalid-json'
              ? 'BAD-001'
              : p.kind === 'not-object'
                ? 'BAD-002'
                : 'BAD-003';
      if (requirement !== 'BAD-003') c.badPending = { requirement, at, what: describeBad(p.kind, length) };
      return;
    }
    const { json, type, id } = p;
    if (id === undefined) {
      c.idlessSent++;
      return;
    }
    this.request(c, at, id, type, json);
  }

  private request(c: Conn, at: number, id: string, type: string, json: Record<string, unknown>): void {
    const data = obj(json.data) ?? {};
    const cls = classify(type === '' ? undefined : type, data);
    if (cls.dialect) this.data.dialectEvidence(cls.dialect, type);
    if (c.pending.has(id)) {
      // An id reused while in flight: its replies cannot be told apart. The reply it owes is no
      // second reply (the suite's generated ids may repeat, "" twice, say).
      c.reused.set(id, (c.reused.get(id) ?? 0) + 1);
      return;
    }
    const req: Req = {
      id,
      type,
      op: cls.op,
      data,
      sender: json.sender,
      conn: c,
      sentAt: at,
      sentOrd: this.ord,
      seq: c.seq++,
      beforeAuth: c.openSeen && (c.handshake === 'none' || c.handshake === 'challenged'),
      ...(c.handshake === 'refused'
        ? { afterRefusal: 'SES-003' as const }
        : c.handshake === 'refused-id'
          ? { afterRefusal: 'SES-004' as const }
          : {}),
      notes: {},
    };
    if (isOperation(cls.op) && json.data !== undefined) {
      const bad = malformed(cls.op, cls.dialect ?? 'seed', json.data);
      if (bad) req.notes.malformed = bad;
    } else if (isOperation(cls.op) && cls.op !== 'getRegister') req.notes.malformed = 'no data';
    c.answered.delete(id);
    c.pending.set(id, req);
    if (!optionalReply(cls.op)) {
      // A burst: requests sent one after another without the connection going idle (some replies may
      // overtake later requests at the recorder, so in flight at one instant undercounts it).
      if (c.inFlight === 0 && at - c.idleAt > BURST_GAP_MS) c.sinceIdle = 0;
      c.inFlight++;
      c.sinceIdle++;
      if (c.sinceIdle >= BURST) c.burst = true;
      if (c.inFlight > this.maxInFlight) this.maxInFlight = c.inFlight;
    }
    // A malformed envelope (sender, receiver or data of the wrong type) is judged for its id echo only;
    // the data rules still see it, in case the Omega applied it anyway.
    const envelopeBad =
      !envelopeId(json.sender) ||
      !envelopeId(json.receiver) ||
      (json.data !== undefined && obj(json.data) === undefined && !isOperation(cls.op));
    if (envelopeBad) req.notes.envelopeBad = true;
    for (const rule of this.rules) if (!envelopeBad || rule === this.data) rule.onRequest?.(req, this);
  }

  // ---- Omega → Omikron ---------------------------------------------------------------------------------

  private fromOmega(c: Conn, r: TraceRecord): void {
    const at = r.time;
    if (isBinary(r)) {
      this.observe(
        'ENV-004',
        'fail',
        `the Omega sent a binary frame (${r.binary} bytes)`,
        { conn: c, at },
        {
          expected: 'a JSON object in a text frame',
        },
      );
      return;
    }
    if (!('text' in r)) return;
    const p = parseFrame(r.text);
    if (p.kind !== 'object' || p.type === undefined) {
      if (r.truncated) return; // cut by the recorder: cannot be judged
      this.observe(
        'ENV-004',
        'fail',
        'a frame from the Omega is not a JSON object with a string type',
        { conn: c, at },
        {
          actual: r.text.slice(0, 200),
        },
      );
      return;
    }
    this.observe('ENV-004', 'pass', `${p.type} is a JSON object with a string type`, { conn: c, at });
    const reply: Reply = {
      type: p.type,
      json: p.json,
      data: obj(p.json.data),
      error: isErrorReply(p.type),
      at,
    };
    if (reply.error) this.observe('ENV-008', 'info', `error type ${p.type}`, { at });
    if (p.id === undefined) {
      this.idless(c, reply);
      return;
    }
    const req = c.pending.get(p.id);
    if (req) {
      this.correlated(c, req, reply);
      return;
    }
    const owed = c.reused.get(p.id) ?? 0;
    if (owed > 0) {
      if (owed === 1) c.reused.delete(p.id);
      else c.reused.set(p.id, owed - 1);
      return;
    }
    const prior = c.answered.get(p.id);
    if (prior) {
      this.observe(
        'ENV-003',
        'fail',
        `a second reply (${p.type}) to request ${p.id} (${prior.type}), answered already`,
        {
          conn: c,
          at,
        },
      );
      if (isAnnouncement(prior.op))
        this.observe('ANN-001', 'fail', `the announcement ${prior.type} got a second reply (${p.type})`, {
          conn: c,
          at,
        });
      return;
    }
    if (p.type === 'ping') {
      this.observe('SES-008', 'info', 'the Omega sends heartbeat pings', { at });
      return;
    }
    for (const other of this.conns.values()) {
      if (other !== c && other.pending.has(p.id)) {
        this.crossed++;
        this.observe(
          'ENV-006',
          'fail',
          `a reply (${p.type}) reached connection ${c.name}, but request ${p.id} came from connection ${other.name}`,
          { conn: c, at },
        );
        return;
      }
    }
    if (c.openSeen)
      this.observe(
        'ENV-003',
        'fail',
        `a reply (${p.type}) carries id ${p.id}, which no request on this connection had`,
        { conn: c, at },
      );
    else
      this.observe(
        'ENV-003',
        'inconclusive',
        `a reply carries id ${p.id}, unknown: its request may predate the trace`,
        { conn: c, at },
      );
  }

  private idless(c: Conn, reply: Reply): void {
    if (reply.type === 'ping') {
      this.observe('SES-008', 'info', 'the Omega sends heartbeat pings', { at: reply.at });
      return;
    }
    c.idlessReplies++;
    if (reply.error && c.badPending) {
      this.observe(
        c.badPending.requirement,
        'pass',
        `${c.badPending.what} got an error reply (${reply.type})`,
        { conn: c, at: reply.at },
      );
      this.observe('BAD-011', 'info', `${c.badPending.what}: ${reply.type}`, { at: reply.at });
      c.badPending = undefined;
      return;
    }
    if (!c.openSeen || c.idlessReplies <= c.idlessSent) return; // it may answer a frame that had no id
    const requirement = reply.error ? 'ENV-002' : 'ENV-001';
    this.observe(
      requirement,
      'fail',
      `${reply.type} without an id, though every frame sent on this connection had one`,
      { conn: c, at: reply.at },
      {
        expected: 'the id of the request it answers',
        actual: 'no id',
      },
    );
  }

  private correlated(c: Conn, req: Req, reply: Reply): void {
    c.pending.delete(req.id);
    if (!optionalReply(req.op) && --c.inFlight === 0) c.idleAt = reply.at;
    c.answered.set(req.id, { type: req.type, op: req.op, at: reply.at });
    req.repliedAt = reply.at;
    req.repliedOrd = this.ord;
    req.replyType = reply.type;
    req.reply = reply.json;
    const late = reply.at - req.sentAt > this.replyBoundMs;
    if (late)
      this.observe(
        'ENV-003',
        'fail',
        `${req.type} was answered after ${Math.round(reply.at - req.sentAt)} ms, beyond the reply bound of ${this.replyBoundMs} ms`,
        { conn: c, at: reply.at },
      );
    else if (!optionalReply(req.op))
      this.observe('ENV-003', 'pass', `${req.type} got one reply`, { conn: c, at: reply.at });
    this.observe(
      reply.error ? 'ENV-002' : 'ENV-001',
      'pass',
      `${reply.type} carries the id of its ${req.type || 'request'}`,
      { conn: c, at: reply.at },
    );
    if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(req.id))
      this.observe('BAD-006', 'pass', `the id "${req.id.slice(0, 40)}", not a UUID, was echoed as it is`, {
        conn: c,
        at: reply.at,
      });
    if (this.open > 1) this.concurrentReplies++;
    if (c.unknownTypeErrorAt !== undefined) {
      this.observe('BAD-004', 'pass', 'the connection was still served after an unknown type', {
        conn: c,
        at: reply.at,
      });
      c.unknownTypeErrorAt = undefined;
    }
    if (req.op === 'untyped')
      this.observe(
        'BAD-003',
        reply.error ? 'pass' : 'fail',
        `an object with an id but no type got ${reply.type}`,
        { conn: c, at: reply.at },
        { expected: 'an error reply with that id' },
      );
    if (req.op === 'unknown' && reply.error) c.unknownTypeErrorAt = reply.at;
    if (req.notes.envelopeBad) {
      this.data.onReply(req, reply, this);
      return;
    }
    if (typeof req.notes.malformed === 'string' && !req.beforeAuth && !req.afterRefusal)
      this.observe(
        'BAD-005',
        reply.error ? 'pass' : 'fail',
        `${req.type} with ${req.notes.malformed} got ${reply.type}`,
        { conn: c, at: reply.at },
        { expected: 'an error reply' },
      );
    for (const rule of this.rules) rule.onReply?.(req, reply, this);
  }

  private onClose(c: Conn, at: number, by: string | undefined, code: number | undefined): void {
    if (c.closed) return;
    c.closed = true;
    this.open--;
    // Closed connections are kept for the identification checks (IDN-*-003), up to a bound.
    this.closedOrder.push(c.name);
    if (this.closedOrder.length > CLOSED_KEPT) this.conns.delete(this.closedOrder.shift()!);
    if (c.badPending && at - c.badPending.at > this.replyBoundMs) {
      this.observe(
        c.badPending.requirement,
        'fail',
        `${c.badPending.what}: no error reply and no close within ${this.replyBoundMs} ms`,
        { conn: c, at },
        { expected: 'an error reply or a clean close' },
      );
      c.badPending = undefined;
    }
    if (c.badPending && by === 'omega') {
      const clean = code !== undefined && code !== 1006;
      this.observe(
        c.badPending.requirement,
        clean ? 'pass' : 'fail',
        `${c.badPending.what}: the Omega closed the connection (${code ?? 'no code'})`,
        { conn: c, at },
        clean
          ? {}
          : {
              expected: 'an error reply or a clean close',
              actual: 'the connection dropped without a close frame',
            },
      );
      this.observe('BAD-011', 'info', `${c.badPending.what}: close ${code}`, { at });
    }
    c.badPending = undefined;
    if (c.unknownTypeErrorAt !== undefined && by === 'omega' && at - c.unknownTypeErrorAt < 2000)
      this.observe(
        'BAD-004',
        'fail',
        'after an error reply to an unknown type, the Omega closed the connection',
        { conn: c, at },
        { expected: 'the connection stays usable' },
      );
    for (const rule of this.rules) rule.onClose?.(c, at, by, code, this);
    // Replies lost with a connection are not judged: the Omega may close (bad input, refused handshake).
    c.pending.clear();
    c.answered.clear();
    c.inFlight = 0;
  }

  /** Requests past the reply bound: announcements may go unanswered; anything else has lost its reply. */
  sweep(now: number): void {
    const limit = now - this.replyBoundMs;
    for (const c of this.conns.values()) {
      if (c.closed) continue;
      if (c.badPending && c.badPending.at < limit) {
        this.observe(
          c.badPending.requirement,
          'fail',
          `${c.badPending.what}: no error reply and no close within ${this.replyBoundMs} ms`,
          { conn: c, at: now },
          { expected: 'an error reply or a clean close' },
        );
        c.badPending = undefined;
      }
      for (const [id, req] of c.pending) {
        if (req.sentAt >= limit) break; // in send order
        c.pending.delete(id);
        if (optionalReply(req.op)) {
          if (isAnnouncement(req.op) && !req.notes.envelopeBad && !req.beforeAuth)
            this.observe('ANN-001', 'pass', `${req.type} got no reply`, { conn: c, at: now });
          continue;
        }
        c.inFlight--;
        this.observe(
          'ENV-003',
          'fail',
          `${req.type} (id ${id}) got no reply within ${this.replyBoundMs} ms`,
          { conn: c, at: now },
          { expected: 'one reply' },
        );
      }
      for (const [id, a] of c.answered) {
        if (a.at >= now - ANSWERED_KEEP_MS) break;
        c.answered.delete(id);
      }
    }
  }

  /** End of the trace (or a live snapshot): the last judgments. Idempotent for `end` past the last frame. */
  finish(end = this.lastTime ?? 0): void {
    this.sweep(end);
    if (this.finished) return;
    this.finished = true;
    for (const c of this.conns.values()) {
      if (!c.burst) continue;
      const bad =
        this.sink.failures('ENV-003') + this.sink.failures('ENV-001') + this.sink.failures('ENV-002');
      this.observe(
        'ENV-005',
        bad > 0 ? 'fail' : 'pass',
        bad > 0
          ? `with ${BURST}+ requests in flight on a connection, ${bad} reply(s) were lost, late, doubled or without their id (see ENV-001..003)`
          : `${BURST}+ requests in flight on a connection were each answered once with their id`,
        { conn: c, at: end },
      );
    }
    if (this.concurrentReplies > 0 && this.crossed === 0)
      this.observe(
        'ENV-006',
        'pass',
        `${this.concurrentReplies} reply(s) reached their own connection while several were open`,
        { at: end },
      );
    for (const rule of this.rules) rule.finish?.(this, end);
  }
}

/** One frame of a connection's recent history, as evidence attached to a failure. */
function renderFrame(r: TraceRecord): string {
  const arrow = 'direction' in r && r.direction === 'to-omega' ? '->' : '<-';
  const shown = isBinary(r)
    ? `[binary ${r.binary} bytes]`
    : 'text' in r
      ? r.text.length > 300
        ? `${r.text.slice(0, 300)}…`
        : r.text
      : '';
  return `${new Date(r.time).toISOString().slice(11)} ${arrow} ${shown}`;
}

/** sender and receiver, when present, are ids: non-negative safe integers. */
const envelopeId = (v: unknown): boolean =>
  v === undefined || (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0);

/** Announcements may go unanswered, and so may a pong (the Omikron answering the Omega's heartbeat). */
const optionalReply = (op: string): boolean => isAnnouncement(op as never) || op === 'pong';

function describeBad(kind: string, length: number): string {
  if (length >= 1024 * 1024) return `a frame of ${length} bytes`;
  if (kind === 'empty') return 'an empty frame';
  if (kind === 'invalid-json') return 'a frame that is not JSON';
  if (kind === 'not-object') return 'a JSON array or scalar';
  return 'an object without a type';
}
