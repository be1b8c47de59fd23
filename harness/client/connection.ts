// One WebSocket connection to an Omega: correlation by id, bounded waits, transcript, keepalive.
// No protocol semantics beyond the envelope live here (see session.ts).
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import WebSocket, { type RawData } from 'ws';
import { isErrorType } from '../protocol/messages.ts';
import { type IncomingFrame, incomingFrame } from '../protocol/schemas.ts';
import { type Anomaly, describeAnomaly, frameHead } from './causes.ts';
import {
  ConnectError,
  ConnectionClosedError,
  HarnessError,
  ProtocolViolation,
  ReplyTimeoutError,
} from './errors.ts';
import type { OrderKnowledge } from './order.ts';
import { Transcript } from './transcript.ts';

const ANSWERED_GENERATION = 10_000;
/** Requests given up (after a barrier or a timeout) whose late reply is still recognised. */
const GIVEN_UP_LIMIT = 10_000;

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

export interface Reply {
  readonly type: string;
  readonly id?: string;
  readonly data?: unknown;
  /** The whole frame as parsed. */
  readonly frame: Readonly<Record<string, unknown>>;
  readonly receivedAt: number;
}

export type { Anomaly } from './causes.ts';

interface Pending {
  readonly what: string;
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

/** A request no longer awaited: its reply, if it still comes, is late, not stray. */
interface GivenUp {
  readonly what: string;
  /** Transcript time it was given up. */
  readonly at: number;
  /** Transcript time until which a reply is still in time (the settle window); Infinity after a timeout. */
  readonly until: number;
  readonly timedOut: boolean;
}

export interface CloseInfo {
  readonly code: number;
  readonly reason: string;
}

export class Connection {
  private readonly pending = new Map<string, Pending>();
  /** Ids already answered, to tell a doubled reply from a stray one: two generations, so it stays bounded. */
  private answered = new Set<string>();
  private answeredBefore = new Set<string>();
  private readonly givenUp = new Map<string, GivenUp>();
  private readonly uncorrelatedWaiters: Array<(r: Reply | CloseInfo) => void> = [];
  private readonly uncorrelatedQueue: Reply[] = [];
  /** Frames sent that the server can read no id from, whose answer has not come yet. */
  private unreadable = 0;
  private keepalive?: NodeJS.Timeout;
  private sweepTimer?: NodeJS.Timeout;
  private sweepAt: number | undefined;
  private lastSent = Date.now();
  private closeInfo?: CloseInfo;
  readonly anomalies: Anomaly[] = [];
  /** Called after each reply to a waiting request (settleAll). */
  private readonly replyListeners = new Set<() => void>();
  readonly serverPings: Reply[] = [];
  /** Replies that came after their request was given up but within the settle window (not faults). */
  readonly settledLate: string[] = [];
  readonly closed: Promise<CloseInfo>;
  readonly transcript: Transcript;

