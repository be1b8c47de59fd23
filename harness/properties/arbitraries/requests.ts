// Requests: valid and near-valid data for every operation of the message table.
import fc from 'fast-check';
import type { Dialect } from '../../protocol/dialect.ts';
import { type FieldSpec, type OperationName, operationSpec, operationsOf } from '../../protocol/messages.ts';
import { type ArbitraryOptions, arbitraryFor } from './fields.ts';
import { type Broken, breakOptions, broken, type Mutation, type MutationClass } from './mutations.ts';
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

export function requestType(op: OperationName, dialect: Dialect): string {
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
  const type = requestType(op, dialect);
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
  const type = requestType(op, dialect);
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
