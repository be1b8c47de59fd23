// The frames the harness sends: the protocol's envelope, or anything on purpose (bad input).

export interface Envelope {
  readonly type: string;
  readonly id?: string;
  readonly sender?: number;
  readonly receiver?: number;
  readonly data?: unknown;
}

/** A frame sent on purpose without the envelope's shape (bad input): any fields of any type, no cast. */
export interface RawEnvelope {
  readonly id?: string;
  readonly [field: string]: unknown;
}
