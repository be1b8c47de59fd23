// The plain predicates in front of the reply schemas (harness/protocol/accepts.ts) are a sound
// shortcut: whatever a predicate accepts, the zod schema accepts; and the data a conformant server
// sends (values the field kinds' generators make) takes the shortcut, so the schema is seldom asked.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { arbitraryFor, breakOptions } from '../harness/properties/arbitraries.ts';
import { replyDataAccepts } from '../harness/protocol/accepts.ts';
import { DIALECTS } from '../harness/protocol/dialect.ts';
import type { Fields } from '../harness/protocol/messages.ts';
import { OPERATION_NAMES, operationSpec } from '../harness/protocol/messages.ts';
import { replyDataSchema } from '../harness/protocol/schemas.ts';
import { boundaryValues } from './field-limits.ts';

/** Data for these fields: each field valid, broken, absent, or of any JSON value; sometimes extra fields. */
function nearData(fields: Fields): fc.Arbitrary<unknown> {
  const entries = Object.entries(fields).map(([name, spec]) => {
    const broken = breakOptions(spec.kind).map((o) => o.arb);
    const value = fc.oneof(arbitraryFor(spec.kind), arbitraryFor(spec.kind), ...broken, fc.jsonValue());
    return [name, fc.option(value, { nil: undefined })] as const;
  });
  const record = fc.record(Object.fromEntries(entries), { requiredKeys: [] });
  return fc.oneof(
    record,
    fc.tuple(record, fc.dictionary(fc.string(), fc.jsonValue())).map(([r, extra]) => ({ ...extra, ...r })),
    fc.jsonValue(),
    fc.anything(),
  );
}

const validData = (fields: Fields): fc.Arbitrary<Record<string, unknown>> =>
  fc.record(
    Object.fromEntries(Object.entries(fields).map(([name, spec]) => [name, arbitraryFor(spec.kind)])),
    { requiredKeys: Object.entries(fields).flatMap(([name, spec]) => (spec.required ? [name] : [])) },
  );

describe('reply data predicates', () => {
  for (const op of OPERATION_NAMES) {
    for (const dialect of DIALECTS) {
      const fields = operationSpec(op).replyFields[dialect];
      it(`${op} (${dialect}): accepted by the predicate means accepted by the schema`, () => {
        fc.assert(
          fc.property(nearData(fields), (data) => {
            if (replyDataAccepts(op, dialect)(data)) {
              expect(replyDataSchema(op, dialect).safeParse(data).success).toBe(true);
            }
          }),
          { numRuns: 300 },
        );
      });
      it(`${op} (${dialect}): at every field's limits, accepted by the predicate means accepted by the schema`, () => {
        for (const data of fc.sample(validData(fields), { numRuns: 3, seed: 42 }))
          for (const [name, spec] of Object.entries(fields))
            for (const value of boundaryValues(spec.kind)) {
              const edged = { ...data, [name]: value };
              if (replyDataAccepts(op, dialect)(edged))
                expect(
                  replyDataSchema(op, dialect).safeParse(edged).success,
                  `${name}: ${JSON.stringify(value)}`,
                ).toBe(true);
            }
      });
      it(`${op} (${dialect}): valid data takes the shortcut`, () => {
        fc.assert(
          fc.property(validData(fields), (data) => {
            expect(replyDataAccepts(op, dialect)(data)).toBe(true);
          }),
          { numRuns: 100 },
        );
      });
    }
  }

  it('refuses what the schema refuses, leaving the issues to it', () => {
    const accepts = replyDataAccepts('getRegister', 'seed');
    for (const bad of [
      {},
      { user_id: -1 },
      { user_id: 1.5 },
      { user_id: '7' },
      { user_id: 2 ** 60 },
      [],
      null,
    ]) {
      expect(accepts(bad)).toBe(false);
      expect(replyDataSchema('getRegister', 'seed').safeParse(bad).success).toBe(false);
    }
    expect(accepts({ user_id: 7, extra: 'allowed' })).toBe(true);
  });
});
