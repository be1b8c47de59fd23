// The requirement catalogue: the one typed list every check, report and SPEC.md table refers to.
// SPEC.md's requirement table is generated from this file (npm run spec) and checked by a test.
import type { Dialect } from '../protocol/dialect.ts';

export type Level = 'MUST' | 'SHOULD' | 'MAY' | 'INFO';

export const AREAS = {
  ENV: 'Envelope and id echoing',
  SES: 'Omikron session and handshake',
  ANN: 'Announcements',
  'UM-GET': 'get_user_data',
  'UM-CHG': 'change_user_data',
  'UM-IOTA': 'Changing the Iota',
  'UM-REG': 'Registration',
  'UM-TMO': 'One-hour registration timeout',
  'UM-DEL': 'Deleting users and Iotas',
  IDN: 'Identification checks',
  ENC: 'Encodings',
  BAD: 'Bad input',
  EXT: 'Tensamin extensions',
} as const;
export type Area = keyof typeof AREAS;

export type SourceKind = 'seed' | 'contract' | 'notes';

/** A requirement whose id is the literal `I` (the catalogue keeps every id literal, see RequirementId). */
export interface RequirementDef<I extends string = string> {
  readonly id: I;
  readonly area: Area;
  readonly level: Level;
  readonly title: string;
  /** Where it rests: the seed page, the test contract (SPEC.md), or PROTOCOL-NOTES.md. */
  readonly source: SourceKind;
  readonly quote: string;
  readonly interpretation: string;
  /** Dialects it applies to; both when absent. */
  readonly dialects?: readonly Dialect[];
  /** Needs control of the server's clock. */
  readonly needsClock?: boolean;
}

/** A requirement of the catalogue. */
export type Requirement = RequirementDef<RequirementId>;

const SEED_IDENTIFIED =
  'There are additional security checks when Changing data, Changing the Iota, Deleting a User, Deleting an Iota. These messages can only be run when the affected User / Iota is identified.';
const CONTRACT_IDENTIFIED =
  'A guarded request must carry `sender` equal to the principal it acts for, identified on the same connection (SPEC.md, identification model).';

const GUARDED = {
  CHG: { op: 'change_user_data (user data)', principal: 'the user named by data.user_id' },
  IOTA: { op: 'the Iota change', principal: 'the new Iota named by data.iota_id' },
  DELU: { op: 'deleting a user', principal: 'the user named by data.user_id' },
  DELI: { op: 'deleting an Iota', principal: 'the Iota named by data.iota_id' },
} as const;
export type GuardedOp = keyof typeof GUARDED;

const CONDITIONS = [
  [
    '001',
    'MUST',
    'refused when the principal was never announced',
    'The principal was never announced on any connection.',
  ],
  [
    '002',
    'MUST',
    'refused after the announcement was withdrawn',
    'Announced, then withdrawn with user_disconnected / iota_disconnected.',
  ],
  [
    '003',
    'SHOULD',
    'refused after the announcing connection closed',
    'Announced on a connection that has since closed; the request comes on a new connection.',
  ],
  [
    '004',
    'SHOULD',
    'refused when announced on another Omikron connection only',
    'Announced on connection A; the request comes on connection B of another Omikron.',
  ],
  [
    '005',
    'MUST',
    'never affects the principal when sender is another principal',
    "The principal is announced on this connection, but `sender` names another announced principal of the same kind. The principal the request names is never affected; whether the server refuses, or acts on the sender's own record instead, is its choice (IDN-007).",
  ],
  [
    '006',
    'MUST',
    'accepted when announced on the same connection with the right sender',
    'The positive control: the request succeeds.',
  ],
] as const satisfies readonly (readonly [string, Level, string, string])[];

