// Steps the user-management suites share (change, Iota change, registration, timeout, deletion,
// encodings): guarded requests sent for an identified principal, read-backs that prove what was
// stored (or that nothing was), and the reading of Unix timestamps.
import type { RequirementId } from '../spec/requirements.ts';
import { randomBytes, randomInt } from 'node:crypto';
import type { Reply } from '../client/connection.ts';
import type { OmikronSession } from '../client/session.ts';
import { isErrorType, type OperationName, operationSpec } from '../protocol/messages.ts';
import { zodFor } from '../protocol/fields.ts';
import { describeReply, type ScenarioContext, show } from './context.ts';
import { completeUserRequest, freshPublicKey, type IotaFixture, readUser } from './fixtures.ts';

/** The fields of the seed's user record, in its order. */
export const USER_FIELDS = [
  'user_id',
  'iota_id',
  'created_at',
  'username',
  'display',
  'avatar',
  'about',
  'status',
  'public_key',
  'sub_level',
  'sub_end',
] as const;

/** The fields a change_user_data may name besides public_key. */
export const CHANGEABLE = ['username', 'display', 'avatar', 'about', 'status'] as const;
export type Changeable = (typeof CHANGEABLE)[number];

export type UserRecord = Record<string, unknown>;
export type UserQuery = { user_id?: number; username?: string };

/**
 * Base64 of `n` random bytes that starts with "+++/", so both non-alphanumeric characters of the
 * alphabet appear, and ends in padding unless n is a multiple of 3.
 */
export function base64Bytes(n: number): string {
  return Buffer.concat([Buffer.from([0xfb, 0xef, 0xbf]), randomBytes(Math.max(0, n - 3))]).toString('base64');
}

/** A value for a changeable field within its limit (username/display/status ≤ 15, about ≤ 200). */
export function valueFor(t: ScenarioContext, field: Changeable): string {
  switch (field) {
    case 'username':
      return t.uniqueName();
    case 'display':
      return `D ${randomBytes(5).toString('hex')}`; // 12 characters
    case 'status':
      return `S ${randomBytes(5).toString('hex')}`; // 12 characters
    case 'avatar':
      return base64Bytes(301); // 404 characters, one "=" of padding: avatar has no limit
    case 'about':
      return base64Bytes(122); // 164 characters, "==" padding, within the 200 limit
  }
}

/** change_user_data for an identified user: sender is the user (announce it first). */
export function changeUser(
  o: OmikronSession,
  userId: number,
  fields: Record<string, string>,
): Promise<Reply> {
  return o.call('changeUser', { user_id: userId, ...fields }, { sender: userId });
}

/** Deleting an identified user (seed delete_profile, tensamin delete_user). */
export const deleteUser = (o: OmikronSession, userId: number): Promise<Reply> =>
  o.call('deleteUser', { user_id: userId }, { sender: userId });

/** Deleting an identified Iota (seed delete_profile with iota_id, tensamin delete_iota). */
export const deleteIota = (o: OmikronSession, iotaId: number): Promise<Reply> =>
  o.call('deleteIota', { iota_id: iotaId }, { sender: iotaId });

/** The data of a user about to be registered under `userId` on `iota`. */
export function pendingUser(t: ScenarioContext, userId: number, iota: IotaFixture | number) {
  return {
    userId,
    username: t.uniqueName(),
    publicKey: freshPublicKey(),
    iotaId: typeof iota === 'number' ? iota : iota.iotaId,
    resetToken: t.token(),
  };
}
export type PendingUser = ReturnType<typeof pendingUser>;

export const completeUser = (o: OmikronSession, u: PendingUser): Promise<Reply> =>
  o.call('completeUser', completeUserRequest(u));

/**
 * An id no get_register issued: far beyond any Unix timestamp of this era in seconds or
 * milliseconds (year 37,000 in ms) and any counter, and still a safe integer.
 */
export const neverIssuedId = (): number => 2 ** 49 + randomInt(2 ** 40);

/**
 * A non-error reply of the operation's reply type (checked under `req`), its data as it came.
 * The data's shape is not judged here: a reply's shape fails the shape requirements only
 * (UM-GET-006, ENC-*), which `expectUserShape` checks; every other check reads the fields it needs.
 */
