// Omikron → Omega: each frame an Omikron sent, as a request awaiting its reply (correlated by id
// per connection), or as bad input whose answer is judged when it comes (BAD-*).
import { isBinary, type TraceRecord } from '../format.ts';
import type { FrameJudge } from './judge.ts';
import type { Conn, Req } from './types.ts';
import { classify, isOperation, malformed, obj, optionalReply, parseFrame } from './wire.ts';

/** Requests in flight on one connection without it going idle that make a burst (ENV-005). */
export const BURST = 100;
/** A connection idle this long between requests ends a burst. */
const BURST_GAP_MS = 20;

/** One frame from an Omikron: a request, or bad input. */
export function fromOmikron(k: FrameJudge, c: Conn, r: TraceRecord): void {
  const at = r.time;
  if (isBinary(r)) {
    c.idlessSent++;
    c.badPending = { requirement: 'BAD-008', at, what: `a binary frame of ${r.binary} bytes` };
    return;
  }
  if (!('text' in r)) return;
  const length = r.length ?? Buffer.byteLength(r.text, 'utf8');
  const p = parseFrame(r.text);
  if (p.kind !== 'object' || p.type === undefined) {
    if (p.kind === 'object' && p.id !== undefined) {
      // An object with a string id but no type: an error reply with that id (BAD-003), as a request.
      request(k, c, at, p.id, '', p.json);
      return;
    }
    c.idlessSent++;
    const requirement =
      length >= 1024 * 1024
        ? 'BAD-009'
        : p.kind === 'empty'
          ? 'BAD-007'
          : p.kind === 'invalid-json'
            ? 'BAD-001'
            : p.kind === 'not-object'
              ? 'BAD-002'
              : 'BAD-003';
    if (requirement !== 'BAD-003') c.badPending = { requirement, at, what: describeBad(p.kind, length) };
    return;
  }
  const { json, type, id } = p;
  if (id === undefined) {
    c.idlessSent++;
    return;
  }
  request(k, c, at, id, type, json);
}

function request(
  k: FrameJudge,
  c: Conn,
  at: number,
  id: string,
  type: string,
  json: Record<string, unknown>,
): void {
  const data = obj(json.data) ?? {};
  const cls = classify(type === '' ? undefined : type, data);
  if (cls.dialect) k.data.dialectEvidence(cls.dialect, type);
  if (c.pending.has(id)) {
    // An id reused while in flight: its replies cannot be told apart. The reply it owes is no
    // second reply (the suite's generated ids may repeat, "" twice, say).
    c.reused.set(id, (c.reused.get(id) ?? 0) + 1);
    return;
  }
  const req: Req = {
    id,
    type,
    op: cls.op,
    data,
    sender: json.sender,
    conn: c,
    sentAt: at,
    sentOrd: k.ord,
    seq: c.seq++,
    beforeAuth: c.openSeen && (c.handshake === 'none' || c.handshake === 'challenged'),
    ...(c.handshake === 'refused'
      ? { afterRefusal: 'SES-003' as const }
      : c.handshake === 'refused-id'
        ? { afterRefusal: 'SES-004' as const }
        : {}),
    notes: {},
  };
  if (isOperation(cls.op) && json.data !== undefined) {
    const bad = malformed(cls.op, cls.dialect ?? 'seed', json.data);
    if (bad) req.notes.malformed = bad;
  } else if (isOperation(cls.op) && cls.op !== 'getRegister') req.notes.malformed = 'no data';
  c.answered.delete(id);
  c.pending.set(id, req);
  if (!optionalReply(cls.op)) {
    // A burst: requests sent one after another without the connection going idle (some replies may
    // overtake later requests at the recorder, so in flight at one instant undercounts it).
    if (c.inFlight === 0 && at - c.idleAt > BURST_GAP_MS) c.sinceIdle = 0;
    c.inFlight++;
    c.sinceIdle++;
    if (c.sinceIdle >= BURST) c.burst = true;
    if (c.inFlight > k.maxInFlight) k.maxInFlight = c.inFlight;
  }
  // A malformed envelope (sender, receiver or data of the wrong type) is judged for its id echo only;
  // the data rules still see it, in case the Omega applied it anyway.
  const envelopeBad =
    !envelopeId(json.sender) ||
    !envelopeId(json.receiver) ||
    (json.data !== undefined && obj(json.data) === undefined && !isOperation(cls.op));
  if (envelopeBad) req.notes.envelopeBad = true;
  for (const rule of k.rules) if (!envelopeBad || rule === k.data) rule.onRequest?.(req, k);
}

/** sender and receiver, when present, are ids: non-negative safe integers. */
const envelopeId = (v: unknown): boolean =>
  v === undefined || (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0);

function describeBad(kind: string, length: number): string {
  if (length >= 1024 * 1024) return `a frame of ${length} bytes`;
  if (kind === 'empty') return 'an empty frame';
  if (kind === 'invalid-json') return 'a frame that is not JSON';
  if (kind === 'not-object') return 'a JSON array or scalar';
  return 'an object without a type';
}
