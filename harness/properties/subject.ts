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
import { freshUser, mustRead, read, type UserRecord } from './steps.ts';
import {
  afterChange,
  type Candidates,
  CHANGE_FIELDS,
  type ChangeField,
  describeCandidates,
  narrow,
} from './values.ts';

/** The run's own user, announced on the run's own connection, and its record as read. */
export interface Subject {
  readonly o: OmikronSession;
  readonly userId: number;
  username: string;
  resetToken: string;
  record: UserRecord;
  /** What each changeable field may hold (values.ts): "" may have meant "unchanged", display may fall back. */
  values: Record<ChangeField, Candidates>;
}

const firstValues = (record: UserRecord): Record<ChangeField, Candidates> =>
  Object.fromEntries(
    CHANGE_FIELDS.map((k) => [k, narrow(k, null, record[k], record.username) ?? null]),
  ) as Record<ChangeField, Candidates>;

export async function subject(t: ScenarioContext): Promise<Subject> {
  const o = await t.omikron(0);
  const u = await freshUser(t, o);
  await o.announce('userConnected', u.userId);
  const record = await mustRead(o, u.userId, 'UM-REG-004', 'the user just registered');
  return {
    o,
    userId: u.userId,
    username: u.username,
    resetToken: u.resetToken,
    record,
    values: firstValues(record),
  };
}

interface Mismatch {
  readonly field: string;
  readonly expected: string;
  readonly named: boolean;
}

interface Comparison {
  readonly wrong: Mismatch[];
  /** Fields the read left out: not judged here (a record's shape is UM-GET-006's and ENC-*'s business). */
  readonly absent: string[];
}

const isAbsent = (record: UserRecord, k: string): boolean => record[k] === undefined;

/**
 * Compare a read with what the subject may hold after `change` (fields it set, valid ones only);
 * on a match the subject's candidates narrow to what was read. Only fields present in the read are
 * compared: an absent one says nothing about the change, and the shape requirements judge it, so one
 * fault (a record that leaves out unset fields) fails those alone. Its candidates stay as they were.
 */
function compareRead(s: Subject, now: UserRecord, change: Readonly<Record<string, unknown>>): Comparison {
  const wrong: Mismatch[] = [];
  const absent: string[] = [];
  const next: Partial<Record<ChangeField, Candidates>> = {};
  for (const k of CHANGE_FIELDS) {
    const set = change[k];
    const allowed =
      typeof set === 'string' ? afterChange(s.values[k], set) : k in change ? null : s.values[k];
    if (isAbsent(now, k)) {
      absent.push(k);
      next[k] = allowed;
      continue;
    }
    const narrowed = narrow(k, allowed, now[k], now.username);
    if (narrowed === undefined)
      wrong.push({ field: k, expected: describeCandidates(allowed), named: k in change });
    else next[k] = narrowed;
  }
  for (const k of Object.keys(s.record)) {
    if ((CHANGE_FIELDS as readonly string[]).includes(k) || isAbsent(s.record, k)) continue;
    if (isAbsent(now, k)) absent.push(k);
    else if (show(now[k]) !== show(s.record[k]))
      wrong.push({ field: k, expected: show(s.record[k]), named: false });
  }
  if (wrong.length === 0) s.values = next as Record<ChangeField, Candidates>;
  return { wrong, absent };
}

/** The record as known after a read: the fields read, and the earlier value of those it left out. */
const merged = (before: UserRecord, now: UserRecord): UserRecord => {
  const out: Record<string, unknown> = { ...before };
  for (const [k, v] of Object.entries(now)) if (v !== undefined) out[k] = v;
  return out as UserRecord;
};

const describeMismatches = (m: readonly Mismatch[], now: UserRecord, absent: readonly string[]): string =>
  m.map((d) => `${d.field}: expected ${d.expected}, read ${show(now[d.field])}`).join('; ') +
  (absent.length > 0 ? ` (left out of the read, not judged here: ${absent.join(', ')})` : '');

/** Check a change answered success: the fields it named read back, the others as before. */
export async function afterSuccess(
  dialect: Dialect,
  s: Subject,
  data: Record<string, unknown>,
  what: string,
  cov: Coverage,
): Promise<void> {
  const named = CHANGE_FIELDS.filter((k) => k in data);
  const valid = named.filter(
    (k) => requestDataSchema('changeUser', dialect).shape[k]?.safeParse(data[k]).success === true,
  );
  const now = await mustRead(s.o, s.userId, 'UM-CHG-004', `${what} answered success, then`);
  // A named field the table calls invalid, yet accepted: any value (a lenient server's choice).
  const change = Object.fromEntries(named.map((k) => [k, valid.includes(k) ? data[k] : null]));
  const { wrong, absent } = compareRead(s, now, change);
  const changed = wrong.filter((m) => m.named);
  if (changed.length > 0)
    throw new PropertyFailure(
      'UM-CHG-004',
      `${what} answered success, but reads back ${describeMismatches(changed, now, absent)}`,
      { expected: Object.fromEntries(valid.map((k) => [k, data[k]])), actual: now },
    );
  if (wrong.length > 0)
    throw new PropertyFailure(
      'UM-CHG-003',
      `${what} answered success, and fields it did not name changed: ${describeMismatches(wrong, now, absent)}`,
      { expected: s.record, actual: now },
    );
  // A change is judged when a field it set was read back (not when the read left them all out).
  if (valid.some((k) => !absent.includes(k))) cov.hit('UM-CHG-004');
  if (named.length < Object.keys(s.record).length) cov.hit('UM-CHG-003');
  if (typeof data.username === 'string' && data.username !== '' && valid.includes('username')) {
    const byName = await read(s.o, { username: data.username });
    if (byName.record?.user_id !== s.userId)
      throw new PropertyFailure(
        'UM-CHG-004',
        `${what} answered success, but get_user_data by the new username ${show(data.username)} answered ${byName.reply.type}${byName.record ? ` for user ${show(byName.record.user_id)}` : ''}`,
        { actual: byName.reply.frame },
      );
    s.username = data.username;
  }
  s.record = merged(s.record, now);
}

/** Check a request answered with an error changed nothing about the subject (BAD-005). */
export async function afterError(s: Subject, reply: Reply, what: string, cov: Coverage): Promise<void> {
  const now = await mustRead(s.o, s.userId, 'BAD-005', `${what} answered ${reply.type}, then`);
  const { wrong, absent } = compareRead(s, now, {});
  if (wrong.length > 0)
    throw new PropertyFailure(
      'BAD-005',
      `${what} answered the error ${reply.type}, yet the user changed: ${describeMismatches(wrong, now, absent)}`,
      { expected: s.record, actual: now },
    );
  s.record = merged(s.record, now);
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
