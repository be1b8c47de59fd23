// Small synthetic traces for the checker's unit tests: a connection that opens, authenticates and talks.
import type { TraceRecord } from '../harness/trace/format.ts';

export class TraceBuilder {
  readonly records: TraceRecord[] = [];
  private n = 0;
  constructor(public time = 1_800_000_000_000) {}

  at(ms: number): this {
    this.time += ms;
    return this;
  }
  open(conn: string): this {
    this.records.push({ time: this.time, connection: conn, event: 'open' });
    return this;
  }
  close(conn: string, by: 'omikron' | 'omega', code = 1000): this {
    this.records.push({ time: this.time, connection: conn, event: 'close', by, code });
    return this;
  }
  send(conn: string, msg: Record<string, unknown>): string {
    const id =
      (msg.id as string | undefined) ?? `00000000-0000-4000-8000-${String(++this.n).padStart(12, '0')}`;
    this.records.push({
      time: this.time,
      connection: conn,
      direction: 'to-omega',
      text: JSON.stringify({ ...msg, id }),
    });
    this.time += 1;
    return id;
  }
  reply(conn: string, id: string | undefined, type: string, data?: Record<string, unknown>): this {
    this.records.push({
      time: this.time,
      connection: conn,
      direction: 'to-omikron',
      text: JSON.stringify({ type, ...(id !== undefined ? { id } : {}), ...(data ? { data } : {}) }),
    });
    this.time += 1;
    return this;
  }
  /** send + reply. */
  call(conn: string, msg: Record<string, unknown>, type: string, data?: Record<string, unknown>): string {
    const id = this.send(conn, msg);
    this.reply(conn, id, type, data);
    return id;
  }
  /** An opened, authenticated connection (the challenge is well-formed; no key, so its answer is not judged). */
  session(conn: string, omikron = 101): this {
    this.open(conn);
    this.call(conn, { type: 'identification', data: { omikron } }, 'challenge', {
      public_key: Buffer.alloc(56, 1).toString('base64'),
      challenge: Buffer.alloc(60, 2).toString('base64'),
    });
    this.call(conn, { type: 'challenge_response', data: { challenge: 'x' } }, 'identification_response', {
      accepted: true,
    });
    return this;
  }
}
