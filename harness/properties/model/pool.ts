// Sessions kept from one model sequence to the next, so that a sequence does not pay three
// WebSocket connects and X448 handshakes it does not check (the handshake has scenarios of its own;
// the model's own OpenConnection / CloseConnection still open and close real connections).
//
// A kept connection must be one the next sequence cannot tell from a fresh one:
// - only after a sequence that held, and only on a target that showed it keeps one connection's
//   order (ENV-007): there a barrier proves that nothing sent before is still on its way;
// - every principal the sequence left announced on it is withdrawn (user_disconnected /
//   iota_disconnected, IDN-*-002 makes a withdrawn principal as unidentified as one never announced);
// - then a barrier: the connection must answer it, be open, owe and be owed nothing, and have seen
//   no stray, doubled or late frame and no error to a withdrawal. Otherwise it is closed, as every
//   connection was before (frames on a closed connection are charged to nothing, as before).
// Nothing here is a check: the sequence has been judged already; a connection that fails any of
// the above is simply not kept. A failure on kept connections is judged (runModel); after the first
// failure the pool is off for the rest of the run (shrinking and the re-run of the counterexample
// use fresh connections, as a replay does).
import { randomUUID } from 'node:crypto';
import type { Reply } from '../../client/connection.ts';
import type { OmikronSession } from '../../client/session.ts';
import { ANNOUNCEMENTS, isErrorType } from '../../protocol/messages.ts';
import type { ScenarioContext } from '../../scenario/context.ts';

/** What a sequence left announced on a connection it hands back. */
export interface Announced {
  readonly users: Iterable<number>;
  readonly iotas: Iterable<number>;
}

export class SessionPool {
  private readonly idle: (OmikronSession | null)[];
  private off: string | null = null;

  constructor(
    private readonly t: ScenarioContext,
    slots: number,
  ) {
    this.idle = Array.from({ length: slots }, () => null);
  }

  /** Why sessions are no longer kept (null while they are). */
  get disabled(): string | null {
    return this.off;
  }

  /** A kept session for this slot (its identity), or null: the caller opens a fresh one. */
  take(slot: number): OmikronSession | null {
    const s = this.idle[slot] ?? null;
    this.idle[slot] = null;
    return s?.connection.isOpen ? s : null;
  }

  /** After a sequence that held: keep the session for the next one if it is as good as fresh, else close it. */
  async give(slot: number, s: OmikronSession, announced: Announced): Promise<void> {
    const keep = this.off === null && (await this.inOrder()) && (await quiet(s, announced));
    // The pool may have been turned off, or the slot filled, while the barrier was out.
    if (keep && this.off === null && this.idle[slot] === null) {
      this.idle[slot] = s;
      return;
    }
    await s.close().catch(() => {});
  }

  /** No more keeping (the run failed, or it ends): every kept session is closed. */
  async disable(why: string): Promise<void> {
    this.off ??= why;
    const kept = this.idle.splice(0, this.idle.length, ...this.idle.map(() => null));
    await Promise.all(kept.map((s) => s?.close().catch(() => {})));
  }

  /** Whether the target showed, in the run's order probe, that it keeps one connection's order. */
  private async inOrder(): Promise<boolean> {
    const order = await this.t.serverOrder();
    return order?.inOrder === true && order.failure === undefined;
  }
}

/** Withdraw what is announced, then prove the connection quiet; false when it is not (never throws). */
async function quiet(s: OmikronSession, announced: Announced): Promise<boolean> {
  const c = s.connection;
  if (!s.authenticated || !c.isOpen || !clean(s)) return false;
  try {
    const sent: [string, Promise<Reply>][] = [];
    const withdraw = (type: string, field: string, principal: number) => {
      const id = randomUUID();
      const pending = c.request({ type, id, data: { [field]: principal } });
      pending.catch(() => {});
      sent.push([id, pending]);
    };
    for (const u of announced.users) withdraw(ANNOUNCEMENTS.userDisconnected, 'user_id', u);
    for (const i of announced.iotas) withdraw(ANNOUNCEMENTS.iotaDisconnected, 'iota_id', i);
    await c.barrier();
    for (const [id, pending] of sent) {
      const reply = await c.settle(id, pending);
      if (reply !== null && isErrorType(reply.type)) return false;
    }
  } catch {
    return false;
  }
  return c.isOpen && clean(s);
}

/** Open, owing nothing, and no frame on it that matched nothing or came late. */
const clean = (s: OmikronSession): boolean =>
  s.connection.closeState === undefined &&
  s.connection.quiet &&
  s.connection.anomalies.length === 0 &&
  s.connection.lateReplies.length === 0;
