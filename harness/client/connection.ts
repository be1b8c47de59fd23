// One WebSocket connection to an Omega: correlation by id, bounded waits, transcript, keepalive.
// No protocol semantics beyond the envelope live here (see session.ts).
import { randomUUID } from 'node:crypto';
import WebSocket, { type RawData } from 'ws';
import { isErrorType } from '../protocol/messages.ts';
import { type Anomaly, describeAnomaly, frameHead } from './causes.ts';
import { ConnectionClosedError, HarnessError, ProtocolViolation, ReplyTimeoutError } from './errors.ts';
import { decode, type Reply } from './frames.ts';
import { IdLedger } from './ledger.ts';
import { openSocket } from './open.ts';
import { settleAll, settleOne } from './settling.ts';
import type { OrderKnowledge } from './order.ts';
import { Transcript } from './transcript.ts';
import { waitAtMost } from './wait.ts';

export { waitAtMost };

export interface TlsOptions {
  /** PEM file of a CA that signed the target's certificate. */
  readonly caFile?: string;
  /** Accept any certificate (self-signed development servers). */
  readonly insecure?: boolean;
}

export interface ConnectionOptions {
  readonly label: string;
  readonly timeoutMs: number;
  readonly connectTimeoutMs?: number;
  readonly tls?: TlsOptions;
  readonly transcript?: Transcript;
  /** Largest frame accepted from the target. */
  readonly maxPayload?: number;
  /** Send our own ping when idle this long, so long runs are not dropped as idle. 0 disables. */
  readonly keepaliveMs?: number;
  /** Whether the target keeps order, once probed (harness/client/order.ts); unknown counts as in order. */
  readonly order?: OrderKnowledge;
}

export interface Envelope {
  readonly type: string;
  readonly id?: string;
  readonly sender?: number;
  readonly receiver?: number;
  readonly data?: unknown;
}

export type { Reply } from './frames.ts';

/** A frame sent on purpose without the envelope's shape (bad input): any fields of any type, no cast. */
export interface RawEnvelope {
  readonly id?: string;
  readonly [field: string]: unknown;
}

export type { Anomaly } from './causes.ts';

interface Pending {
  readonly what: string;
  /** The request's type, when it had a string one. */
  readonly type?: string;
  readonly resolve: (r: Reply) => void;
  readonly reject: (e: Error) => void;
  /** performance.now() past which the request has timed out (one sweep timer per connection). */
  readonly deadline: number;
  readonly timeoutMs: number;
  /** Transcript time it was sent. */
  readonly sentAt: number;
  /** The harness's own keepalive ping: never taken for the sole request a wrong frame belongs to. */
  readonly keepalive: boolean;
}

/** A reply to a request given up: in the settle window, after a timeout, or late (then also an anomaly). */
export interface LateReply {
  readonly id: string;
  readonly what: string;
  readonly afterTimeout: boolean;
  readonly inWindow: boolean;
}

export interface CloseInfo {
  readonly code: number;
  readonly reason: string;
}

export class Connection {
  private readonly pending = new Map<string, Pending>();
  /** Ids answered or given up, to tell a doubled or late reply from a stray one. */
  private readonly ledger = new IdLedger();
  private readonly uncorrelatedWaiters: Array<(r: Reply | CloseInfo) => void> = [];
  private readonly uncorrelatedQueue: Reply[] = [];
  /** Frames sent that the server can read no id from, whose answer has not come yet. */
  private unreadable = 0;
  private keepalive?: NodeJS.Timeout;
  private sweepTimer?: NodeJS.Timeout;
  private sweepAt: number | undefined;
  private lastSent = Date.now();
  private closeInfo?: CloseInfo;
  private socketError?: string;
  readonly anomalies: Anomaly[] = [];
  /** Called after each reply to a waiting request (settleAll). */
  private readonly replyListeners = new Set<() => void>();
  readonly serverPings: Reply[] = [];
  /** Every reply that came after its request was given up (a barrier, a timeout, a wrong frame first). */
  readonly lateReplies: LateReply[] = [];
  readonly closed: Promise<CloseInfo>;
  readonly transcript: Transcript;

