// One WebSocket connection to an Omega: correlation by id, bounded waits, transcript, keepalive.
// No protocol semantics beyond the envelope live here (see session.ts).
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import WebSocket, { type RawData } from 'ws';
import { type IncomingFrame, incomingFrame } from '../protocol/schemas.ts';
import { ConnectError, ConnectionClosedError, ProtocolViolation, ReplyTimeoutError } from './errors.ts';
import { Transcript } from './transcript.ts';

const ANSWERED_GENERATION = 10_000;

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

export type Anomaly =
  | { readonly kind: 'unsolicited'; readonly id: string; readonly frame: string; readonly type: string }
  | { readonly kind: 'duplicate'; readonly id: string; readonly frame: string; readonly type: string }
  | { readonly kind: 'no-id'; readonly frame: string; readonly type: string }
  | { readonly kind: 'not-json'; readonly frame: string }
  | { readonly kind: 'binary'; readonly length: number };

interface Pending {
  readonly what: string;
  readonly resolve: (r: Reply) => void;
  readonly reject: (e: Error) => void;
  /** performance.now() past which the request has timed out (one sweep timer per connection). */
  readonly deadline: number;
  readonly timeoutMs: number;
  readonly internal: boolean;
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
  private readonly uncorrelatedWaiters: Array<(r: Reply | CloseInfo) => void> = [];
  private readonly uncorrelatedQueue: Reply[] = [];
  private expectUncorrelated = 0;
  private keepalive?: NodeJS.Timeout;
  private sweepTimer?: NodeJS.Timeout;
  private sweepAt: number | undefined;
  private lastSent = Date.now();
  private closeInfo?: CloseInfo;
  readonly anomalies: Anomaly[] = [];
  readonly serverPings: Reply[] = [];
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
        for (const [, p] of this.pending) {
          p.reject(new ConnectionClosedError(this.label, p.what, code, info.reason));
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
          this.request({ type: 'ping', data: { last_ping: -1 } }, { internal: true }).catch(() => {});
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

  static open(url: string, options: ConnectionOptions): Promise<Connection> {
    const transcript = options.transcript ?? new Transcript();
    const opts = { ...options, transcript };
    const connectTimeoutMs = options.connectTimeoutMs ?? options.timeoutMs;
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
        reject(new ConnectError(`${options.label}: cannot connect to ${url}: ${(e as Error).message}`));
        return;
      }
      const timer = setTimeout(() => {
        ws.terminate();
        reject(
          new ConnectError(
            `${options.label}: no WebSocket connection to ${url} within ${connectTimeoutMs} ms`,
          ),
        );
      }, connectTimeoutMs);
      ws.once('open', () => {
        clearTimeout(timer);
        transcript.record(options.label, 'event', 'open', `open ${url}`);
        resolve(new Connection(ws, opts));
      });
      ws.once('error', (err) => {
        clearTimeout(timer);
        reject(new ConnectError(`${options.label}: cannot connect to ${url}: ${err.message}`));
      });
      ws.once('unexpected-response', (_req, res) => {
        clearTimeout(timer);
        reject(
          new ConnectError(
            `${options.label}: ${url} answered HTTP ${res.statusCode} instead of a WebSocket upgrade`,
          ),
        );
      });
    });
  }

  /** Send a frame as it is (text or binary), for bad-input scenarios. */
  sendRaw(
    payload: string | Buffer,
    opts: { binary?: boolean; expectUncorrelatedReply?: boolean } = {},
  ): void {
    const binary = opts.binary ?? Buffer.isBuffer(payload);
    if (opts.expectUncorrelatedReply ?? true) this.expectUncorrelated++;
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

  /** Send an envelope and wait for the reply carrying its id. */
  request(envelope: Envelope, opts: { timeoutMs?: number; internal?: boolean } = {}): Promise<Reply> {
    const id = envelope.id ?? randomUUID();
    const what = `${envelope.type} (id ${id})`;
    if (this.closeInfo) {
      return Promise.reject(
        new ConnectionClosedError(this.label, what, this.closeInfo.code, this.closeInfo.reason),
      );
    }
    const timeoutMs = opts.timeoutMs ?? this.options.timeoutMs;
    const deadline = performance.now() + timeoutMs;
    const promise = new Promise<Reply>((resolve, reject) => {
      this.pending.set(id, { what, resolve, reject, deadline, timeoutMs, internal: opts.internal ?? false });
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
        this.transcript.note(this.label, `timeout: no reply to ${p.what} after ${p.timeoutMs} ms`);
        p.reject(new ReplyTimeoutError(this.label, p.what, p.timeoutMs));
      } else if (p.deadline < next) next = p.deadline;
    }
    if (next !== Number.POSITIVE_INFINITY) this.armSweep(next);
  }

  /**
   * Prove everything sent before has been processed: a ping round trip on this connection.
   * Relies on in-order processing per connection (SPEC.md ENV-006).
   */
  async barrier(timeoutMs?: number): Promise<void> {
    const reply = await this.request(
      { type: 'ping', data: { last_ping: -1 } },
      { internal: true, timeoutMs },
    );
    if (reply.type !== 'pong') {
      throw new ProtocolViolation(this.label, `barrier ping answered with "${reply.type}" instead of "pong"`);
    }
  }

  /** Stop waiting for a reply to this id (an announcement that got none). A late reply is then unsolicited. */
  forget(id: string): void {
    const p = this.pending.get(id);
    if (!p) return;
    this.pending.delete(id);
    p.reject(new ProtocolViolation(this.label, `${p.what} was given up`));
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
    if (isBinary) {
      this.transcript.record(this.label, 'in', 'binary', buf);
      this.anomalies.push({ kind: 'binary', length: buf.length });
      return;
    }
    const text = buf.toString('utf8');
    // Decoded once; the bytes themselves go to the transcript only when they are not valid UTF-8.
    this.transcript.record(this.label, 'in', 'text', Buffer.byteLength(text) === buf.length ? text : buf);
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      this.anomalies.push({ kind: 'not-json', frame: text.slice(0, 200) });
      this.failSolePending(`sent a frame that is not JSON: ${text.slice(0, 120)}`);
      return;
    }
    const parsed = isPlainFrame(json)
      ? { success: true as const, data: json }
      : incomingFrame.safeParse(json);
    if (!parsed.success) {
      this.anomalies.push({ kind: 'not-json', frame: text.slice(0, 200) });
      this.failSolePending(
        `sent a frame that is not a JSON object with a string "type": ${text.slice(0, 120)}`,
      );
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
      this.answered.add(frame.id);
      if (this.answered.size > ANSWERED_GENERATION) {
        this.answeredBefore = this.answered;
        this.answered = new Set();
      }
      pending.resolve(reply);
      return;
    }
    if (frame.type === 'ping') {
      // The Omega's heartbeat: answer it, never count it as a reply.
      this.serverPings.push(reply);
      this.send({ type: 'pong', ...(frame.id === undefined ? {} : { id: frame.id }), data: {} });
      return;
    }
    if (frame.id === undefined) {
      if (this.expectUncorrelated > 0) {
        this.expectUncorrelated--;
        const waiter = this.uncorrelatedWaiters.shift();
        if (waiter) waiter(reply);
        else this.uncorrelatedQueue.push(reply);
        return;
      }
      this.anomalies.push({ kind: 'no-id', frame: text.slice(0, 200), type: frame.type });
      this.failSolePending(`answered with a frame that carries no id: ${text.slice(0, 160)}`);
      return;
    }
    if (this.answered.has(frame.id) || this.answeredBefore.has(frame.id)) {
      this.anomalies.push({ kind: 'duplicate', id: frame.id, frame: text.slice(0, 200), type: frame.type });
      return;
    }
    this.anomalies.push({ kind: 'unsolicited', id: frame.id, frame: text.slice(0, 200), type: frame.type });
    this.failSolePending(
      `answered with id "${frame.id}", which no request on this connection carried: ${text.slice(0, 160)}`,
    );
  }

  /** With exactly one request outstanding, a reply it cannot be matched to is its reply gone wrong: fail fast. */
  private failSolePending(message: string): void {
    const outstanding = [...this.pending.entries()].filter(([, p]) => !p.internal);
    if (outstanding.length !== 1 || this.pending.size !== 1) return;
    const [id, p] = outstanding[0]!;
    this.pending.delete(id);
    p.reject(new ProtocolViolation(this.label, `waiting for ${p.what}, the target ${message}`));
  }
}

/** What incomingFrame accepts, checked without zod on the hot path (zod only for the rest). */
function isPlainFrame(json: unknown): json is IncomingFrame {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return false;
  const o = json as { type?: unknown; id?: unknown };
  return typeof o.type === 'string' && (o.id === undefined || o.id === null || typeof o.id === 'string');
}

export const isCloseInfo = (r: Reply | CloseInfo | 'timeout'): r is CloseInfo =>
  typeof r === 'object' && 'code' in r && !('type' in r);
