// Causes as data for the property and model suites: what the client reports (an anomaly, a
// timeout, a close, a wrong reply) read from its fields, never from its message text.
//
// >>> MERGE ADAPTER (one place): `requirementOf*` below map a cause to the requirement it breaks.
// >>> When harness/verdict/ has the cause-kind → requirement table, point these at it; the rest of
// >>> harness/properties only calls this module.
import type { Anomaly } from '../client/connection.ts';
import {
  ConnectError,
  ConnectionClosedError,
  HarnessError,
  ProtocolViolation,
  ReplyTimeoutError,
  TargetDownError,
} from '../client/errors.ts';

/** How specific a requirement is for an id problem: lower is more specific (named first). */
export interface IdRequirement {
  readonly req: string;
  readonly rank: number;
}

/** The requirement a frame that matched no request breaks (ENV-006 when it crossed from another connection). */
export function anomalyRequirement(a: Anomaly, crossed = false): IdRequirement {
  if (crossed) return { req: 'ENV-006', rank: 0 };
  switch (a.kind) {
    case 'unsolicited':
    case 'no-id':
      return { req: a.error ? 'ENV-002' : 'ENV-001', rank: 1 };
    case 'duplicate':
    case 'late':
      return { req: 'ENV-003', rank: 2 };
    case 'not-json':
    case 'binary':
      return { req: 'ENV-004', rank: 3 };
  }
}

/** A cause the client attached to an error (harness/client/causes.ts, when present). */
interface AttachedCause {
  readonly kind: string;
  readonly anomaly?: Anomaly;
}

const attached = (e: unknown): AttachedCause | undefined => {
  const c = (e as { cause?: unknown } | null)?.cause;
  return typeof c === 'object' && c !== null && typeof (c as { kind?: unknown }).kind === 'string'
    ? (c as AttachedCause)
    : undefined;
};

/**
 * The requirement an error of one request breaks, or null when it is not the target's fault in
 * the property's terms (a harness error). `lastAnomaly` is the frame the connection could not match
 * when the request was failed for it (the client fails the one request waiting on such a frame).
 */
export function requirementOfRequestError(e: unknown, lastAnomaly?: Anomaly): string | null {
  if (e instanceof ReplyTimeoutError || e instanceof ConnectionClosedError) return 'ENV-003';
  if (e instanceof ProtocolViolation) {
    const anomaly = attached(e)?.anomaly ?? lastAnomaly;
    return anomaly === undefined ? 'ENV-001' : anomalyRequirement(anomaly).req;
  }
  return null;
}

/** Handshake steps: a timeout on one of them means the target will not let us in. */
const HANDSHAKE = ['identification', 'challenge_response'];

/**
 * The target cannot be reached or will not let us in (no connection, a refused or unanswered
 * handshake): not a property failure; the scenario ends on it (ScenarioContext.attribute).
 */
export function isInfrastructure(e: unknown): boolean {
  const kind = attached(e)?.kind;
  if (kind === 'target-down' || kind === 'connect-failed' || kind === 'handshake') return true;
  return (
    e instanceof TargetDownError ||
    e instanceof ConnectError ||
    (e instanceof HarnessError && e.name === 'HandshakeError') ||
    (e instanceof ReplyTimeoutError && HANDSHAKE.includes(e.what.split(' ')[0]!))
  );
}
