// fast-check arbitraries generated from the one message table (messages.ts) and its field kinds
// (fields.ts), the same sources the zod schemas come from, so schema and generator cannot drift:
// a new field kind fails to compile here until it has a generator, a new field in the table is
// generated without touching this file.
//
// Three classes of request data:
//  - valid: every field the table names for the operation and dialect, within the documented limits;
//  - near-valid: a valid request with exactly one thing broken (a field missing, mistyped, out of
//    range, over its limit, an empty or unusual unicode string, a huge integer, data not an object);
//  - arbitrary JSON and other frames that are not requests at all.
import fc from 'fast-check';
import { generateRawKeyPair } from '../crypto/x448.ts';
import type { Dialect } from '../protocol/dialect.ts';
import type { FieldKind } from '../protocol/fields.ts';
import {
  ANNOUNCEMENTS,
  type FieldSpec,
  type OperationName,
  operationSpec,
  operationsOf,
  SESSION,
} from '../protocol/messages.ts';

// --- X448 public keys ----------------------------------------------------------------------------

const KEY_POOL_SIZE = 64;
let keyPool: readonly string[] | null = null;

/** 64 real X448 public keys (base64 of the raw 56 bytes), made once: generators pick from them. */
export function publicKeyPool(): readonly string[] {
  keyPool ??= Array.from({ length: KEY_POOL_SIZE }, () => generateRawKeyPair().publicKey);
  return keyPool;
}

// --- text ------------------------------------------------------------------------------------------

const PRINTABLE_ASCII = fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c));
/** Letters of other scripts, one UTF-16 unit each. */
const NON_ASCII_BMP = fc.constantFrom(
  'é',
  'ü',
  'ß',
  'ñ',
  'ø',
  'Å',
  'ж',
  'я',
  'Ω',
  'ا',
  'ש',
  '日',
  '本',
  '語',
  '한',
  '€',
  '—',
  '\u00a0',
);
/** Outside the BMP: two UTF-16 units, one code point. */
const ASTRAL = fc.constantFrom('😀', '🚀', '𝄞', '🙂', '𐍈');
const TEXT_UNIT = fc.oneof(
  { weight: 12, arbitrary: PRINTABLE_ASCII },
  { weight: 3, arbitrary: NON_ASCII_BMP },
  { weight: 1, arbitrary: ASTRAL },
);

/** Join units while the UTF-16 length stays within max (never splits a surrogate pair). */
function joinWithin(units: readonly string[], max: number): string {
  let s = '';
  for (const u of units) {
    if (s.length + u.length > max) break;
    s += u;
  }
  return s;
}

/**
 * Well-formed text (no lone surrogates) whose UTF-16 length, as zod counts it, is within [min, max].
 * At most max code points too, so a server counting characters sees it within the limit as well.
 * `ascii`: printable ASCII only.
 */
export function textWithin(min: number, max: number, ascii = false): fc.Arbitrary<string> {
  const unit = ascii ? PRINTABLE_ASCII : TEXT_UNIT;
  // Half of them at or near the limit: boundaries are where servers cut and refuse.
  const nearLimit = Math.max(min, max - 3);
  return fc
    .oneof(
      fc.array(unit, { minLength: min, maxLength: max }),
      fc.array(unit, { minLength: nearLimit, maxLength: max }),
    )
    .map((units) => joinWithin(units, max))
    .filter((s) => s.length >= min);
}

/** Text of one script only: ASCII letters and digits (usernames the suite makes unique). */
export const ALNUM = fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789');

export const isAscii = (s: string): boolean => /^[\x20-\x7e]*$/.test(s);

const toBase64 = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64');

/** base64 of random bytes, at most `maxChars` characters of base64. */
function base64Within(maxChars: number, minBytes = 0): fc.Arbitrary<string> {
  const maxBytes = Math.floor(maxChars / 4) * 3;
  return fc.uint8Array({ minLength: minBytes, maxLength: maxBytes }).map(toBase64);
}

