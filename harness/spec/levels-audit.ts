// Why each requirement has its level: one line each, rendered into SPEC.md ("Levels audit").
// MUST only for a statement of the seed or a test contract no check could run without (trusting
// the suite's Omikrons, the handshake, announcements, id echo, one reply to each seed operation);
// SHOULD for hardening the seed does not state; INFO for free choices. The record type makes a
// missing line a compile error.
import {
  GUARDED_OPS,
  IDN_CONDITIONS,
  type IdnCondition,
  type IdnRequirementId,
  idnId,
  type RequirementId,
} from './requirements.ts';

const IDN_REASONS: Readonly<Record<IdnCondition, string>> = {
  '001':
    'Seed: "can only be run when the affected User / Iota is identified"; never announced is the plainest case of not identified.',
  '002':
    'Seed statement plus the announcement contract: announcements are how a principal becomes identified, so a withdrawal must end it.',
  '003':
    'Hardening: the seed does not say that identification ends with the connection that announced it (a server may keep it until user_disconnected).',
  '004':
    'Hardening: the seed does not say identification is per connection; a server may count an announcement from any trusted Omikron.',
  '005':
    'Seed: the named principal is the affected one and it is not the one acting; whether the server refuses or acts on the sender is its choice (IDN-007).',
  '006': 'Seed: an identified principal may run the operation; the positive control of the contract.',
};

