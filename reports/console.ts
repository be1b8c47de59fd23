// The console summary after a run: what needs a look, the counts, the verdict, where the reports are, and the
// closing line `N passed, M failed[, K skipped]` alone on the last line (never coloured, for CI to grep).
import { join } from 'node:path';
import type { RequirementResult, RunReport } from '../harness/run/report-model.ts';
import { closingLine, oneLine, REPORT_FILES, type Standing, standing } from './text.ts';
import { renderBaselineText } from '../harness/baseline/text.ts';

export interface ConsoleOptions {
  readonly color: boolean;
  /** Where writeReports wrote the files; the line naming them is left out without it. */
  readonly reportDir?: string;
}

/** Requirements listed one per line at most; the rest are counted and left to report.html. */
export const MAX_LISTED = 15;

const MARK: Record<Exclude<Standing, 'ok'>, { mark: string; word: string; color: string }> = {
  failure: { mark: '✗', word: 'failed', color: '31' },
  flaky: { mark: '≈', word: 'flaky', color: '35' },
  'non-strict': { mark: '!', word: 'non-strict', color: '33' },
  skipped: { mark: '?', word: 'not verified', color: '36' },
};
const ORDER: Exclude<Standing, 'ok'>[] = ['failure', 'flaky', 'non-strict', 'skipped'];

export function renderConsole(report: RunReport, opts: ConsoleOptions): string {
  const paint = (code: string, s: string) => (opts.color ? `\u001b[${code}m${s}\u001b[0m` : s);
  const lines: string[] = [];
  lines.push(
    `${report.suite.name} ${report.suite.version}: ${oneLine(report.target.label, 60)} (${report.target.kind}), ${report.dialect.name} dialect, level ${report.level.toUpperCase()}, seed ${report.seed}`,
  );

  const listed: { r: RequirementResult; s: Exclude<Standing, 'ok'> }[] = [];
  for (const s of ORDER) {
    for (const r of report.requirements) if (standing(r, report.level) === s) listed.push({ r, s });
  }
  const width = Math.max(0, ...listed.map(({ r }) => r.id.length));
  for (const { r, s } of listed.slice(0, MAX_LISTED)) {
    const m = MARK[s];
    const what =
      s === 'failure' && r.verdict === 'non-strict'
        ? 'non-strict'
        : r.verdict === 'not-observed' || r.verdict === 'inconclusive'
          ? r.verdict.replace('-', ' ')
          : m.word;
    lines.push(
      `  ${paint(m.color, m.mark)} ${oneLine(r.id, 24).padEnd(width)}  ${r.level.padEnd(6)}  ${paint(m.color, what.padEnd(12))}  ${oneLine(r.summary, 110)}`,
    );
  }
  if (listed.length > MAX_LISTED)
    lines.push(`  … and ${listed.length - MAX_LISTED} more in ${REPORT_FILES.html}`);

  const n = (v: string) => report.requirements.filter((r) => r.verdict === v).length;
  const flaky = report.requirements.filter((r) => r.stability === 'flaky').length;
  const parts = [
    `${n('passed')} passed`,
    `${n('failed')} failed`,
    `${n('non-strict')} non-strict`,
    `${n('not-verified')} not verified`,
    `${n('not-observed')} not observed`,
    `${n('inconclusive')} inconclusive`,
    `${n('informational')} informational`,
    `${n('expected-failure')} expected failure(s)`,
    `${n('not-applicable')} not applicable`,
    `${flaky} flaky`,
  ].filter((p, i) => i < 2 || !p.startsWith('0 '));
  lines.push(`${report.requirements.length} requirements: ${parts.join(', ')}`);
  if (report.baseline !== undefined) lines.push(renderBaselineText(report.baseline));

  const problems = report.problems.slice(0, 5).map((p) => `  - ${oneLine(p, 200)}`);
  if (report.problems.length > 5)
    problems.push(`  - … and ${report.problems.length - 5} more in ${REPORT_FILES.html}`);
  const color = report.outcome === 'passed' ? '32' : report.outcome === 'partial' ? '33' : '31';
  const outcome = paint(`1;${color}`, report.outcome.toUpperCase());
  const why =
    report.outcome === 'error'
      ? report.requirements.length === 0
        ? ': the run ended early, no requirement was judged:'
        : ': the run was stopped before its scenarios ended:'
      : report.outcome === 'partial'
        ? ': nothing failed, but MUST/SHOULD requirements were not verified'
        : report.problems.length > 0
          ? ':'
          : '';
  lines.push(
    `verdict: ${outcome} at level ${report.level.toUpperCase()} (exit code ${report.exitCode})${why}`,
    ...problems,
  );
  if (report.error?.raw !== undefined) lines.push(`  raw error: ${oneLine(report.error.raw, 300)}`);

  if (opts.reportDir !== undefined) {
    const d = opts.reportDir;
    lines.push(
      `reports: ${join(d, REPORT_FILES.html)}, ${join(d, REPORT_FILES.junit)}, ${join(d, REPORT_FILES.json)}`,
    );
  }
  lines.push(closingLine(report));
  return lines.join('\n');
}
