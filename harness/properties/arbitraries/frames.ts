// Envelopes and frames: unknown types, request ids, broken envelopes, frames that are not requests.
import fc from 'fast-check';
import type { Dialect } from '../../protocol/dialect.ts';
import { ANNOUNCEMENTS, operationsOf, SESSION } from '../../protocol/messages.ts';
import { anyNearValidRequest, anyValidRequest, type GeneratedRequest, requestType } from './requests.ts';
// --- envelopes -------------------------------------------------------------------------------------

/** Every request type either dialect knows, session messages and announcements included. */
export function knownTypes(): ReadonlySet<string> {
  const out = new Set<string>([...Object.values(SESSION), ...Object.values(ANNOUNCEMENTS), 'delet_profile']);
  for (const dialect of ['seed', 'tensamin'] as const) {
    for (const op of operationsOf(dialect)) out.add(requestType(op, dialect));
  }
  return out;
}

/** Request types the dialect does not know: near misses, the other dialect's names, random text. */
export function unknownType(dialect: Dialect): fc.Arbitrary<string> {
  const opTypes = new Set(operationsOf(dialect).map((op) => requestType(op, dialect)));
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