  private constructor(
    private readonly ws: WebSocket,
    readonly options: ConnectionOptions,
  ) {
    this.transcript = options.transcript ?? new Transcript();
    this.closed = new Promise((resolve) => {
      ws.on('close', (code, reasonBuf) => {
        const info = { code, reason: reasonBuf.toString('utf8') };
        this.closeInfo = info;
        clearInterval(this.keepalive);
        clearTimeout(this.sweepTimer);
        this.transcript.record(this.label, 'event', 'close', `close ${code} ${info.reason}`);
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
    ws.on('error', (err) => this.transcript.record(this.label, 'event', 'error', err.message));
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

  static open(url: string, options: ConnectionOptions): Promise<Connection> {
    const transcript = options.transcript ?? new Transcript();
    const opts = { ...options, transcript };
    const connectTimeoutMs = options.connectTimeoutMs ?? options.timeoutMs;
    const failed = (message: string) =>
      new ConnectError(message, {
        kind: 'connect-failed',
        connection: options.label,
        url,
        message,
      });
    return new Promise((resolve, reject) => {
      let ws: WebSocket;
      try {
        ws = new WebSocket(url, {
          maxPayload: options.maxPayload ?? 16 * 1024 * 1024,
          handshakeTimeout: connectTimeoutMs,
          ...(options.tls?.caFile ? { ca: readFileSync(options.tls.caFile) } : {}),
          ...(options.tls?.insecure ? { rejectUnauthorized: false } : {}),
        });
      } catch (e) {
        reject(failed(`${options.label}: cannot connect to ${url}: ${(e as Error).message}`));
        return;
      }
      const timer = setTimeout(() => {
        ws.terminate();
        reject(failed(`${options.label}: no WebSocket connection to ${url} within ${connectTimeoutMs} ms`));
      }, connectTimeoutMs);
      ws.once('open', () => {
        clearTimeout(timer);
        transcript.record(options.label, 'event', 'open', `open ${url}`);
        resolve(new Connection(ws, opts));
      });
      ws.once('error', (err) => {
        clearTimeout(timer);
        reject(failed(`${options.label}: cannot connect to ${url}: ${err.message}`));
      });
      ws.once('unexpected-response', (_req, res) => {
        clearTimeout(timer);
        reject(
          failed(`${options.label}: ${url} answered HTTP ${res.statusCode} instead of a WebSocket upgrade`),
        );
      });
    });
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
  send(envelope: Envelope): string {
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
    envelope: Envelope,
    opts: { timeoutMs?: number; internal?: boolean; keepalive?: boolean } = {},
  ): Promise<Reply> {
    const id = envelope.id ?? randomUUID();
    const what = `${envelope.type} (id ${id})`;
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
    let until = 0;
    for (const g of this.givenUp.values()) if (!g.timedOut && g.until > until) until = g.until;
    return until;
  }

  private giveUp(id: string, what: string, timedOut: boolean): void {
    const at = this.now();
    if (this.givenUp.size >= GIVEN_UP_LIMIT) {
      const oldest = this.givenUp.keys().next().value;
      if (oldest !== undefined) this.givenUp.delete(oldest);
    }
    this.givenUp.set(id, {
      what,
      at,
      until: timedOut ? Number.POSITIVE_INFINITY : at + this.settleMs,
      timedOut,
    });
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

  /**
   * After a barrier: a reply to `pending` that is still on its way on a target that is not in order,
   * waited for at most the settle window; null when none came (then the request is given up).
   */
  async settle(id: string, pending: Promise<Reply>): Promise<Reply | null> {
    let reply: Reply | null = null;
    const got = pending.then(
      (r) => {
        reply = r;
      },
      () => {},
    );
    if (this.pending.has(id) && !this.inOrder && this.settleMs > 0) {
      await waitAtMost(got, this.settleMs);
    }
    // Still waiting: given up (a reply may yet come within the window). Else it settled: see how.
    if (this.pending.has(id)) this.forget(id);
    else await got;
    return reply;
  }

  /**
   * After a barrier on a target not in order: wait until none of `ids` awaits its reply any more, or
   * until no reply to any of them came for the settle window (a quiet window, so a long burst still
   * drains), within the reply bound. At once on an in-order target: the barrier proved it.
   */
  async settleAll(ids: readonly string[]): Promise<void> {
    const waiting = () => ids.some((id) => this.pending.has(id));
    if (this.inOrder || this.settleMs === 0 || !waiting()) return;
    let timer: NodeJS.Timeout | undefined;
    let check: (() => void) | undefined;
    await waitAtMost(
      new Promise<void>((resolve) => {
        const quiet = () => {
          clearTimeout(timer);
          timer = setTimeout(resolve, this.settleMs);
        };
        check = () => (waiting() ? quiet() : resolve());
        this.replyListeners.add(check);
        quiet();
      }),
      this.options.timeoutMs,
    );
    clearTimeout(timer);
    if (check) this.replyListeners.delete(check);
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
    const buf = Array.isArray(data)
      ? Buffer.concat(data)
      : Buffer.isBuffer(data)
        ? data
        : Buffer.from(data as ArrayBuffer);
    const at = this.now();
    const connection = this.label;
    if (isBinary) {
      this.transcript.record(this.label, 'in', 'binary', buf);
      this.anomaly({ kind: 'binary', connection, at, length: buf.length });
      return;
    }
    const text = buf.toString('utf8');
    // Decoded once; the bytes themselves go to the transcript only when they are not valid UTF-8.
    this.transcript.record(this.label, 'in', 'text', Buffer.byteLength(text) === buf.length ? text : buf);
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      this.anomaly({ kind: 'not-json', connection, at, frame: frameHead(text) });
      return;
    }
    const parsed = isPlainFrame(json)
      ? { success: true as const, data: json }
      : incomingFrame.safeParse(json);
    if (!parsed.success) {
      this.anomaly({ kind: 'not-json', connection, at, frame: frameHead(text) });
      return;
    }
    // "id": null counts as no id; the common frame is used as it is (this is the hot path).
    const frame =
      parsed.data.id === null
        ? { ...parsed.data, id: undefined }
        : (parsed.data as typeof parsed.data & { id?: string });
    const reply: Reply = {
      type: frame.type,
      id: frame.id,
      data: frame.data,
      frame: frame as Record<string, unknown>,
      receivedAt: Date.now(),
    };
    const pending = frame.id === undefined ? undefined : this.pending.get(frame.id);
    if (pending && frame.id !== undefined) {
      this.pending.delete(frame.id);
      this.markAnswered(frame.id);
      pending.resolve(reply);
      for (const l of this.replyListeners) l();
      return;
    }
    if (frame.type === 'ping') {
      // The Omega's heartbeat: answer it, never count it as a reply.
      this.serverPings.push(reply);
      this.send({ type: 'pong', ...(frame.id === undefined ? {} : { id: frame.id }), data: {} });
      return;
    }
    const error = isErrorType(frame.type);
    const facts = { connection, at, frame: frameHead(text), type: frame.type, error };
    const known =
      frame.id !== undefined &&
      (this.givenUp.has(frame.id) || this.answered.has(frame.id) || this.answeredBefore.has(frame.id));
    // The answer to a frame the server could read no id from: whatever its id, when it is an error.
    if (this.unreadable > 0 && (frame.id === undefined || (error && !known))) {
      this.unreadable--;
      const waiter = this.uncorrelatedWaiters.shift();
      if (waiter) waiter(reply);
      else this.uncorrelatedQueue.push(reply);
      return;
    }
    if (frame.id === undefined) {
      this.anomaly({ kind: 'no-id', ...facts });
      return;
    }
    const gone = this.givenUp.get(frame.id);
    if (gone) {
      this.givenUp.delete(frame.id);
      this.markAnswered(frame.id);
      if (gone.timedOut) {
        // The timeout is the fault already recorded; its reply coming late is no second one.
        this.transcript.note(this.label, `a reply to ${gone.what} after its timeout`);
      } else if (at <= gone.until) {
        this.settledLate.push(gone.what);
        this.transcript.note(this.label, `a reply to ${gone.what} within the settle window (in time)`);
      } else {
        this.anomaly({
          kind: 'late',
          ...facts,
          id: frame.id,
          request: gone.what,
          lateByMs: Math.round(at - gone.at),
        });
      }
      return;
    }
    if (this.answered.has(frame.id) || this.answeredBefore.has(frame.id)) {
      this.anomaly({ kind: 'duplicate', ...facts, id: frame.id });
      return;
    }
    this.anomaly({ kind: 'unsolicited', ...facts, id: frame.id });
  }

  private markAnswered(id: string): void {
    this.answered.add(id);
    if (this.answered.size > ANSWERED_GENERATION) {
      this.answeredBefore = this.answered;
      this.answered = new Set();
    }
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

/** Wait for `p`, at most `ms`. */
export async function waitAtMost(p: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const bound = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, ms);
  });
  await Promise.race([p, bound]);
  clearTimeout(timer);
}

/** What incomingFrame accepts, checked without zod on the hot path (zod only for the rest). */
function isPlainFrame(json: unknown): json is IncomingFrame {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return false;
  const o = json as { type?: unknown; id?: unknown };
  return typeof o.type === 'string' && (o.id === undefined || o.id === null || typeof o.id === 'string');
}

export const isCloseInfo = (r: Reply | CloseInfo | 'timeout'): r is CloseInfo =>
  typeof r === 'object' && 'code' in r && !('type' in r);