// --- one field kind ----------------------------------------------------------------------------

const MS_2020 = 1_577_836_800_000;
const MS_2100 = 4_102_444_800_000;

const ID = fc.oneof(fc.nat({ max: 1000 }), fc.integer({ min: MS_2020, max: MS_2100 }), fc.maxSafeNat());

/** Largest base64 avatar generated where the table sets no limit. */
export const AVATAR_MAX_CHARS = 128;
/** Largest anyText generated. */
const ANY_TEXT_MAX = 40;

export interface ArbitraryOptions {
  /** Text in printable ASCII only (other scripts are still within the limits, but a server may refuse them). */
  readonly ascii?: boolean;
}

/**
 * A value the field kind's zod schema (zodFor) accepts, within the documented limits.
 * The switch is exhaustive: a new FieldKind does not compile until it has a generator.
 */
export function arbitraryFor(f: FieldKind, opts: ArbitraryOptions = {}): fc.Arbitrary<unknown> {
  switch (f.kind) {
    case 'id':
      return ID;
    case 'text':
      return textWithin(f.min, f.max, opts.ascii);
    case 'base64':
      return base64Within(f.max ?? AVATAR_MAX_CHARS);
    case 'publicKey':
      return fc.constantFrom(...publicKeyPool());
    case 'token':
      // 16 bytes and more: two generated tokens never collide by chance.
      return fc.uint8Array({ minLength: 16, maxLength: 48 }).map(toBase64);
    case 'timestamp':
      return fc.oneof(
        fc.integer({ min: MS_2020 / 1000, max: MS_2100 / 1000 }),
        fc.integer({ min: MS_2020, max: MS_2100 }),
      );
    case 'int':
      return fc.maxSafeInteger();
    case 'bool':
      return fc.boolean();
    case 'idList':
      return fc.array(ID, { maxLength: 8 });
    case 'anyText':
      return textWithin(0, ANY_TEXT_MAX, opts.ascii);
    default: {
      const unknownKind: never = f;
      throw new Error(`no arbitrary for field kind ${JSON.stringify(unknownKind)}`);
    }
  }
}

// --- what breaks a field --------------------------------------------------------------------------

/**
 * How a near-valid request is broken. `missing` and `mistyped` (a JSON value of another type) a
 * conformant Omega must refuse (BAD-005); `range`, `limit`, `encoding` and `empty` break the
 * table's kinds and documented limits; `unicode` and `extra` may still be valid.
 */
export type MutationClass =
  | 'missing'
  | 'mistyped'
  | 'range'
  | 'limit'
  | 'encoding'
  | 'empty'
  | 'unicode'
  | 'extra'
  | 'data';

export interface Mutation {
  /** The field broken; absent when the whole `data` was replaced. */
  readonly field?: string;
  readonly cls: MutationClass;
  readonly how: string;
}

interface Broken {
  readonly value: unknown;
  readonly cls: MutationClass;
  readonly how: string;
}

const broken = (arb: fc.Arbitrary<unknown>, cls: MutationClass, how: string): fc.Arbitrary<Broken> =>
  arb.map((value) => ({ value, cls, how }));

const isStringKind = (f: FieldKind): boolean =>
  f.kind === 'text' ||
  f.kind === 'base64' ||
  f.kind === 'publicKey' ||
  f.kind === 'token' ||
  f.kind === 'anyText';
const isNumberKind = (f: FieldKind): boolean => f.kind === 'id' || f.kind === 'timestamp' || f.kind === 'int';

