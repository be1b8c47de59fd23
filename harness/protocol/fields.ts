// Field kinds of the message table. Each kind knows its wire schema (zod); the property-based
// layer derives its arbitraries from the same kinds, so schema and generator cannot drift.
import { z } from 'zod';

export const LIMITS = {
  username: 15,
  display: 15,
  status: 15,
  about: 200,
} as const;

export type FieldKind =
  | { kind: 'id' } // integer id of a user, an Iota or a registration
  | { kind: 'text'; min: number; max: number } // plain text with documented length limits
  | { kind: 'base64'; max?: number } // base64 text (about, avatar)
  | { kind: 'publicKey' } // base64 of a raw 56-byte X448 key
  | { kind: 'token' } // base64 random bytes (reset tokens)
  | { kind: 'timestamp' } // integer Unix timestamp, unit not fixed by the seed
  | { kind: 'int' }
  | { kind: 'bool' }
  | { kind: 'idList' }
  | { kind: 'anyText' };

export const field = {
  id: (): FieldKind => ({ kind: 'id' }),
  text: (min: number, max: number): FieldKind => ({ kind: 'text', min, max }),
  base64: (max?: number): FieldKind => (max === undefined ? { kind: 'base64' } : { kind: 'base64', max }),
  publicKey: (): FieldKind => ({ kind: 'publicKey' }),
  token: (): FieldKind => ({ kind: 'token' }),
  timestamp: (): FieldKind => ({ kind: 'timestamp' }),
  int: (): FieldKind => ({ kind: 'int' }),
  bool: (): FieldKind => ({ kind: 'bool' }),
  idList: (): FieldKind => ({ kind: 'idList' }),
  anyText: (): FieldKind => ({ kind: 'anyText' }),
};

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
export const isBase64 = (s: string): boolean => BASE64.test(s);

const integer = () => z.number().int().refine(Number.isSafeInteger, 'not a safe integer');

export function zodFor(f: FieldKind): z.ZodType {
  switch (f.kind) {
    case 'id':
      return integer().nonnegative();
    case 'text':
      return z.string().min(f.min).max(f.max);
    case 'base64': {
      const s = z.string().regex(BASE64, 'not base64');
      return f.max === undefined ? s : s.max(f.max);
    }
    case 'publicKey':
      return z
        .string()
        .regex(BASE64, 'not base64')
        .refine((s) => Buffer.from(s, 'base64').length === 56, 'not a 56-byte X448 key');
    case 'token':
      return z.string().min(1).regex(BASE64, 'not base64');
    case 'timestamp':
    case 'int':
      return integer();
    case 'bool':
      return z.boolean();
    case 'idList':
      return z.array(integer().nonnegative());
    case 'anyText':
      return z.string();
  }
}
