// The requests of one connection that await their reply: correlation by id, and every wait bounded
// by one timer per connection armed for the earliest deadline (no timer per request).
import type { Anomaly } from './causes.ts';
import { ReplyTimeoutError } from './errors.ts';
import type { Reply } from './frames.ts';

/** How a request is named in causes and messages: `get_register (id 5f0c…)`. */
export const describeRequest = (type: string | undefined, id: string): string =>
  `${type ?? 'a frame without a string type'} (id ${id})`;

/** One request awaiting its reply. Times are on the connection's transcript clock (ms). */
export class PendingRequest {
  resolve!: (r: Reply) => void;
  reject!: (e: Error) => void;
  readonly promise: Promise<Reply>;
  constructor(
    readonly id: string,
    /** The request's type, when it had a string one. */
    readonly type: string | undefined,
    /** Transcript time it was sent. */
    readonly sentAt: number,
    readonly timeoutMs: number,
    /** The harness's own keepalive ping: never taken for the sole request a wrong frame belongs to. */
    readonly keepalive: boolean,
  ) {
    this.promise = new Promise<Reply>((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
  }

  /** Transcript time past which the request has timed out. */
  get deadline(): number {
    return this.sentAt + this.timeoutMs;
  }

  /** Built when a message needs it, not per request (the hot path). */
  get what(): string {
    return describeRequest(this.type, this.id);
  }
}

/** No reply to `p` within its bound, at transcript time `at`; `strays`: frames matched to nothing since it was sent. */
export function timeoutError(
  p: PendingRequest,
  connection: string,
  at: number,
  strays: Anomaly[],
): ReplyTimeoutError {
  const what = p.what;
  return new ReplyTimeoutError(connection, what, p.timeoutMs, {
    kind: 'timeout',
    connection,
    at,
    request: what,
    ...(p.type === undefined ? {} : { requestType: p.type }),
    sentAt: p.sentAt,
    timeoutMs: p.timeoutMs,
    strays,
  });
}

export class PendingRequests {
  /**
   * The one request waiting when no other does (sequential round trips, the common case): kept out
   * of the map, whose delete would shrink and reallocate its table on every reply.
   */
  private solo: PendingRequest | undefined;
  /** The oldest request waiting for each id. */
  private readonly byId = new Map<string, PendingRequest>();
  /**
   * Later requests sent with an id already waiting (property suites generate ids such as "" that
   * repeat), oldest first: each owes a reply and keeps its own deadline.
   */
  private readonly reused = new Map<string, PendingRequest[]>();
  private reusedCount = 0;
  private timer: NodeJS.Timeout | undefined;
  private timerAt: number | undefined;

  constructor(
    /** The transcript clock (ms). */
    private readonly now: () => number,
    /** Called for each request whose deadline passed, after it was taken out. */
    private readonly onTimeout: (p: PendingRequest) => void,
  ) {}

  get size(): number {
    return this.byId.size + (this.solo === undefined ? 0 : 1) + this.reusedCount;
  }

  add(p: PendingRequest): void {
    if (this.has(p.id)) {
      const queue = this.reused.get(p.id);
      if (queue) queue.push(p);
      else this.reused.set(p.id, [p]);
      this.reusedCount++;
    } else if (this.solo === undefined && this.byId.size === 0) this.solo = p;
    else {
      if (this.solo !== undefined) this.byId.set(this.solo.id, this.solo);
      this.solo = undefined;
      this.byId.set(p.id, p);
    }
    const deadline = p.sentAt + p.timeoutMs;
    if (this.timerAt === undefined || deadline < this.timerAt) this.arm(deadline);
  }

  has(id: string): boolean {
    return this.solo?.id === id || this.byId.has(id);
  }

  /** The oldest request waiting for this id, no longer waiting; undefined when none is. */
  take(id: string): PendingRequest | undefined {
    const solo = this.solo;
    let p: PendingRequest | undefined;
    if (solo !== undefined) {
      if (solo.id !== id) return undefined;
      this.solo = undefined;
      p = solo;
    } else {
      p = this.byId.get(id);
      if (p === undefined) return undefined;
      this.byId.delete(id);
    }
    if (this.reusedCount === 0) return p;
    const queue = this.reused.get(id);
    if (queue) {
      this.byId.set(id, queue.shift()!);
      this.reusedCount--;
      if (queue.length === 0) this.reused.delete(id);
    }
    return p;
  }

  /** This request, no longer waiting (its deadline passed), whichever of an id's requests it is. */
  private remove(p: PendingRequest): void {
    if (this.solo === p || this.byId.get(p.id) === p) {
      this.take(p.id);
      return;
    }
    const queue = this.reused.get(p.id);
    const at = queue?.indexOf(p) ?? -1;
    if (queue === undefined || at < 0) return;
    queue.splice(at, 1);
    this.reusedCount--;
    if (queue.length === 0) this.reused.delete(p.id);
  }

  /** The requests other than keepalive pings, at most `limit` of them (a wrong frame's owner is told by it). */
  waiting(limit: number): PendingRequest[] {
    const found: PendingRequest[] = [];
    for (const p of this.all()) {
      if (p.keepalive) continue;
      found.push(p);
      if (found.length >= limit) break;
    }
    return found;
  }

  /** Every request, taken out (the socket closed); the timer stops. */
  takeAll(): PendingRequest[] {
    const all = [...this.all()];
    this.solo = undefined;
    this.byId.clear();
    this.reused.clear();
    this.reusedCount = 0;
    this.stop();
    return all;
  }

  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.timerAt = undefined;
  }

  private *all(): Iterable<PendingRequest> {
    if (this.solo !== undefined) yield this.solo;
    yield* this.byId.values();
    for (const queue of this.reused.values()) yield* queue;
  }

  private arm(deadline: number): void {
    clearTimeout(this.timer);
    this.timerAt = deadline;
    this.timer = setTimeout(() => this.sweep(), Math.max(0, Math.ceil(deadline - this.now())));
  }

  private sweep(): void {
    this.timer = undefined;
    this.timerAt = undefined;
    const now = this.now() + 1; // timers may fire a hair early
    let next = Number.POSITIVE_INFINITY;
    for (const p of [...this.all()]) {
      const deadline = p.sentAt + p.timeoutMs;
      if (deadline <= now) {
        this.remove(p);
        this.onTimeout(p);
      } else if (deadline < next) next = deadline;
    }
    if (next !== Number.POSITIVE_INFINITY && (this.timerAt === undefined || next < this.timerAt))
      this.arm(next);
  }
}
