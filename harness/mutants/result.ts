// What one run (the reference or one variant, in one dialect) hands back: the worker prints it as one
// JSON line, the pool parses it with this schema.
import { z } from 'zod';
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
});
export type RequirementOutcome = z.infer<typeof requirementOutcomeSchema>;

export const runResultSchema = z.object({
  kind: z.literal('mutant-run'),
  /** A variant name, or REFERENCE_NAME. */
  subject: z.string(),
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
  durationMs: z.number(),
});
export type RunResult = z.infer<typeof runResultSchema>;

/** A failing check that is only a bound running out: no reply, no connection, or the target declared down. */
export const TIMEOUT_FAILURE = /\bno .{0,60}within \d+ ms|the target stopped answering earlier in this run/;

export const isFailing = (verdict: string): boolean => verdict === 'failed' || verdict === 'non-strict';

/** One finished scenario, printed by the worker as it goes, so a run killed at its bound still tells
 * what failed so far. */
export const scenarioLineSchema = z.object({
  kind: z.literal('mutant-scenario'),
  name: z.string(),
  file: z.string(),
  state: z.string(),
  durationMs: z.number(),
  /** Requirement ids with a failing check in this scenario (any level). */
  fails: z.array(z.string()),
});
export type ScenarioLine = z.infer<typeof scenarioLineSchema>;

/** A job handed to a serving worker (worker.ts --serve), one JSON line on its stdin. */
export const jobLineSchema = z.object({
  kind: z.literal('mutant-job'),
  subject: z.string(),
  dialect: z.enum(['seed', 'tensamin']),
  timeoutMs: z.number().int().positive(),
  /** 'scripted': leave the property suites out. */
  scope: z.enum(['all', 'scripted']).optional(),
});
export type JobLine = z.infer<typeof jobLineSchema>;

/** The worker could not run a job at all (unknown variant, the target did not start ...). */
export const jobFailedLineSchema = z.object({
  kind: z.literal('mutant-job-failed'),
  subject: z.string(),
  error: z.string(),
});
