// What makes the run fail (problems) and what is worth a look (warnings), in plain sentences.
import type { ReferenceOutcome, VariantOutcome } from './judge.ts';
import { MUTANT_SLOW_MS } from './config.ts';
import { foldIds, seconds } from './table.ts';

export interface Assessment {
  readonly problems: string[];
  readonly warnings: string[];
}

export function assess(
  catalogue: readonly string[],
  reference: readonly ReferenceOutcome[],
  variants: readonly VariantOutcome[],
  missingPropertySuites: readonly string[],
): Assessment {
  const problems = [...catalogue];
  const warnings: string[] = [];
  for (const r of reference) {
    if (r.failed.length > 0)
      problems.push(
        `reference (${r.dialect}): ${r.failed.length} requirement(s) fail against the unmodified reference: ${r.failed.map((f) => `${f.id} (${f.verdict}: ${(f.summary ?? '').split('\n')[0]!.slice(0, 120)})`).join('; ')}`,
      );
    if (r.coverageGaps.length > 0)
      problems.push(
        `reference (${r.dialect}): COVERAGE FAILURE: ${r.coverageGaps.length} MUST/SHOULD requirement(s) no scenario checked in this run: ${foldIds(r.coverageGaps)}`,
      );
    for (const e of r.errors) problems.push(`reference (${r.dialect}): ${e.split('\n')[0]}`);
    if (r.confirmation && r.ok) warnings.push(`reference (${r.dialect}): ${r.confirmation}`);
  }
  const named = (v: VariantOutcome): string =>
    `variant "${v.name}"${v.base === 'reference' ? '' : ` on ${v.base}`}`;
  const onReference = new Map(variants.filter((v) => v.base === 'reference').map((v) => [v.name, v]));
  for (const v of variants) {
    const label = `variant "${v.name}" (${v.dialect}${v.base === 'reference' ? '' : `, on ${v.base}`})`;
    // Caught on the reference, not among the legitimate choices of another base: the catching check
    // leans on a choice of the reference's (GUIDE.md, "Prove both directions").
    const coupled =
      v.base !== 'reference' && v.status === 'survived' && onReference.get(v.name)?.status === 'caught'
        ? ` — caught on the reference by ${onReference.get(v.name)!.caughtBy.join(', ')}: that check is coupled to the reference's choices`
        : '';
    if (v.status === 'survived')
      problems.push(
        `${label} SURVIVED: ${v.fault} — none of ${v.mustCatch.join(', ')} failed (failing: ${v.failed.join(', ') || 'nothing'})${v.confirmation ? `; ${v.confirmation}` : ''}${coupled}`,
      );
    if (v.status === 'error')
      problems.push(`${label} not judged: ${v.errors[0]?.split('\n')[0] ?? 'no result'}`);
  }
  for (const v of variants) {
    if (v.timeMs > MUTANT_SLOW_MS && !v.confirmation)
      warnings.push(
        `${named(v)} took ${seconds(v.timeMs)} (scenarios waiting out reply bounds on a target that still answers pings?)`,
      );
    if (v.status === 'caught' && v.confirmation) warnings.push(`${named(v)}: ${v.confirmation}`);
    if (v.unexpected.length > 0)
      warnings.push(
        `${named(v)}: failed outside mustCatch and mayAlsoFail: ${v.failures
          .filter((f) => v.unexpected.includes(f.id))
          .map((f) => `${f.id} (${(f.summary ?? '').split('\n')[0]!.slice(0, 100)})`)
          .join('; ')}`,
      );
    if (v.propertyOnly && v.scriptedAlone === true)
      warnings.push(`${named(v)} is marked propertyOnly, but the scripted scenarios alone catch it`);
    if (v.onlyProperties)
      warnings.push(`${named(v)} is caught only by the property suites: mark it propertyOnly?`);
    if (v.status === 'caught' && v.errors.length > 0)
      warnings.push(`${named(v)}: ${v.errors[0]!.split('\n')[0]}`);
  }
  if (missingPropertySuites.length > 0 && variants.some((v) => v.propertyOnly))
    warnings.push(
      `property suites absent (${missingPropertySuites.join(', ')}): propertyOnly variants can only be caught by scripted scenarios`,
    );
  return { problems, warnings };
}
