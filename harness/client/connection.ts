// One WebSocket connection to an Omega: correlation by id, bounded waits, transcript, keepalive.
// No protocol semantics beyond the envelope live here (see session.ts).
import { randomUUID } from 'node:crypto';
import { type RawData, WebSocket } from '../ws.ts';
import { isErrorType } from '../protocol/messages.ts';
import { type Anomaly, describeAnomaly, frameHead } from './causes.ts';
import { ConnectionClosedError, HarnessError, ProtocolViolation } from './errors.ts';
import { messageBytes, parseReply, type Reply } from './frames.ts';
import { IdLedger } from './ledger.ts';
import { openSocket } from './open.ts';
import { describeRequest, PendingRequest, PendingRequests, timeoutError } from './pending.ts';
import { settleAll, settleOne } from './settling.ts';
import { Transcript } from './transcript.ts';
import { type CloseInfo, UncorrelatedReplies } from './uncorrelated.ts';
import type { ConnectionOptions } from './options.ts';
import type { Envelope, RawEnvelope } from './envelope.ts';
import { waitAtMost } from './wait.ts';

export { waitAtMost };

export type { ConnectionOptions, TlsOptions } from './options.ts';
export type { Envelope, RawEnvelope } from './envelope.ts';
export type { Reply } from './frames.ts';
export type { Anomaly } from './causes.ts';
export type { CloseInfo } from './uncorrelated.ts';

/** A reply to a request given up: in the settle window, after a timeout, or late (then also an anomaly). */
export interface LateReply {
  readonly id: string;
  readonly what: string;
  readonly afterTimeout: boolean;
  readonly inWindow: boolean;
}

