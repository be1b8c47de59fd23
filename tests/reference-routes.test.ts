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
});
