// Whether the target keeps one connection's order, probed once per run and target.
// The seed does not ask a server to answer in order (a ping may overtake a query): a server that does
// not lets the harness prove "no reply" only by waiting a bounded settle window after a barrier.
import type { Connection, Reply } from './connection.ts';

export interface ServerOrder {
  /** Whether, in the probe, every pong came after the replies to every request sent before its ping. */
  readonly inOrder: boolean;
  /** How long after a barrier's pong a reply to an earlier request is still awaited (0 when in order). */
  readonly settleMs: number;
  /** Requests the probe sent (pings included). */
  readonly requests: number;
  /** Replies that came after the pong of a ping sent after their request. */
  readonly overtaken: number;
  /** The longest such lag, in ms. */
  readonly maxLagMs: number;
  /** Set when the probe could not run to its end (a broken target): in order is then assumed, unproven. */
  readonly failure?: string;
}

/** The order a connection relies on; unknown (no probe yet) counts as in order, the harness's old assumption. */
export class OrderKnowledge {
  value: ServerOrder | undefined;
  probing: Promise<ServerOrder> | undefined;
  get inOrder(): boolean {
    return this.value?.inOrder ?? true;
  }
  get settleMs(): number {
    return this.value === undefined || this.value.inOrder ? 0 : this.value.settleMs;
  }
}

const known = new Map<string, OrderKnowledge>();

/** The run's knowledge about the target at `url` (one per target: the project's own tests run several). */
export function orderKnowledge(url: string): OrderKnowledge {
  let k = known.get(url);
  if (!k) {
    k = new OrderKnowledge();
    known.set(url, k);
  }
  return k;
}

export const PROBE_ROUNDS = 8;
/** Bounds of the settle window: at least this, at most the reply timeout. */
export const MIN_SETTLE_MS = 200;

/** The settle window from the largest lag seen: four times it and a margin, bounded by the reply timeout. */
export function settleWindow(maxLagMs: number, timeoutMs: number): number {
  return Math.min(timeoutMs, Math.max(MIN_SETTLE_MS, Math.ceil(4 * maxLagMs) + 50));
}

/**
 * Send PROBE_ROUNDS rounds of [two reads that find nothing, a ping] at once and see whether any
 * reply comes after the pong of a ping sent after its request. Reads only: nothing is changed.
 */
export async function probeOrder(c: Connection, unknownUserId: number): Promise<ServerOrder> {
  const timeoutMs = c.options.timeoutMs;
  type Slot = { readonly ping: boolean; seq?: number; at?: number };
  const slots: Slot[] = [];
  const waits: Promise<Reply>[] = [];
  let seq = 0;
  const send = (ping: boolean, envelope: Parameters<Connection['request']>[0]) => {
    const slot: Slot = { ping };
    slots.push(slot);
    waits.push(
      c.request(envelope, { internal: true }).then((r) => {
        slot.seq = seq++;
        slot.at = performance.now();
        return r;
      }),
    );
  };
  for (let round = 0; round < PROBE_ROUNDS; round++) {
    send(false, { type: 'get_user_data', data: { user_id: unknownUserId + round } });
    send(false, { type: 'get_user_data', data: { username: `order-probe-${round}` } });
    send(true, { type: 'ping', data: { last_ping: -1 } });
  }
  const settled = await Promise.allSettled(waits);
  const failed = settled.find((s) => s.status === 'rejected');
  let overtaken = 0;
  let maxLagMs = 0;
  slots.forEach((p, i) => {
    if (!p.ping || p.seq === undefined || p.at === undefined) return;
    for (const q of slots.slice(0, i)) {
      if (q.seq !== undefined && q.at !== undefined && q.seq > p.seq) {
        overtaken++;
        maxLagMs = Math.max(maxLagMs, q.at - p.at);
      }
    }
  });
  const base = { requests: slots.length, overtaken, maxLagMs: Math.round(maxLagMs * 10) / 10 };
  if (failed) {
    // No proof either way: the harness keeps its old assumption (in order), and the report says so.
    return { inOrder: true, settleMs: 0, ...base, failure: (failed.reason as Error).message };
  }
  const inOrder = overtaken === 0;
  return { inOrder, settleMs: inOrder ? 0 : settleWindow(maxLagMs, timeoutMs), ...base };
}

export function describeOrder(o: ServerOrder): string {
  if (o.failure) return `order probe failed (${o.failure}); in order assumed, not proven`;
  return o.inOrder
    ? `in order: in ${o.requests} requests sent at once, every pong came after the replies sent before its ping; "no reply" is proven by a barrier`
    : `not in order: ${o.overtaken} replies came after the pong of a later ping (up to ${o.maxLagMs} ms); "no reply" is proven by a settle window of ${o.settleMs} ms after a barrier`;
}