/** JSON values of another type than the kind's. */
function mistypedFor(f: FieldKind): fc.Arbitrary<Broken> {
  const others: fc.Arbitrary<unknown>[] = [
    fc.constant(null),
    fc.constant({}),
    fc.dictionary(fc.string({ maxLength: 4 }), fc.integer(), { minKeys: 1, maxKeys: 2 }),
  ];
  if (f.kind !== 'bool') others.push(fc.boolean());
  if (f.kind !== 'idList')
    others.push(fc.constant([]), fc.array(fc.integer(), { minLength: 1, maxLength: 3 }));
  else others.push(fc.array(fc.string({ maxLength: 3 }), { minLength: 1, maxLength: 3 }));
  if (isStringKind(f)) others.push(fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }));
  if (isNumberKind(f)) others.push(fc.nat().map(String), fc.constant(''), fc.constant('12abc'));
  if (f.kind === 'bool') others.push(fc.constantFrom('true', 1, 0));
  if (f.kind === 'idList') others.push(fc.string({ maxLength: 6 }), fc.nat());
  return broken(fc.oneof(...others), 'mistyped', 'a JSON value of another type');
}

const HUGE_INTEGERS = [2 ** 53, 2 ** 53 + 2, 2 ** 63, 2 ** 64, 1e21, 1e308, Number.MAX_VALUE];

const NOT_BASE64 = ['@@@@', 'abc', 'YQ', 'a b=', 'é', '====', '-_-_', 'SGVsbG8', 'SGVsbG8=\n', 'ab=c'];

/** Unusual but well-formed unicode: control characters, NUL, zero-width, right-to-left marks. */
const ODD_UNICODE = fc.constantFrom(
  '\u0000',
  '\u0007',
  '\t',
  '\n',
  '\u200b',
  '\u200d',
  '\u202e',
  '\ufeff',
  '\ufffd',
  'e\u0301',
  '👩‍💻',
);

interface BreakOption {
  readonly cls: MutationClass;
  readonly arb: fc.Arbitrary<Broken>;
}

const option = (arb: fc.Arbitrary<unknown>, cls: MutationClass, how: string): BreakOption => ({
  cls,
  arb: broken(arb, cls, how),
});

/** The ways to break a field of this kind, each with its class. */
export function breakOptions(f: FieldKind): BreakOption[] {
  const options: BreakOption[] = [{ cls: 'mistyped', arb: mistypedFor(f) }];
  switch (f.kind) {
    case 'id':
    case 'timestamp':
    case 'int':
      options.push(
        option(fc.constantFrom(...HUGE_INTEGERS), 'range', 'a huge integer (beyond 2^53)'),
        option(
          fc.double({ noNaN: true, noDefaultInfinity: true }).filter((d) => !Number.isInteger(d)),
          'range',
          'not an integer',
        ),
      );
      if (f.kind === 'id')
        options.push(option(fc.integer({ min: -(2 ** 31), max: -1 }), 'range', 'a negative id'));
      break;
    case 'text':
      options.push(
        option(textWithin(f.max + 1, f.max + 40), 'limit', `longer than ${f.max} characters`),
        option(
          fc
            .array(ODD_UNICODE, { minLength: 1, maxLength: Math.max(1, Math.floor(f.max / 2)) })
            .map((a) => a.join('')),
          'unicode',
          'control, zero-width or right-to-left characters',
        ),
      );
      if (f.min > 0) options.push(option(fc.constant(''), 'empty', 'an empty string'));
      break;
    case 'base64':
      options.push(option(fc.constantFrom(...NOT_BASE64), 'encoding', 'not base64'));
      if (f.max !== undefined) {
        const over = Math.floor(f.max / 4) * 3 + 3;
        options.push(
          option(
            fc.uint8Array({ minLength: over, maxLength: over + 90 }).map(toBase64),
            'limit',
            `base64 longer than ${f.max} characters`,
          ),
        );
      }
      break;
    case 'publicKey':
      options.push(
        option(
          fc
            .uint8Array({ minLength: 1, maxLength: 120 })
            .filter((b) => b.length !== 56)
            .map(toBase64),
          'range',
          'base64 of a key that is not 56 bytes',
        ),
        option(
          fc.constantFrom(...publicKeyPool()).map((k) => k.replace(/=+$/, '')),
          'encoding',
          'unpadded base64',
        ),
        option(fc.constantFrom(...NOT_BASE64), 'encoding', 'not base64'),
        option(fc.constant(''), 'empty', 'an empty string'),
      );
      break;
    case 'token':
      options.push(
        option(fc.constant(''), 'empty', 'an empty string'),
        option(fc.constantFrom(...NOT_BASE64), 'encoding', 'not base64'),
      );
      break;
    case 'bool':
    case 'idList':
    case 'anyText':
      break;
    default: {
      const unknownKind: never = f;
      throw new Error(`no invalid values for field kind ${JSON.stringify(unknownKind)}`);
    }
  }
  return options;
}

