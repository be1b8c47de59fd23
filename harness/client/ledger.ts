// Which ids a connection has seen answered or given up, so a frame that matches no waiting request is
// told apart: a second reply, a reply in time or late after its request was given up, or a stray.

const ANSWERED_GENERATION = 10_000;
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

export class IdLedger {
  /** Two generations, so it stays bounded. */
  private answered = new Set<string>();
  private answeredBefore = new Set<string>();
  private readonly givenUp = new Map<string, GivenUp>();

  markAnswered(id: string): void {
    this.answered.add(id);
    if (this.answered.size > ANSWERED_GENERATION) {
      this.answeredBefore = this.answered;
      this.answered = new Set();
    }
  }

  wasAnswered(id: string): boolean {
    return this.answered.has(id) || this.answeredBefore.has(id);
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
