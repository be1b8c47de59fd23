// What one run (the reference, a variant or an alternative, in one dialect) hands back: read from
// the report.json of the CLI run(s) that certified it (cli-run.ts).
import { z } from 'zod';
import type { CauseKind } from '../client/causes.ts';
import { VERDICTS } from '../verdict/verdicts.ts';

export const requirementOutcomeSchema = z.object({
  id: z.string(),
  level: z.enum(['MUST', 'SHOULD', 'MAY', 'INFO']),
  verdict: z.enum(VERDICTS),
  /** Only for verdicts other than passed / not-applicable. */
  summary: z.string().optional(),
  /** Names of the scenarios that recorded a failing check (failed / non-strict only). */
  scenarios: z.array(z.string()).optional(),
  /** Base names of the suite files those scenarios are in. */
  files: z.array(z.string()).optional(),
  /** Every failing check of it was a reply bound running out (or the target declared down after one):
   * on a loaded machine that may be the machine, not the target. */
  timeoutOnly: z.boolean().optional(),
  /** The first failing check's message. */
  message: z.string().optional(),
  /** No scenario recorded a check of it (a pass, a failure or a not-verified): a coverage gap. */
  unchecked: z.boolean().optional(),
});
export type RequirementOutcome = z.infer<typeof requirementOutcomeSchema>;

export const runResultSchema = z.object({
  kind: z.literal('mutant-run'),
  /** A variant name, or REFERENCE_NAME. */
  subject: z.string(),
  /** What a variant was layered on, when not the reference. */
  base: z.string().optional(),
  dialect: z.enum(['seed', 'tensamin']),
  /** Suite files that ran (base names); property suites that were absent are listed apart. */
  files: z.array(z.string()),
  missingPropertySuites: z.array(z.string()),
  /** Verdict per requirement over every suite file. */
  requirements: z.array(requirementOutcomeSchema),
  /** Failing requirement ids of the scripted scenarios alone (property suites excluded, fresh target);
   * present only when that pass was run separately (propertyOnly variants). */
  scriptedFailed: z.array(z.string()).optional(),
  scenarios: z.object({ total: z.number(), failed: z.number() }),
  /** Suite files that failed to load, unhandled errors, exceptions the target threw. */
  errors: z.array(z.string()),
  /** The CLI's exit code (the highest over the passes): 0 is certified at level MUST. */
  exitCode: z.number(),
  durationMs: z.number(),
});
export type RunResult = z.infer<typeof runResultSchema>;

/** Causes that are only a bound running out: no reply, or the target declared down after one. */
export const BOUND_CAUSES: ReadonlySet<CauseKind> = new Set<CauseKind>(['timeout', 'target-down']);

export const isFailing = (verdict: string): boolean => verdict === 'failed' || verdict === 'non-strict';
