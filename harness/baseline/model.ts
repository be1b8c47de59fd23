// The comparison of a run with a baseline (an earlier report.json), as data: the `baseline` block of
// report.json and what `omega-conformance compare` prints. Defined with zod like the run report.
import { z } from 'zod';

/** One requirement's verdict on one side. */
export const sideSchema = z.object({
  verdict: z.string(),
  summary: z.string(),
  stability: z.string(),
});

export const changeSchema = z.object({
  id: z.string(),
  level: z.string(),
  title: z.string(),
  before: sideSchema,
  after: sideSchema,
  /** The new evidence (first failing check: message, expected, actual, replay), for regressions. */
  evidence: z.string().optional(),
});

export const baselineBlockSchema = z.object({
  /** Where the baseline was read from. */
  file: z.string(),
  label: z.string(),
  startedAt: z.string(),
  suiteVersion: z.string(),
  dialect: z.string(),
  /** --strict-baseline: changed informational choices fail the run too. */
  strict: z.boolean(),
  /** Why the two runs are not strictly comparable (dialect, suite version, catalogue); compared on shared ids. */
  notes: z.array(z.string()),
  /** Requirement ids both sides have. */
  shared: z.number(),
  /** Failing now, not failing in the baseline: these (alone) fail the run. */
  regressions: z.array(changeSchema),
  /** Failing in the baseline, passing now. */
  improvements: z.array(changeSchema),
  /** Failing in both: reported, not failing the run. */
  stillFailing: z.array(changeSchema),
  /** An informational (MAY/INFO) observation that changed: fails the run only with --strict-baseline. */
  choicesChanged: z.array(changeSchema),
  /** Other verdict changes that are neither better nor worse (e.g. passed → not verified). */
  otherChanges: z.array(changeSchema),
  onlyInBaseline: z.array(z.string()),
  onlyInRun: z.array(z.string()),
});

export type Side = z.infer<typeof sideSchema>;
export type RequirementChange = z.infer<typeof changeSchema>;
export type BaselineBlock = z.infer<typeof baselineBlockSchema>;