/** A value the kind's schema refuses (or, for `unicode`, an unusual one it may accept). */
export function invalidFor(f: FieldKind): fc.Arbitrary<Broken> {
  return fc.oneof(...breakOptions(f).map((o) => o.arb));
}

// --- requests -------------------------------------------------------------------------------------

export interface GeneratedRequest {
  readonly op: OperationName;
  readonly dialect: Dialect;
  /** The request type on the wire. */
  readonly type: string;
  /** Usually an object; a near-valid request may carry an array, a scalar, or no data at all. */
  readonly data: unknown;
  readonly validity: 'valid' | 'near-valid';
  readonly mutation?: Mutation;
}

/** Arbitraries for some fields, replacing the table's (the property binds a user's id, say). */
export type FieldOverrides = Readonly<Record<string, fc.Arbitrary<unknown>>>;

function wireType(op: OperationName, dialect: Dialect): string {
  const type = operationSpec(op).request[dialect];
  if (type === null) throw new Error(`${op} does not exist in the ${dialect} dialect`);
  return type;
}

export function requestFields(op: OperationName, dialect: Dialect): Readonly<Record<string, FieldSpec>> {
  return operationSpec(op).requestFields[dialect];
}

/** Valid `data` for the operation in the dialect: required fields always, optional ones sometimes. */
export function validData(
  op: OperationName,
  dialect: Dialect,
  overrides: FieldOverrides = {},
): fc.Arbitrary<Record<string, unknown>> {
  const fields = requestFields(op, dialect);
  const model: Record<string, fc.Arbitrary<unknown>> = {};
  const required: string[] = [];
  for (const [name, spec] of Object.entries(fields)) {
    model[name] = overrides[name] ?? arbitraryFor(spec.kind);
    if (spec.required) required.push(name);
  }
  return fc.record(model, { requiredKeys: required }) as fc.Arbitrary<Record<string, unknown>>;
}

/**
 * Valid `data` naming the required fields and a few of the optional ones: mostly one or two, so
 * single-field changes and particular pairs come up often (validData names most of them).
 */
export function validDataFew(
  op: OperationName,
  dialect: Dialect,
  overrides: FieldOverrides = {},
  opts: ArbitraryOptions = {},
): fc.Arbitrary<Record<string, unknown>> {
  const fields = Object.entries(requestFields(op, dialect));
  const optional = fields.filter(([, f]) => !f.required).map(([name]) => name);
  const value = (name: string, spec: FieldSpec): fc.Arbitrary<unknown> =>
    overrides[name] ?? arbitraryFor(spec.kind, opts);
  const required = fc.record(
    Object.fromEntries(fields.filter(([, f]) => f.required).map(([name, f]) => [name, value(name, f)])),
  );
  if (optional.length === 0) return required as fc.Arbitrary<Record<string, unknown>>;
  const chosen = fc.oneof(
    { weight: 3, arbitrary: fc.subarray(optional, { minLength: 1, maxLength: 1 }) },
    { weight: 3, arbitrary: fc.subarray(optional, { minLength: 2, maxLength: 2 }) },
    { weight: 2, arbitrary: fc.subarray(optional) },
  );
  const specs = Object.fromEntries(fields);
  return fc
    .tuple(required, chosen)
    .chain(([req, names]) =>
      fc
        .tuple(...names.map((n) => value(n, specs[n]!)))
        .map((values) => ({ ...req, ...Object.fromEntries(names.map((n, i) => [n, values[i]])) })),
    );
}