export class Connection {
  private readonly pending: PendingRequests;
  /** Ids answered or given up, to tell a doubled or late reply from a stray one. */
  private readonly ledger = new IdLedger();
  private readonly uncorrelated = new UncorrelatedReplies();
  private keepalive?: NodeJS.Timeout;
  /** Transcript time of the last frame sent (the keepalive's idleness). */
  private lastSentAt: number;
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
    this.lastSentAt = this.now();
    this.pending = new PendingRequests(
      () => this.now(),
      (p) => this.timedOut(p),
    );
    this.closed = new Promise((resolve) => {
      ws.on('close', (code, reasonBuf) => {
        // A close the client itself forced (e.g. a frame over maxPayload: 1006) names its error.
        const info = { code, reason: reasonBuf.toString('utf8') || this.socketError || '' };
        this.closeInfo = info;
        clearInterval(this.keepalive);
        this.transcript.record(this.label, 'event', 'close', `close ${code} ${info.reason}`, code);
        const at = this.now();
        for (const p of this.pending.takeAll()) {
          p.reject(new ConnectionClosedError(this.label, p.what, code, info.reason, at));
        }
        this.uncorrelated.closed(info);
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
        if (this.now() - this.lastSentAt >= every && this.isOpen) {
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
    if (opts.expectUncorrelatedReply ?? true) this.uncorrelated.expect();
    const at = this.now();
    this.transcript.record(this.label, 'out', binary ? 'binary' : 'text', payload, undefined, at);
    this.lastSentAt = at;
    this.ws.send(payload, { binary });
  }

  /** Send an envelope without waiting; an id is assigned when missing. */
  send(envelope: Envelope | RawEnvelope): string {
    const id = envelope.id ?? randomUUID();
    this.write(envelope.id === id ? envelope : { ...envelope, id }, this.now());
    return id;
  }

  /** Serialise once, record the text as sent, send it. */
  private write(envelope: Envelope | RawEnvelope, at: number): void {
    const text = JSON.stringify(envelope);
    this.transcript.text(this.label, 'out', text, at, Buffer.byteLength(text));
    this.lastSentAt = at;
    this.ws.send(text);
  }

  /** Send an envelope and wait (bounded) for the reply carrying its id. */
  request(
    envelope: Envelope | RawEnvelope,
    opts?: { timeoutMs?: number; internal?: boolean; keepalive?: boolean },
  ): Promise<Reply> {
    const id = envelope.id ?? randomUUID();
    const type = typeof envelope.type === 'string' ? envelope.type : undefined;
    if (this.closeInfo) {
      const what = describeRequest(type, id);
      return Promise.reject(
        new ConnectionClosedError(this.label, what, this.closeInfo.code, this.closeInfo.reason, this.now()),
      );
    }
    // One clock read per request: its sending time, its deadline and its transcript entry.
    const at = this.now();
    const timeoutMs = opts?.timeoutMs ?? this.options.timeoutMs;
    const p = new PendingRequest(id, type, at, timeoutMs, opts?.keepalive ?? false);
    this.pending.add(p);
    this.write(envelope.id === id ? envelope : { ...envelope, id }, at);
    return p.promise;
  }

  /** No reply within the request's bound (the pending table's timer). */
  private timedOut(p: PendingRequest): void {
    const what = p.what;
    this.giveUp(p.id, what, true);
    this.transcript.note(this.label, `timeout: no reply to ${what} after ${p.timeoutMs} ms`);
    p.reject(
      timeoutError(
        p,
        this.label,
        this.now(),
        this.anomalies.filter((a) => a.at >= p.sentAt),
      ),
    );
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

  /**
   * The reply taken for the request `id` repeats, frame for frame, an earlier reply under that id: a
   * server that doubles its replies, the copy read after a request reusing the id was sent (the
   * handshake answers under the challenge's id). Recorded as a second reply; the request waits on
   * for its own reply, within the bound.
   */
  waitAgain(id: string, repeated: Reply, type: string | undefined, timeoutMs?: number): Promise<Reply> {
    const at = Math.round((repeated.receivedAt - this.transcript.startedAt) * 10) / 10;
    const text = JSON.stringify(repeated.frame);
    const error = isErrorType(repeated.type);
    this.anomalies.push({
      kind: 'duplicate',
      connection: this.label,
      at,
      frame: frameHead(text),
      type: repeated.type,
      error,
      id,
    });
    if (this.closeInfo) {
      const { code, reason } = this.closeInfo;
      return Promise.reject(
        new ConnectionClosedError(this.label, describeRequest(type, id), code, reason, this.now()),
      );
    }
    const p = new PendingRequest(id, type, this.now(), timeoutMs ?? this.options.timeoutMs, false);
    this.pending.add(p);
    return p.promise;
  }

  /** Whether a reply to this id is still awaited. */
  isWaiting(id: string): boolean {
    return this.pending.has(id);
  }

  /** Whether nothing sent awaits an answer (requests, unreadable frames): a reusable connection is. */
  get quiet(): boolean {
    return this.pending.size === 0 && this.uncorrelated.idle;
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
    const p = this.pending.take(id);
    if (!p) return;
    // Given up now, on the latest barrier: the settle window runs from here.
    this.giveUp(id, p.what, false);
    p.reject(new HarnessError(`${this.label}: ${p.what} was given up after a barrier`));
  }

  /** Wait for the next frame that carries no id we sent (an error reply to an unparsable frame), or a close. */
  nextUncorrelated(timeoutMs?: number): Promise<Reply | CloseInfo | 'timeout'> {
    return this.uncorrelated.next(timeoutMs ?? this.options.timeoutMs, this.closeInfo);
  }

  /** The answer to an unreadable frame will not be taken any more: a later one is a stray. */
  abandonUnreadable(): void {
    this.uncorrelated.abandon();
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
    const bytes = messageBytes(data);
    const at = this.now();
    const connection = this.label;
    if (isBinary) {
      this.transcript.record(connection, 'in', 'binary', bytes, undefined, at);
      this.anomaly({ kind: 'binary', connection, at, length: bytes.length });
      return;
    }
    // Decoded once; the bytes themselves go to the transcript only when they are not valid UTF-8.
    const text = bytes.toString('utf8');
    const length = Buffer.byteLength(text);
    if (length === bytes.length) this.transcript.text(connection, 'in', text, at, length);
    else this.transcript.record(connection, 'in', 'text', bytes, undefined, at);
    const reply = parseReply(text, this.transcript.startedAt + at);
    if (reply === undefined) {
      this.anomaly({ kind: 'not-json', connection, at, frame: frameHead(text) });
      return;
    }
    const id = reply.id;
    const pending = id === undefined ? undefined : this.pending.take(id);
    if (pending !== undefined) {
      this.ledger.markAnswered(pending.id);
      pending.resolve(reply);
      if (this.replyListeners.size > 0) for (const l of this.replyListeners) l();
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
    const facts = { connection, at, frame: frameHead(text), type: reply.type, error };
    // The answer to a frame the server could read no id from: whatever its id, when it is an error.
    if (this.uncorrelated.awaited && (id === undefined || (error && !this.ledger.knows(id)))) {
      this.uncorrelated.deliver(reply);
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
    if (this.uncorrelated.awaited) return;
    const waiting = this.pending.waiting(2);
    if (waiting.length !== 1) return;
    const p = waiting[0]!;
    this.pending.take(p.id);
    this.giveUp(p.id, p.what, true);
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
