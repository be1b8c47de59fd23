// Whether a reply fits the request it was matched to: its type must be one the operation may be
// answered with (either dialect's, errors aside). Anything else was another request's reply.
import type { Reply } from '../client/connection.ts';
import { isErrorType, type OperationName, operationSpec } from '../protocol/messages.ts';
import type { CallResult, LoadChannel } from './channel.ts';
import { type Finding, finding } from './findings.ts';

export type Judged =
  | { readonly kind: 'ok'; readonly reply: Reply }
  | { readonly kind: 'refused'; readonly reply: Reply }
  /** No reply (the channel kept why), or one that belongs to another request (a finding). */
  | { readonly kind: 'none' };

const accepted = (op: OperationName): ReadonlySet<string> => {
  const r = operationSpec(op).reply;
  return new Set([...r.seed, ...r.tensamin]);
};
const ACCEPTED = new Map<OperationName, ReadonlySet<string>>();

/** `errorExpected`: an error reply is the answer sought (a deleted user read back), not a refusal. */
export function judgeReply(
  ch: LoadChannel,
  r: CallResult,
  op: OperationName,
  findings: Finding[],
  errorExpected = false,
): Judged {
  if (r.kind === 'none') return r;
  const reply = r.reply;
  if (isErrorType(reply.type)) {
    if (!errorExpected) ch.noteRefused(op, reply.type);
    return { kind: 'refused', reply };
  }
  let ok = ACCEPTED.get(op);
  if (!ok) {
    ok = accepted(op);
    ACCEPTED.set(op, ok);
  }
  if (ok.has(reply.type)) return { kind: 'ok', reply };
  findings.push(
    finding(
      'wrong-id',
      ch.label,
      `the reply matched to ${op} request ${r.id} is a "${reply.type}", which no ${op} is answered with: it belongs to another request`,
      JSON.stringify(reply.frame),
    ),
  );
  return { kind: 'none' };
}

/** A user record's identity against the query it answers; a mismatch is another request's reply (ENV-005). */
export function recordMatches(
  ch: LoadChannel,
  reply: Reply,
  query: { user_id?: number; username?: string },
  findings: Finding[],
): Record<string, unknown> | null {
  const d = (typeof reply.data === 'object' && reply.data !== null ? reply.data : {}) as Record<
    string,
    unknown
  >;
  const idOk = query.user_id === undefined || d.user_id === query.user_id;
  const nameOk = query.username === undefined || d.username === query.username;
  if (idOk && nameOk) return d;
  findings.push(
    finding(
      'wrong-id',
      ch.label,
      `get_user_data for ${JSON.stringify(query)} was answered with the record of user ${JSON.stringify(d.user_id)} ("${String(d.username)}"): another request's reply`,
      JSON.stringify(reply.frame),
    ),
  );
  return null;
}
