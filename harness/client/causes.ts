// Why a wait ended badly or a frame was wrong, as data: what came (the frame), what kind of fault, when.
// The client produces these; harness/verdict/cause-table.ts maps each kind to the requirement it breaks.
// Plain JSON (they travel in vitest task meta and into the report); the zod schema is the one definition.
import { z } from 'zod';

/** Where and when: the connection's label and milliseconds on its transcript's clock. */
const where = { connection: z.string(), at: z.number() };

/** A text frame the target sent: its head as text, its type and id when it has them, and whether it is an error*. */
const frame = {
  frame: z.string(),
  type: z.string().optional(),
  id: z.string().optional(),
  error: z.boolean(),
};

/** Frames that matched no waiting request (Connection.anomalies). */
export const anomalySchema = z.discriminatedUnion('kind', [
  /** A frame carrying an id no request on this connection carried. */
  z.object({ kind: z.literal('unsolicited'), ...where, ...frame, id: z.string() }),
  /** A second reply to an id already answered. */
  z.object({ kind: z.literal('duplicate'), ...where, ...frame, id: z.string() }),
  /** A frame without an id, while no frame the server could read no id from was waiting for its answer. */
  z.object({ kind: z.literal('no-id'), ...where, ...frame }),
  /** A reply to a request given up after a barrier, later than the settle window allows. */
  z.object({
    kind: z.literal('late'),
    ...where,
    ...frame,
    id: z.string(),
    request: z.string(),
    lateByMs: z.number(),
  }),
  /** Text that is not a JSON object with a string type. */
  z.object({ kind: z.literal('not-json'), ...where, frame: z.string() }),
  z.object({ kind: z.literal('binary'), ...where, length: z.number() }),
]);
export type Anomaly = z.infer<typeof anomalySchema>;
export type AnomalyKind = Anomaly['kind'];

export const causeSchema = z.discriminatedUnion('kind', [
  ...anomalySchema.options,
  /** The one request waiting got, instead of its reply, a frame it could not be matched to. */
  z.object({
    kind: z.literal('wrong-reply'),
    ...where,
    request: z.string(),
    sentAt: z.number(),
    anomaly: anomalySchema,
  }),
  /** A reply carrying an id that was sent on another connection (found by property and load runs). */
  z.object({ kind: z.literal('crossed'), ...where, ...frame, id: z.string(), sentOn: z.string() }),
  /** No reply within the bound. `strays` counts frames meanwhile matched to nothing (an id changed?). */
  z.object({
    kind: z.literal('timeout'),
    ...where,
    request: z.string(),
    /** The request's type (absent for a frame without a string type): a handshake step is told by it. */
    requestType: z.string().optional(),
    sentAt: z.number(),
    timeoutMs: z.number(),
    strays: z.array(anomalySchema),
  }),
  /** The socket closed while a request waited (or was needed). */
  z.object({
    kind: z.literal('closed'),
    ...where,
    request: z.string().optional(),
    code: z.number(),
    reason: z.string(),
  }),
  /** A barrier ping answered, under its own id, with something other than a pong. */
  z.object({ kind: z.literal('barrier-not-pong'), ...where, ...frame }),
  z.object({
    kind: z.literal('connect-failed'),
    connection: z.string(),
    url: z.string(),
    message: z.string(),
  }),
  /** The Omikron handshake was refused or answered wrongly at `step`. */
  z.object({
    kind: z.literal('handshake'),
    connection: z.string(),
    step: z.enum(['identification', 'challenge', 'challenge_response']),
    frame: z.string().optional(),
  }),
  /** The target was found dead earlier in the run. */
  z.object({ kind: z.literal('target-down'), reason: z.string() }),
  /** A step the scenario needed (registering a user, say) was refused. */
  z.object({ kind: z.literal('setup'), step: z.string(), frame: z.string().optional() }),
  /** A fault of the suite itself, not of the target. */
  z.object({ kind: z.literal('harness'), message: z.string() }),
]);
export type Cause = z.infer<typeof causeSchema>;
export type CauseKind = Cause['kind'];
export type CauseOf<K extends CauseKind> = Extract<Cause, { kind: K }>;

const FRAME_HEAD = 300;
export const frameHead = (text: string): string =>
  text.length > FRAME_HEAD ? `${text.slice(0, FRAME_HEAD)}… (${text.length} characters)` : text;

/** One line a vendor reads: what came, on which connection. */
export function describeAnomaly(a: Anomaly): string {
  switch (a.kind) {
    case 'unsolicited':
      return `a frame with id "${a.id}", which no request carried: ${a.frame}`;
    case 'duplicate':
      return `a second reply to id "${a.id}": ${a.frame}`;
    case 'no-id':
      return `a reply without an id: ${a.frame}`;
    case 'late':
      return `a reply to ${a.request} ${a.lateByMs} ms after it was given up (after a barrier and the settle window): ${a.frame}`;
    case 'not-json':
      return `a frame that is not a JSON object with a string type: ${a.frame}`;
    case 'binary':
      return `a binary frame of ${a.length} bytes`;
  }
}

export function describeCause(c: Cause): string {
  switch (c.kind) {
    case 'unsolicited':
    case 'duplicate':
    case 'no-id':
    case 'late':
    case 'not-json':
    case 'binary':
      return `${c.connection}: ${describeAnomaly(c)}`;
    case 'wrong-reply':
      return `${c.connection}: waiting for ${c.request}, the target sent ${describeAnomaly(c.anomaly)}`;
    case 'crossed':
      return `${c.connection}: the reply to a request sent on ${c.sentOn} arrived here: ${c.frame}`;
    case 'timeout': {
      const strays =
        c.strays.length === 0
          ? ''
          : `; meanwhile ${c.strays.length} frame(s) matched no request (was the id changed?): ${c.strays
              .slice(0, 3)
              .map(describeAnomaly)
              .join('; ')}`;
      return `${c.connection}: no reply to ${c.request} within ${c.timeoutMs} ms${strays}`;
    }
    case 'closed':
      return `${c.connection}: connection closed (code ${c.code}${c.reason ? `, "${c.reason}"` : ''})${
        c.request ? ` while waiting for ${c.request}` : ''
      }`;
    case 'barrier-not-pong':
      return `${c.connection}: the barrier ping was answered with "${c.type}" instead of "pong": ${c.frame}`;
    case 'connect-failed':
      return `${c.connection}: cannot connect to ${c.url}: ${c.message}`;
    case 'handshake':
      return `${c.connection}: the handshake failed at ${c.step}${c.frame ? `: ${c.frame}` : ''}`;
    case 'target-down':
      return `the target stopped answering earlier in this run: ${c.reason}`;
    case 'setup':
      return `setup: ${c.step}${c.frame ? ` answered ${c.frame}` : ''}`;
    case 'harness':
      return `harness error: ${c.message}`;
  }
}