export function validRequest(
  op: OperationName,
  dialect: Dialect,
  overrides: FieldOverrides = {},
): fc.Arbitrary<GeneratedRequest> {
  const type = wireType(op, dialect);
  return validData(op, dialect, overrides).map((data) => ({ op, dialect, type, data, validity: 'valid' }));
}

/** A valid request of any operation the dialect has. */
export function anyValidRequest(
  dialect: Dialect,
  overrides: FieldOverrides = {},
): fc.Arbitrary<GeneratedRequest> {
  return fc.oneof(...operationsOf(dialect).map((op) => validRequest(op, dialect, overrides)));
}

const DATA_REPLACEMENTS: fc.Arbitrary<Broken> = fc.oneof(
  broken(fc.constant(undefined), 'data', 'no data at all'),
  broken(fc.constant(null), 'data', 'data is null'),
  broken(fc.constant([]), 'data', 'data is an empty array'),
  broken(fc.array(fc.jsonValue({ maxDepth: 1 }), { minLength: 1, maxLength: 3 }), 'data', 'data is an array'),
  broken(fc.oneof(fc.string({ maxLength: 8 }), fc.integer(), fc.boolean()), 'data', 'data is a scalar'),
);

/** A field name no table entry uses (an extra field: allowed, the seed does not forbid them). */
const EXTRA_FIELD = fc.constantFrom('x_extra', 'comment', 'version', 'private_key_hash_x');

/**
 * A near-valid request: a valid one (overrides applied) with exactly one thing broken. Some breakages
 * leave it valid (an optional field missing, unicode within the limit, an extra field): the unit
 * test measures that most are refused by the table's schema.
 */
export function nearValidRequest(
  op: OperationName,
  dialect: Dialect,
  overrides: FieldOverrides = {},
  classes?: readonly MutationClass[],
): fc.Arbitrary<GeneratedRequest> {
  const type = wireType(op, dialect);
  const fields = Object.entries(requestFields(op, dialect));
  const base = validData(op, dialect, overrides);
  const allowed = (c: MutationClass): boolean => classes === undefined || classes.includes(c);
  type Weighted = fc.WeightedArbitrary<{ field?: string; broken: Broken }>;
  // Breaking a field weighs most; replacing data, and an extra field (usually still valid), less.
  const mutations: Weighted[] = [];
  for (const [name, spec] of fields) {
    const options: fc.Arbitrary<Broken>[] = breakOptions(spec.kind)
      .filter((o) => allowed(o.cls))
      .map((o) => o.arb);
    if (allowed('missing')) options.push(fc.constant({ value: undefined, cls: 'missing', how: 'missing' }));
    if (options.length > 0)
      mutations.push({ weight: 4, arbitrary: fc.oneof(...options).map((b) => ({ field: name, broken: b })) });
  }
  if (allowed('data') || mutations.length === 0)
    mutations.push({ weight: 2, arbitrary: DATA_REPLACEMENTS.map((b) => ({ broken: b })) });
  if (allowed('extra'))
    mutations.push({
      weight: 1,
      arbitrary: fc.tuple(EXTRA_FIELD, fc.jsonValue({ maxDepth: 1 })).map(([name, value]) => ({
        field: name,
        broken: { value, cls: 'extra' as const, how: 'an extra field' },
      })),
    });
  return fc.tuple(base, fc.oneof(...mutations)).map(([data, m]) => {
    let out: unknown;
    if (m.field === undefined) out = m.broken.value;
    else {
      const copy: Record<string, unknown> = { ...data };
      if (m.broken.cls === 'missing') delete copy[m.field];
      else copy[m.field] = m.broken.value;
      out = copy;
    }
    const mutation: Mutation = {
      ...(m.field === undefined ? {} : { field: m.field }),
      cls: m.broken.cls,
      how: m.broken.how,
    };
    return { op, dialect, type, data: out, validity: 'near-valid', mutation };
  });
}

