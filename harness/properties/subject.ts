// The run's own user (the subject of the change properties) and what a success or an error reply
// to a request about it means for what reads back.
import fc from 'fast-check';
import type { Reply } from '../client/connection.ts';
import type { OmikronSession } from '../client/session.ts';
import type { Dialect } from '../protocol/dialect.ts';
import { requestDataSchema } from '../protocol/schemas.ts';
import { type ScenarioContext, show } from '../scenario/context.ts';
import { type GeneratedRequest, validDataFew, validRequest } from './arbitraries.ts';
import { type Coverage, PropertyFailure } from './runner.ts';
import {
  describeDiff,
  diffRecord,
  freshUser,
  mustRead,
  read,
  type UserRecord,
  withoutFallback,
} from './steps.ts';

/** The run's own user, announced on the run's own connection, and its record as read. */
export interface Subject {
  readonly o: OmikronSession;
  readonly userId: number;
  username: string;
  resetToken: string;
  record: UserRecord;
}

export async function subject(t: ScenarioContext): Promise<Subject> {
  const o = await t.omikron(0);
  const u = await freshUser(t, o);
  await o.announce('userConnected', u.userId);
  const record = await mustRead(o, u.userId, 'UM-REG-004', 'the user just registered');
  return { o, userId: u.userId, username: u.username, resetToken: u.resetToken, record };
}

export const CHANGEABLE = ['public_key', 'username', 'display', 'avatar', 'about', 'status'] as const;

/** Check a change answered success: the fields it named read back, the others as before. */
export async function afterSuccess(
  dialect: Dialect,
  s: Subject,
  data: Record<string, unknown>,
  what: string,
  cov: Coverage,
): Promise<void> {
  const named = CHANGEABLE.filter((k) => k in data);
  const valid = named.filter(
    (k) => requestDataSchema('changeUser', dialect).shape[k]?.safeParse(data[k]).success === true,
  );
  const now = await mustRead(s.o, s.userId, 'UM-CHG-004', `${what} answered success, then`);
  const expected: Record<string, unknown> = { ...withoutFallback(s.record) };
  for (const k of valid) expected[k] = data[k];
  const changed = diffRecord(expected, now, valid);
  if (changed.length > 0)
    throw new PropertyFailure(
      'UM-CHG-004',
      `${what} answered success, but reads back ${describeDiff(changed, expected, now)}`,
      { expected: Object.fromEntries(valid.map((k) => [k, data[k]])), actual: now },
    );
  const others = Object.keys(s.record).filter((k) => !named.includes(k as (typeof CHANGEABLE)[number]));
  const kept = diffRecord(withoutFallback(s.record), now, others);
  if (kept.length > 0)
    throw new PropertyFailure(
      'UM-CHG-003',
      `${what} answered success, and fields it did not name changed: ${describeDiff(kept, s.record, now)}`,
      { expected: s.record, actual: now },
    );
  if (valid.length > 0) cov.hit('UM-CHG-004');
  if (others.length > 0) cov.hit('UM-CHG-003');
  if (typeof data.username === 'string' && valid.includes('username')) {
    const byName = await read(s.o, { username: data.username });
    if (byName.record?.user_id !== s.userId)
      throw new PropertyFailure(
        'UM-CHG-004',
        `${what} answered success, but get_user_data by the new username ${show(data.username)} answered ${byName.reply.type}${byName.record ? ` for user ${show(byName.record.user_id)}` : ''}`,
        { actual: byName.reply.frame },
      );
    s.username = data.username;
  }
  s.record = now;
}

/** Check a request answered with an error changed nothing about the subject (BAD-005). */
export async function afterError(s: Subject, reply: Reply, what: string, cov: Coverage): Promise<void> {
  const now = await mustRead(s.o, s.userId, 'BAD-005', `${what} answered ${reply.type}, then`);
  const diff = diffRecord(s.record, now);
  if (diff.length > 0)
    throw new PropertyFailure(
      'BAD-005',
      `${what} answered the error ${reply.type}, yet the user changed: ${describeDiff(diff, s.record, now)}`,
      { expected: s.record, actual: now },
    );
  cov.hit('BAD-005');
}

/** Changes naming one, two or all the fields (validDataFew makes particular pairs likely). */
export const validChange = (dialect: Dialect): fc.Arbitrary<GeneratedRequest> =>
  fc.oneof(
    { weight: 1, arbitrary: validRequest('changeUser', dialect) },
    {
      weight: 3,
      arbitrary: validDataFew('changeUser', dialect).map(
        (data): GeneratedRequest => ({
          op: 'changeUser',
          dialect,
          type: 'change_user_data',
          data,
          validity: 'valid',
        }),
      ),
    },
  );
