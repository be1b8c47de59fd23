// The one declarative message table. Wire names per dialect, request and reply fields.
// Zod schemas (schemas.ts) and the property-based arbitraries are generated from it.
import { type Dialect, type PerDialect, same } from './dialect.ts';
import { type FieldKind, field, LIMITS } from './fields.ts';

export interface FieldSpec {
  readonly kind: FieldKind;
  readonly required: boolean;
}
export type Fields = Readonly<Record<string, FieldSpec>>;

const req = (kind: FieldKind): FieldSpec => ({ kind, required: true });
const opt = (kind: FieldKind): FieldSpec => ({ kind, required: false });

export interface OperationSpec {
  /** Request type on the wire, or null where the dialect has no such operation. */
  readonly request: PerDialect<string | null>;
  readonly requestFields: PerDialect<Fields>;
  /** When two operations share a request type (seed dialect), which data shape selects this one. */
  readonly selects?: (data: Record<string, unknown>) => boolean;
  /** Reply types a conformant Omega may answer with (errors aside). Empty: no reply required. */
  readonly reply: PerDialect<readonly string[]>;
  readonly replyFields: PerDialect<Fields>;
  /** Whose identification the Omega checks (seed: "additional security checks"). */
  readonly guard?: 'user' | 'iota' | 'newIota';
  /** Not on the seed page: informational only. */
  readonly extension?: boolean;
}

const USER_RECORD: Fields = {
  user_id: req(field.id()),
  iota_id: req(field.id()),
  created_at: req(field.timestamp()),
  username: req(field.text(1, LIMITS.username)),
  display: req(field.anyText()),
  avatar: req(field.anyText()),
  about: req(field.anyText()),
  status: req(field.anyText()),
  public_key: req(field.anyText()),
  sub_level: req(field.int()),
  sub_end: req(field.int()),
};

const NONE: Fields = {};
const SUCCESS = same(['success'] as const);

export const OPERATIONS = {
  getUser: {
    request: same('get_user_data'),
    requestFields: same({ user_id: opt(field.id()), username: opt(field.text(1, LIMITS.username)) }),
    reply: { seed: ['get_user'], tensamin: ['get_user_data'] },
    replyFields: same(USER_RECORD),
  },
  changeUser: {
    request: same('change_user_data'),
    requestFields: same({
      user_id: req(field.id()),
      public_key: opt(field.publicKey()),
      username: opt(field.text(1, LIMITS.username)),
      display: opt(field.text(0, LIMITS.display)),
      avatar: opt(field.base64()),
      about: opt(field.base64(LIMITS.about)),
      status: opt(field.text(0, LIMITS.status)),
    }),
    selects: (d) => !('reset_token' in d) && !('new_token' in d),
    reply: SUCCESS,
    replyFields: same(NONE),
    guard: 'user',
  },
  changeIota: {
    request: { seed: 'change_user_data', tensamin: 'change_iota_data' },
    requestFields: {
      seed: { iota_id: req(field.id()), reset_token: req(field.token()), new_token: req(field.token()) },
      tensamin: {
        user_id: req(field.id()),
        iota_id: req(field.id()),
        reset_token: req(field.token()),
        new_token: req(field.token()),
      },
    },
    selects: (d) => 'reset_token' in d || 'new_token' in d,
    reply: SUCCESS,
    replyFields: same(NONE),
    guard: 'newIota',
  },
  getRegister: {
    request: same('get_register'),
    requestFields: same(NONE),
    reply: same(['get_register']),
    replyFields: {
      seed: { user_id: req(field.id()) },
      // The Omega's own page names it register_id; the implementation sends user_id.
      tensamin: { user_id: opt(field.id()), register_id: opt(field.id()) },
    },
  },
  completeUser: {
    request: same('complete_register_user'),
    requestFields: same({
      user_id: req(field.id()),
      username: req(field.text(1, LIMITS.username)),
      public_key: req(field.publicKey()),
      iota_id: req(field.id()),
      reset_token: req(field.token()),
    }),
    reply: SUCCESS,
    replyFields: same(NONE),
  },
  completeIota: {
    request: same('complete_register_iota'),
    requestFields: same({ iota_id: req(field.id()), public_key: req(field.publicKey()) }),
    selects: (d) => 'iota_id' in d,
    reply: { seed: ['success'], tensamin: ['success', 'complete_register_iota'] },
    replyFields: same(NONE),
  },
  deleteUser: {
    request: { seed: 'delete_profile', tensamin: 'delete_user' },
    requestFields: same({ user_id: req(field.id()) }),
    selects: (d) => 'user_id' in d,
    reply: SUCCESS,
    replyFields: same(NONE),
    guard: 'user',
  },
  deleteIota: {
    request: { seed: 'delete_profile', tensamin: 'delete_iota' },
    requestFields: same({ iota_id: req(field.id()) }),
    selects: (d) => !('user_id' in d),
    reply: SUCCESS,
    replyFields: same(NONE),
    guard: 'iota',
  },
  completeIotaWithoutId: {
    request: { seed: null, tensamin: 'complete_register_iota' },
    requestFields: same({ public_key: req(field.publicKey()) }),
    selects: (d) => !('iota_id' in d),
    reply: same(['complete_register_iota']),
    replyFields: same({ iota_id: req(field.id()) }),
    extension: true,
  },
  getIota: {
    request: { seed: null, tensamin: 'get_iota_data' },
    requestFields: same({ iota_id: req(field.id()) }),
    reply: same(['get_iota_data']),
    replyFields: same({ public_key: req(field.anyText()) }),
    extension: true,
  },
} as const satisfies Record<string, OperationSpec>;

export type OperationName = keyof typeof OPERATIONS;
export const OPERATION_NAMES = Object.keys(OPERATIONS) as OperationName[];

export function operationSpec(op: OperationName): OperationSpec {
  return OPERATIONS[op];
}

/** Operations the given dialect has. */
export function operationsOf(dialect: Dialect): OperationName[] {
  return OPERATION_NAMES.filter((op) => operationSpec(op).request[dialect] !== null);
}

/** Which operation a request of this type and data is, in this dialect (the seed reuses types). */
export function resolveOperation(
  dialect: Dialect,
  type: string,
  data: Record<string, unknown>,
): OperationName | undefined {
  const candidates = operationsOf(dialect).filter((op) => operationSpec(op).request[dialect] === type);
  if (candidates.length <= 1) return candidates[0];
  return candidates.find((op) => operationSpec(op).selects?.(data) ?? true);
}

/** Session and announcement messages: the same in both dialects. */
export const SESSION = {
  identification: 'identification',
  challenge: 'challenge',
  challengeResponse: 'challenge_response',
  identificationResponse: 'identification_response',
  ping: 'ping',
  pong: 'pong',
} as const;

export const ANNOUNCEMENTS = {
  userConnected: 'user_connected',
  userDisconnected: 'user_disconnected',
  iotaConnected: 'iota_connected',
  iotaDisconnected: 'iota_disconnected',
} as const;
export type Announcement = keyof typeof ANNOUNCEMENTS;

export const isErrorType = (type: string): boolean => type.startsWith('error');