/** The condition numbers of the identification table (IDN-<op>-<n>). */
export type IdnCondition = (typeof CONDITIONS)[number][0];
/** An identification requirement id: the operation × condition table, usable by the model too. */
export type IdnRequirementId = `IDN-${GuardedOp}-${IdnCondition}`;
export const IDN_CONDITIONS: readonly IdnCondition[] = CONDITIONS.map((c) => c[0]);
export const GUARDED_OPS = Object.keys(GUARDED) as GuardedOp[];
export const idnId = (op: GuardedOp, n: IdnCondition): IdnRequirementId => `IDN-${op}-${n}`;

function identificationRequirements(): RequirementDef<IdnRequirementId>[] {
  const out: RequirementDef<IdnRequirementId>[] = [];
  for (const key of GUARDED_OPS) {
    const g = GUARDED[key];
    for (const [n, level, title, how] of CONDITIONS) {
      out.push({
        id: idnId(key, n),
        area: 'IDN',
        level,
        title: `${g.op}: ${title}`,
        source: n === '006' ? 'seed' : 'contract',
        quote: n === '006' ? SEED_IDENTIFIED : `${SEED_IDENTIFIED} ${CONTRACT_IDENTIFIED}`,
        interpretation: `${how} The principal is ${g.principal}. ${
          n === '006'
            ? 'The Omega answers success.'
            : n === '005'
              ? 'If it refuses, an error reply with the request id.'
              : 'The Omega answers an error reply with the request id and changes nothing.'
        }`,
      });
    }
  }
  return out;
}

const r = <const I extends string>(
  id: I,
  area: Area,
  level: Level,
  title: string,
  source: SourceKind,
  quote: string,
  interpretation: string,
  extra: Partial<Pick<RequirementDef, 'dialects' | 'needsClock'>> = {},
): RequirementDef<I> => ({ id, area, level, title, source, quote, interpretation, ...extra });

const Q = {
  reply: 'A reply carries the id of the request it answers. (PROTOCOL-NOTES.md, wire format)',
  getUser: 'Either username or user_id is required when getting a user profile, user_id is preferred.',
  timeout: 'You can use this to register a User or Iota. The User-creation process timeouts after 1 hour.',
  registerId: '"user_id": id (must be provided by get_register)',
  resetToken: 'Provide the users current and new Reset-Token.',
  userRecord:
    '"created_at": int, // UNIX Timestamp ... "avatar": "<base64 avatar>", "about": "<base64 about>", ... "public_key": "<base64 public key>", "sub_level": int, "sub_end": int',
  handshake: 'Omikron identification ... before anything else is accepted (PROTOCOL-NOTES.md, wire format)',
};

