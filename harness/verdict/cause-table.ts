// The one table from a kind of cause to the requirement it breaks. Scripted scenarios (attribution,
// the sweep), the properties and the load profile all charge a cause through it, so one fault is
// charged to one requirement wherever it is found.
import type { Anomaly, Cause, CauseKind, CauseOf } from '../client/causes.ts';
import type { RequirementId } from '../spec/requirements.ts';

/** A requirement id, or null: the cause breaks nothing by itself, the scenario's own requirements judge. */
type Charge<K extends CauseKind> = RequirementId | null | ((c: CauseOf<K>) => RequirementId);

/** An error reply's id problems break ENV-002, a success reply's ENV-001. */
const byErrorness = (c: { readonly error: boolean }): RequirementId => (c.error ? 'ENV-002' : 'ENV-001');

export const CAUSE_REQUIREMENT: { readonly [K in CauseKind]: Charge<K> } = {
  /** A frame with an id no request carried: more frames than requests (ENV-003's own words). */
  unsolicited: 'ENV-003',
  duplicate: 'ENV-003',
  /** A reply without an id (an answer to a frame the server could read no id from is no anomaly). */
  'no-id': byErrorness,
  /** A reply after the barrier and the settle window: one request, a reply too many or too late. */
  late: 'ENV-003',
  'not-json': 'ENV-004',
  binary: 'ENV-004',
  /** The one request waiting got a frame it cannot be matched to: its reply, with its id changed. */
  'wrong-reply': (c) =>
    c.anomaly.kind === 'not-json' || c.anomaly.kind === 'binary' ? 'ENV-004' : byErrorness(c.anomaly),
  crossed: 'ENV-006',
  /** No reply within the bound: a request without its one reply. */
  timeout: 'ENV-003',
  closed: null,
  'barrier-not-pong': 'SES-007',
  'connect-failed': null,
  handshake: (c) => (c.step === 'challenge_response' ? 'SES-002' : 'SES-001'),
  'target-down': null,
  setup: null,
  harness: null,
};

/** The requirement a cause breaks, or null when only the scenario's own requirements can say. */
export function requirementOf(cause: Cause): RequirementId | null {
  const charge = CAUSE_REQUIREMENT[cause.kind] as Charge<typeof cause.kind>;
  return typeof charge === 'function' ? (charge as (c: Cause) => RequirementId)(cause) : charge;
}

/**
 * A frame that matched no request on its connection, as the cause to charge: when its id was sent on
 * another connection (`sentOn`, known to the property and load runs, which hold several), it crossed.
 */
export function strayCause(a: Anomaly, sentOn?: string): Cause {
  if (sentOn === undefined || a.kind !== 'unsolicited') return a;
  const { kind: _unsolicited, ...frame } = a;
  return { ...frame, kind: 'crossed', sentOn };
}
