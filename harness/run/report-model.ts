// The run report: what every writer (JSON, JUnit, HTML, console) renders. Versioned, exported as a zod schema.
import { z } from 'zod';
import { VERDICTS } from '../verdict/verdicts.ts';

export const REPORT_SCHEMA_VERSION = '1.0.0';

export const checkSchema = z.object({
  requirement: z.string(),
  outcome: z.enum(['pass', 'fail', 'info', 'not-verified', 'inconclusive']),
  message: z.string(),
  expected: z.string().optional(),
  actual: z.string().optional(),
  scenario: z.string(),
  transcript: z.string().optional(),
  replay: z.string().optional(),
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
  dialect: z.object({ name: z.enum(['seed', 'tensamin']), how: z.string() }),
  seed: z.number(),
  runs: z.number(),
  repeat: z.number(),
  level: z.enum(['must', 'should']),
  /** passed | failed | partial (not verified requirements) */
  outcome: z.enum(['passed', 'failed', 'partial']),
  exitCode: z.number(),
  /** Plain sentences: why the run failed (stale expected failures, flaky checks, dead target ...). */
  problems: z.array(z.string()),
  counts: z.record(z.string(), z.number()),
  requirements: z.array(requirementResultSchema),
  scenarios: z.array(scenarioResultSchema),
  /** Property-based load figures etc. Free-form, informational. */
  figures: z.record(z.string(), z.unknown()).optional(),
});

export type RunReport = z.infer<typeof runReportSchema>;
export type RequirementResult = z.infer<typeof requirementResultSchema>;
