// What went wrong under load, each naming the requirement it breaks.

export type FindingKind =
  /** No reply within the bound, or the connection closed first (ENV-003). */
  | 'lost'
  /** A second reply to one id (ENV-003). */
  | 'duplicate'
  /** A reply with an id no request on this connection was waiting for, without an id, or whose content belongs to another request (ENV-005). */
  | 'wrong-id'
  /** A reply to another connection's request (ENV-006). */
  | 'crossed'
  /** A frame that is not a JSON object with a string type (ENV-004). */
  | 'malformed'
  /** Something acknowledged does not read back (UM-CHG-004, UM-IOTA-001, UM-REG-004, UM-DEL-001). */
  | 'read-back'
  /** One register id issued twice (UM-REG-002). */
  | 'register-id';

export interface Finding {
  readonly kind: FindingKind;
  readonly requirement: string;
  /** Label of the connection it was seen on. */
  readonly connection: string;
  readonly message: string;
  readonly frame?: string;
  /** The request id concerned, to find the frames around it in the connection's transcript. */
  readonly id?: string;
}

export const REQUIREMENT_OF: Readonly<Record<Exclude<FindingKind, 'read-back'>, string>> = {
  lost: 'ENV-003',
  duplicate: 'ENV-003',
  'wrong-id': 'ENV-005',
  crossed: 'ENV-006',
  malformed: 'ENV-004',
  'register-id': 'UM-REG-002',
};

export function finding(
  kind: Exclude<FindingKind, 'read-back'>,
  connection: string,
  message: string,
  frame?: string,
  id?: string,
): Finding {
  return {
    kind,
    requirement: REQUIREMENT_OF[kind],
    connection,
    message,
    ...(frame ? { frame } : {}),
    ...(id ? { id } : {}),
  };
}