export function anyNearValidRequest(
  dialect: Dialect,
  overrides: FieldOverrides = {},
): fc.Arbitrary<GeneratedRequest> {
  return fc.oneof(...operationsOf(dialect).map((op) => nearValidRequest(op, dialect, overrides)));
}

// --- envelopes -------------------------------------------------------------------------------------

/** Every request type either dialect knows, session messages and announcements included. */
export function knownTypes(): ReadonlySet<string> {
  const out = new Set<string>([...Object.values(SESSION), ...Object.values(ANNOUNCEMENTS), 'delet_profile']);
  for (const dialect of ['seed', 'tensamin'] as const) {
    for (const op of operationsOf(dialect)) out.add(wireType(op, dialect));
  }
  return out;
}

/** Request types the dialect does not know: near misses, the other dialect's names, random text. */
export function unknownType(dialect: Dialect): fc.Arbitrary<string> {
  const opTypes = new Set(operationsOf(dialect).map((op) => wireType(op, dialect)));
  const own = new Set<string>([...Object.values(SESSION), ...Object.values(ANNOUNCEMENTS), ...opTypes]);
  if (dialect === 'seed') own.add('delet_profile');
  const otherDialect = [...knownTypes()].filter((t) => !own.has(t));
  const nearMisses = [...opTypes].flatMap((t) => [
    t.toUpperCase(),
    `${t} `,
    `${t}s`,
    t.slice(0, -1),
    t.replace('_', '-'),
    `${t}\u0000`,
  ]);
  return fc
    .oneof(
      fc.constantFrom(...otherDialect.concat(nearMisses)),
      fc.string({ maxLength: 24 }),
      fc.string({ unit: 'grapheme', maxLength: 12 }),
    )
    .filter((t) => !own.has(t));
}

/** How the envelope of a request is sent: its id and sender. */
export interface EnvelopeShape {
  /** A UUID, or another string (BAD-006: echoed as it is). */
  readonly id: string;
  /** `self`: the principal the request acts for; a number: that; absent: no sender. */
  readonly sender?: 'self' | number;
}

/** Request ids: mostly UUIDs, sometimes other strings (unicode, long, empty-looking). */
export const requestId: fc.Arbitrary<string> = fc.oneof(
  { weight: 6, arbitrary: fc.uuid() },
  { weight: 1, arbitrary: fc.string({ minLength: 1, maxLength: 40 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 12 }) },
  { weight: 1, arbitrary: fc.constantFrom('0', ' ', 'null', '{}', 'x'.repeat(300)) },
);

/** An envelope-level near miss: the data is valid, the envelope is not. */
export interface EnvelopeMutation {
  readonly how: string;
  readonly type?: string;
  readonly sender?: unknown;
}

export function envelopeMutation(dialect: Dialect): fc.Arbitrary<EnvelopeMutation> {
  return fc.oneof(
    unknownType(dialect).map((type) => ({ how: 'an unknown type', type })),
    fc
      .oneof(
        fc.constant('1'),
        fc.constant(-1),
        fc.constant(1.5),
        fc.constant(null),
        fc.constant(2 ** 64),
        fc.constant([1]),
        fc.constant({}),
      )
      .map((sender) => ({ how: 'sender is not an integer id', sender })),
  );
}

// --- frames that are not requests -----------------------------------------------------------------

export type RawFrame =
  | { readonly kind: 'text'; readonly text: string; readonly what: string }
  | { readonly kind: 'binary'; readonly bytes: Uint8Array; readonly what: string };

const text =
  (what: string) =>
  (s: string): RawFrame => ({ kind: 'text', text: s, what });