export function expectAnswer(
  t: ScenarioContext,
  req: RequirementId,
  op: OperationName,
  reply: Reply,
  what: string,
): UserRecord {
  const accepted = operationSpec(op).reply[t.dialect];
  if (isErrorType(reply.type)) {
    t.fail(req, `${what}: expected ${accepted.join(' or ')}, got the error ${describeReply(reply)}`, {
      expected: accepted.join(' or '),
      actual: reply.frame,
    });
    return {};
  }
  t.pass('ENV-001', 'success replies carry the request id');
  if (!accepted.includes(reply.type)) {
    const other = t.dialect === 'seed' ? 'tensamin' : 'seed';
    const otherDialect = operationSpec(op).reply[other].includes(reply.type)
      ? ` (that is the ${other} dialect's reply type)`
      : '';
    t.fail(req, `${what}: reply type "${reply.type}"${otherDialect}, expected ${accepted.join(' or ')}`, {
      expected: accepted.join(' or '),
      actual: reply.frame,
    });
    return {};
  }
  t.pass(req, what);
  const d = reply.data;
  return typeof d === 'object' && d !== null && !Array.isArray(d) ? (d as UserRecord) : {};
}

/** Read a user back; the reply must be a user record (checked under `req`), whatever its shape. */
export async function readBack(
  t: ScenarioContext,
  o: OmikronSession,
  req: RequirementId,
  query: UserQuery,
  what: string,
): Promise<UserRecord> {
  const { reply } = await readUser(o, query);
  return expectAnswer(t, req, 'getUser', reply, what);
}

/** The user record's shape (UM-GET-006): every field of the seed, with its type; integers under ENC-001. */
export function expectUserShape(t: ScenarioContext, d: UserRecord, what: string): void {
  const fields = operationSpec('getUser').replyFields[t.dialect];
  for (const key of USER_FIELDS) {
    const spec = fields[key];
    if (spec === undefined) continue;
    const present = key in d;
    const integral = ['id', 'int', 'timestamp'].includes(spec.kind.kind);
    const ok = present && zodFor(spec.kind).safeParse(d[key]).success;
    const req: RequirementId = integral ? 'ENC-001' : 'UM-GET-006';
    t.check('UM-GET-006', present, `${what}: ${key} is present`, {
      expected: `the field ${key}`,
      actual: present ? d[key] : `${key} is missing from the record`,
    });
    if (present)
      t.check(req, ok, `${what}: ${key} is ${integral ? 'a JSON integer' : 'a string'}`, {
        expected: integral ? 'a JSON integer' : 'a string',
        actual: d[key],
      });
  }
}

/** A field a check needs, compared; a missing field is named as such (not as a wrong value). */
export function expectField(
  t: ScenarioContext,
  req: RequirementId,
  what: string,
  record: UserRecord,
  key: string,
  expected: unknown,
): void {
  if (!(key in record)) {
    t.fail(req, `${what}: ${key} is missing from the record, so it cannot show the value`, {
      expected,
      actual: `no ${key} in ${show(record)}`,
    });
    return;
  }
  t.expectEqual(req, what, record[key], expected);
}

/** No user answers to the query: get_user_data gets an error reply (checked under `req`). */
export async function expectNoUser(
  t: ScenarioContext,
  o: OmikronSession,
  req: RequirementId,
  query: UserQuery,
  what: string,
): Promise<void> {
  const { reply, record } = await readUser(o, query);
  t.check(req, t.isError(reply), what, {
    expected: 'an error reply: no such user',
    actual: record === null ? reply.frame : record,
  });
}

/** Whether a user answers to the query (for recorded, not judged, observations). */
export async function userExists(o: OmikronSession, query: UserQuery): Promise<UserRecord | null> {
  return (await readUser(o, query)).record;
}

/**
 * `display` may read back as the username when none was set (PROTOCOL-NOTES.md: the public
 * implementation falls back): when the expected display is empty or the old username, the
 * current username (or empty) is as good.
 */
function displayFallbackHolds(actual: UserRecord, expected: UserRecord): boolean {
  const couldBeFallback = expected.display === '' || expected.display === expected.username;
  return couldBeFallback && (actual.display === actual.username || actual.display === '');
}

