// Judging a reply against the outcomes the model allows.
import type { Reply } from '../../client/connection.ts';
import { isErrorType, type OperationName, operationSpec } from '../../protocol/messages.ts';
import { describeReply, PropertyFailure } from '../runner.ts';
import { asRequirementId, requirement } from '../../spec/requirements.ts';
import type { Real } from './state.ts';

export type Want = 'success' | 'error' | 'either';

/** Judge a reply against what the model allows; returns what it was. */
export function expectOutcome(
  r: Real,
  op: OperationName,
  reply: Reply,
  want: Want,
  req: string,
  what: string,
): 'success' | 'error' {
  const cov = r.cfg.coverage;
  const must = requirement(req).level === 'MUST';
  if (isErrorType(reply.type)) {
    if (want === 'success' && !must)
      return shouldFailed(
        r,
        req,
        `${what}: expected success, got the error ${describeReply(reply)}`,
        reply,
        'error',
      );
    if (want === 'success')
      throw new PropertyFailure(req, `${what}: expected success, got the error ${describeReply(reply)}`, {
        expected: operationSpec(op).reply[r.cfg.dialect].join(' or '),
        actual: reply.frame,
      });
    if (want === 'error') cov.hit(req);
    return 'error';
  }
  if (want === 'error' && !must)
    return shouldFailed(r, req, `${what}: expected an error reply, got ${reply.type}`, reply, 'success');
  if (want === 'error')
    throw new PropertyFailure(req, `${what}: expected an error reply, got ${reply.type}`, {
      expected: 'an error reply',
      actual: reply.frame,
    });
  const accepted = operationSpec(op).reply[r.cfg.dialect];
  if (!accepted.includes(reply.type))
    throw new PropertyFailure(req, `${what}: reply type ${reply.type}, expected ${accepted.join(' or ')}`, {
      actual: reply.frame,
    });
  if (want === 'success') cov.hit(req);
  return 'success';
}

export function note(r: Real, req: string, message: string): void {
  if (r.cfg.noted.has(message)) return;
  r.cfg.noted.add(message);
  r.cfg.t.info(asRequirementId(req), message);
}

/**
 * A SHOULD (or weaker) requirement the reply breaks: recorded once (t.fail does not stop the scenario
 * below MUST), and the model follows what the server did.
 */
function shouldFailed(r: Real, req: string, message: string, reply: Reply, got: 'success' | 'error') {
  const key = `fail:${req}`;
  if (!r.cfg.noted.has(key)) {
    r.cfg.noted.add(key);
    r.cfg.t.fail(asRequirementId(req), message, { actual: reply.frame });
  }
  r.log.push(`  ${req} (${requirement(req).level}) not met: ${message}`);
  return got;
}
