// The checker's view of connections and requests, shared by its rule modules.
import type { Dialect } from '../../protocol/dialect.ts';
import type { TraceRecord } from '../format.ts';
import type { TraceOutcome } from './sink.ts';
import type { Json, Op } from './wire.ts';

export interface Conn {
  readonly name: string;
  /** The trace holds this connection from its opening: its whole history is known. */
  readonly openSeen: boolean;
  closed: boolean;
  omikron?: number;
  /** none → challenged → answered → accepted | refused (wrong answer) | refused-id (identification refused). */
  handshake: 'none' | 'challenged' | 'answered' | 'accepted' | 'refused' | 'refused-id';
  /** With the Omikron's key: the challenge's plaintext, and whether the answer sent matched it. */
  expectedAnswer?: string;
  answerRight?: boolean;
  /** Announcements made on this connection: on, or withdrawn (off). */
  readonly announced: Map<string, 'on' | 'off'>;
  readonly pending: Map<string, Req>;
  /** Ids sent again while a request with the same id was in flight: how many replies they still owe. */
  readonly reused: Map<string, number>;
  /** Ids answered recently, to tell a second reply from an unknown id. */
  readonly answered: Map<string, { readonly type: string; readonly op: Op; readonly at: number }>;
  /** Frames sent without a string id, and id-less frames received (other than pings). */
  idlessSent: number;
  idlessReplies: number;
  inFlight: number;
  /** 100 or more requests were sent without the connection going idle (ENV-005 exercised). */
  burst: boolean;
  /** Requests sent since the connection last had none in flight. */
  sinceIdle: number;
  /** When the last request in flight was answered. */
  idleAt: number;
  /** ENV-001..003 failures seen on this connection (ENV-005 judges a burst by them). */
  envFailures: number;
  /** Bad input sent and not yet answered by an id-less error or a close. */
  badPending?: { readonly requirement: string; readonly at: number; readonly what: string };
  unknownTypeErrorAt?: number;
  seq: number;
  /** The connection's latest frames (evidence for failures). */
  readonly recent: TraceRecord[];
}

export interface Req {
  readonly id: string;
  readonly type: string;
  readonly op: Op;
  readonly data: Json;
  readonly sender: unknown;
  readonly conn: Conn;
  readonly sentAt: number;
  /** Position in the trace (times tie at a millisecond; the record order does not). */
  readonly sentOrd: number;
  readonly seq: number;
  /** Sent before the Omikron answered the challenge: must not be served (SES-005). */
  readonly beforeAuth: boolean;
  /** Sent after the Omega refused the handshake: must not be served (SES-003 / SES-004). */
  readonly afterRefusal?: 'SES-003' | 'SES-004';
  repliedAt?: number;
  repliedOrd?: number;
  replyType?: string;
  reply?: Json;
  /** Per-rule notes taken when the request was sent (e.g. the identification state). */
  readonly notes: Record<string, unknown>;
}

export interface Reply {
  readonly type: string;
  readonly json: Json;
  readonly data: Json | undefined;
  readonly error: boolean;
  readonly at: number;
}

export interface CheckContext {
  readonly fromStart: boolean;
  readonly replyBoundMs: number;
  /** The dialect given with --dialect; otherwise probed when the trace ends. */
  readonly forcedDialect?: Dialect;
  readonly conns: ReadonlyMap<string, Conn>;
  /**
   * Requests sent before the trace began may still take effect until a reply bound after its first
   * frame (unless the trace holds the whole history): a read before then is not compared.
   */
  settled(at: number): boolean;
  observe(
    requirement: string,
    outcome: TraceOutcome,
    message: string,
    where: { conn?: Conn; at: number },
    extra?: { expected?: string; actual?: string },
  ): void;
}

export interface Rules {
  onRequest?(req: Req, ctx: CheckContext): void;
  /** The first reply a request gets (correlated by id on its connection). */
  onReply?(req: Req, reply: Reply, ctx: CheckContext): void;
  onClose?(conn: Conn, at: number, by: string | undefined, code: number | undefined, ctx: CheckContext): void;
  finish?(ctx: CheckContext, end: number): void;
}

export const principalOf = (kind: 'user' | 'iota', id: unknown): string | undefined =>
  typeof id === 'number' && Number.isInteger(id) ? `${kind}:${id}` : undefined;
