// Omega → Omikron: each frame an Omega sent, matched to the request it answers by id on its
// connection, and judged for the envelope (ENV-001..006, BAD-003..006) before the rules see it.
import { isBinary, type TraceRecord } from '../format.ts';
import type { FrameJudge } from './judge.ts';
import type { Conn, Reply, Req } from './types.ts';
import { isAnnouncement, isErrorReply, obj, optionalReply, parseFrame } from './wire.ts';

/** One frame from the Omega: a reply to its request, an id-less answer to bad input, or a stray. */
export function fromOmega(k: FrameJudge, c: Conn, r: TraceRecord): void {
  const at = r.time;
  if (isBinary(r)) {
    k.observe(
      'ENV-004',
      'fail',
      `the Omega sent a binary frame (${r.binary} bytes)`,
      { conn: c, at },
      {
        expected: 'a JSON object in a text frame',
      },
    );
    return;
  }
  if (!('text' in r)) return;
  const p = parseFrame(r.text);
  if (p.kind !== 'object' || p.type === undefined) {
    if (r.truncated) return; // cut by the recorder: cannot be judged
    k.observe(
      'ENV-004',
      'fail',
      'a frame from the Omega is not a JSON object with a string type',
      { conn: c, at },
      {
        actual: r.text.slice(0, 200),
      },
    );
    return;
  }
  k.observe('ENV-004', 'pass', `${p.type} is a JSON object with a string type`, { conn: c, at });
  const reply: Reply = {
    type: p.type,
    json: p.json,
    data: obj(p.json.data),
    error: isErrorReply(p.type),
    at,
  };
  if (reply.error) k.observe('ENV-008', 'info', `error type ${p.type}`, { at });
  if (p.id === undefined) {
    idless(k, c, reply);
    return;
  }
  const req = c.pending.get(p.id);
  if (req) {
    correlated(k, c, req, reply);
    return;
  }
  const owed = c.reused.get(p.id) ?? 0;
  if (owed > 0) {
    if (owed === 1) c.reused.delete(p.id);
    else c.reused.set(p.id, owed - 1);
    return;
  }
  const prior = c.answered.get(p.id);
  if (prior) {
    k.observe(
      'ENV-003',
      'fail',
      `a second reply (${p.type}) to request ${p.id} (${prior.type}), answered already`,
      {
        conn: c,
        at,
      },
    );
    if (isAnnouncement(prior.op))
      k.observe('ANN-001', 'fail', `the announcement ${prior.type} got a second reply (${p.type})`, {
        conn: c,
        at,
      });
    return;
  }
  if (p.type === 'ping') {
    k.observe('SES-008', 'info', 'the Omega sends heartbeat pings', { at });
    return;
  }
  for (const other of k.conns.values()) {
    if (other !== c && other.pending.has(p.id)) {
      k.crossed++;
      k.observe(
        'ENV-006',
        'fail',
        `a reply (${p.type}) reached connection ${c.name}, but request ${p.id} came from connection ${other.name}`,
        { conn: c, at },
      );
      return;
    }
  }
  if (c.openSeen)
    k.observe(
      'ENV-003',
      'fail',
      `a reply (${p.type}) carries id ${p.id}, which no request on this connection had`,
      { conn: c, at },
    );
  else
    k.observe(
      'ENV-003',
      'inconclusive',
      `a reply carries id ${p.id}, unknown: its request may predate the trace`,
      { conn: c, at },
    );
}

function idless(k: FrameJudge, c: Conn, reply: Reply): void {
  if (reply.type === 'ping') {
    k.observe('SES-008', 'info', 'the Omega sends heartbeat pings', { at: reply.at });
    return;
  }
  c.idlessReplies++;
  if (reply.error && c.badPending) {
    k.observe(c.badPending.requirement, 'pass', `${c.badPending.what} got an error reply (${reply.type})`, {
      conn: c,
      at: reply.at,
    });
    k.observe('BAD-011', 'info', `${c.badPending.what}: ${reply.type}`, { at: reply.at });
    c.badPending = undefined;
    return;
  }
  if (!c.openSeen || c.idlessReplies <= c.idlessSent) return; // it may answer a frame that had no id
  const requirement = reply.error ? 'ENV-002' : 'ENV-001';
  k.observe(
    requirement,
    'fail',
    `${reply.type} without an id, though every frame sent on this connection had one`,
    { conn: c, at: reply.at },
    {
      expected: 'the id of the request it answers',
      actual: 'no id',
    },
  );
}

function correlated(k: FrameJudge, c: Conn, req: Req, reply: Reply): void {
  c.pending.delete(req.id);
  if (!optionalReply(req.op) && --c.inFlight === 0) c.idleAt = reply.at;
  c.answered.set(req.id, { type: req.type, op: req.op, at: reply.at });
  req.repliedAt = reply.at;
  req.repliedOrd = k.ord;
  req.replyType = reply.type;
  req.reply = reply.json;
  const late = reply.at - req.sentAt > k.replyBoundMs;
  if (late)
    k.observe(
      'ENV-003',
      'fail',
      `${req.type} was answered after ${Math.round(reply.at - req.sentAt)} ms, beyond the reply bound of ${k.replyBoundMs} ms`,
      { conn: c, at: reply.at },
    );
  else if (!optionalReply(req.op))
    k.observe('ENV-003', 'pass', `${req.type} got one reply`, { conn: c, at: reply.at });
  k.observe(
    reply.error ? 'ENV-002' : 'ENV-001',
    'pass',
    `${reply.type} carries the id of its ${req.type || 'request'}`,
    { conn: c, at: reply.at },
  );
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(req.id))
    k.observe('BAD-006', 'pass', `the id "${req.id.slice(0, 40)}", not a UUID, was echoed as it is`, {
      conn: c,
      at: reply.at,
    });
  if (k.openCount > 1) k.concurrentReplies++;
  if (c.unknownTypeErrorAt !== undefined) {
    k.observe('BAD-004', 'pass', 'the connection was still served after an unknown type', {
      conn: c,
      at: reply.at,
    });
    c.unknownTypeErrorAt = undefined;
  }
  if (req.op === 'untyped')
    k.observe(
      'BAD-003',
      reply.error ? 'pass' : 'fail',
      `an object with an id but no type got ${reply.type}`,
      { conn: c, at: reply.at },
      { expected: 'an error reply with that id' },
    );
  if (req.op === 'unknown' && reply.error) c.unknownTypeErrorAt = reply.at;
  if (req.notes.envelopeBad) {
    k.data.onReply(req, reply, k);
    return;
  }
  if (typeof req.notes.malformed === 'string' && !req.beforeAuth && !req.afterRefusal)
    k.observe(
      'BAD-005',
      reply.error ? 'pass' : 'fail',
      `${req.type} with ${req.notes.malformed} got ${reply.type}`,
      { conn: c, at: reply.at },
      { expected: 'an error reply' },
    );
  for (const rule of k.rules) rule.onReply?.(req, reply, k);
}
