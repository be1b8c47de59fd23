// Static checks of the variant and alternative catalogues: what makes a run meaningless before it starts.
import type { ConformantAlternative } from '../../fixtures/alternatives/alternative.ts';
import { REFERENCE } from '../../fixtures/reference/behaviours.ts';
import { EVERY_ALTERNATIVE } from '../../fixtures/reference/select.ts';
import type { FaultyVariant } from '../../fixtures/variants/variant.ts';
import { DIALECTS } from '../protocol/dialect.ts';
import { appliesTo, isJudged, isRequirementId, requirement } from '../spec/requirements.ts';
import { REFERENCE_NAME } from './config.ts';

export interface CatalogueProblem {
  readonly variant: string;
  readonly problem: string;
}

const BEHAVIOUR_KEYS = new Set(Object.keys(REFERENCE));
const OPERATION_KEYS = new Set(Object.keys(REFERENCE.operations));
const KEBAB = /^[a-z0-9]+(-[a-z0-9]+)*$/;

/** Problems of one variant on its own. */
export function variantProblems(v: FaultyVariant): string[] {
  const out: string[] = [];
  if (!KEBAB.test(v.name)) out.push(`name "${v.name}" is not kebab-case`);
  if (v.name === REFERENCE_NAME)
    out.push(`name "${REFERENCE_NAME}" is reserved for the unmodified reference`);
  if (typeof v.fault !== 'string' || v.fault.trim().length < 10)
    out.push('fault text is missing or too short');
  if (v.dialect !== undefined && !(DIALECTS as readonly string[]).includes(v.dialect))
    out.push(`dialect "${String(v.dialect)}" is not a dialect`);
  if (v.mustCatch.length === 0) out.push('mustCatch is empty');
  const dialect = v.dialect ?? 'seed';
  for (const id of v.mustCatch) {
    if (!isRequirementId(id)) {
      out.push(`mustCatch id "${id}" is not in the requirement catalogue (harness/spec/requirements.ts)`);
      continue;
    }
    const q = requirement(id);
    if (!isJudged(q.level))
      out.push(`mustCatch id "${id}" is ${q.level}: it is only recorded, so it can never catch a fault`);
    else if (!appliesTo(q, dialect))
      out.push(
        `mustCatch id "${id}" applies to ${q.dialects?.join(', ')} only, but the variant runs in ${dialect}`,
      );
  }
  for (const id of v.mayAlsoFail) {
    if (id !== '*' && !isRequirementId(id))
      out.push(`mayAlsoFail id "${id}" is not in the requirement catalogue (use "*" for "anything")`);
  }
  out.push(...overrideProblems(v.override));
  return out;
}

/** Problems of an override (a variant's or an alternative's): unknown behaviours, dropped operations. */
function overrideProblems(fn: FaultyVariant['override']): string[] {
  const out: string[] = [];
  let override: Record<string, unknown>;
  try {
    override = fn(REFERENCE) as Record<string, unknown>;
  } catch (e) {
    out.push(`override(REFERENCE) threw: ${(e as Error).message}`);
    return out;
  }
  const keys = Object.keys(override);
  if (keys.length === 0) out.push('override replaces no behaviour: it is the reference');
  for (const k of keys) {
    if (!BEHAVIOUR_KEYS.has(k)) {
      out.push(`override returns unknown behaviour "${k}"`);
      continue;
    }
    const value = override[k];
    if (k === 'operations') {
      if (typeof value !== 'object' || value === null) {
        out.push('override.operations is not an object');
        continue;
      }
      for (const [op, fn] of Object.entries(value)) {
        if (!OPERATION_KEYS.has(op)) out.push(`override.operations has unknown operation "${op}"`);
        else if (typeof fn !== 'function') out.push(`override.operations.${op} is not a function`);
      }
      if (Object.keys(value).length < OPERATION_KEYS.size)
        out.push('override.operations drops operations (use withOperations(base, {...}))');
    } else if (typeof value !== 'function') {
      out.push(`override.${k} is not a function`);
    }
  }
  return out;
}

/** Every problem of the catalogue: duplicated names and each variant's own problems. */
export function catalogueProblems(variants: readonly FaultyVariant[]): CatalogueProblem[] {
  const out: CatalogueProblem[] = [];
  const seen = new Map<string, number>();
  variants.forEach((v, i) => {
    const first = seen.get(v.name);
    if (first !== undefined)
      out.push({ variant: v.name, problem: `duplicated name (entries #${first + 1} and #${i + 1})` });
    else seen.set(v.name, i);
    for (const p of variantProblems(v)) out.push({ variant: v.name, problem: p });
  });
  return out;
}

/**
 * Problems of the conformant-alternative catalogue: names unique among variants and alternatives
 * (one lookup finds both), a stated choice, records that exist and are never MUST.
 */
export function alternativeProblems(
  alternatives: readonly ConformantAlternative[],
  variants: readonly FaultyVariant[],
): CatalogueProblem[] {
  const out: CatalogueProblem[] = [];
  const variantNames = new Set(variants.map((v) => v.name));
  const seen = new Set<string>();
  for (const a of alternatives) {
    const say = (problem: string): void => {
      out.push({ variant: a.name, problem });
    };
    if (!KEBAB.test(a.name)) say(`name "${a.name}" is not kebab-case`);
    if ([REFERENCE_NAME, EVERY_ALTERNATIVE].includes(a.name)) say(`name "${a.name}" is reserved`);
    if (seen.has(a.name)) say('duplicated name');
    if (variantNames.has(a.name)) say('a faulty variant has the same name');
    seen.add(a.name);
    if (a.choice.trim().length < 10) say('choice text is missing or too short');
    if (a.records.length === 0) say('records no requirement');
    for (const p of overrideProblems(a.override)) say(p);
    for (const id of a.records) {
      if (!isRequirementId(id)) say(`records "${id}", which is not in the requirement catalogue`);
      else if (requirement(id).level === 'MUST')
        say(`records "${id}", a MUST: a choice the seed leaves open is recorded by INFO or SHOULD`);
    }
  }
  return out;
}