  private constructor(
    private readonly ws: WebSocket,
    readonly options: ConnectionOptions,
  ) {
    this.transcript = options.transcript ?? new Transcript();
    this.closed = new Promise((resolve) => {
      ws.on('close', (code, reasonBuf) => {
        // A close the client itself forced (e.g. a frame over maxPayload: 1006) names its error.
        const info = { code, reason: reasonBuf.toString('utf8') || this.socketError || '' };
        this.closeInfo = info;
        clearInterval(this.keepalive);
        clearTimeout(this.sweepTimer);
        this.transcript.record(this.label, 'event', 'close', `close ${code} ${info.reason}`, code);
        const at = this.now();
        for (const [, p] of this.pending) {
          p.reject(new ConnectionClosedError(this.label, p.what, code, info.reason, at));
        }
        this.pending.clear();
        for (const w of this.uncorrelatedWaiters.splice(0)) w(info);
        resolve(info);
      });
    });
    ws.on('message', (data, isBinary) => this.onMessage(data, isBinary));
    ws.on('error', (err) => {
      this.socketError = err.message;
      this.transcript.record(this.label, 'event', 'error', err.message);
    });
    const every = options.keepaliveMs ?? 10_000;
    if (every > 0) {
      this.keepalive = setInterval(() => {
        if (Date.now() - this.lastSent >= every && this.isOpen) {
          this.request({ type: 'ping', data: { last_ping: -1 } }, { keepalive: true }).catch(() => {});
        }
      }, every).unref();
    }
  }

  get label(): string {
    return this.options.label;
  }

  get isOpen(): boolean {
    return this.ws.readyState === WebSocket.OPEN;
  }

  get closeState(): CloseInfo | undefined {
    return this.closeInfo;
  }

  /** Whether the target showed it keeps this connection's order (probed once per run; unknown: yes). */
  get inOrder(): boolean {
    return this.options.order?.inOrder ?? true;
  }

  /** How long after a barrier a reply to an earlier request may still come: 0 for an in-order target. */
  get settleMs(): number {
    return this.options.order?.settleMs ?? 0;
  }

  /** Milliseconds on the transcript's clock (causes carry these, so a vendor finds the frame). */
  now(): number {
    return this.transcript.now();
  }

  static async open(url: string, options: ConnectionOptions): Promise<Connection> {
    const transcript = options.transcript ?? new Transcript();
    const ws = await openSocket(url, options, transcript);
    return new Connection(ws, { ...options, transcript });
  }

  /**
   * Send a frame as it is (text or binary), for bad-input scenarios. `expectUncorrelatedReply`
   * (default true): the server can read no id from it, so the next error* frame whose id matches
   * no request (or the next frame without an id) is its answer, whatever its id.
   */
  sendRaw(
    payload: string | Buffer,
    opts: { binary?: boolean; expectUncorrelatedReply?: boolean } = {},
  ): void {
    const binary = opts.binary ?? Buffer.isBuffer(payload);
    if (opts.expectUncorrelatedReply ?? true) this.unreadable++;
    this.transcript.record(this.label, 'out', binary ? 'binary' : 'text', payload);
    this.lastSent = Date.now();
    this.ws.send(payload, { binary });
  }

  /** Send an envelope without waiting; an id is assigned when missing. */
  send(envelope: Envelope | RawEnvelope): string {
    let e = envelope;
    if (e.id === undefined) e = { ...e, id: randomUUID() };
    const id = e.id as string;
    const text = JSON.stringify(e);
    this.transcript.record(this.label, 'out', 'text', text);
    this.lastSent = Date.now();
    this.ws.send(text);
    return id;
  }

  /** Send an envelope and wait (bounded) for the reply carrying its id. */
  request(
    envelope: Envelope | RawEnvelope,
    opts: { timeoutMs?: number; internal?: boolean; keepalive?: boolean } = {},
  ): Promise<Reply> {
    const id = envelope.id ?? randomUUID();
    const what = `${typeof envelope.type === 'string' ? envelope.type : 'a frame without a string type'} (id ${id})`;
    if (this.closeInfo) {
      return Promise.reject(
        new ConnectionClosedError(this.label, what, this.closeInfo.code, this.closeInfo.reason, this.now()),
      );
    }
    const timeoutMs = opts.timeoutMs ?? this.options.timeoutMs;
    const deadline = performance.now() + timeoutMs;
    const sentAt = this.now();
    const promise = new Promise<Reply>((resolve, reject) => {
      this.pending.set(id, {
        what,
        ...(typeof envelope.type === 'string' ? { type: envelope.type } : {}),
        resolve,
        reject,
        deadline,
        timeoutMs,
        sentAt,
        keepalive: opts.keepalive ?? false,
      });
    });
    this.armSweep(deadline);
    this.send(envelope.id === id ? envelope : { ...envelope, id });
    return promise;
  }

  /** One timer per connection, armed for the earliest deadline: no timer per request. */
  private armSweep(deadline: number): void {
    if (this.sweepAt !== undefined && this.sweepAt <= deadline) return;
    clearTimeout(this.sweepTimer);
    this.sweepAt = deadline;
    this.sweepTimer = setTimeout(() => this.sweep(), Math.max(0, Math.ceil(deadline - performance.now())));
  }

