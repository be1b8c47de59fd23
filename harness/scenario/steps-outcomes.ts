// Steps the envelope, session, announcement and bad-input suites share: what became of a request
// (a reply, a close, silence, or a frame that could not be matched to it), what became of a frame
// that carries no id the Omega could echo, and the proof that the server still serves with its data.
import type { RequirementId } from '../spec/requirements.ts';
import { randomUUID } from 'node:crypto';
import { type Cause, type CauseOf, describeAnomaly } from '../client/causes.ts';
import type { CloseInfo, Connection, Envelope, Reply } from '../client/connection.ts';
import { ConnectionClosedError, ProtocolViolation, ReplyTimeoutError } from '../client/errors.ts';
import type { OmikronSession } from '../client/session.ts';
import { sendUnreadable } from '../client/unreadable.ts';
import { isErrorType } from '../protocol/messages.ts';
import { type ScenarioContext, describeReply } from './context.ts';
import { type UserFixture, readUser, registerIdOf } from './fixtures.ts';

/** What became of one request. */
export type Outcome =
  | { readonly kind: 'reply'; readonly reply: Reply }
  | { readonly kind: 'close'; readonly close: CloseInfo }
  | { readonly kind: 'timeout'; readonly ms: number; readonly cause: CauseOf<'timeout'> }
  /** A frame came that could not be the reply (no id, an id nobody sent, not JSON). */
  | { readonly kind: 'violation'; readonly message: string; readonly cause?: Cause };

/** Wait for a reply and say what became of it, instead of throwing. */
export async function outcomeOf(pending: Promise<Reply>): Promise<Outcome> {
  try {
    return { kind: 'reply', reply: await pending };
  } catch (e) {
    if (e instanceof ConnectionClosedError)
      return { kind: 'close', close: { code: e.code, reason: e.reason } };
    if (e instanceof ReplyTimeoutError) return { kind: 'timeout', ms: e.timeoutMs, cause: e.cause };
    if (e instanceof ProtocolViolation)
      return { kind: 'violation', message: e.message, ...(e.cause === undefined ? {} : { cause: e.cause }) };
    throw e;
  }
}

/** Send an envelope (any shape, for bad input) and say what became of it. */
export const requestOutcome = (c: Connection, envelope: Envelope): Promise<Outcome> =>
  outcomeOf(c.request(envelope));

/** An envelope with an id but without a `type` (Envelope requires one; the frame must lack it). */
export function envelopeWithoutType(id: string, rest: Record<string, unknown>): Envelope {
  return { id, ...rest } as unknown as Envelope;
}

export function describeClose(c: CloseInfo): string {
  if (c.code === 1006) return 'the connection dropped without a close frame (1006)';
  return `a close ${c.code}${c.reason ? ` ("${c.reason}")` : ''}`;
}

/**
 * The cause of an outcome that is no answer, for the failed check's record (`cause`: recorded, not
 * charged; the frames that came meanwhile are left to the sweep as before).
 */
export const outcomeCause = (o: Outcome | RawOutcome): { cause?: Cause } =>
  'cause' in o && o.cause !== undefined ? { cause: o.cause } : {};

export function describeOutcome(o: Outcome): string {
  switch (o.kind) {
    case 'reply':
      return `${isErrorType(o.reply.type) ? 'an error reply' : 'a reply'} ${describeReply(o.reply)}`;
    case 'close':
      return describeClose(o.close);
    case 'timeout':
      return `no reply and no close within ${o.ms} ms`;
    case 'violation':
      return o.message;
  }
}

/** A close is clean when the server sent a close frame: anything but 1006 (abnormal closure). */
export const isCleanClose = (c: CloseInfo): boolean => c.code !== 1006;

/**
 * A request the Omega must refuse: an error reply with the id (checked under `req`, ENV-002) or a
 * close pass (which one is recorded, SES-008); a non-error reply, silence or a stray frame fail `req`.
 */
export function expectRefused(t: ScenarioContext, req: RequirementId, o: Outcome, what: string): Outcome {
  const expected = 'an error reply (error*) with the request id, or a close';
  if (o.kind === 'reply') {
    if (!isErrorType(o.reply.type)) {
      t.fail(req, `${what}: served with ${describeReply(o.reply)}`, { expected, actual: o.reply.frame });
    }
    t.expectError(req, o.reply, what);
    return o;
  }
  if (o.kind === 'close') {
    t.pass(req, `${what}: refused with a close`);
    t.info('SES-008', `${what}: refused with ${describeClose(o.close)}`);
    return o;
  }
  t.fail(req, `${what}: ${describeOutcome(o)}`, { expected, actual: describeOutcome(o), ...outcomeCause(o) });
  return o;
}

/** The anomalies a connection recorded from index `from` on, described. */
export function anomaliesSince(c: Connection, from: number): string[] {
  return c.anomalies.slice(from).map(describeAnomaly);
}

export { describeAnomaly };

/** After a barrier on `c`: no stray, doubled, id-less or unparsable frame (ENV-003/ENV-004 under `req`). */
export async function expectNoAnomalies(
  t: ScenarioContext,
  req: RequirementId,
  c: Connection,
  what: string,
  from = 0,
): Promise<void> {
  await c.barrier();
  const causes = c.anomalies.slice(from);
  t.check(req, causes.length === 0, what, {
    expected: 'every frame the reply to exactly one request, with its id',
    actual: causes.length === 0 ? 'none' : causes.map(describeAnomaly).join('; '),
    causes,
  });
}