const PLAIN = [
  // Envelope and id echoing
  r(
    'ENV-001',
    'ENV',
    'MUST',
    'A success reply carries the id of its request',
    'seed',
    '"id": "<uuid>" (drawn in every request and reply)',
    'The `id` of every non-error reply equals the `id` of the request it answers, byte for byte.',
  ),
  r(
    'ENV-002',
    'ENV',
    'MUST',
    'An error reply carries the id of its request',
    'contract',
    Q.reply,
    'An error reply (any type starting with `error`) to a request that had a string id carries that id.',
  ),
  r(
    'ENV-003',
    'ENV',
    'MUST',
    'Exactly one reply per request, and no reply with an id nobody sent',
    'contract',
    Q.reply,
    'After a barrier, every request has had exactly one reply; a frame (other than a server ping) whose id no request carried, or a second reply to one id, fails.',
  ),
  r(
    'ENV-004',
    'ENV',
    'MUST',
    'Replies are JSON objects with a string type, in text frames',
    'notes',
    'One JSON object per text frame. (PROTOCOL-NOTES.md)',
    'Every frame from the Omega parses as a JSON object with a string `type`; errors use a type that starts with `error`.',
  ),
  r(
    'ENV-005',
    'ENV',
    'MUST',
    '100 requests in flight on one connection are each answered once with their id',
    'contract',
    Q.reply,
    'Requests sent without waiting are correlated by id alone; none is lost, duplicated or answered with another id.',
  ),
  r(
    'ENV-006',
    'ENV',
    'MUST',
    'Concurrent requests on several connections are answered on their own connection',
    'contract',
    Q.reply,
    'A reply reaches the connection its request came from; none crosses to another Omikron.',
  ),
  r(
    'ENV-007',
    'ENV',
    'SHOULD',
    "One connection's messages are applied in order",
    'contract',
    "An Omega applies one connection's messages in order. (SPEC.md, test contract)",
    'A change sent and a read sent right after it on the same connection, without waiting, reads the change. The seed is silent and the public implementation handles each frame as its own task: a server that applies requests in flight in another order is conformant (the suite then correlates by id alone).',
  ),
  r(
    'ENV-008',
    'ENV',
    'INFO',
    'Error types and extra reply fields the server uses',
    'notes',
    'Errors are replies whose type starts with error ... among others. (PROTOCOL-NOTES.md)',
    'Recorded, never judged: the seed does not fix error types or forbid extra fields.',
  ),
  // Session
  r(
    'SES-001',
    'SES',
    'MUST',
    'identification is answered with a challenge the Omikron can decrypt',
    'notes',
    Q.handshake,
    'The reply is `challenge` with the request id, `data.public_key` (base64 raw 56-byte X448) and `data.challenge` = base64(nonce 12 || ciphertext || tag 16), AES-256-GCM under SHA-256 of the X448 shared secret.',
  ),
  r(
    'SES-002',
    'SES',
    'MUST',
    'The right challenge answer is accepted',
    'notes',
    Q.handshake,
    '`challenge_response` with the plaintext gets `identification_response` with `data.accepted` the boolean true; the connection is then authenticated.',
  ),
  r(
    'SES-003',
    'SES',
    'MUST',
    'A wrong challenge answer is refused and nothing further is served',
    'notes',
    'a wrong answer gets error_invalid_challenge (PROTOCOL-NOTES.md)',
    "An error reply (any `error*` type) with the id, or a close; afterwards no request on that connection is served (an error reply or a close is acceptable). Closing is the server's choice (SES-008).",
  ),
  r(
    'SES-004',
    'SES',
    'MUST',
    'An unknown Omikron id is refused',
    'notes',
    'an unknown Omikron gets error_not_authenticated (PROTOCOL-NOTES.md)',
    'identification naming an Omikron the server does not trust gets an error reply or a close, and that connection is not served.',
  ),
  r(
    'SES-005',
    'SES',
    'MUST',
    'Nothing but ping and the handshake is served before authentication',
    'notes',
    'Any other message before step 4 gets error_not_authenticated. (PROTOCOL-NOTES.md)',
    'An operation sent before the handshake gets an error reply (or a close) and is not executed.',
  ),
  r(
    'SES-006',
    'SES',
    'SHOULD',
    'A ping before authentication gets its pong',
    'notes',
    'It sends a ping the moment the socket opens, before identification ... An Omega that refuses a ping before authentication can never be used by it. (PROTOCOL-NOTES.md)',
    '`ping` with an id, before the handshake, is answered by `pong` with that id.',
  ),
  r(
    'SES-007',
    'SES',
    'MUST',
    'A ping after authentication gets its pong',
    'notes',
    "an Omikron's ping is answered by a pong with the same id (PROTOCOL-NOTES.md)",
    '`ping` on an authenticated connection is answered by `pong` with the same id.',
  ),
  r(
    'SES-008',
    'SES',
    'INFO',
    'What the server does with a connection whose handshake failed, and its heartbeat',
    'notes',
    'What a conformant Omega must do there is for SPEC.md to decide. (PROTOCOL-NOTES.md)',
    'Recorded: whether it closes the connection, and whether it sent heartbeat pings.',
  ),
  // Announcements
  r(
    'ANN-001',
    'ANN',
    'MUST',
    'Announcements get no reply or one non-error reply with their id',
    'notes',
    'A harness must work with an Omega that answers announcements and with one that does not. (PROTOCOL-NOTES.md)',
    'user_connected, user_disconnected, iota_connected and iota_disconnected for an existing principal: no reply before a barrier, or exactly one non-error reply carrying the announcement id.',
  ),
  r(
    'ANN-002',
    'ANN',
    'INFO',
    'iota_connected answered with iota_user_data',
    'notes',
    'the implementation answers iota_connected with iota_user_data (PROTOCOL-NOTES.md)',
    "Recorded: whether the reply lists the Iota's users.",
    { dialects: ['tensamin'] },
  ),
  // get_user_data
  r(
    'UM-GET-001',
    'UM-GET',
    'MUST',
    'get_user_data by user_id returns that user',
    'seed',
    Q.getUser,
    "The reply is `get_user` (seed) or `get_user_data` (tensamin) with the request id and the user's record.",
  ),
  r(
    'UM-GET-002',
    'UM-GET',
    'MUST',
    'get_user_data by username returns that user',
    'seed',
    Q.getUser,
    'Looking up by username alone returns the user with that username.',
  ),
  r(
    'UM-GET-003',
    'UM-GET',
    'MUST',
    'With both user_id and username, user_id is preferred',
    'seed',
    Q.getUser,
    "user_id names user A and username names user B: the reply is A's record.",
  ),
  r(
    'UM-GET-004',
    'UM-GET',
    'MUST',
    'With neither user_id nor username, an error reply',
    'seed',
    Q.getUser,
    '"Either ... is required": a request naming no user gets an error reply with its id.',
  ),
  r(
    'UM-GET-005',
    'UM-GET',
    'MUST',
    'An unknown user gets an error reply',
    'notes',
    'unknown users get error_not_found (PROTOCOL-NOTES.md)',
    'An id or username that names no user gets an error reply (any `error*` type) with the request id.',
  ),
  r(
    'UM-GET-006',
    'UM-GET',
    'MUST',
    'The user record has every field of the seed, with its type and value',
    'seed',
    Q.userRecord,
    'user_id, iota_id, created_at, sub_level, sub_end are integers; username, display, avatar, about, status, public_key are strings; the values are those registered or last changed. Extra fields are allowed.',
  ),
  r(
    'UM-GET-007',
    'UM-GET',
    'INFO',
    'display of a user who never set one, and extra fields',
    'notes',
    '`display` falls back to the username when empty. (PROTOCOL-NOTES.md)',
    'Recorded: empty or the username.',
  ),
  // change_user_data
  r(
    'UM-CHG-001',
    'UM-CHG',
    'MUST',
    'Each field changed alone is stored',
    'seed',
    '"type": "change_user_data", ... "username", "display", "avatar", "about", "status" → "success"',
    'For username, display, avatar, about and status, a change naming only that field gets `success` with the id and reads back.',
  ),
  r(
    'UM-CHG-002',
    'UM-CHG',
    'MUST',
    'Several fields changed at once are all stored',
    'seed',
    '"type": "change_user_data" (all fields drawn in one request)',
    'One request naming several fields changes them all.',
  ),
  r(
    'UM-CHG-003',
    'UM-CHG',
    'MUST',
    'Fields a change does not name keep their values',
    'contract',
    'A change acknowledged with success is what a later get_user_data returns. (SPEC.md)',
    'After a change of one field every other field reads back as before.',
  ),
  r(
    'UM-CHG-004',
    'UM-CHG',
    'MUST',
    'A change acknowledged with success reads back, public_key included',
    'contract',
    'A change acknowledged with success is what a later get_user_data returns. (SPEC.md)',
    'Changing public_key may be refused (a server may require private_key_hash, recorded); if it answers success, the new key reads back.',
  ),
  r(
    'UM-CHG-005',
    'UM-CHG',
    'SHOULD',
    'A username another user holds is refused',
    'notes',
    'usernames are unique (PROTOCOL-NOTES.md)',
    'Lookups by username need unique usernames: changing to a taken username gets an error reply and changes nothing.',
  ),
  // Iota change
  r(
    'UM-IOTA-001',
    'UM-IOTA',
    'MUST',
    "The right reset token changes the user's Iota",
    'seed',
    Q.resetToken,
    "With the current reset token and a new one, sent for the new Iota, the reply is `success` and the user's iota_id reads back as the new Iota.",
  ),
  r(
    'UM-IOTA-002',
    'UM-IOTA',
    'MUST',
    'Afterwards the new token is the one that works',
    'seed',
    Q.resetToken,
    'A later change with the old token is refused; with the new token it succeeds.',
  ),
  r(
    'UM-IOTA-003',
    'UM-IOTA',
    'MUST',
    'A wrong reset token is refused and changes nothing',
    'seed',
    Q.resetToken,
    'An error reply with the id; iota_id unchanged; the right token still works.',
  ),
  r(
    'UM-CHG-006',
    'UM-CHG',
    'SHOULD',
    'A public_key change carrying private_key_hash succeeds',
    'notes',
    'Changing `public_key` requires `private_key_hash` in the same request. (PROTOCOL-NOTES.md)',
    'A server may require private_key_hash (UM-CHG-004); given it, the change gets `success` and the new key reads back.',
  ),
  // Registration
  r(
    'UM-REG-001',
    'UM-REG',
    'MUST',
    'get_register returns an integer register id',
    'seed',
    '"type": "get_register", "data": { "user_id": id (unix timestamp) }',
    'The reply is `get_register` with the id and an integer `data.user_id` (tensamin: `data.user_id`, or `data.register_id`, recorded).',
  ),
  r(
    'UM-REG-002',
    'UM-REG',
    'MUST',
    'Register ids are unique',
    'seed',
    Q.registerId,
    'No two get_register requests, on one connection or several, get the same id.',
  ),
  r(
    'UM-REG-003',
    'UM-REG',
    'SHOULD',
    'Register ids increase over time',
    'seed',
    '"user_id": id (unix timestamp)',
    'Ids are Unix timestamps: one requested later is larger.',
  ),
  r(
    'UM-REG-004',
    'UM-REG',
    'MUST',
    'complete_register_user with an issued id creates the user',
    'seed',
    Q.registerId,
    '`success` with the id; the user reads back by id and by username with the username, public_key and iota_id given.',
  ),
  r(
    'UM-REG-005',
    'UM-REG',
    'MUST',
    'complete_register_user with an id never issued is refused',
    'seed',
    Q.registerId,
    'An error reply; no user with that id or username exists afterwards.',
  ),
  r(
    'UM-REG-006',
    'UM-REG',
    'MUST',
    'complete_register_user with the id of an existing user is refused',
    'seed',
    Q.registerId,
    'An error reply; the existing user is unchanged.',
  ),
  r(
    'UM-REG-007',
    'UM-REG',
    'MUST',
    'complete_register_iota with an issued id registers the Iota',
    'seed',
    'Complete a registration, both for Iota\'s and User\'s. "complete_register_iota" → "success"',
    'The reply is `success` (tensamin also `complete_register_iota`) with the id, and a user can then be registered on that Iota.',
  ),
  r(
    'UM-REG-008',
    'UM-REG',
    'INFO',
    'complete_register_user naming an Iota never registered',
    'notes',
    "Whether complete_register_user's iota_id must name a registered Iota. (open question)",
    'Recorded: accepted or refused.',
  ),
  r(
    'UM-REG-009',
    'UM-REG',
    'INFO',
    'Whether a failed completion uses up the register id',
    'notes',
    'Whether a register id may be used twice (open question)',
    'Recorded: after a refused completion (taken username), whether the same id still completes.',
  ),
  r(
    'UM-REG-010',
    'UM-REG',
    'SHOULD',
    'complete_register_user with an id used by an Iota or by a deleted user is refused',
    'seed',
    Q.registerId,
    'An error reply and no user with that id. The seed does not say whether Iota and user registrations share one pool of ids, nor whether a deleted user frees its id: reusing them is hardening, not a seed statement.',
  ),
  r(
    'UM-REG-011',
    'UM-REG',
    'SHOULD',
    "Register ids and created_at lie within a day of the server's clock",
    'seed',
    '"user_id": id (unix timestamp) ... "created_at": int, // UNIX Timestamp',
    "Read in the unit the server uses (seconds or milliseconds), a register id and a new user's created_at are within a day of the harness clock plus the offset the suite moved the server's clock by.",
  ),
  r(
    'UM-REG-012',
    'UM-REG',
    'SHOULD',
    'complete_register_user with a username another user holds is refused',
    'notes',
    'usernames are unique (PROTOCOL-NOTES.md)',
    'Lookups by username need unique usernames: the completion gets an error reply and the holder keeps the username.',
  ),
  // Timeout
  r(
    'UM-TMO-001',
    'UM-TMO',
    'MUST',
    'Completing a user registration a little before one hour succeeds',
    'seed',
    Q.timeout,
    '59 minutes after get_register (server clock moved), complete_register_user succeeds.',
    { needsClock: true },
  ),
  r(
    'UM-TMO-002',
    'UM-TMO',
    'MUST',
    'Completing a user registration a little after one hour fails',
    'seed',
    Q.timeout,
    '61 minutes after get_register: an error reply, and no user with that id or username.',
    { needsClock: true },
  ),
  r(
    'UM-TMO-003',
    'UM-TMO',
    'MUST',
    'An expired register id cannot be used afterwards',
    'seed',
    Q.timeout,
    'A second completion with the expired id also fails.',
    { needsClock: true },
  ),
  r(
    'UM-TMO-004',
    'UM-TMO',
    'INFO',
    'Iota registration after one hour',
    'seed',
    Q.timeout,
    'The seed names only user creation: recorded whether an Iota registration 61 minutes on is accepted.',
    { needsClock: true },
  ),
  r(
    'UM-TMO-005',
    'UM-TMO',
    'INFO',
    "The server's wall clock moved as asked",
    'contract',
    'register ids are Unix timestamps (CLOCKS.md)',
    'Recorded: register ids issued after a clock move show the move. Without it the timeout requirements are not verified.',
    { needsClock: true },
  ),
  // Deleting
  r(
    'UM-DEL-001',
    'UM-DEL',
    'MUST',
    'Deleting a user removes it',
    'seed',
    '"type": "delete_profile", "data": { "user_id": id } → "success"',
    '`success` with the id; the user is not found afterwards, by id or by username.',
  ),
  r(
    'UM-DEL-002',
    'UM-DEL',
    'MUST',
    'Deleting an Iota is acknowledged',
    'seed',
    '"type": "delet_profile", "data": { "iota_id": id } → "success"',
    '`success` with the id (seed: `delete_profile` with `iota_id`; tensamin: `delete_iota`). The seed cannot read an Iota back: this rests on the reply.',
  ),
  r(
    'UM-DEL-003',
    'UM-DEL',
    'SHOULD',
    'Deleting a user that does not exist gets an error reply',
    'contract',
    'Otherwise the Omega answers an error reply (SPEC.md)',
    'A second deletion of the same (identified) user gets an error reply with the id; the user stays gone either way (UM-DEL-001). Answering a repeated delete with success is a common idempotent choice.',
  ),
  r(
    'UM-DEL-004',
    'UM-DEL',
    'INFO',
    'A deleted Iota is gone from get_iota_data',
    'notes',
    'get_iota_data (PROTOCOL-NOTES.md)',
    'Recorded: get_iota_data after delete_iota.',
    { dialects: ['tensamin'] },
  ),
  r(
    'IDN-007',
    'IDN',
    'INFO',
    'A guarded request whose sender is another identified principal: refused or acted on the sender',
    'seed',
    SEED_IDENTIFIED,
    "Recorded: whether the server refused it, or acted on the sender's own record (later public versions take the acting principal from `sender`). Either way the principal named in data is not affected (IDN-*-005).",
  ),
  // Encodings
  r(
    'ENC-001',
    'ENC',
    'MUST',
    'Integer fields are JSON integers',
    'seed',
    Q.userRecord,
    'user_id, iota_id, created_at, sub_level, sub_end and the register id are JSON numbers with integral values, not strings.',
  ),
  r(
    'ENC-002',
    'ENC',
    'MUST',
    'public_key reads back as the base64 text given',
    'seed',
    '"public_key": "<base64 public key>"',
    'The base64 of a real 56-byte X448 key, registered or changed, reads back unchanged.',
  ),
  r(
    'ENC-003',
    'ENC',
    'MUST',
    'avatar and about read back as the base64 text given',
    'seed',
    '"avatar": "<base64 avatar>", "about": "<base64 about>"',
    'Base64 text stored in avatar and about is returned exactly, not decoded or re-encoded.',
  ),
  r(
    'ENC-004',
    'ENC',
    'INFO',
    'Units of created_at and of register ids',
    'seed',
    '"created_at": int, // UNIX Timestamp',
    'Recorded: seconds or milliseconds, and how far from the harness clock.',
  ),
  r(
    'ENC-005',
    'ENC',
    'INFO',
    'Whether about that is not base64 is accepted',
    'notes',
    '`about` is drawn as base64 on the seed page; whether the Omega validates it. (open question)',
    'Recorded: accepted or refused.',
  ),
  r(
    'ENC-006',
    'ENC',
    'INFO',
    'Whether get_user_data accepts user_id as a decimal string',
    'seed',
    '"user_id": "<user id>" (drawn as a string in get_user_data)',
    'The suite sends numbers (MUST); a string is recorded: accepted or refused.',
  ),
  // Bad input
  r(
    'BAD-001',
    'BAD',
    'MUST',
    'Invalid JSON gets an error reply or a clean close',
    'contract',
    'for what cannot be parsed, an error reply or a clean close (SPEC.md)',
    'No hang: within the reply bound, an `error*` frame or a close.',
  ),
  r(
    'BAD-002',
    'BAD',
    'MUST',
    'A JSON array or scalar gets an error reply or a clean close',
    'contract',
    'for what cannot be parsed, an error reply or a clean close (SPEC.md)',
    'As BAD-001, for `[]`, `[1,2]`, `42`, `"x"`, `null`.',
  ),
  r(
    'BAD-003',
    'BAD',
    'SHOULD',
    'An object with a string id but no type gets an error reply with that id',
    'contract',
    'A JSON object with a string id should get an error reply with that id. (SPEC.md, section 3)',
    'Not a close, not silence. Whatever the answer, nothing changes and later requests on that connection are served (BAD-010, MUST).',
  ),
  r(
    'BAD-004',
    'BAD',
    'SHOULD',
    'An unknown type gets an error reply with the id',
    'contract',
    'A JSON object with a string id should get an error reply with that id. (SPEC.md, section 3)',
    'Whatever the answer, nothing changes and later requests on that connection are served (BAD-010, MUST).',
  ),
  r(
    'BAD-005',
    'BAD',
    'MUST',
    'Missing or mistyped data fields get an error reply and change nothing',
    'contract',
    'a request whose data cannot be carried out gets an error reply with its id and changes nothing (SPEC.md, section 3)',
    'E.g. complete_register_user without username, data as an array, status as a number: an error reply with the id; nothing is created or changed. Readings the seed allows are not faults: user_id as a string of digits (drawn so) may be accepted, change_user_data without user_id may act on the sender, a null field may mean absent.',
  ),
  r(
    'BAD-006',
    'BAD',
    'INFO',
    'A string id that is not a UUID is echoed as it is',
    'seed',
    '"id": "<uuid>" (drawn in every request and reply)',
    'Recorded: whether the reply (success or error) carries that exact id. The seed draws `<uuid>`; the suite itself always sends UUIDs.',
  ),
  r(
    'BAD-007',
    'BAD',
    'MUST',
    'An empty frame gets an error reply or a clean close',
    'contract',
    'for what cannot be parsed, an error reply or a clean close (SPEC.md)',
    'As BAD-001.',
  ),
  r(
    'BAD-008',
    'BAD',
    'SHOULD',
    'A binary frame gets an error reply or a clean close',
    'contract',
    'One JSON object per text frame. (PROTOCOL-NOTES.md)',
    'As BAD-001.',
  ),
  r(
    'BAD-009',
    'BAD',
    'MUST',
    'A 1 MiB frame gets an error reply or a clean close',
    'contract',
    'for what cannot be parsed, an error reply or a clean close (SPEC.md)',
    'A close for message size (1009) is clean.',
  ),
  r(
    'BAD-010',
    'BAD',
    'MUST',
    'The server survives bad input with its data',
    'contract',
    'After every case ... the server still answers a valid request and still holds the data stored before. (SPEC.md)',
    'After each bad frame the server still serves: a request carrying a string id leaves its connection usable (a later request on it is served); after any bad frame a fresh connection authenticates, is served, and reads a user created before.',
  ),
  r(
    'BAD-011',
    'BAD',
    'INFO',
    'How the server answered each kind of bad input',
    'contract',
    'an error reply or a clean close (SPEC.md)',
    'Recorded per case: error type or close code.',
  ),
  // Tensamin extensions
  r(
    'EXT-001',
    'EXT',
    'INFO',
    'complete_register_iota without an id creates one',
    'notes',
    'complete_register_iota with only public_key creates an id and replies complete_register_iota with data.iota_id (PROTOCOL-NOTES.md)',
    'Recorded.',
    { dialects: ['tensamin'] },
  ),
  r(
    'EXT-002',
    'EXT',
    'INFO',
    "get_iota_data returns the Iota's public key",
    'notes',
    "get_iota_data (iota_id → the Iota's public_key) (PROTOCOL-NOTES.md)",
    'Recorded.',
    { dialects: ['tensamin'] },
  ),
  r(
    'EXT-003',
    'EXT',
    'INFO',
    'The misspelled delet_profile is accepted',
    'seed',
    '"type": "delet_profile"',
    'Recorded: the suite sends delete_profile; the misspelling is a typo of the page.',
    { dialects: ['seed'] },
  ),
];

