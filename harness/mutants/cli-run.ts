// One run of the mutation and alternatives runs goes through the launcher users run: the CLI
// (bin/omega-conformance.js) certifies the embedded reference with --reference-variant/--reference-base,
// and the verdicts are read back from the report.json it writes. Nothing here builds a target.
import { existsSync, readFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import type { LoadConfig } from '../load/config.ts';
import type { Dialect } from '../protocol/dialect.ts';
import { type RunReport, runReportSchema } from '../run/report-model.ts';
import { PACKAGE_ROOT } from '../run/version.ts';
import { REFERENCE_NAME } from './config.ts';
import { BOUND_CAUSES, isFailing, type RequirementOutcome, type RunResult } from './result.ts';
import { PROPERTY_SUITES, type SuiteFiles } from './suite-files.ts';

/** The command users run (plain JavaScript; it starts the suite however the package is built). */
export const CLI = resolve(PACKAGE_ROOT, 'bin/omega-conformance.js');

export interface CliRunSpec {
  /** A faulty variant, a conformant alternative, every-alternative, or REFERENCE_NAME. */
  readonly subject: string;
  /** What a variant is layered on (absent: the reference). */
  readonly base?: string;
  readonly dialect: Dialect;
  readonly timeoutMs: number;
  readonly seed: number;
  readonly runs: number;
  readonly load?: LoadConfig;
  /** Only these suite files (absolute paths); all when absent. */
  readonly files?: readonly string[];
  /** The CLI's own run deadline (--deadline-ms): it stops itself, names where it was, writes its reports. */
  readonly deadlineMs?: number;
}

/** The CLI's arguments for one run, its reports written to `reportDir`. */
export function cliArgs(spec: CliRunSpec, reportDir: string): string[] {
  return [
    '--dialect',
    spec.dialect,
    ...(spec.subject === REFERENCE_NAME ? [] : ['--reference-variant', spec.subject]),
    ...(spec.base ? ['--reference-base', spec.base] : []),
    '--timeout-ms',
    String(spec.timeoutMs),
    '--seed',
    String(spec.seed),
    '--runs',
    String(spec.runs),
    ...(spec.load
      ? [
          '--load',
          '--load-connections',
          String(spec.load.connections),
          '--load-requests',
          String(spec.load.requests),
        ]
      : []),
    ...(spec.files ?? []).flatMap((f) => ['--suite', f]),
    ...(spec.deadlineMs === undefined ? [] : ['--deadline-ms', String(spec.deadlineMs)]),
    '--report-dir',
    reportDir,
    '--json-lines',
  ];
}

/** The report.json the CLI wrote, checked against the report schema; throws saying why not. */
export function readReport(reportDir: string): RunReport {
  const path = join(reportDir, 'report.json');
  if (!existsSync(path)) throw new Error(`the CLI wrote no ${path}`);
  const parsed = runReportSchema.safeParse(JSON.parse(readFileSync(path, 'utf8')));
  if (!parsed.success) throw new Error(`${path} does not match the report schema: ${parsed.error.message}`);
  return parsed.data;
}

const SUMMARY_MAX = 300;
const clip = (s: string): string => (s.length > SUMMARY_MAX ? `${s.slice(0, SUMMARY_MAX)}…` : s);

/** The outcome of each requirement in one report, with where its failing checks were. */
function outcomesOf(report: RunReport): RequirementOutcome[] {
  const failedScenarios = report.scenarios.filter((s) => s.state === 'failed');
  return report.requirements.map((q) => {
    const failing = isFailing(q.verdict) ? q.checks.filter((c) => c.outcome === 'fail') : [];
    const scenarios = [...new Set(failing.map((c) => c.scenario))];
    const files = failedScenarios.filter((s) => scenarios.includes(s.name)).map((s) => basename(s.file));
    return {
      id: q.id,
      level: q.level,
      verdict: q.verdict,
      ...(q.verdict === 'passed' || q.verdict === 'not-applicable' ? {} : { summary: clip(q.summary) }),
      ...(q.verdict === 'not-verified' && q.checks.every((c) => c.outcome === 'info')
        ? { unchecked: true }
        : {}),
      ...(failing.length > 0
        ? {
            scenarios,
            files: [...new Set(files)],
            timeoutOnly: failing.every((c) => c.cause !== undefined && BOUND_CAUSES.has(c.cause.kind)),
            message: clip(failing[0]!.message),
          }
        : {}),
    };
  });
}

const RANK: Record<string, number> = { failed: 5, 'non-strict': 4, flaky: 4, passed: 3, informational: 2 };

/** Several passes (fresh targets, different suite files) judged together: a failure anywhere stands. */
function merge(passes: readonly RequirementOutcome[][]): RequirementOutcome[] {
  const out = new Map<string, RequirementOutcome>();
  for (const pass of passes)
    for (const o of pass) {
      const had = out.get(o.id);
      if (!had || (RANK[o.verdict] ?? 0) > (RANK[had.verdict] ?? 0)) out.set(o.id, o);
    }
  return [...out.values()];
}

/**
 * A report's problems other than the line restating its failed requirements (the outcome already
 * says that): suite files that did not load, a target that died, coverage gaps.
 */
function problemsBeyondVerdicts(report: RunReport): string[] {
  const failed = report.requirements.filter(
    (q) => q.verdict === 'failed' || (report.level === 'should' && q.verdict === 'non-strict'),
  );
  const restated = `${failed.length} requirement(s) failed at level ${report.level.toUpperCase()}: ${failed.map((q) => q.id).join(', ')}`;
  return report.problems.filter((p) => p !== restated);
}

/** One RunResult from the reports of a subject's passes (one, or scripted then property suites). */
export function runResult(
  spec: CliRunSpec,
  reports: readonly RunReport[],
  files: SuiteFiles,
  wallMs: number,
  split: boolean,
): RunResult {
  const requirements = merge(reports.map(outcomesOf));
  const scriptedFailed =
    split && reports[0]
      ? outcomesOf(reports[0])
          .filter((o) => isFailing(o.verdict))
          .map((o) => o.id)
      : undefined;
  const present = new Set(files.properties.map((f) => basename(f)));
  return {
    kind: 'mutant-run',
    subject: spec.subject,
    ...(spec.base ? { base: spec.base } : {}),
    dialect: spec.dialect,
    files: [...new Set(reports.flatMap((r) => r.scenarios.map((s) => basename(s.file))))].sort(),
    missingPropertySuites: PROPERTY_SUITES.filter((p) => !present.has(p)),
    requirements,
    ...(scriptedFailed ? { scriptedFailed } : {}),
    scenarios: {
      total: reports.reduce((n, r) => n + r.scenarios.length, 0),
      failed: reports.reduce((n, r) => n + r.scenarios.filter((s) => s.state === 'failed').length, 0),
    },
    exitCode: Math.max(...reports.map((r) => r.exitCode)),
    errors: reports.flatMap(problemsBeyondVerdicts),
    durationMs: wallMs,
  };
}
