// Steps the properties and the model share: binding generated values to real users, reading a
// user back and comparing it, sending requests in flight and judging their replies by id.
import type { Envelope, Reply } from '../client/connection.ts';
import type { OmikronSession } from '../client/session.ts';
import type { Dialect } from '../protocol/dialect.ts';
import { isErrorType, operationSpec } from '../protocol/messages.ts';
import { SetupError, type ScenarioContext, show } from '../scenario/context.ts';
import { newIota, newUser, type IotaFixture, type UserFixture } from '../scenario/fixtures.ts';
import { exchange, PropertyFailure } from './runner.ts';

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

/** The requirement a failed setup step breaks, from the step it names. */
function setupRequirement(e: SetupError): string {
  if (e.message.includes('complete_register_iota')) return 'UM-REG-007';
  if (e.message.includes('get_register')) return 'UM-REG-001';
  return 'UM-REG-004';
}

/** A fixture step; a refused registration is a property failure of the registration requirement. */
export async function setup<T>(step: () => Promise<T>): Promise<T> {
  try {
    return await step();
  } catch (e) {
    if (e instanceof SetupError) throw new PropertyFailure(setupRequirement(e), e.message);
    throw e;
  }
}

export const freshIota = (o: OmikronSession): Promise<IotaFixture> => setup(() => newIota(o));
export const freshUser = (t: ScenarioContext, o: OmikronSession, iota?: IotaFixture): Promise<UserFixture> =>
  setup(() => newUser(t, o, iota));

// --- user records ----------------------------------------------------------------------------------

/** The user record's fields, from the message table (get_user_data's reply). */
export function userFields(dialect: Dialect): readonly string[] {
  return Object.keys(operationSpec('getUser').replyFields[dialect]);
}

export type UserRecord = Readonly<Record<string, unknown>>;

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

// --- requests in flight ------------------------------------------------------------------------------

export interface InFlight {
  readonly id: string;
  readonly label: string;
  readonly session: OmikronSession;
  /** Announcements: no reply is fine. */
  readonly optional: boolean;
  /** A requirement more specific than ENV-00x for this request's id and reply (BAD-004, BAD-006). */
  readonly specific?: string;
  reply?: Reply;
  failure?: Error;
}

/** Send without waiting; the reply (or the failure) is filled in when it comes. */
export function sendInFlight(
  o: OmikronSession,
  envelope: Envelope & { readonly id: string },
  label: string,
  boundMs: number,
  opts: { optional?: boolean; specific?: string } = {},
): InFlight {
  const f: InFlight = {
    id: envelope.id,
    label,
    session: o,
    optional: opts.optional ?? false,
    ...(opts.specific === undefined ? {} : { specific: opts.specific }),
  };
  o.connection.request(envelope, { timeoutMs: boundMs }).then(
    (r) => {
      f.reply = r;
    },
    (e: Error) => {
      f.failure = e;
    },
  );
  return f;
}

/**
 * A ping round trip after everything sent on the connection: with in-order processing (ENV-007),
 * every earlier reply has come when the pong comes. What is still unanswered is given up.
 */
export async function settle(o: OmikronSession, flights: readonly InFlight[]): Promise<void> {
  // Replies that came before the pong have filled in their flights already (their promise
  // callbacks ran before the pong's frame was read).
  await exchange(o, { type: 'ping', data: { last_ping: -1 } });
  // A target not in order (probed once per run) may still answer within the settle window.
  await o.connection.settleAll(flights.filter((f) => f.session === o).map((f) => f.id));
  for (const f of flights) if (f.session === o && f.reply === undefined) o.connection.forget(f.id);
}

export interface Problem {
  readonly req: string;
  readonly text: string;
  readonly rank: number;
}

/**
 * What went wrong with ids on one connection: anomalies the connection saw (replies without an id,
 * with an id nobody sent, twice) and requests left unanswered before the barrier.
 * `elsewhere` maps ids sent on other connections to their labels (a reply that crossed: ENV-006).
 */
export function idProblems(
  o: OmikronSession,
  flights: readonly InFlight[],
  elsewhere: ReadonlyMap<string, string> = new Map(),
): Problem[] {
  const out: Problem[] = [];
  for (const a of o.connection.anomalies) {
    const isErr = 'frame' in a && /"type"\s*:\s*"error/.test(a.frame);
    switch (a.kind) {
      case 'unsolicited': {
        const other = elsewhere.get(a.id);
        if (other !== undefined)
          out.push({
            req: 'ENV-006',
            rank: 0,
            text: `${o.label} received the reply to ${other}: ${a.frame}`,
          });
        else
          out.push({
            req: isErr ? 'ENV-002' : 'ENV-001',
            rank: 1,
            text: `${o.label}: a reply carried id ${show(a.id)}, which no request had: ${a.frame}`,
          });
        break;
      }
      case 'no-id':
        out.push({
          req: isErr ? 'ENV-002' : 'ENV-001',
          rank: 1,
          text: `${o.label}: ${isErr ? 'an error reply' : 'a reply'} without an id: ${a.frame}`,
        });
        break;
      case 'duplicate':
        out.push({
          req: 'ENV-003',
          rank: 2,
          text: `${o.label}: a second reply to id ${show(a.id)}: ${a.frame}`,
        });
        break;
      case 'not-json':
        out.push({
          req: 'ENV-004',
          rank: 3,
          text: `${o.label}: a frame that is not a JSON object: ${a.frame}`,
        });
        break;
      case 'binary':
        out.push({ req: 'ENV-004', rank: 3, text: `${o.label}: a binary frame of ${a.length} bytes` });
        break;
    }
  }
  for (const f of flights) {
    if (f.session !== o || f.optional || f.reply !== undefined) continue;
    out.push({
      req: f.specific ?? 'ENV-003',
      rank: 2,
      text: `${o.label}: no reply with id ${show(f.id)} to ${f.label} before the ping barrier`,
    });
  }
  return out;
}

/** Throw the most specific of the problems (lowest rank first), listing the others. */
export function throwFirst(problems: readonly Problem[], context: string): void {
  if (problems.length === 0) return;
  const sorted = [...problems].sort((a, b) => a.rank - b.rank);
  const first = sorted[0]!;
  const more =
    sorted.length > 1
      ? ` (and ${sorted.length - 1} more: ${sorted
          .slice(1, 4)
          .map((p) => p.text)
          .join(' | ')})`
      : '';
  throw new PropertyFailure(first.req, `${context}: ${first.text}${more}`);
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
