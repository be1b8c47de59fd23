// What the frame handlers (requests.ts, replies.ts) need of the checker (checker.ts).
import type { DataRules } from './rules-data.ts';
import type { CheckContext, Conn, Rules } from './types.ts';

export interface FrameJudge extends CheckContext {
  readonly conns: ReadonlyMap<string, Conn>;
  readonly data: DataRules;
  readonly rules: readonly Rules[];
  /** Records fed so far: the order of everything in the trace. */
  readonly ord: number;
  /** Connections seen and not closed. */
  readonly openCount: number;
  /** The most requests seen in flight on one connection (ENV-005 needs 100). */
  maxInFlight: number;
  /** Replies correlated while several connections were open (ENV-006 passes on them). */
  concurrentReplies: number;
  /** Replies that reached another connection than their request's (ENV-006). */
  crossed: number;
}
