// The passive checker: frames in trace order, correlated by id per connection (requests.ts,
// replies.ts), judged by the rule modules. Envelope rules (ENV-*, bad input) live here and in those
// two; the rest in rules-*.ts.
import type { OmikronIdentity } from '../../identity/identities.ts';
import type { Dialect } from '../../protocol/dialect.ts';
import { isBinary, isEvent, type TraceHeader, type TraceRecord } from '../format.ts';
import { DataRules } from './rules-data.ts';
import { SessionRules } from './rules-session.ts';
import { CheckSink, type TraceOutcome } from './sink.ts';
import type { FrameJudge } from './judge.ts';
import { fromOmega } from './replies.ts';
import { BURST, fromOmikron } from './requests.ts';
import type { Conn, Rules } from './types.ts';
import { isAnnouncement, optionalReply } from './wire.ts';

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
const CLOSED_KEPT = 10_000;

export interface CheckerSummary {
  readonly frames: number;
  readonly connections: number;
  readonly firstTime?: number;
  readonly lastTime?: number;
}

export class TraceChecker implements FrameJudge {
  readonly sink = new CheckSink();
  readonly conns = new Map<string, Conn>();
  readonly replyBoundMs: number;
  readonly forcedDialect?: Dialect;
  fromStart: boolean;
  readonly session: SessionRules;
  readonly data = new DataRules();
  readonly rules: Rules[];
  private frames = 0;
  /** The most requests seen in flight on one connection (ENV-005 needs 100). */
  maxInFlight = 0;
  /** Records fed so far: the order of everything in the trace. */
  ord = 0;
  private readonly closedOrder: string[] = [];
  /** Connections seen and not closed. */
  openCount = 0;
  private firstTime: number | undefined;
  private lastTime: number | undefined;
  private nextSweep = 0;
  concurrentReplies = 0;
  crossed = 0;
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
      this.openCount++;
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
    if (r.direction === 'to-omega') fromOmikron(this, c, r);
    else fromOmega(this, c, r);
  }

  private onClose(c: Conn, at: number, by: string | undefined, code: number | undefined): void {
    if (c.closed) return;
    c.closed = true;
    this.openCount--;
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
