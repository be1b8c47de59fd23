// Causes as data for the property and model suites: what the client reports (an anomaly, a
// timeout, a close, a wrong reply) read from its fields, never from its message text, and charged
// through the one table (harness/verdict/cause-table.ts) the scripted scenarios and the load profile
// use: one stray frame breaks the same requirement whichever path finds it.
import type { Anomaly, Cause } from '../client/causes.ts';
import { HarnessError } from '../client/errors.ts';
import type { RequirementId } from '../spec/requirements.ts';
import { requirementOf, strayCause } from '../verdict/cause-table.ts';

/** The requirement a cause breaks, and how specific it is: lower is more specific (named first). */
export interface IdRequirement {
  readonly req: RequirementId;
  readonly rank: number;
}

/**
 * Which of several id problems on a connection is named first: a reply that crossed connections,
 * then a reply with its id wrong or missing (ENV-001 and ENV-002 alike: the first seen is named),
 * then a reply missing or too many, then a frame that is no reply.
 */
const SPECIFICITY: readonly (readonly RequirementId[])[] = [
  ['ENV-006'],
  ['ENV-001', 'ENV-002'],
  ['ENV-003'],
  ['ENV-004'],
];
export const rankOf = (req: RequirementId): number => {
  const i = SPECIFICITY.findIndex((reqs) => reqs.includes(req));
  return i < 0 ? SPECIFICITY.length : i;
};

/** The requirement a frame that matched no request breaks, by the cause table (`sentOn`: it crossed). */
export function anomalyRequirement(a: Anomaly, sentOn?: string): IdRequirement {
  // Every anomaly kind is charged to a requirement by the table (none to null).
  const req = requirementOf(strayCause(a, sentOn)) as RequirementId;
  return { req, rank: rankOf(req) };
}

/** The cause an error carries (every error the client raises about the target carries one). */
const causeOf = (e: unknown): Cause | undefined => (e instanceof HarnessError ? e.cause : undefined);

/**
 * The requirement an error of one request breaks, by the cause table; null when the table names
 * none (a close, a refused setup step, a fault of the suite): the property's own requirement judges.
 */
export function requirementOfRequestError(e: unknown): RequirementId | null {
  const cause = causeOf(e);
  return cause === undefined ? null : requirementOf(cause);
}

/** Handshake steps: a timeout on one of them means the target will not let us in. */
const HANDSHAKE: readonly string[] = ['identification', 'challenge_response'];

/**
 * The target cannot be reached or will not let us in (no connection, a refused or unanswered
 * handshake): not a property failure; the scenario ends on it (ScenarioContext.attribute).
 */
export function isInfrastructure(e: unknown): boolean {
  const cause = causeOf(e);
  switch (cause?.kind) {
    case 'target-down':
    case 'connect-failed':
    case 'handshake':
      return true;
    case 'timeout':
      return cause.requestType !== undefined && HANDSHAKE.includes(cause.requestType);
    default:
      return false;
  }
}
