// The run report: what every writer (JSON, JUnit, HTML, console) renders. Versioned, exported as a zod schema.
import { z } from 'zod';
import { causeSchema } from '../client/causes.ts';
import { runErrorSchema } from '../failure/reason.ts';
import { type RequirementVerdict, VERDICTS } from '../verdict/verdicts.ts';
import { baselineBlockSchema } from '../baseline/model.ts';

export const REPORT_SCHEMA_VERSION = '1.1.0';

/** One recorded check (harness/verdict/checks.ts CheckRecord is inferred from this: one definition). */
export const checkSchema = z.object({
  requirement: z.string(),
  outcome: z.enum(['pass', 'fail', 'info', 'not-verified', 'inconclusive']),
  /** What was checked, in a sentence a vendor understands. */
  message: z.string(),
  expected: z.string().optional(),
  actual: z.string().optional(),
  /** The scenario that ran the check. */
  scenario: z.string(),
  /** Wire transcript of the scenario, attached to failures. */
  transcript: z.string().optional(),
  /** How to replay it (property-based checks). */
  replay: z.string().optional(),
  /** What the target did, as data: the frame, the kind of fault, when (harness/client/causes.ts). */
  cause: causeSchema.optional(),
});

export const requirementResultSchema = z.object({
  id: z.string(),
  level: z.enum(['MUST', 'SHOULD', 'MAY', 'INFO']),
  area: z.string(),
  title: z.string(),
  verdict: z.enum(VERDICTS),
  summary: z.string(),
  stability: z.enum(['stable', 'flaky', 'broken']),
  durationMs: z.number(),
  expectedFailure: z.string().optional(),
  checks: z.array(checkSchema),
});

export const scenarioResultSchema = z.object({
  name: z.string(),
  /** The requirement ids the scenario declares (the first names it). */
  requirements: z.array(z.string()).optional(),
  file: z.string(),
  state: z.string(),
  durationMs: z.number(),
});

export const runReportSchema = z.object({
  schemaVersion: z.literal(REPORT_SCHEMA_VERSION),
  suite: z.object({ name: z.literal('omega-conformance'), version: z.string() }),
  startedAt: z.string(),
  durationMs: z.number(),
  target: z.object({
    label: z.string(),
    url: z.string(),
    kind: z.enum(['embedded', 'url', 'command', 'image', 'trace']),
    /** sha256 over the target's configuration (url, dialect, identities' public keys, clock kind, variant). */
    configHash: z.string(),
    clock: z.string(),
    /** Container or process output, when the target failed or died. */
    logs: z.string().optional(),
  }),
  /** unknown: the run ended (outcome error) before the dialect was given or probed. */
  dialect: z.object({ name: z.enum(['seed', 'tensamin', 'unknown']), how: z.string() }),
  seed: z.number(),
  runs: z.number(),
  repeat: z.number(),
  level: z.enum(['must', 'should']),
  /** passed | failed | partial (not verified requirements) | error (could not start or was stopped: exit 2, see `error`) */
  outcome: z.enum(['passed', 'failed', 'partial', 'error']),
  exitCode: z.number(),
  /** Plain sentences: why the run failed (stale expected failures, flaky checks, dead target ...). */
  problems: z.array(z.string()),
  counts: z.record(z.string(), z.number()),
  requirements: z.array(requirementResultSchema),
  scenarios: z.array(scenarioResultSchema),
  /** Set when the run was stopped by its bound before its scenarios ended (exit code 2). */
  stopped: z
    .object({
      kind: z.enum(['deadline', 'scenario-overran', 'no-progress']),
      /** The scenario running when it was stopped, if any. */
      scenario: z.string().optional(),
      deadlineMs: z.number().optional(),
      boundMs: z.number().optional(),
      idleMs: z.number().optional(),
      after: z.string().optional(),
      /** The suite worker's JavaScript stack when it was stopped, innermost first. */
      workerStack: z.array(z.string()).optional(),
      message: z.string(),
    })
    .optional(),
  /** With outcome error: why the run could not start or was stopped, as data, and how far it got. */
  error: runErrorSchema.optional(),
  /** Property-based load figures etc. Free-form, informational. */
  figures: z.record(z.string(), z.unknown()).optional(),
  /** --baseline: this run compared with an earlier one (regressions, improvements, changed choices). */
  baseline: baselineBlockSchema.optional(),
});

export type RunReport = z.infer<typeof runReportSchema>;
export type RequirementResult = z.infer<typeof requirementResultSchema>;

/** A requirement's verdict as report.json lists it: the one mapping certification and check-trace share. */
export function requirementEntry(v: RequirementVerdict): RunReport['requirements'][number] {
  return {
    id: v.id,
    level: v.level,
    area: v.area,
    title: v.title,
    verdict: v.verdict,
    summary: v.summary,
    stability: v.stability,
    durationMs: Math.round(v.durationMs),
    ...(v.expectedFailure ? { expectedFailure: v.expectedFailure } : {}),
    checks: [...v.checks],
  };
}
