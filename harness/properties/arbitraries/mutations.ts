// What breaks a field: the near-valid values of each field kind, by class (missing, mistyped, …).
import fc from 'fast-check';
import type { FieldKind } from '../../protocol/fields.ts';
import { publicKeyPool, textWithin, toBase64 } from './fields.ts';
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

export interface Broken {
  readonly value: unknown;
  readonly cls: MutationClass;
  readonly how: string;
}

export const broken = (arb: fc.Arbitrary<unknown>, cls: MutationClass, how: string): fc.Arbitrary<Broken> =>
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
