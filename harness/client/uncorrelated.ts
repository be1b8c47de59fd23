// Answers to frames the server can read no id from (not JSON, no id, binary): such a frame's answer is
// the next error* frame whose id matches no request (or the next frame without an id), whatever its id.
import type { Reply } from './frames.ts';

export interface CloseInfo {
  readonly code: number;
  readonly reason: string;
}

export class UncorrelatedReplies {
  /** Frames sent that the server can read no id from, whose answer has not come yet. */
  private unreadable = 0;
  private readonly waiters: Array<(r: Reply | CloseInfo) => void> = [];
  private readonly queue: Reply[] = [];

  /** Whether an answer to such a frame is still awaited (a wrong frame may then be it: no guess). */
  get awaited(): boolean {
    return this.unreadable > 0;
  }

  /** Whether no such answer is awaited or held for a reader (the connection owes and is owed nothing here). */
  get idle(): boolean {
    return this.unreadable === 0 && this.queue.length === 0;
  }

  /** A frame the server can read no id from was sent. */
  expect(): void {
    this.unreadable++;
  }

  /** The awaited answer came: to the first waiter, else queued for the next one. */
  deliver(reply: Reply): void {
    this.unreadable--;
    const waiter = this.waiters.shift();
    if (waiter) waiter(reply);
    else this.queue.push(reply);
  }

  /** The next answer, or the close, or 'timeout' after `timeoutMs`. */
  next(timeoutMs: number, closed: CloseInfo | undefined): Promise<Reply | CloseInfo | 'timeout'> {
    const queued = this.queue.shift();
    if (queued) return Promise.resolve(queued);
    if (closed) return Promise.resolve(closed);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        const i = this.waiters.indexOf(done);
        if (i >= 0) this.waiters.splice(i, 1);
        resolve('timeout');
      }, timeoutMs);
      const done = (r: Reply | CloseInfo) => {
        clearTimeout(timer);
        resolve(r);
      };
      this.waiters.push(done);
    });
  }

  /** The answer will not be taken any more: a later one is a stray. */
  abandon(): void {
    if (this.unreadable > 0) this.unreadable--;
    this.waiters.splice(0);
  }

  /** The socket closed: every waiter gets the close. */
  closed(info: CloseInfo): void {
    for (const w of this.waiters.splice(0)) w(info);
  }
}
