// Proving "no more replies" after a barrier on a target that does not keep order: the settle window
// (harness/client/order.ts). On an in-order target the barrier alone proves it, and nothing waits.
import type { Connection, Reply } from './connection.ts';
import { waitAtMost } from './wait.ts';

/**
 * After a barrier: a reply to `pending` that is still on its way on a target not in order, waited
 * for at most the settle window; null when none came (the request is then given up, and a reply
 * within the window still counts as in time, later as late).
 */
export async function settleOne(c: Connection, id: string, pending: Promise<Reply>): Promise<Reply | null> {
  let reply: Reply | null = null;
  const got = pending.then(
    (r) => {
      reply = r;
    },
    () => {},
  );
  if (c.isWaiting(id) && !c.inOrder && c.settleMs > 0) await waitAtMost(got, c.settleMs);
  if (c.isWaiting(id)) c.forget(id);
  else await got;
  return reply;
}

/**
 * After a barrier on a target not in order: wait until none of `ids` awaits its reply any more, or
 * until no reply to any of them came for the settle window (a quiet window, so a long burst still
 * drains), within the reply bound. At once on an in-order target: the barrier proved it.
 */
export async function settleAll(c: Connection, ids: readonly string[]): Promise<void> {
  const waiting = () => ids.some((id) => c.isWaiting(id));
  if (c.inOrder || c.settleMs === 0 || !waiting()) return;
  let timer: NodeJS.Timeout | undefined;
  let stop: (() => void) | undefined;
  await waitAtMost(
    new Promise<void>((resolve) => {
      const quiet = () => {
        clearTimeout(timer);
        timer = setTimeout(resolve, c.settleMs);
      };
      stop = c.onReply(() => (waiting() ? quiet() : resolve()));
      quiet();
    }),
    c.options.timeoutMs,
  );
  clearTimeout(timer);
  stop?.();
}
