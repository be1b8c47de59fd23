// What one traced frame is: its JSON, and for a request from the Omikron, which operation it is.
import type { Dialect } from '../../protocol/dialect.ts';
import { isErrorType, type OperationName, operationSpec } from '../../protocol/messages.ts';

export type Json = Record<string, unknown>;

export const obj = (x: unknown): Json | undefined =>
  typeof x === 'object' && x !== null && !Array.isArray(x) ? (x as Json) : undefined;

export type Parsed =
  | { readonly kind: 'object'; readonly json: Json; readonly type?: string; readonly id?: string }
  | { readonly kind: 'invalid-json' | 'not-object' | 'empty' };

export function parseFrame(text: string): Parsed {
  if (text.length === 0) return { kind: 'empty' };
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return { kind: 'invalid-json' };
  }
  const json = obj(v);
  if (!json) return { kind: 'not-object' };
  return {
    kind: 'object',
    json,
    ...(typeof json.type === 'string' ? { type: json.type } : {}),
    ...(typeof json.id === 'string' ? { id: json.id } : {}),
  };
}

export type Op =
  | OperationName
  | 'ping'
  | 'pong'
  | 'identification'
  | 'challengeResponse'
  | 'userConnected'
  | 'userDisconnected'
  | 'iotaConnected'
  | 'iotaDisconnected'
  | 'getIotaData'
  | 'untyped'
  | 'unknown';

export interface Classified {
  readonly op: Op;
  /** The request type names one dialect only (its evidence for the dialect probe). */
  readonly dialect?: Dialect;
}

const FIXED: Record<string, Classified> = {
  ping: { op: 'ping' },
  pong: { op: 'pong' },
  identification: { op: 'identification' },
  challenge_response: { op: 'challengeResponse' },
  user_connected: { op: 'userConnected' },
  user_disconnected: { op: 'userDisconnected' },
  iota_connected: { op: 'iotaConnected' },
  iota_disconnected: { op: 'iotaDisconnected' },
  get_iota_data: { op: 'getIotaData', dialect: 'tensamin' },
  get_user_data: { op: 'getUser' },
  get_register: { op: 'getRegister' },
  complete_register_user: { op: 'completeUser' },
  change_iota_data: { op: 'changeIota', dialect: 'tensamin' },
  delete_user: { op: 'deleteUser', dialect: 'tensamin' },
  delete_iota: { op: 'deleteIota', dialect: 'tensamin' },
};

export function classify(type: string | undefined, data: Json): Classified {
  if (type === undefined) return { op: 'untyped' };
  const fixed = FIXED[type];
  if (fixed) return fixed;
  switch (type) {
    case 'change_user_data':
      return 'reset_token' in data || 'new_token' in data
        ? { op: 'changeIota', dialect: 'seed' }
        : { op: 'changeUser' };
    case 'delete_profile':
    case 'delet_profile':
      return { op: 'user_id' in data ? 'deleteUser' : 'deleteIota', dialect: 'seed' };
    case 'complete_register_iota':
      return 'iota_id' in data
        ? { op: 'completeIota' }
        : { op: 'completeIotaWithoutId', dialect: 'tensamin' };
    default:
      return { op: 'unknown' };
  }
}

export const isAnnouncement = (op: Op): boolean =>
  op === 'userConnected' || op === 'userDisconnected' || op === 'iotaConnected' || op === 'iotaDisconnected';

/** Announcements may go unanswered, and so may a pong (the Omikron answering the Omega's heartbeat). */
export const optionalReply = (op: string): boolean => isAnnouncement(op as never) || op === 'pong';

export const isOperation = (op: Op): op is OperationName =>
  [
    'getUser',
    'changeUser',
    'changeIota',
    'getRegister',
    'completeUser',
    'completeIota',
    'deleteUser',
    'deleteIota',
    'completeIotaWithoutId',
  ].includes(op);

const INTEGER_KINDS = new Set(['id', 'int', 'timestamp']);

/**
 * A required field missing or of the wrong JSON type (a number where a text belongs, or the reverse):
 * what BAD-005 says must be refused. Length limits and base64 are left alone: they are the
 * implementation's, not the seed's. get_user_data is left out (its string user_id is ENC-006, recorded).
 */
export function malformed(op: OperationName, dialect: Dialect, data: unknown): string | undefined {
  if (op === 'getUser') return undefined;
  const d = obj(data);
  if (!d) return 'data is not an object';
  for (const [name, spec] of Object.entries(operationSpec(op).requestFields[dialect])) {
    const v = d[name];
    if (v === undefined) {
      if (spec.required) return `data.${name} is missing`;
      continue;
    }
    if (INTEGER_KINDS.has(spec.kind.kind)) {
      if (typeof v !== 'number' || !Number.isInteger(v)) return `data.${name} is not an integer`;
    } else if (spec.kind.kind !== 'bool' && spec.kind.kind !== 'idList' && typeof v !== 'string') {
      return `data.${name} is not a string`;
    }
  }
  return undefined;
}

export const isErrorReply = (type: string | undefined): boolean => type !== undefined && isErrorType(type);