/** Any code point (fc.string's 'binary' unit costs seconds to set up). */
const ANY_CODE_POINT = fc.integer({ min: 0, max: 0x10ffff }).map((c) => String.fromCodePoint(c));

/** Numbers JSON allows and JSON.stringify never writes. */
const HUGE_LITERALS = [
  '123456789012345678901234567890',
  '1e400',
  '-1e400',
  '9007199254740993',
  '1.0',
  '-0',
  '1E2',
];

/**
 * Anything a socket can carry: arbitrary JSON (fc.json, fc.jsonValue), envelopes with odd fields,
 * valid and near-valid requests, huge number literals, text that is not JSON, empty and binary frames.
 */
export function rawFrame(dialect: Dialect): fc.Arbitrary<RawFrame> {
  const known = [...knownTypes()];
  const envelopeLike = fc
    .record(
      {
        type: fc.oneof(
          fc.constantFrom(...known),
          fc.string({ maxLength: 12 }),
          fc.jsonValue({ maxDepth: 1 }),
        ),
        id: fc.oneof(fc.uuid(), fc.string({ maxLength: 12 }), fc.jsonValue({ maxDepth: 1 })),
        data: fc.jsonValue({ maxDepth: 3 }),
        sender: fc.jsonValue({ maxDepth: 1 }),
        receiver: fc.jsonValue({ maxDepth: 1 }),
      },
      { requiredKeys: [] },
    )
    .map((o) => JSON.stringify(o));
  const asEnvelope = (r: GeneratedRequest, id: string | undefined): string =>
    JSON.stringify({
      type: r.type,
      ...(id === undefined ? {} : { id }),
      ...(r.data === undefined ? {} : { data: r.data }),
    });
  return fc.oneof(
    { weight: 3, arbitrary: fc.json({ maxDepth: 3 }).map(text('arbitrary JSON (fc.json)')) },
    {
      weight: 3,
      arbitrary: fc
        .jsonValue({ maxDepth: 4 })
        .map((v) => JSON.stringify(v))
        .map(text('arbitrary JSON value')),
    },
    { weight: 3, arbitrary: envelopeLike.map(text('an envelope with arbitrary fields')) },
    {
      weight: 2,
      arbitrary: fc
        .tuple(anyNearValidRequest(dialect), fc.option(requestId, { nil: undefined }))
        .map(([r, id]) => asEnvelope(r, id))
        .map(text('a near-valid request')),
    },
    {
      weight: 1,
      arbitrary: fc
        .tuple(anyValidRequest(dialect), fc.option(requestId, { nil: undefined }))
        .map(([r, id]) => asEnvelope(r, id))
        .map(text('a valid request')),
    },
    {
      weight: 1,
      arbitrary: fc
        .tuple(fc.constantFrom(...HUGE_LITERALS), fc.uuid())
        .map(([n, id]) => `{"type":"get_user_data","id":"${id}","data":{"user_id":${n}}}`)
        .map(text('a number literal beyond what JSON.stringify writes')),
    },
    { weight: 2, arbitrary: fc.string({ maxLength: 60 }).map(text('text that is usually not JSON')) },
    {
      weight: 1,
      arbitrary: fc
        .string({ unit: ANY_CODE_POINT, maxLength: 30 })
        .map(text('arbitrary unicode text, lone surrogates included')),
    },
    {
      weight: 1,
      arbitrary: fc
        .constantFrom(
          '',
          ' ',
          '{',
          '}',
          '[',
          '{"type":',
          '{"type":"ping"',
          'null',
          '"x"',
          '42',
          '[]',
          '{}',
          '\u0000',
        )
        .map(text('a fragment or scalar')),
    },
    {
      weight: 1,
      arbitrary: fc
        .uint8Array({ maxLength: 64 })
        .map((bytes): RawFrame => ({ kind: 'binary', bytes, what: 'a binary frame' })),
    },
  );
}