  private sweep(): void {
    this.sweepAt = undefined;
    const now = performance.now() + 1; // timers may fire a hair early
    let next = Number.POSITIVE_INFINITY;
    for (const [id, p] of this.pending) {
      if (p.deadline <= now) {
        this.pending.delete(id);
        this.giveUp(id, p.what, true);
        this.transcript.note(this.label, `timeout: no reply to ${p.what} after ${p.timeoutMs} ms`);
        const strays = this.anomalies.filter((a) => a.at >= p.sentAt);
        p.reject(
          new ReplyTimeoutError(this.label, p.what, p.timeoutMs, {
            kind: 'timeout',
            connection: this.label,
            at: this.now(),
            request: p.what,
            ...(p.type === undefined ? {} : { requestType: p.type }),
            sentAt: p.sentAt,
            timeoutMs: p.timeoutMs,
            strays,
          }),
        );
      } else if (p.deadline < next) next = p.deadline;
    }
    if (next !== Number.POSITIVE_INFINITY) this.armSweep(next);
  }

  /** Transcript time until which a reply to a request given up is still in time (0: none is). */
  settlingUntil(): number {
    return this.ledger.settlingUntil();
  }

  private giveUp(id: string, what: string, timedOut: boolean): void {
    this.ledger.giveUp(id, what, this.now(), this.settleMs, timedOut);
  }

  /**
   * Prove everything sent before has been processed: a ping round trip on this connection. That
   * proof holds for an in-order target only (inOrder); otherwise replies may follow for settleMs.
   */
  async barrier(timeoutMs?: number): Promise<void> {
    const reply = await this.request(
      { type: 'ping', data: { last_ping: -1 } },
      { internal: true, timeoutMs },
    );
    if (reply.type !== 'pong') {
      const text = JSON.stringify(reply.frame);
      throw new ProtocolViolation(
        this.label,
        `barrier ping answered with "${reply.type}" instead of "pong"`,
        {
          kind: 'barrier-not-pong',
          connection: this.label,
          at: this.now(),
          frame: frameHead(text),
          type: reply.type,
          ...(reply.id === undefined ? {} : { id: reply.id }),
          error: isErrorType(reply.type),
        },
      );
    }
  }

  /** After a barrier: the reply to `id` if it comes within the settle window, else null (settling.ts). */
  settle(id: string, pending: Promise<Reply>): Promise<Reply | null> {
    return settleOne(this, id, pending);
  }

  /** After a barrier: wait until none of `ids` awaits its reply, or a quiet settle window (settling.ts). */
  settleAll(ids: readonly string[]): Promise<void> {
    return settleAll(this, ids);
  }

  /** Whether a reply to this id is still awaited. */
  isWaiting(id: string): boolean {
    return this.pending.has(id);
  }

  /** Whether nothing sent awaits an answer (requests, unreadable frames): a reusable connection is. */
  get quiet(): boolean {
    return this.pending.size === 0 && this.unreadable === 0 && this.uncorrelatedQueue.length === 0;
  }

  /** Call `listener` after each reply to a waiting request; returns the way to stop. */
  onReply(listener: () => void): () => void {
    this.replyListeners.add(listener);
    return () => this.replyListeners.delete(listener);
  }

  /**
   * Stop waiting for a reply to this id (an announcement that got none before a barrier). A reply
   * that still comes within the settle window is in time; later, it is a late reply (an anomaly).
   */
  forget(id: string): void {
    const p = this.pending.get(id);
    if (!p) return;
    this.pending.delete(id);
    // Given up now, on the latest barrier: the settle window runs from here.
    this.giveUp(id, p.what, false);
    p.reject(new HarnessError(`${this.label}: ${p.what} was given up after a barrier`));
  }

