// How a connection to a target is opened and kept: bounds, TLS, its transcript, keepalive.
import type { OrderKnowledge } from './order.ts';
import type { Transcript } from './transcript.ts';

export interface TlsOptions {
  /** PEM file of a CA that signed the target's certificate. */
  readonly caFile?: string;
  /** Accept any certificate (self-signed development servers). */
  readonly insecure?: boolean;
}

export interface ConnectionOptions {
  readonly label: string;
  readonly timeoutMs: number;
  readonly connectTimeoutMs?: number;
  readonly tls?: TlsOptions;
  readonly transcript?: Transcript;
  /** Largest frame accepted from the target. */
  readonly maxPayload?: number;
  /** Send our own ping when idle this long, so long runs are not dropped as idle. 0 disables. */
  readonly keepaliveMs?: number;
  /** Whether the target keeps order, once probed (harness/client/order.ts); unknown counts as in order. */
  readonly order?: OrderKnowledge;
}
