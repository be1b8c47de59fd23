// Static checks of the faulty-variant catalogue (fixtures/variants/catalogue.ts): what would make
// `npm run mutants` meaningless, caught before anything runs.
import { describe, expect, test } from 'vitest';
import { REFERENCE } from '../fixtures/reference/behaviours.ts';
import { VARIANTS } from '../fixtures/variants/catalogue.ts';
import { defineVariant, withOperations } from '../fixtures/variants/variant.ts';
import { catalogueProblems, variantProblems } from '../harness/mutants/catalogue-check.ts';
import { isRequirementId } from '../harness/spec/requirements.ts';

describe('the variant catalogue', () => {
  test('is not empty', () => {
    expect(VARIANTS.length).toBeGreaterThan(0);
  });

  test('names are unique', () => {
    const names = VARIANTS.map((v) => v.name);
    const dup = names.filter((n, i) => names.indexOf(n) !== i);
    expect(dup, 'duplicated variant names').toEqual([]);
  });

  test('has no problem at all (names, fault text, mustCatch, mayAlsoFail, override keys)', () => {
    expect(catalogueProblems(VARIANTS).map((p) => `${p.variant}: ${p.problem}`)).toEqual([]);
  });

  describe.each(VARIANTS.map((v) => [v.name, v] as const))('%s', (_name, v) => {
    test('states its fault', () => {
      expect(typeof v.fault).toBe('string');
      expect(v.fault.trim().length).toBeGreaterThanOrEqual(10);
    });

    test('mustCatch is non-empty and every id is in the requirement catalogue', () => {
      expect(v.mustCatch.length).toBeGreaterThan(0);
      expect(v.mustCatch.filter((id) => !isRequirementId(id))).toEqual([]);
    });

    test('override returns only known behaviours (and known operations)', () => {
      const o = v.override(REFERENCE);
      expect(Object.keys(o).filter((k) => !(k in REFERENCE))).toEqual([]);
      if (o.operations)
        expect(Object.keys(o.operations).filter((k) => !(k in REFERENCE.operations))).toEqual([]);
    });

    test('no other problem', () => {
      expect(variantProblems(v)).toEqual([]);
    });
  });
});

describe('the catalogue check itself', () => {
  const good = defineVariant({
    name: 'lookup-ignores-user-id',
    fault: 'get_user_data ignores user_id',
    mustCatch: ['UM-GET-001'],
    mayAlsoFail: [],
    override: (base) => ({ lookup: (ctx, data) => base.lookup(ctx, { username: data.username }) }),
  });

  test('accepts a sound variant', () => {
    expect(variantProblems(good)).toEqual([]);
  });

  test('names a duplicated variant name', () => {
    expect(catalogueProblems([good, good])).toEqual([
      { variant: good.name, problem: 'duplicated name (entries #1 and #2)' },
    ]);
  });

  test('names an unknown or never-judged mustCatch id, and an empty mustCatch', () => {
    expect(variantProblems({ ...good, mustCatch: ['UM-GET-999'] })).toEqual([
      'mustCatch id "UM-GET-999" is not in the requirement catalogue (harness/spec/requirements.ts)',
    ]);
    expect(variantProblems({ ...good, mustCatch: ['UM-GET-007'] })[0]).toMatch(/can never catch/);
    expect(variantProblems({ ...good, mustCatch: [] })).toEqual(['mustCatch is empty']);
  });

  test('names unknown behaviours and operations an override returns', () => {
    const bad = defineVariant({
      ...good,
      override: (base) =>
        ({
          lokup: base.lookup,
          ...withOperations(base, { getUserr: base.operations.getUser } as never),
        }) as never,
    });
    expect(variantProblems(bad)).toEqual([
      'override returns unknown behaviour "lokup"',
      'override.operations has unknown operation "getUserr"',
    ]);
  });

  test('names a missing fault text', () => {
    expect(variantProblems({ ...good, fault: '' })).toEqual(['fault text is missing or too short']);
  });
});