/** Compare a record read back with the one expected, field by field, on the seed's fields. */
export function expectRecord(
  t: ScenarioContext,
  req: RequirementId,
  what: string,
  actual: UserRecord,
  expected: UserRecord,
  fields: readonly string[] = USER_FIELDS,
): void {
  for (const key of fields) {
    if (!(key in expected)) continue;
    if (key === 'display' && displayFallbackHolds(actual, expected)) {
      t.pass(req, `${what}: display (unset, may read back as the username)`);
      continue;
    }
    if (!(key in actual) && key in expected && expected[key] !== undefined) {
      expectField(t, req, `${what}: ${key}`, actual, key, expected[key]);
      continue;
    }
    t.expectEqual(req, `${what}: ${key}`, actual[key], expected[key]);
  }
}

// --- Unix timestamps -------------------------------------------------------------------------

export type TimeUnit = 'ms' | 's';

/** Seconds or milliseconds, judged by size (years 1973..5138 either way); undefined if neither. */
export function timestampUnit(v: unknown): TimeUnit | undefined {
  if (typeof v !== 'number' || !Number.isSafeInteger(v)) return undefined;
  if (v >= 1e11 && v < 1e14) return 'ms';
  if (v >= 1e8 && v < 1e11) return 's';
  return undefined;
}

export const toMs = (v: number, unit: TimeUnit): number => (unit === 'ms' ? v : v * 1000);

/** "milliseconds, 3 ms from the harness clock" and the like, for t.info. */
export function describeTimestamp(v: unknown, harnessNowMs = Date.now()): string {
  const unit = timestampUnit(v);
  if (unit === undefined) return `${JSON.stringify(v)}: not a Unix timestamp in seconds or milliseconds`;
  if (unit === 's') {
    const diff = (v as number) - Math.floor(harnessNowMs / 1000);
    return `${v}: seconds, ${diff} s from the harness clock (${Math.floor(harnessNowMs / 1000)})`;
  }
  const diff = (v as number) - harnessNowMs;
  const when = Math.abs(diff) < 1000 ? `${diff} ms` : `${(diff / 1000).toFixed(1)} s`;
  return `${v}: milliseconds, ${when} from the harness clock (${harnessNowMs})`;
}

const DAY_MS = 86_400_000;

/**
 * UM-REG-011 (SHOULD): a Unix timestamp from the server lies within a day of the server's clock,
 * read in the unit it uses: the harness clock plus what the suite moved the server's clock by.
 */
export async function expectWithinADay(
  t: ScenarioContext,
  req: RequirementId,
  what: string,
  v: unknown,
): Promise<void> {
  const offset = t.clock === null ? 0 : await t.clock.offsetMs();
  const now = Date.now() + offset;
  const unit = timestampUnit(v);
  const ok = unit !== undefined && Math.abs(toMs(v as number, unit) - now) <= DAY_MS;
  t.check(req, ok, `${what} is a Unix timestamp within a day of the server's clock`, {
    expected: `seconds or milliseconds within a day of ${now} ms (harness clock + ${offset} ms moved)`,
    actual: describeTimestamp(v, now),
  });
}

/**
 * Whether two register ids, issued before and after moving the server's clock by `advancedMs`,
 * show the move (CLOCKS.md: register ids are Unix timestamps). `elapsedMs` is the real time
 * between the two requests, an upper bound for what they may differ by beyond the move.
 */
export function clockMoveShown(
  before: number,
  after: number,
  advancedMs: number,
  elapsedMs: number,
): { shown: boolean; reason: string } {
  const unit = timestampUnit(before);
  if (unit === undefined || timestampUnit(after) !== unit) {
    return {
      shown: false,
      reason: `register ids ${before} and ${after} are not Unix timestamps in one unit, so they cannot show the server's clock`,
    };
  }
  const movedMs = toMs(after, unit) - toMs(before, unit);
  // Not moved: they differ by about the real time between them. Moved: by about the move; ids kept
  // strictly increasing may run a little ahead of the clock, hence the wide margin either way.
  const shown = movedMs >= advancedMs * 0.9 && movedMs <= advancedMs + elapsedMs + 600_000;
  return {
    shown,
    reason: `register ids (${unit === 'ms' ? 'milliseconds' : 'seconds'}) ${before} then ${after}: the server's clock moved ${movedMs} ms when ${advancedMs} ms was asked`,
  };
}
