// The property suites read causes from fields and charge them through the one cause table
// (harness/verdict/cause-table.ts): a stray frame names the same requirement as in the scripted
// scenarios and the load profile, never by parsing a message.
import { describe, expect, it } from 'vitest';
import type { Anomaly } from '../harness/client/causes.ts';
import {
  ConnectionClosedError,
  HarnessError,
  ProtocolViolation,
  ReplyTimeoutError,
} from '../harness/client/errors.ts';
import {
  anomalyRequirement,
  isInfrastructure,
  requirementOfRequestError,
} from '../harness/properties/causes.ts';
import { requirementOf } from '../harness/verdict/cause-table.ts';

const at = { connection: 'c', at: 0 };
const unsolicited = (type: string): Anomaly => ({
  kind: 'unsolicited',
  id: 'x',
  frame: '{}',
  type,
  error: type.startsWith('error'),
  ...at,
});
const timeout = (requestType?: string) =>
  new ReplyTimeoutError('c', 'a request', 5, {
    kind: 'timeout',
    ...at,
    request: 'a request',
    ...(requestType === undefined ? {} : { requestType }),
    sentAt: 0,
    timeoutMs: 5,
    strays: [],
  });

describe('causes as data', () => {
  it('charges a stray frame to the requirement the cause table names for it', () => {
    const strays: Anomaly[] = [
      unsolicited('success'),
      unsolicited('error_not_found'),
      { kind: 'no-id', frame: '{}', type: 'error', error: true, ...at },
      { kind: 'no-id', frame: '{}', type: 'success', error: false, ...at },
      { kind: 'duplicate', id: 'x', frame: '{}', type: 'pong', error: false, ...at },
      { kind: 'binary', length: 3, ...at },
    ];
    for (const a of strays) expect(anomalyRequirement(a).req).toBe(requirementOf(a));
    expect(strays.map((a) => anomalyRequirement(a).req)).toEqual([
      'ENV-003',
      'ENV-003',
      'ENV-002',
      'ENV-001',
      'ENV-003',
      'ENV-004',
    ]);
  });

  it('charges a reply that crossed from another connection to ENV-006, named first', () => {
    const crossed = anomalyRequirement(unsolicited('success'), 'omikron#1');
    expect(crossed.req).toBe('ENV-006');
    expect(crossed.rank).toBeLessThan(anomalyRequirement(unsolicited('success')).rank);
  });

  it('names a reply without its id before a missing one, ENV-001 and ENV-002 alike', () => {
    const noId = (type: string): Anomaly => ({
      kind: 'no-id',
      frame: '{}',
      type,
      error: type.startsWith('error'),
      ...at,
    });
    const success = anomalyRequirement(noId('success'));
    const error = anomalyRequirement(noId('error_x'));
    expect(success.rank).toBe(error.rank);
    expect(success.rank).toBeLessThan(anomalyRequirement(unsolicited('success')).rank);
  });

  it('charges a failed request by the cause its error carries', () => {
    expect(requirementOfRequestError(timeout())).toBe('ENV-003');
    // The table charges a close to nothing: the property's own requirement judges it.
    expect(requirementOfRequestError(new ConnectionClosedError('c', 'ping', 1006, ''))).toBeNull();
    const wrongReply = (a: Anomaly) =>
      new ProtocolViolation('c', 'a message the adapter never reads', {
        kind: 'wrong-reply',
        ...at,
        request: 'ping',
        sentAt: 0,
        anomaly: a,
      });
    expect(requirementOfRequestError(wrongReply(unsolicited('success')))).toBe('ENV-001');
    expect(requirementOfRequestError(wrongReply(unsolicited('error_x')))).toBe('ENV-002');
    expect(requirementOfRequestError(new HarnessError('a step of the suite'))).toBeNull();
    expect(requirementOfRequestError(new Error('suite bug'))).toBeNull();
  });

  it('tells a handshake that went unanswered from a request that did, by the request type', () => {
    expect(isInfrastructure(timeout('identification'))).toBe(true);
    expect(isInfrastructure(timeout('challenge_response'))).toBe(true);
    expect(isInfrastructure(timeout('get_user_data'))).toBe(false);
    expect(isInfrastructure(timeout())).toBe(false);
  });
});