/** What became of a frame the Omega cannot take an id from: an error reply, a close, or neither. */
export type RawOutcome =
  | { readonly kind: 'reply'; readonly reply: Reply }
  | { readonly kind: 'close'; readonly close: CloseInfo }
  /** Nothing came, proven by a barrier (and the settle window on a target not in order). */
  | { readonly kind: 'silence'; readonly proof: string; readonly stray: readonly string[] }
  | {
      readonly kind: 'timeout';
      readonly ms: number;
      readonly stray: readonly string[];
      readonly cause: CauseOf<'timeout'>;
    };

/** Send a frame as it is and wait (bounded) for its answer whatever its id, a close, or proven silence. */
export async function sendRawOutcome(
  s: OmikronSession,
  payload: string | Buffer,
  opts: { binary?: boolean } = {},
): Promise<RawOutcome> {
  const r = await sendUnreadable(s.connection, payload, opts);
  if (r.kind === 'silence' || r.kind === 'timeout') return { ...r, stray: r.stray.map(describeAnomaly) };
  return r;
}

export function describeRawOutcome(o: RawOutcome): string {
  if (o.kind === 'reply')
    return `${isErrorType(o.reply.type) ? 'an error reply' : 'a reply'} ${describeReply(o.reply)}`;
  if (o.kind === 'close') return describeClose(o.close);
  const instead = o.stray.length > 0 ? `; instead ${o.stray.join('; ')}` : '';
  if (o.kind === 'silence') return `no error reply and no close: ${o.proof}${instead}`;
  return o.stray.length > 0
    ? `no error reply and no close within ${o.ms} ms${instead}`
    : `no reply and no close within ${o.ms} ms (a hang)`;
}

/**
 * A frame that cannot be parsed as a request: an error* reply or a clean close, within the reply
 * bound (checked under `req`). Returns how it was answered, for BAD-011.
 */
export function expectErrorOrClose(
  t: ScenarioContext,
  req: RequirementId,
  o: RawOutcome,
  what: string,
): string {
  const expected = 'an error reply (error*) or a clean close, within the reply bound';
  const actual = describeRawOutcome(o);
  if (o.kind === 'reply') {
    t.check(req, isErrorType(o.reply.type), `${what}: answered with ${actual}`, {
      expected,
      actual: o.reply.frame,
    });
    t.info('ENV-008', `${what}: ${describeReply(o.reply)}`);
  } else if (o.kind === 'close') {
    t.check(req, isCleanClose(o.close), `${what}: answered with ${actual}`, { expected, actual });
  } else {
    t.fail(req, `${what}: ${actual}`, { expected, actual, ...outcomeCause(o) });
  }
  return actual;
}

/** The close of a connection that is closing, if it completes within the reply bound. */
export function closedWithin(c: Connection): Promise<CloseInfo | undefined> {
  if (c.closeState) return Promise.resolve(c.closeState);
  let timer: NodeJS.Timeout | undefined;
  const bound = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), c.options.timeoutMs);
  });
  return Promise.race([c.closed, bound]).finally(() => clearTimeout(timer));
}

/** Whether the connection is still open and served: a ping round trip, or how it ended. */
export async function stillOpen(c: Connection): Promise<string> {
  if (!c.isOpen) {
    const closed = await closedWithin(c);
    return closed ? `closed it (${describeClose(closed)})` : 'was closing it';
  }
  const o = await outcomeOf(c.request({ type: 'ping', id: randomUUID(), data: { last_ping: -1 } }));
  if (o.kind === 'reply')
    return o.reply.type === 'pong' ? 'kept it open' : `kept it open (ping got ${o.reply.type})`;
  return `then: ${describeOutcome(o)}`;
}

/**
 * BAD-010: on a fresh authenticated connection (identity `index`) the server still answers a valid
 * request (get_register) and still holds `user`, created before the bad input.
 */
export async function expectServerSurvived(
  t: ScenarioContext,
  after: string,
  user: UserFixture,
  index = 1,
): Promise<void> {
  const req: RequirementId = 'BAD-010';
  let fresh: OmikronSession;
  try {
    fresh = await t.omikron(index);
  } catch (e) {
    return t.fail(req, `after ${after}, a fresh connection could not authenticate`, {
      expected: 'a fresh Omikron connection authenticates',
      actual: (e as Error).message,
    });
  }
  const reg = await outcomeOf(fresh.call('getRegister', {}));
  const regId =
    reg.kind === 'reply' && reg.reply.type === 'get_register' ? registerIdOf(reg.reply) : undefined;
  t.check(req, regId !== undefined, `after ${after}, get_register on a fresh connection is served`, {
    expected: 'get_register with an integer register id',
    actual: reg.kind === 'reply' ? reg.reply.frame : describeOutcome(reg),
  });
  const { reply, record } = await readUser(fresh, { user_id: user.userId });
  t.check(
    req,
    record !== null && record.user_id === user.userId && record.username === user.username,
    `after ${after}, the user created before reads back by id`,
    {
      expected: { user_id: user.userId, username: user.username },
      actual: record === null ? reply.frame : { user_id: record.user_id, username: record.username },
    },
  );
}
