// The reference's request table (fixtures/reference/routes.ts) answers as resolveOperation and the
// zod request schemas do: the same operation, the same verdict, the same reason, for valid requests,
// near-valid ones and data of random JSON shape under every known type.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { routeFor } from '../fixtures/reference/routes.ts';
import {
  anyNearValidRequest,
  anyValidRequest,
  type GeneratedRequest,
  knownTypes,
} from '../harness/properties/arbitraries.ts';
import { DIALECTS, type Dialect } from '../harness/protocol/dialect.ts';
import { OPERATIONS, resolveOperation } from '../harness/protocol/messages.ts';
import { describeIssues, requestDataSchema } from '../harness/protocol/schemas.ts';
import { boundaryValues } from './field-limits.ts';

type Data = Record<string, unknown>;

const FIELD_NAMES = [
  ...new Set(
    Object.values(OPERATIONS).flatMap((spec) => DIALECTS.flatMap((d) => Object.keys(spec.requestFields[d]))),
  ),
];

/** Data of any JSON shape over the table's field names, with edge values beside them. */
const randomData: fc.Arbitrary<Data> = fc.dictionary(
  fc.constantFrom(...FIELD_NAMES, 'x_extra'),
  fc.oneof(
    fc.jsonValue({ maxDepth: 2 }),
    fc.constantFrom(-0, 0.5, -1, 2 ** 53, 2 ** 53 - 1, Number.MAX_SAFE_INTEGER, '', '====', 'QUJD', [1, -1]),
    fc.array(fc.oneof(fc.integer(), fc.double()), { maxLength: 3 }),
  ),
  { maxKeys: 6 },
);

function expected(dialect: Dialect, type: string, data: Data) {
  const op = resolveOperation(dialect, type, data);
  if (op === undefined) return undefined;
  const parsed = requestDataSchema(op, dialect).safeParse(data);
  return { op, invalid: parsed.success ? undefined : describeIssues(parsed.error) };
}

function actual(dialect: Dialect, type: string, data: Data) {
  const route = routeFor(dialect, type, data);
  return route === undefined ? undefined : { op: route.op, invalid: route.invalid(data) };
}

const asData = (r: GeneratedRequest): Data | undefined =>
  typeof r.data === 'object' && r.data !== null && !Array.isArray(r.data) ? (r.data as Data) : undefined;

describe.each(DIALECTS)('reference request table (%s)', (dialect) => {
  it('agrees on valid and near-valid requests', () => {
    fc.assert(
      fc.property(fc.oneof(anyValidRequest(dialect), anyNearValidRequest(dialect)), (r) => {
        const data = asData(r) ?? {};
        expect(actual(dialect, r.type, data)).toEqual(expected(dialect, r.type, data));
      }),
      { numRuns: 2000 },
    );
  });

  it('agrees on data of any shape under every known type, and on unknown types', () => {
    const types = [...knownTypes(), 'delet_profile', 'no_such_type', '__proto__', 'constructor'];
    fc.assert(
      fc.property(fc.constantFrom(...types), randomData, (type, data) => {
        expect(actual(dialect, type, data)).toEqual(expected(dialect, type, data));
      }),
      { numRuns: 3000 },
    );
  });

  it("agrees at every field's limits, and with prototype names as keys", () => {
    let compared = 0;
    const valid = fc.sample(anyValidRequest(dialect), { numRuns: 400, seed: 42 });
    const covered = new Set<string>();
    for (const r of valid) {
      const op = resolveOperation(dialect, r.type, asData(r) ?? {});
      if (op === undefined) continue;
      covered.add(op);
      for (const [name, f] of Object.entries(OPERATIONS[op].requestFields[dialect]))
        for (const value of boundaryValues(f.kind)) {
          const data = { ...(asData(r) ?? {}), [name]: value };
          expect(actual(dialect, r.type, data)).toEqual(expected(dialect, r.type, data));
          compared++;
        }
    }
    // And each field alone under every known type, whatever the samples above reached.
    const kinds = Object.values(OPERATIONS).flatMap((spec) =>
      Object.entries(spec.requestFields[dialect]).map(([name, f]) => [name, f.kind] as const),
    );
    for (const type of knownTypes())
      for (const [name, kind] of kinds)
        for (const value of boundaryValues(kind)) {
          const data = { [name]: value };
          expect(actual(dialect, type, data)).toEqual(expected(dialect, type, data));
          compared++;
        }
    expect(covered.size).toBeGreaterThan(3);
    for (const type of knownTypes())
      for (const key of ['__proto__', 'constructor', 'toString', 'hasOwnProperty']) {
        const data = JSON.parse(`{"${key}": 1}`) as Data;
        expect(actual(dialect, type, data)).toEqual(expected(dialect, type, data));
      }
    expect(compared).toBeGreaterThan(100);
  });
});
