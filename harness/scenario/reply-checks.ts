// Checks on one reply: a success of the operation's reply type with data that matches the message
// table, or an error reply. A reply reaches a check only when it was matched by id (ENV-001/002).
import type { RequirementId } from '../spec/requirements.ts';
import type { Reply } from '../client/connection.ts';
import type { Dialect } from '../protocol/dialect.ts';
import { isErrorType, type OperationName, operationSpec } from '../protocol/messages.ts';
import { replyDataAccepts } from '../protocol/accepts.ts';
import { describeIssues, replyDataSchema } from '../protocol/schemas.ts';
import type { Recorder } from './recorder.ts';

/** A reply's type, with its error text when it has one: `error_not_found ("no such user")`. */
export const describeReply = (r: Reply): string => {
  const errorText = (r.data as { error_type?: unknown } | undefined)?.error_type;
  return `${r.type}${typeof errorText === 'string' ? ` ("${errorText}")` : ''}`;
};

/**
 * A non-error reply of the operation's reply type whose data matches the message table.
 * A reply that reached us was matched by id, so the id was echoed (ENV-001).
 */
export function expectSuccess(
  t: Recorder,
  dialect: Dialect,
  req: RequirementId,
  op: OperationName,
  reply: Reply,
  what: string,
): Record<string, unknown> {
  const accepted = operationSpec(op).reply[dialect];
  if (isErrorType(reply.type)) {
    t.fail(req, `${what}: expected ${accepted.join(' or ')}, got the error ${describeReply(reply)}`, {
      expected: accepted.join(' or '),
      actual: reply.frame,
    });
  }
  t.pass('ENV-001', 'success replies carry the request id');
  if (!accepted.includes(reply.type)) {
    const other = dialect === 'seed' ? 'tensamin' : 'seed';
    const otherDialect = operationSpec(op).reply[other].includes(reply.type)
      ? ` (that is the ${other} dialect's reply type)`
      : '';
    t.fail(req, `${what}: reply type "${reply.type}"${otherDialect}, expected ${accepted.join(' or ')}`, {
      expected: accepted.join(' or '),
      actual: reply.frame,
    });
  }
  if (reply.type === 'success') {
    t.pass(req, what);
    return {};
  }
  const data = reply.data === undefined ? {} : reply.data;
  // The plain predicate settles the common case; the schema decides every other one, with its issues.
  const parsed = replyDataAccepts(op, dialect)(data)
    ? undefined
    : replyDataSchema(op, dialect).safeParse(data);
  if (parsed !== undefined && !parsed.success) {
    t.fail(req, `${what}: reply data does not match the message table: ${describeIssues(parsed.error)}`, {
      actual: reply.frame,
    });
  }
  t.pass(req, what);
  return data as Record<string, unknown>;
}

/** An error reply (any error* type, recorded) carrying the request id (ENV-002). */
export function expectError(t: Recorder, req: RequirementId, reply: Reply, what: string): void {
  if (!isErrorType(reply.type)) {
    t.fail(req, `${what}: expected an error reply, got ${reply.type}`, {
      expected: 'a reply of type error*',
      actual: reply.frame,
    });
  }
  t.pass('ENV-002', 'error replies carry the request id');
  t.info('ENV-008', `${what}: ${describeReply(reply)}`);
  t.pass(req, what);
}
