// Values at and just past a field kind's limits: where a hand-written check in front of a zod
// schema (fixtures/reference/routes.ts, harness/protocol/accepts.ts) most easily drifts from it.
import type { FieldKind } from '../harness/protocol/fields.ts';

/** Each kind's edge values, with values of the wrong type beside them. */
export function boundaryValues(f: FieldKind): unknown[] {
  const astral = (units: number) => '😀'.repeat(Math.floor(units / 2)) + (units % 2 ? 'a' : '');
  const common = [null, -0, 0.5, -1, 2 ** 53, 2 ** 53 - 1, '', [], {}, true];
  switch (f.kind) {
    case 'text':
      return [
        ...common,
        'a'.repeat(f.max),
        'a'.repeat(f.max + 1),
        'a'.repeat(Math.max(0, f.min - 1)),
        'a'.repeat(f.min),
        astral(f.max),
        astral(f.max + 1),
        astral(f.max + 2),
        `${'a'.repeat(f.max - 1)}😀`,
      ];
    case 'base64':
    case 'token':
    case 'publicKey': {
      const b64 = (n: number) => Buffer.alloc(n, 7).toString('base64');
      const max = f.kind === 'base64' ? (f.max ?? 64) : 80;
      return [
        ...common,
        b64(55),
        b64(56),
        b64(57),
        b64(56).replace(/=+$/, ''),
        `${b64(56)}\n`,
        'QUJD',
        'QUI=',
        'QUI',
        '====',
        'QU=D',
        'A'.repeat(max),
        'A'.repeat(max + 4),
      ];
    }
    default:
      return common;
  }
}
