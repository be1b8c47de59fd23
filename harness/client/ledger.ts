// Which ids a connection has seen answered or given up, so a frame that matches no waiting request is
// told apart: a second reply, a reply in time or late after its request was given up, or a stray.

/** Answered ids remembered (the latest ones): a second reply to an older one counts as unsolicited. */
const ANSWERED_KEPT = 20_000;
/** Requests given up (after a barrier or a timeout) whose late reply is still recognised. */
const GIVEN_UP_LIMIT = 10_000;

/** A request no longer awaited: its reply, if it still comes, is late, not stray. */
export interface GivenUp {
  readonly what: string;
  /** Transcript time it was given up. */
  readonly at: number;
  /** Transcript time until which a reply is still in time (the settle window); Infinity after a timeout. */
  readonly until: number;
  readonly timedOut: boolean;
}

/**
 * The latest answered ids, in a ring. Marking one is a store (every reply does it); a set to look
 * them up in is built only when a frame first matches no waiting request, and kept in step after.
 */
class AnsweredIds {
  private readonly ring: string[] = [];
  private next = 0;
  /** How many times each id is in the ring (ids may repeat on one connection); built on first lookup. */
  private index: Map<string, number> | undefined;

  add(id: string): void {
    let dropped: string | undefined;
    if (this.ring.length < ANSWERED_KEPT) this.ring.push(id);
    else {
      dropped = this.ring[this.next];
      this.ring[this.next] = id;
      this.next = (this.next + 1) % ANSWERED_KEPT;
    }
    const index = this.index;
    if (index === undefined) return;
    index.set(id, (index.get(id) ?? 0) + 1);
    if (dropped !== undefined) {
      const n = index.get(dropped)! - 1;
      if (n === 0) index.delete(dropped);
      else index.set(dropped, n);
    }
  }

  has(id: string): boolean {
    if (this.index === undefined) {
      this.index = new Map();
      for (const a of this.ring) this.index.set(a, (this.index.get(a) ?? 0) + 1);
    }
    return this.index.has(id);
  }
}

export class IdLedger {
  private readonly answered = new AnsweredIds();
  private readonly givenUp = new Map<string, GivenUp>();

  markAnswered(id: string): void {
    this.answered.add(id);
  }

  wasAnswered(id: string): boolean {
    return this.answered.has(id);
  }

  /** Whether the id is one this connection sent (answered or given up). */
  knows(id: string): boolean {
    return this.givenUp.has(id) || this.wasAnswered(id);
  }

  giveUp(id: string, what: string, at: number, settleMs: number, timedOut: boolean): void {
    if (this.givenUp.size >= GIVEN_UP_LIMIT) {
      const oldest = this.givenUp.keys().next().value;
      if (oldest !== undefined) this.givenUp.delete(oldest);
    }
    this.givenUp.set(id, {
      what,
      at,
      until: timedOut ? Number.POSITIVE_INFINITY : at + settleMs,
      timedOut,
    });
  }

  /** The given-up request this reply answers, now answered; undefined when the id was not given up. */
  takeGivenUp(id: string): GivenUp | undefined {
    const g = this.givenUp.get(id);
    if (g === undefined) return undefined;
    this.givenUp.delete(id);
    this.markAnswered(id);
    return g;
  }

  /** Transcript time until which a reply to a request given up is still in time (0: none is). */
  settlingUntil(): number {
    let until = 0;
    for (const g of this.givenUp.values()) if (!g.timedOut && g.until > until) until = g.until;
    return until;
  }
}