  /** Wait for the next frame that carries no id we sent (an error reply to an unparsable frame), or a close. */
  nextUncorrelated(timeoutMs?: number): Promise<Reply | CloseInfo | 'timeout'> {
    const queued = this.uncorrelatedQueue.shift();
    if (queued) return Promise.resolve(queued);
    if (this.closeInfo) return Promise.resolve(this.closeInfo);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        const i = this.uncorrelatedWaiters.indexOf(done);
        if (i >= 0) this.uncorrelatedWaiters.splice(i, 1);
        resolve('timeout');
      }, timeoutMs ?? this.options.timeoutMs);
      const done = (r: Reply | CloseInfo) => {
        clearTimeout(timer);
        resolve(r);
      };
      this.uncorrelatedWaiters.push(done);
    });
  }

  /** The answer to an unreadable frame will not be taken any more: a later one is a stray. */
  abandonUnreadable(): void {
    if (this.unreadable > 0) this.unreadable--;
    this.uncorrelatedWaiters.splice(0);
  }

  /** Close cleanly and wait (bounded) for the close to complete. */
  async close(): Promise<void> {
    clearInterval(this.keepalive);
    if (this.closeInfo) return;
    this.ws.close(1000);
    const t = setTimeout(() => this.ws.terminate(), 1000);
    await this.closed;
    clearTimeout(t);
  }

  /** Drop the TCP connection without a close handshake. */
  terminate(): void {
    this.ws.terminate();
  }

  private onMessage(data: RawData, isBinary: boolean): void {
    const d = decode(data, isBinary);
    const at = this.now();
    const connection = this.label;
    if (d.kind === 'binary') {
      this.transcript.record(this.label, 'in', 'binary', d.bytes);
      this.anomaly({ kind: 'binary', connection, at, length: d.bytes.length });
      return;
    }
    // Decoded once; the bytes themselves go to the transcript only when they are not valid UTF-8.
    const valid = Buffer.byteLength(d.text) === d.bytes.length;
    this.transcript.record(this.label, 'in', 'text', valid ? d.text : d.bytes);
    if (d.kind === 'not-json') {
      this.anomaly({ kind: 'not-json', connection, at, frame: frameHead(d.text) });
      return;
    }
    const reply = d.reply;
    const id = reply.id;
    const pending = id === undefined ? undefined : this.pending.get(id);
    if (pending && id !== undefined) {
      this.pending.delete(id);
      this.ledger.markAnswered(id);
      pending.resolve(reply);
      for (const l of this.replyListeners) l();
      return;
    }
    if (reply.type === 'ping') {
      // The Omega's heartbeat: noted, never counted as a reply, and not answered, as the public
      // Omikron does not (a server may refuse a pong it did not expect, e.g. during the handshake);
      // the suite's own keepalive pings are what keep the connection from looking idle.
      this.serverPings.push(reply);
      return;
    }
    const error = isErrorType(reply.type);
    const facts = { connection, at, frame: frameHead(d.text), type: reply.type, error };
    // The answer to a frame the server could read no id from: whatever its id, when it is an error.
    if (this.unreadable > 0 && (id === undefined || (error && !this.ledger.knows(id)))) {
      this.unreadable--;
      const waiter = this.uncorrelatedWaiters.shift();
      if (waiter) waiter(reply);
      else this.uncorrelatedQueue.push(reply);
      return;
    }
    if (id === undefined) return this.anomaly({ kind: 'no-id', ...facts });
    const gone = this.ledger.takeGivenUp(id);
    if (gone) {
      const inWindow = !gone.timedOut && at <= gone.until;
      this.lateReplies.push({ id, what: gone.what, afterTimeout: gone.timedOut, inWindow });
      // After a timeout the timeout is the fault already recorded; within the window it is in time.
      if (gone.timedOut || inWindow) {
        const why = gone.timedOut ? 'after it was given up (timeout)' : 'within the settle window (in time)';
        this.transcript.note(this.label, `a reply to ${gone.what} ${why}`);
      } else {
        const lateByMs = Math.round(at - gone.at);
        this.anomaly({ kind: 'late', ...facts, id, request: gone.what, lateByMs });
      }
    } else if (this.ledger.wasAnswered(id)) {
      this.anomaly({ kind: 'duplicate', ...facts, id });
    } else this.anomaly({ kind: 'unsolicited', ...facts, id });
  }

  /** Record a frame that matched nothing; with exactly one request waiting, it is that reply gone wrong. */
  private anomaly(a: Anomaly): void {
    this.anomalies.push(a);
    if (a.kind === 'duplicate' || a.kind === 'late') return;
    // While the answer to an unreadable frame is awaited, a wrong frame may be that answer: no guess.
    if (this.unreadable > 0) return;
    const waiting = [...this.pending.entries()].filter(([, p]) => !p.keepalive);
    if (waiting.length !== 1) return;
    const [id, p] = waiting[0]!;
    this.pending.delete(id);
    this.giveUp(id, p.what, true);
    p.reject(
      new ProtocolViolation(this.label, `waiting for ${p.what}, the target sent ${describeAnomaly(a)}`, {
        kind: 'wrong-reply',
        connection: this.label,
        at: a.at,
        request: p.what,
        sentAt: p.sentAt,
        anomaly: a,
      }),
    );
  }
}

export const isCloseInfo = (r: Reply | CloseInfo | 'timeout'): r is CloseInfo =>
  typeof r === 'object' && 'code' in r && !('type' in r);