/**
 * Every requirement id of the catalogue, as a type: `scenario()` and the checks take it, so a typo
 * is a compile error. Input from outside (the CLI, files) goes through `isRequirementId`.
 */
export type RequirementId = (typeof PLAIN)[number]['id'] | IdnRequirementId;

export const REQUIREMENTS: readonly Requirement[] = [...PLAIN, ...identificationRequirements()];

const BY_ID = new Map<string, Requirement>(REQUIREMENTS.map((q) => [q.id, q]));

/** The requirement with this id; throws naming the id when there is none (ids read at run time). */
export function requirement(id: string): Requirement {
  const q = BY_ID.get(id);
  if (!q) throw new Error(`unknown requirement id "${id}" (not in harness/spec/requirements.ts)`);
  return q;
}

/** Runtime guard for ids that come from outside the code (CLI options, files, reports). */
export const isRequirementId = (id: string): id is RequirementId => BY_ID.has(id);

export function appliesTo(q: Requirement, dialect: Dialect): boolean {
  return q.dialects === undefined || q.dialects.includes(dialect);
}

/** MUST and SHOULD are judged; MAY and INFO are recorded only. */
export const isJudged = (level: Level): boolean => level === 'MUST' || level === 'SHOULD';

/** An id read at run time (a table built from strings), checked: throws naming it when unknown. */
export function asRequirementId(id: string): RequirementId {
  if (!isRequirementId(id))
    throw new Error(`unknown requirement id "${id}" (not in harness/spec/requirements.ts)`);
  return id;
}
