// Requests sent without waiting (several in flight at once), their replies matched by id, and what
// went wrong with ids on a connection. Replies may come in any order: nothing here reads order into
// them. Every wait is bounded: each request by its own reply bound, settle() by those.
import type { Envelope, Reply } from '../client/connection.ts';
import type { OmikronSession } from '../client/session.ts';
import { show } from '../scenario/context.ts';
import type { Cause } from '../client/causes.ts';
import { HarnessError } from '../client/errors.ts';
import { strayCause } from '../verdict/cause-table.ts';
import { anomalyRequirement, rankOf } from './causes.ts';
import { exchange, PropertyFailure } from './runner.ts';

export interface InFlight {
  readonly id: string;
  readonly label: string;
  readonly session: OmikronSession;
  /** Announcements: no reply is fine. */
  readonly optional: boolean;
  /** A requirement more specific than ENV-00x for this request's id and reply (BAD-004, BAD-006). */
  readonly specific?: string;
  /** performance.now() when it was sent and when its reply (or failure) came. */
  readonly sentAt: number;
  settledAt?: number;
  reply?: Reply;
  failure?: Error;
  /** Settles (never rejects) when the reply or the failure is in. */
  readonly done: Promise<void>;
}

/** Send without waiting; the reply (or the failure) is filled in when it comes, within `boundMs`. */
export function sendInFlight(
  o: OmikronSession,
  envelope: Envelope & { readonly id: string },
  label: string,
  boundMs: number,
  opts: { optional?: boolean; specific?: string } = {},
): InFlight {
  const sentAt = performance.now();
  const pending = o.connection.request(envelope, { timeoutMs: boundMs });
  const f: InFlight = {
    id: envelope.id,
    label,
    session: o,
    optional: opts.optional ?? false,
    ...(opts.specific === undefined ? {} : { specific: opts.specific }),
    sentAt,
    done: pending.then(
      (r) => {
        f.reply = r;
        f.settledAt = performance.now();
      },
      (e: Error) => {
        f.failure = e;
        f.settledAt = performance.now();
      },
    ),
  };
  return f;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref());

/**
 * Wait until every request sent in flight on `o` has its reply or its failure (each within its own
 * bound), without assuming the server keeps order. When the connection saw frames that matched no
 * request (an id changed or dropped), the missing replies will not come: waiting ends once nothing
 * arrived for `graceMs`. Then a ping round trip catches doubled replies sent before its pong, and
 * what is still unanswered (announcements that got no reply) is given up.
 */
export async function settle(o: OmikronSession, flights: readonly InFlight[], graceMs = 500): Promise<void> {
  const mine = flights.filter((f) => f.session === o);
  const open = () => mine.filter((f) => !f.optional && f.settledAt === undefined);
  let lastOpen = open().length;
  let lastStrays = o.connection.anomalies.length;
  let progressAt = performance.now();
  while (lastOpen > 0 && o.connection.isOpen) {
    await Promise.race([Promise.all(open().map((f) => f.done)), sleep(50)]);
    const n = open().length;
    const strays = o.connection.anomalies.length;
    if (n !== lastOpen || strays !== lastStrays) {
      lastOpen = n;
      lastStrays = strays;
      progressAt = performance.now();
    } else if (strays > 0 && performance.now() - progressAt > graceMs) break;
  }
  if (o.connection.isOpen) await exchange(o, { type: 'ping', data: { last_ping: -1 } });
  for (const f of mine) if (f.settledAt === undefined) o.connection.forget(f.id);
}

export interface Problem {
  readonly req: string;
  readonly text: string;
  readonly rank: number;
  /** What came (or did not), as data, for the failed check's record. */
  readonly cause?: Cause;
}

/**
 * What went wrong with ids on one connection: anomalies the connection saw (replies without an id,
 * with an id nobody sent, twice) and requests left unanswered.
 * `elsewhere` maps ids sent on other connections to their labels (a reply that crossed: ENV-006).
 */
export function idProblems(
  o: OmikronSession,
  flights: readonly InFlight[],
  elsewhere: ReadonlyMap<string, string> = new Map(),
): Problem[] {
  const out: Problem[] = [];
  for (const a of o.connection.anomalies) {
    const crossedFrom = 'id' in a && a.id !== undefined ? elsewhere.get(a.id) : undefined;
    const { req, rank } = anomalyRequirement(a, crossedFrom);
    const frame = 'frame' in a ? a.frame : `${a.length} bytes`;
    const text =
      crossedFrom !== undefined
        ? `${o.label} received the reply to ${crossedFrom}: ${frame}`
        : a.kind === 'unsolicited'
          ? `${o.label}: a reply carried id ${show(a.id)}, which no request had: ${frame}`
          : a.kind === 'no-id'
            ? `${o.label}: a reply without an id: ${frame}`
            : a.kind === 'duplicate'
              ? `${o.label}: a second reply to id ${show(a.id)}: ${frame}`
              : a.kind === 'binary'
                ? `${o.label}: a binary frame of ${a.length} bytes`
                : `${o.label}: a frame that is not a JSON object: ${frame}`;
    out.push({ req, rank, text, cause: strayCause(a, crossedFrom) });
  }
  for (const f of flights) {
    if (f.session !== o || f.optional || f.reply !== undefined) continue;
    const req = f.specific ?? 'ENV-003';
    out.push({
      req,
      rank: rankOf('ENV-003'),
      ...(f.failure instanceof HarnessError && f.failure.cause !== undefined
        ? { cause: f.failure.cause }
        : {}),
      text: `${o.label}: no reply with id ${show(f.id)} to ${f.label}${f.failure ? ` (${f.failure.message})` : ''}`,
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
  throw new PropertyFailure(
    first.req,
    `${context}: ${first.text}${more}`,
    first.cause ? { cause: first.cause } : {},
  );
}