const PLAIN_REASONS = {
  'ENV-001':
    'Seed draws the id in every request and reply; id echo is the contract every check correlates by.',
  'ENV-002': 'Id echo contract: without the id no check can tell which request an error refused.',
  'ENV-003':
    'Contract: one reply to each seed operation; a missing or doubled reply leaves every check undecidable.',
  'ENV-004':
    'Contract: the suite can read nothing but a JSON object with a type (the wire format of every seed message).',
  'ENV-005':
    'Id echo contract under pipelining: the public Omikron keeps requests in flight and correlates by id alone.',
  'ENV-006':
    'Contract: an Omikron relays only its own requests; a reply on another connection is lost to it.',
  'ENV-007':
    'Not in the seed and broken by the public implementation (one task per frame): hardening, SHOULD (was MUST).',
  'ENV-008': 'Free choice: the seed names no error types and forbids no extra fields.',
  'SES-001': 'Handshake contract: no test can run without authenticating the suite as an Omikron.',
  'SES-002': 'Handshake contract, as SES-001.',
  'SES-003': "Trusting only the suite's Omikrons: a wrong answer must not open the server.",
  'SES-004': "Trusting only the suite's Omikrons: an unknown Omikron must not be served.",
  'SES-005': "Trusting only the suite's Omikrons: nothing is served before the handshake.",
  'SES-006':
    'The seed has no ping and the suite needs pongs only after authentication (its barrier); the public Omikron pings before it, so SHOULD (was MUST).',
  'SES-007': 'Contract: the ping round trip is the barrier every "no further reply" check rests on.',
  'SES-008': 'Free choice: closing a refused connection or not, and sending heartbeats.',
  'ANN-001':
    'Contract: announcements are how a principal becomes identified; the seed draws no reply, so none or one non-error reply.',
  'ANN-002': "Free choice of the tensamin dialect: answering iota_connected with the Iota's users.",
  'UM-GET-001': 'Seed: "user_id is preferred" for getting a user profile.',
  'UM-GET-002': 'Seed: "Either username or user_id is required".',
  'UM-GET-003': 'Seed: "user_id is preferred".',
  'UM-GET-004': 'Seed: "Either username or user_id is required".',
  'UM-GET-005':
    "Contract: one reply to each seed operation, and the seed's only success reply is a user record, which no unknown user has.",
  'UM-GET-006':
    "Seed: the drawn record, with its fields and types (the one requirement a record's shape fails).",
  'UM-GET-007': 'Free choice: what an unset display reads back as, and extra fields.',
  'UM-CHG-001': 'Seed: change_user_data with each field, answered success.',
  'UM-CHG-002': 'Seed: one change_user_data draws every field at once.',
  'UM-CHG-003':
    'Contract: a change acknowledged with success is what reads back; a field not named is not part of the change.',
  'UM-CHG-004':
    'Seed draws public_key in the change; a success that does not read back would be a false reply (refusing is allowed).',
  'UM-CHG-005': 'Hardening: unique usernames keep lookups by username meaningful; the seed does not say so.',
  'UM-CHG-006':
    'Interoperability the seed does not state: the public implementation requires private_key_hash, so a change carrying it should work.',
  'UM-IOTA-001': 'Seed: "Provide the users current and new Reset-Token" changes the Iota.',
  'UM-IOTA-002': 'Seed: the new token replaces the current one.',
  'UM-IOTA-003': 'Seed: the current token is what authorises the change.',
  'UM-REG-001': 'Seed: get_register answers "user_id": id (unix timestamp), an integer.',
  'UM-REG-002':
    'Seed: completion takes the id "provided by get_register"; two users on one id cannot both exist.',
  'UM-REG-003': 'The seed calls the id a Unix timestamp, but strict increase under load is hardening.',
  'UM-REG-004': 'Seed: complete_register_user with an issued id creates the user.',
  'UM-REG-005': 'Seed: the id "must be provided by get_register".',
  'UM-REG-006':
    "Seed: a live user's id is no longer on offer; a second completion would overwrite or double a user.",
  'UM-REG-007': 'Seed: "Complete a registration, both for Iota\'s and User\'s".',
  'UM-REG-008': 'Free choice: the seed does not say the Iota named must be registered.',
  'UM-REG-009': 'Free choice: whether a refused completion uses the id up.',
  'UM-REG-010':
    'Hardening: the seed does not say whether Iota and user ids share a pool or whether deletion frees an id, so SHOULD (split from UM-REG-006, was MUST).',
  'UM-REG-011':
    'The seed calls both Unix timestamps without a unit or a tolerance; a day either way catches a wrong unit or epoch without judging the unit.',
  'UM-REG-012': 'Hardening: unique usernames keep lookups by username meaningful; the seed does not say so.',
  'UM-TMO-001': 'Seed: "The User-creation process timeouts after 1 hour": before the hour it works.',
  'UM-TMO-002': 'Seed: the timeout itself.',
  'UM-TMO-003': 'Seed: an expired registration is over.',
  'UM-TMO-004': 'Free choice: the seed names only user creation.',
  'UM-TMO-005': 'Observation that decides whether the timeout can be judged; never a verdict.',
  'UM-DEL-001': 'Seed: delete_profile with user_id, answered success.',
  'UM-DEL-002': 'Seed: delete_profile (delet_profile) with iota_id, answered success.',
  'UM-DEL-003':
    'Hardening: the seed is silent on deleting a missing user and an idempotent success is a common choice, so SHOULD (was MUST).',
  'UM-DEL-004': 'Free choice: get_iota_data is not a seed message.',
  'IDN-007':
    "Free choice: refusing a request whose sender is not the principal, or acting on the sender's own record.",
  'ENC-001': 'Seed: created_at, sub_level and sub_end are drawn as int; every id is an integer.',
  'ENC-002': 'Seed: "<base64 public key>": the text given is the key.',
  'ENC-003': 'Seed: "<base64 avatar>", "<base64 about>": the text given is the value.',
  'ENC-004': 'Free choice: "UNIX Timestamp" names no unit.',
  'ENC-005': 'Free choice: the seed draws base64 but says nothing of validation.',
  'ENC-006': 'Free choice: the seed draws user_id as a string in one place and as a number elsewhere.',
  'BAD-001':
    'Contract: a frame that is not a request gets an answer or a close within the bound, so no check hangs.',
  'BAD-002': 'Contract, as BAD-001.',
  'BAD-003':
    'Hardening: the seed says nothing of typeless frames; the MUST is that nothing changes and the connection is still served (BAD-010). Was MUST.',
  'BAD-004':
    'Hardening: the seed says nothing of unknown types; the MUST is that nothing changes and the connection is still served (BAD-010). Was MUST.',
  'BAD-005':
    'Contract: one reply to each seed operation and nothing changes on a request that cannot be carried out; readings the seed allows are accepted.',
  'BAD-006': 'Free choice: the seed draws "<uuid>" ids; echoing other strings is recorded. Was MUST.',
  'BAD-007': 'Contract, as BAD-001.',
  'BAD-008':
    'Hardening: binary frames are outside the text-frame protocol; the MUST is that the server survives with its data (BAD-010). Was MUST.',
  'BAD-009': 'Contract, as BAD-001; a close for message size is clean.',
  'BAD-010': 'Contract: bad input must not cost the data or the service every other check needs.',
  'BAD-011': 'Free choice: how bad input is answered.',
  'EXT-001': 'Free choice: a tensamin extension the seed lacks.',
  'EXT-002': 'Free choice: get_iota_data is not a seed message; no MUST check may need it.',
  'EXT-003': 'Free choice: the misspelling is a typo of the page.',
} as const satisfies Partial<Record<RequirementId, string>>;

function idnReasons(): Record<IdnRequirementId, string> {
  const out = {} as Record<IdnRequirementId, string>;
  for (const op of GUARDED_OPS) for (const n of IDN_CONDITIONS) out[idnId(op, n)] = IDN_REASONS[n];
  return out;
}

/** One line per requirement: why it has its level. */
export const LEVEL_REASONS: Readonly<Record<RequirementId, string>> = { ...PLAIN_REASONS, ...idnReasons() };
