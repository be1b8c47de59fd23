// One load connection: an authenticated Omikron session whose requests carry traceable ids, are
// timed, and whose fate (reply, no reply in the bound, closed) is kept for the analysis.
import type { Reply } from '../client/connection.ts';
import { ConnectionClosedError, ProtocolViolation, ReplyTimeoutError } from '../client/errors.ts';
import type { CallOptions, OmikronSession } from '../client/session.ts';
import { ANNOUNCEMENTS, type Announcement, type OperationName } from '../protocol/messages.ts';
import type { RequestIds } from './ids.ts';

export type CallResult =
  | { readonly kind: 'reply'; readonly reply: Reply; readonly id: string }
  /** The wait ended without a reply: bound passed, connection closed, or an unmatched frame ended it. */
  | { readonly kind: 'none'; readonly id: string; readonly why: 'timeout' | 'closed' | 'violation' };

/** A request whose wait ended without its reply. Whether it is lost is decided after the final barrier. */
export interface GivenUp {
  readonly what: string;
  readonly why: 'timeout' | 'closed' | 'violation';
  readonly detail: string;
}

export class LoadChannel {
  /** Round-trip times (ms) of the load phase's operation requests. */
  readonly latencies: number[] = [];
  readonly givenUp = new Map<string, GivenUp>();
  /** Announcements that got no reply before their barrier: a reply later is late, not stray. */
  readonly unanswered = new Set<string>();
  /** Operation requests sent, announcements sent, error replies received. */
  requests = 0;
  announcements = 0;
  refused = 0;
  readonly refusedTypes = new Map<string, number>();
  private reserved = 0;

  constructor(
    readonly index: number,
    readonly session: OmikronSession,
    readonly ids: RequestIds,
    private readonly budget: number,
  ) {}

  get label(): string {
    return this.session.label;
  }

  get isOpen(): boolean {
    return this.session.connection.isOpen;
  }

  /** Operation requests this connection may still start. */
  get remaining(): number {
    return this.budget - this.reserved;
  }

  /** Reserve `n` requests of the budget; false when fewer are left. */
  take(n: number): boolean {
    if (this.remaining < n) return false;
    this.reserved += n;
    return true;
  }

  /** An error reply to `what` (an operation or announcement name): counted by "what: type". */
  noteRefused(what: string, type: string): void {
    const key = `${what}: ${type}`;
    this.refused++;
    this.refusedTypes.set(key, (this.refusedTypes.get(key) ?? 0) + 1);
  }

  /** An operation request; `timed` ones count in the latency figures. */
  call(
    op: OperationName,
    data: Record<string, unknown>,
    opts: CallOptions & { timed?: boolean } = {},
  ): Promise<CallResult> {
    const id = this.ids.next();
    const envelope = this.session.envelope(this.session.wireType(op), data, { ...opts, id });
    if (opts.timed !== false) this.requests++;
    return this.track(
      id,
      `${envelope.type} (id ${id})`,
      this.session.connection.request(envelope),
      opts.timed !== false,
    );
  }

  /** A ping round trip: everything sent before it has been processed (SPEC.md ENV-006, in-order). */
  barrier(): Promise<CallResult> {
    const id = this.ids.next();
    return this.track(
      id,
      `ping barrier (id ${id})`,
      this.session.connection.request({ type: 'ping', id, data: { last_ping: -1 } }),
      false,
    );
  }

  /**
   * Announce or withdraw, then a barrier: the announcement's reply if one came before it, else null.
   * The barrier's result says whether the announcement is known to be processed.
   */
  async announce(
    kind: Announcement,
    principal: number,
  ): Promise<{ barrier: CallResult; reply: Reply | null }> {
    const field = kind.startsWith('user') ? 'user_id' : 'iota_id';
    const id = this.ids.next();
    this.announcements++;
    let reply: Reply | null = null;
    const pending = this.session.connection.request(
      { type: ANNOUNCEMENTS[kind], id, data: { [field]: principal } },
      { timeoutMs: 60_000 },
    );
    pending.then(
      (r) => {
        reply = r;
      },
      () => {},
    );
    const barrier = await this.barrier();
    if (reply === null) {
      this.unanswered.add(id);
      this.session.connection.forget(id);
    }
    return { barrier, reply };
  }

  private async track(
    id: string,
    what: string,
    pending: Promise<Reply>,
    timed: boolean,
  ): Promise<CallResult> {
    const t0 = performance.now();
    try {
      const reply = await pending;
      if (timed) this.latencies.push(performance.now() - t0);
      return { kind: 'reply', reply, id };
    } catch (e) {
      const why =
        e instanceof ReplyTimeoutError
          ? 'timeout'
          : e instanceof ConnectionClosedError
            ? 'closed'
            : e instanceof ProtocolViolation
              ? 'violation'
              : undefined;
      if (why === undefined) throw e;
      this.givenUp.set(id, { what, why, detail: (e as Error).message });
      return { kind: 'none', id, why };
    }
  }
}
