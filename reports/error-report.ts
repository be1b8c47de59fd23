// The report of a run that could not start or was stopped (outcome error, exit code 2): the same
// report.json / junit.xml / report.html as any run, so CI shows the reason instead of "no test results".
import { createHash } from 'node:crypto';
import type { Classified } from '../harness/failure/classify.ts';
import type { Reached, RunError } from '../harness/failure/reason.ts';
import { wordsFor } from '../harness/failure/words.ts';
import { EXIT } from '../harness/run/outcome.ts';
import { REPORT_SCHEMA_VERSION, type RunReport } from '../harness/run/report-model.ts';
import { SUITE_VERSION } from '../harness/run/version.ts';
import { VERDICTS } from '../harness/verdict/verdicts.ts';

export interface ErrorReportInput {
  readonly classified: Classified;
  readonly reached: Reached;
  readonly startedAt: Date;
  readonly durationMs: number;
  readonly target: {
    readonly label: string;
    readonly url: string;
    readonly kind: RunReport['target']['kind'];
    readonly clock: string;
    readonly logs?: string;
  };
  readonly dialect: RunReport['dialect'];
  readonly seed: number;
  readonly runs: number;
  readonly repeat: number;
  readonly level: RunReport['level'];
  /** Scenarios that ended before the run was stopped. */
  readonly scenarios?: RunReport['scenarios'];
}

export function runErrorOf(c: Classified, reached: Reached): RunError {
  const words = wordsFor(c.reason);
  return {
    reason: c.reason,
    message: words.message,
    ...(words.hint !== undefined ? { hint: words.hint } : {}),
    // The raw text only when it adds something to the plain words.
    ...(c.raw !== '' && c.raw !== words.message ? { raw: c.raw } : {}),
    reached,
  };
}

/** One line: the plain words, then what to try (the console's and the problems list's line). */
export function errorLine(e: RunError): string {
  return `${e.message}${e.hint !== undefined ? `; ${e.hint}` : ''}`;
}

/** The error as one console or event line: plain words, what to try, then the raw error. */
export function errorEventMessage(e: RunError): string {
  return `${errorLine(e)}${e.raw !== undefined ? `\n  raw: ${e.raw}` : ''}`;
}

export function errorReport(i: ErrorReportInput): RunReport {
  const error = runErrorOf(i.classified, i.reached);
  const config = { kind: i.target.kind, where: i.target.label, dialect: i.dialect.name };
  return {
    schemaVersion: REPORT_SCHEMA_VERSION,
    suite: { name: 'omega-conformance', version: SUITE_VERSION },
    startedAt: i.startedAt.toISOString(),
    durationMs: Math.round(i.durationMs),
    target: {
      label: i.target.label,
      url: i.target.url,
      kind: i.target.kind,
      configHash: createHash('sha256').update(JSON.stringify(config)).digest('hex').slice(0, 16),
      clock: i.target.clock,
      ...(i.target.logs ? { logs: i.target.logs } : {}),
    },
    dialect: i.dialect,
    seed: i.seed,
    runs: i.runs,
    repeat: i.repeat,
    level: i.level,
    outcome: 'error',
    exitCode: EXIT.cannotStart,
    problems: [errorLine(error)],
    counts: Object.fromEntries([...VERDICTS, 'flaky'].map((v) => [v, 0])),
    requirements: [],
    scenarios: [...(i.scenarios ?? [])],
    error,
  };
}
