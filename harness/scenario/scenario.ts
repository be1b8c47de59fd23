// `scenario()`: a vitest test that declares the requirements it checks (h2spec style) and records
// its checks, both in the task's meta, where the reporters read them (never parsed from its name).
import { test } from 'vitest';
import type { Dialect } from '../protocol/dialect.ts';
import { type RequirementId, requirement } from '../spec/requirements.ts';
import { appendScenarioTrace, TRACE_PARTS_ENV } from '../trace/from-transcript.ts';
import { ScenarioContext } from './context.ts';
import { currentTarget } from './target.ts';

declare module 'vitest' {
  interface TaskMeta {
    /** The requirement ids the scenario declares (the first names it): selection, coverage, reports. */
    requirements?: readonly RequirementId[];
  }
}

/** Whether a scenario declaring these ids runs under this selection (--only / --skip); all when absent. */
export function isSelected(
  requirements: readonly RequirementId[],
  selected: readonly string[] | undefined,
): boolean {
  return selected === undefined || requirements.some((id) => selected.includes(id));
}

export interface ScenarioOptions {
  /** Dialects the scenario applies to; both when absent. Not registered at all for others. */
  readonly dialects?: readonly Dialect[];
  /** Needs control of the server's clock: without it, its requirements are "not verified". */
  readonly needsClock?: boolean;
  /** Upper bound for the whole scenario; every wait inside has its own smaller bound. */
  readonly timeoutMs?: number;
  /** Part of the load profile: not registered at all unless the run asked for it (--load). */
  readonly needsLoad?: boolean;
}

/**
 * Register a scenario. `requirements` lists every requirement id it checks; the first names it.
 */
export function scenario(
  requirements: readonly [RequirementId, ...RequirementId[]],
  title: string,
  body: (t: ScenarioContext) => Promise<void>,
  options: ScenarioOptions = {},
): void {
  for (const id of requirements) requirement(id);
  const target = currentTarget();
  if (options.dialects && !options.dialects.includes(target.dialect)) return;
  if (options.needsLoad && !target.load) return;
  if (!isSelected(requirements, target.selected)) return;
  const bound = options.timeoutMs ?? Math.max(30_000, target.timeoutMs * 12);
  test(title, { timeout: bound, meta: { requirements: [...requirements] } }, async ({ task }) => {
    const t = new ScenarioContext(target, requirements[0], requirements);
    try {
      if (options.needsClock && t.clock === null) {
        const reason = target.clock.kind === 'none' ? target.clock.reason : 'no clock control';
        for (const id of requirements) t.notVerified(id, `not verified: ${reason}`);
        return;
      }
      try {
        await body(t);
        await t.sweep();
      } catch (e) {
        await t.attribute(e);
      }
    } finally {
      await t.closeAll();
      const traceParts = process.env[TRACE_PARTS_ENV];
      if (traceParts) appendScenarioTrace(traceParts, requirements[0], t.transcript);
      task.meta.checks = t.checks;
      if (Object.keys(t.figures).length > 0) task.meta.figures = t.figures;
    }
    const failed = t.checks.filter(
      (c) => c.outcome === 'fail' && requirement(c.requirement).level === 'MUST',
    );
    if (failed.length > 0) throw new Error(failed.map((c) => `${c.requirement}: ${c.message}`).join('\n'));
  });
}
