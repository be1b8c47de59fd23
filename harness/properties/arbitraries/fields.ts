// Generators for one field kind of the message table: X448 keys, text within limits, ids.
import fc from 'fast-check';
import type { FieldKind } from '../../protocol/fields.ts';
import { PUBLIC_KEYS } from './public-keys.ts';
// --- X448 public keys ----------------------------------------------------------------------------

/** 64 real X448 public keys (base64 of the raw 56 bytes, a catalogue): generators pick from them. */
export function publicKeyPool(): readonly string[] {
  return PUBLIC_KEYS;
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

export const toBase64 = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64');

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
