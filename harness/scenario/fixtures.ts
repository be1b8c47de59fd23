// Steps scenarios share: registering Iotas and users, announcing, reading back.
// A step that does not work raises SetupError naming the step and the reply.
import { randomBytes } from 'node:crypto';
import type { Reply } from '../client/connection.ts';
import type { OmikronSession } from '../client/session.ts';
import { X448_KEY_BYTES } from '../crypto/x448.ts';
import { type Announcement, isErrorType } from '../protocol/messages.ts';
import { type ScenarioContext, SetupError, describeReply } from './context.ts';

export interface IotaFixture {
  readonly iotaId: number;
  readonly publicKey: string;
}

export interface UserFixture {
  readonly userId: number;
  readonly username: string;
  readonly publicKey: string;
  readonly iotaId: number;
  resetToken: string;
}

const asInt = (v: unknown): number | undefined =>
  typeof v === 'number' && Number.isSafeInteger(v) ? v : undefined;

/** The register id of a get_register reply: `data.user_id`, or (tensamin) `data.register_id`. */
export function registerIdOf(reply: Reply): number | undefined {
  const d = reply.data as { user_id?: unknown; register_id?: unknown } | undefined;
  return asInt(d?.user_id) ?? asInt(d?.register_id);
}

export async function registerId(o: OmikronSession): Promise<number> {
  const reply = await o.call('getRegister', {});
  const id = reply.type === 'get_register' ? registerIdOf(reply) : undefined;
  if (id === undefined)
    throw new SetupError(
      `setup: get_register answered ${JSON.stringify(reply.frame).slice(0, 200)}, no integer register id`,
    );
  return id;
}

/**
 * A public key for a user or Iota the suite registers: 56 random bytes. Every 56-byte string is an
 * X448 public key (a u-coordinate, RFC 7748), and no check of the suite needs its private key.
 */
export const freshPublicKey = (): string => randomBytes(X448_KEY_BYTES).toString('base64');

export async function newIota(o: OmikronSession): Promise<IotaFixture> {
  const iotaId = await registerId(o);
  const publicKey = freshPublicKey();
  const reply = await o.call('completeIota', { iota_id: iotaId, public_key: publicKey });
  if (isErrorType(reply.type))
    throw new SetupError(`setup: complete_register_iota answered ${describeReply(reply)}`);
  return { iotaId, publicKey };
}

export function completeUserRequest(u: {
  userId: number;
  username: string;
  publicKey: string;
  iotaId: number;
  resetToken: string;
}) {
  return {
    user_id: u.userId,
    username: u.username,
    public_key: u.publicKey,
    iota_id: u.iotaId,
    reset_token: u.resetToken,
  };
}

export async function newUser(
  t: ScenarioContext,
  o: OmikronSession,
  iota?: IotaFixture,
): Promise<UserFixture> {
  const home = iota ?? (await newIota(o));
  const userId = await registerId(o);
  const user: UserFixture = {
    userId,
    username: t.uniqueName(),
    publicKey: freshPublicKey(),
    iotaId: home.iotaId,
    resetToken: t.token(),
  };
  const reply = await o.call('completeUser', completeUserRequest(user));
  if (isErrorType(reply.type))
    throw new SetupError(`setup: complete_register_user answered ${describeReply(reply)}`);
  return user;
}

/** Announce or withdraw; an error reply or more than one reply fails ANN-001. */
export async function announce(
  t: ScenarioContext,
  o: OmikronSession,
  kind: Announcement,
  principal: number,
): Promise<Reply | null> {
  const reply = await o.announce(kind, principal);
  if (reply !== null && isErrorType(reply.type)) {
    t.fail('ANN-001', `${kind} for ${principal} got the error ${describeReply(reply)}`, {
      expected: 'no reply or a non-error reply',
      actual: reply.frame,
    });
  }
  t.pass('ANN-001', 'announcements got no reply or one non-error reply');
  return reply;
}

export const identifyUser = (t: ScenarioContext, o: OmikronSession, userId: number) =>
  announce(t, o, 'userConnected', userId);
export const identifyIota = (t: ScenarioContext, o: OmikronSession, iotaId: number) =>
  announce(t, o, 'iotaConnected', iotaId);

/** get_user_data; the record, or null when the reply is an error. */
export async function readUser(
  o: OmikronSession,
  query: { user_id?: number; username?: string },
): Promise<{ reply: Reply; record: Record<string, unknown> | null }> {
  const reply = await o.call('getUser', query);
  const record =
    isErrorType(reply.type) || typeof reply.data !== 'object' || reply.data === null
      ? null
      : (reply.data as Record<string, unknown>);
  return { reply, record };
}

/** The Iota change in the session's dialect: seed names no user (the token does), tensamin names it. */
export function iotaChange(
  o: OmikronSession,
  user: UserFixture,
  newIotaId: number,
  resetToken: string,
  newToken: string,
  sender: number,
): Promise<Reply> {
  const data =
    o.dialect === 'seed'
      ? { iota_id: newIotaId, reset_token: resetToken, new_token: newToken }
      : { user_id: user.userId, iota_id: newIotaId, reset_token: resetToken, new_token: newToken };
  return o.call('changeIota', data, { sender });
}
