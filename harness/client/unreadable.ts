// A frame the server can read no id from (not JSON, no id, binary): its answer is the next error*
// frame whose id matches no request, whatever that id (a server may make one up), or a frame without
// an id; or a close; or silence, proven by a barrier instead of waiting out the reply bound.
import type { Anomaly, CauseOf } from './causes.ts';
import { type CloseInfo, type Connection, isCloseInfo, type Reply, waitAtMost } from './connection.ts';

export type UnreadableOutcome =
  | { readonly kind: 'reply'; readonly reply: Reply }
  | { readonly kind: 'close'; readonly close: CloseInfo }
  /** Neither came; proven by a barrier (in-order target) or a barrier and the settle window. */
  | { readonly kind: 'silence'; readonly proof: string; readonly stray: readonly Anomaly[] }
  | {
      readonly kind: 'timeout';
      readonly ms: number;
      readonly stray: readonly Anomaly[];
      readonly cause: CauseOf<'timeout'>;
    };

/** Before the barrier ping: a server that closes on the frame has its close read before we write again. */
export const GRACE_MS = 100;

/**
 * Send `payload` and say what became of it, within the reply bound. First a short grace for the
 * answer (a ping written into a connection the server is closing can turn its clean close into a
 * reset); then a ping: any reply to it proves the frame was read, so on an in-order target nothing
 * more comes, and on one that is not, nothing more comes after the settle window.
 */
export async function sendUnreadable(
  c: Connection,
  payload: string | Buffer,
  opts: { binary?: boolean } = {},
): Promise<UnreadableOutcome> {
  const from = c.anomalies.length;
  const ms = c.options.timeoutMs;
  const started = performance.now();
  const sentAt = c.now();
  c.sendRaw(payload, { ...opts, expectUncorrelatedReply: true });
  let answer: Reply | CloseInfo | 'timeout' | undefined;
  const answered = c.nextUncorrelated(ms).then((r) => {
    answer = r;
  });
  await waitAtMost(answered, Math.min(ms, Math.max(GRACE_MS, c.settleMs)));
  if (answer === undefined && c.isOpen) {
    const left = Math.max(1, ms - (performance.now() - started));
    const barrier = await c
      .request({ type: 'ping', data: { last_ping: -1 } }, { internal: true, timeoutMs: left })
      .then(
        () => true,
        () => false,
      );
    // A frame read before the pong has settled the answer's promise by now (fewer hops than the pong's).
    if (answer === undefined && barrier) {
      if (!c.inOrder && c.settleMs > 0) await waitAtMost(answered, c.settleMs);
      if (answer === undefined) {
        c.abandonUnreadable();
        return {
          kind: 'silence',
          proof: c.inOrder
            ? 'a ping sent after it was answered (the target keeps order, so nothing more comes)'
            : `a ping sent after it was answered, and nothing came in the ${c.settleMs} ms settle window after`,
          stray: c.anomalies.slice(from),
        };
      }
    }
  }
  // No proof of silence: a close or the answer settles it, else the reply bound does.
  await answered;
  if (answer === 'timeout' || answer === undefined) {
    c.abandonUnreadable();
    const stray = c.anomalies.slice(from);
    return {
      kind: 'timeout',
      ms,
      stray,
      cause: {
        kind: 'timeout',
        connection: c.label,
        at: c.now(),
        request: 'a frame it can read no id from',
        sentAt,
        timeoutMs: ms,
        strays: [...stray],
      },
    };
  }
  if (isCloseInfo(answer)) return { kind: 'close', close: answer };
  return { kind: 'reply', reply: answer };
}
