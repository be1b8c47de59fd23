// What went wrong under load, each naming the requirement it breaks. A finding about a frame that
// matched no request carries that frame as a cause and is charged through the one cause table
// (harness/verdict/cause-table.ts), as the scripted scenarios and the properties charge it; the
// others are the load profile's own checks.
import type { Cause } from '../client/causes.ts';
import type { RequirementId } from '../spec/requirements.ts';
import { requirementOf } from '../verdict/cause-table.ts';

export type FindingKind =
  /** No reply within the bound, or the connection closed first (ENV-003). */
  | 'lost'
  /** A second reply to one id (the cause table: ENV-003). */
  | 'duplicate'
  /** A reply with an id no request on this connection was waiting for, or without an id (the cause
   * table: ENV-003, or ENV-001/ENV-002 without an id), or whose content belongs to another request
   * (ENV-005: answered with another request's id). */
  | 'wrong-id'
  /** A reply to another connection's request (the cause table: ENV-006). */
  | 'crossed'
  /** A frame that is not a JSON object with a string type (the cause table: ENV-004). */
  | 'malformed'
  /** Something acknowledged does not read back (UM-CHG-004, UM-IOTA-001, UM-REG-004, UM-DEL-001). */
  | 'read-back'
  /** One register id issued twice (UM-REG-002). */
  | 'register-id';

export interface Finding {
  readonly kind: FindingKind;
  readonly requirement: RequirementId;
  /** Label of the connection it was seen on. */
  readonly connection: string;
  readonly message: string;
  readonly frame?: string;
  /** The request id concerned, to find the frames around it in the connection's transcript. */
  readonly id?: string;
  /** The frame that matched no request, as data (stray findings only). */
  readonly cause?: Cause;
}

/** The load profile's own checks: findings that are no stray frame. */
const OWN_CHECK: Readonly<Record<'lost' | 'wrong-id' | 'register-id', RequirementId>> = {
  lost: 'ENV-003',
  /** A reply matched by its id whose content answers another request. */
  'wrong-id': 'ENV-005',
  'register-id': 'UM-REG-002',
};

export function finding(
  kind: keyof typeof OWN_CHECK,
  connection: string,
  message: string,
  frame?: string,
  id?: string,
): Finding {
  return {
    kind,
    requirement: OWN_CHECK[kind],
    connection,
    message,
    ...(frame ? { frame } : {}),
    ...(id ? { id } : {}),
  };
}

/** A frame that matched no request: the cause table names the requirement it breaks. */
export function strayFinding(
  kind: Exclude<FindingKind, 'lost' | 'read-back' | 'register-id'>,
  connection: string,
  message: string,
  cause: Cause,
): Finding {
  // A stray frame is always charged by the table (no anomaly kind maps to nothing).
  const requirement = requirementOf(cause) as RequirementId;
  const frame = 'frame' in cause ? cause.frame : undefined;
  const id = 'id' in cause ? cause.id : undefined;
  return {
    kind,
    requirement,
    connection,
    message,
    ...(frame ? { frame } : {}),
    ...(id ? { id } : {}),
    cause,
  };
}
