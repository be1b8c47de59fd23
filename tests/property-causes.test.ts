// The property suites read causes from fields: a frame that matched no request names ENV-001,
// ENV-002, ENV-003, ENV-004 or ENV-006 by its kind and its type, never by parsing a message.
import { describe, expect, it } from 'vitest';
import { ConnectionClosedError, ProtocolViolation, ReplyTimeoutError } from '../harness/client/errors.ts';
import {
  anomalyRequirement,
  isInfrastructure,
  requirementOfRequestError,
} from '../harness/properties/causes.ts';

const at = { connection: 'c', at: 0 };
const unsolicited = (type: string) => ({
  kind: 'unsolicited' as const,
  id: 'x',
  frame: '{}',
  type,
  error: type.startsWith('error'),
  ...at,
});

describe('causes as data', () => {
  it('names the requirement of a stray frame from its kind and type', () => {
    expect(anomalyRequirement(unsolicited('success')).req).toBe('ENV-001');
    expect(anomalyRequirement(unsolicited('error_not_found')).req).toBe('ENV-002');
    expect(anomalyRequirement({ kind: 'no-id', frame: '{}', type: 'error', error: true, ...at }).req).toBe(
      'ENV-002',
    );
    expect(
      anomalyRequirement({ kind: 'duplicate', id: 'x', frame: '{}', type: 'pong', error: false, ...at }).req,
    ).toBe('ENV-003');
    expect(anomalyRequirement({ kind: 'binary', length: 3, ...at }).req).toBe('ENV-004');
    expect(anomalyRequirement(unsolicited('success'), true)).toEqual({ req: 'ENV-006', rank: 0 });
  });

  it('names the requirement of a failed request from the error and the frame it was failed for', () => {
    expect(requirementOfRequestError(new ReplyTimeoutError('c', 'ping (id 1)', 5))).toBe('ENV-003');
    expect(requirementOfRequestError(new ConnectionClosedError('c', 'ping', 1006, ''))).toBe('ENV-003');
    // The message says nothing the adapter reads: the anomaly decides.
    const wrong = new ProtocolViolation('c', 'waiting for ping, the target sent {"type":"error"}');
    expect(requirementOfRequestError(wrong, unsolicited('success'))).toBe('ENV-001');
    expect(requirementOfRequestError(wrong, unsolicited('error_x'))).toBe('ENV-002');
    expect(requirementOfRequestError(new Error('suite bug'))).toBeNull();
  });

  it('tells a handshake that went unanswered from a request that did', () => {
    expect(isInfrastructure(new ReplyTimeoutError('c', 'identification (id 1)', 5))).toBe(true);
    expect(isInfrastructure(new ReplyTimeoutError('c', 'get_user_data (id 1)', 5))).toBe(false);
  });
});
