// Steps the properties and the model share: binding generated values to real users, reading a
// user back and comparing it.
import type { Reply } from '../client/connection.ts';
import type { OmikronSession } from '../client/session.ts';
import type { Dialect } from '../protocol/dialect.ts';
import { isErrorType, operationSpec } from '../protocol/messages.ts';
import { SetupError, type ScenarioContext, show } from '../scenario/context.ts';
import {
  completeUserRequest,
  freshPublicKey,
  type IotaFixture,
  registerId,
  type UserFixture,
} from '../scenario/fixtures.ts';
import { describeReply, exchange, PropertyFailure } from './runner.ts';

// --- names -----------------------------------------------------------------------------------------

/**
 * A username no earlier run used (t.uniqueName()), as long as the generated one: the unique name,
 * `_` (which unique names never contain, so no two results collide), then the generated text's
 * last code points. Lengths up to the limit are still exercised.
 */
export function uniqueLike(t: ScenarioContext, generated: string): string {
  const unique = t.uniqueName();
  if (generated.length <= unique.length + 1) return unique;
  const points = Array.from(generated);
  let tail = '';
  for (let i = points.length - 1; i >= 0; i--) {
    const p = points[i]!;
    if (unique.length + 1 + tail.length + p.length > generated.length) break;
    tail = p + tail;
  }
  return tail === '' ? unique : `${unique}_${tail}`;
}

// --- setup -----------------------------------------------------------------------------------------

/** A fixture step; a refused step is a property failure of the requirement `req` names for it. */
export async function setup<T>(req: string, step: () => Promise<T>): Promise<T> {
  try {
    return await step();
  } catch (e) {
    if (e instanceof SetupError) throw new PropertyFailure(req, e.message);
    throw e;
  }
}

/** A fresh Iota: get_register (UM-REG-001), then complete_register_iota (UM-REG-007). */
export async function freshIota(o: OmikronSession): Promise<IotaFixture> {
  const iotaId = await setup('UM-REG-001', () => registerId(o));
  const publicKey = freshPublicKey();
  const reply = await exchange(o, {
    type: o.wireType('completeIota'),
    data: { iota_id: iotaId, public_key: publicKey },
  });
  if (isErrorType(reply.type))
    throw new PropertyFailure(
      'UM-REG-007',
      `setup: complete_register_iota answered ${describeReply(reply)}`,
      {
        actual: reply.frame,
      },
    );
  return { iotaId, publicKey };
}

/** A fresh user (on a fresh Iota unless given): get_register (UM-REG-001), complete_register_user (UM-REG-004). */
export async function freshUser(
  t: ScenarioContext,
  o: OmikronSession,
  iota?: IotaFixture,
): Promise<UserFixture> {
  const home = iota ?? (await freshIota(o));
  const userId = await setup('UM-REG-001', () => registerId(o));
  const user: UserFixture = {
    userId,
    username: t.uniqueName(),
    publicKey: freshPublicKey(),
    iotaId: home.iotaId,
    resetToken: t.token(),
  };
  const reply = await exchange(o, { type: o.wireType('completeUser'), data: completeUserRequest(user) });
  if (isErrorType(reply.type))
    throw new PropertyFailure(
      'UM-REG-004',
      `setup: complete_register_user answered ${describeReply(reply)}`,
      {
        actual: reply.frame,
      },
    );
  return user;
}

// --- user records ----------------------------------------------------------------------------------

/** The user record's fields, from the message table (get_user_data's reply). */
export function userFields(dialect: Dialect): readonly string[] {
  return Object.keys(operationSpec('getUser').replyFields[dialect]);
}

export type { UserRecord } from '../scenario/steps-users.ts';
import type { UserRecord } from '../scenario/steps-users.ts';

/** The seed's fields of a reply's data (extra fields dropped). */
export function pickRecord(dialect: Dialect, data: unknown): UserRecord {
  const d = (typeof data === 'object' && data !== null ? data : {}) as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const k of userFields(dialect)) out[k] = d[k];
  return out;
}

/**
 * The record with a `display` that only repeats the username read as empty
 * (PROTOCOL-NOTES.md: "display falls back to the username when empty"; UM-GET-007).
 */
export function withoutFallback(r: UserRecord): UserRecord {
  return r.display === r.username ? { ...r, display: '' } : r;
}

/** Fields whose value differs; `display` compared with the username fallback taken out. */
export function diffRecord(expected: UserRecord, actual: UserRecord, only?: readonly string[]): string[] {
  const e0 = withoutFallback(expected);
  const a0 = withoutFallback(actual);
  const out: string[] = [];
  for (const k of only ?? Object.keys(expected)) {
    if (show(e0[k]) !== show(a0[k])) out.push(k);
  }
  return out;
}

export const describeDiff = (fields: readonly string[], expected: UserRecord, actual: UserRecord): string =>
  fields.map((k) => `${k}: expected ${show(expected[k])}, read ${show(actual[k])}`).join('; ');

/** get_user_data; the record or null when the reply is an error. */
export async function read(
  o: OmikronSession,
  query: { user_id?: number; username?: string },
): Promise<{ reply: Reply; record: UserRecord | null }> {
  const reply = await exchange(o, { type: o.wireType('getUser'), data: query });
  if (isErrorType(reply.type)) return { reply, record: null };
  return { reply, record: pickRecord(o.dialect, reply.data) };
}

/** Read a user that must exist; otherwise a property failure of `req`. */
export async function mustRead(
  o: OmikronSession,
  userId: number,
  req: string,
  what: string,
): Promise<UserRecord> {
  const { reply, record } = await read(o, { user_id: userId });
  if (record === null)
    throw new PropertyFailure(req, `${what}: get_user_data for user ${userId} answered ${reply.type}`, {
      actual: reply.frame,
    });
  return record;
}

/** Bind real values to the fields a generated request names, except the one a mutation broke. */
export function bind(data: unknown, values: Readonly<Record<string, unknown>>, except?: string): unknown {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return data;
  const out: Record<string, unknown> = { ...(data as Record<string, unknown>) };
  for (const [k, v] of Object.entries(values)) {
    if (k === except || !(k in out) || v === undefined) continue;
    out[k] = v;
  }
  return out;
}
