// junit.xml: one <testsuite> per area, one <testcase> per requirement, for CI tools.
import type { RequirementResult, RunReport } from '../harness/run/report-model.ts';
import { areaTitle, byArea, evidence, standing, standingIn, visible } from './text.ts';

/** Text content: XML-escaped, characters XML 1.0 forbids made visible (`]]>` cannot survive: `>` is escaped). */
export function xmlText(s: string): string {
  return visible(s)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/\r/g, '&#13;');
}

/** A double-quoted attribute value; newlines and tabs are kept as character references. */
export function xmlAttr(s: string): string {
  return xmlText(s).replace(/"/g, '&quot;').replace(/\n/g, '&#10;').replace(/\t/g, '&#9;');
}

const seconds = (ms: number) => (Number.isFinite(ms) && ms > 0 ? ms / 1000 : 0).toFixed(3);

/** The evidence of one requirement in plain text: summary, then each check with expected, actual, replay, transcript. */
export function failureText(r: RequirementResult): string {
  const lines = [
    `${r.id} [${r.level}] ${r.verdict}${r.stability === 'stable' ? '' : ` (${r.stability})`}: ${r.summary}`,
  ];
  if (r.expectedFailure !== undefined) lines.push(`expected failure: ${r.expectedFailure}`);
  const checks = evidence(r);
  const shownTranscripts = new Set<string>();
  checks.forEach((c, i) => {
    lines.push(
      '',
      `--- check ${i + 1} of ${checks.length} (${c.outcome}) in scenario: ${c.scenario}`,
      c.message,
    );
    if (c.expected !== undefined) lines.push(`expected: ${c.expected}`);
    if (c.actual !== undefined) lines.push(`actual:   ${c.actual}`);
    if (c.replay !== undefined) lines.push(`replay:   ${c.replay}`);
    if (c.transcript !== undefined && c.transcript !== '') {
      if (shownTranscripts.has(c.transcript)) lines.push('transcript: as above');
      else lines.push('transcript:', c.transcript);
      shownTranscripts.add(c.transcript);
    }
  });
  return lines.join('\n');
}

/** With a baseline: a failure it already had (or a requirement it lacks) is skipped, with the baseline's word. */
function knownFailure(r: RequirementResult, report: RunReport): string | null {
  if (standingIn(report, r) !== 'skipped' || standing(r, report.level) === 'skipped') return null;
  const before = report.baseline?.stillFailing.find((c) => c.id === r.id)?.before;
  return before
    ? `failing in the baseline too (${before.verdict}: ${before.summary}); now: ${r.summary}`
    : `not in the baseline; failing now: ${r.summary}`;
}

function testcase(r: RequirementResult, report: RunReport): string {
  const level = report.level;
  const open = `<testcase classname="${xmlAttr(r.area)}" name="${xmlAttr(`${r.id} ${r.title}`)}" time="${seconds(r.durationMs)}"`;
  const out = (note: string) => `${open}>\n      <system-out>${xmlText(note)}</system-out>\n    </testcase>`;
  const failure = (type: string, message: string) =>
    `${open}>\n      <failure type="${type}" message="${xmlAttr(message)}">${xmlText(failureText(r))}</failure>\n    </testcase>`;
  const known = knownFailure(r, report);
  if (known !== null)
    return `${open}>\n      <skipped message="${xmlAttr(known)}"/>\n      <system-out>${xmlText(failureText(r))}</system-out>\n    </testcase>`;
  switch (standing(r, level)) {
    case 'flaky':
      return failure('flaky', `flaky: ${r.summary}`);
    case 'failure': {
      const was = report.baseline?.regressions.find((c) => c.id === r.id)?.before;
      const since = was ? `regression since the baseline (${was.verdict} then): ` : '';
      return failure(r.verdict === 'non-strict' ? 'non-strict' : 'failed', `${since}${r.summary}`);
    }
    case 'non-strict':
      return out(`non-strict (a SHOULD missed; not a failure at level MUST)\n${failureText(r)}`);
    case 'skipped':
      return `${open}>\n      <skipped message="${xmlAttr(`not verified: ${r.summary}`)}"/>\n    </testcase>`;
    case 'ok':
      if (r.verdict === 'passed') return `${open}/>`;
      if (r.verdict === 'expected-failure')
        return out(`expected failure: ${r.expectedFailure ?? ''}\n${failureText(r)}`);
      return out(`${r.verdict}: ${r.summary}`);
  }
}

/** figures.NAME.KEY = value (scalars as they are, arrays and objects such as the load histogram as JSON). */
export function figureProperties(figures: RunReport['figures']): [string, string][] {
  const text = (v: unknown): string => (typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v));
  return Object.entries(figures ?? {}).flatMap(([name, fig]): [string, string][] =>
    typeof fig === 'object' && fig !== null && !Array.isArray(fig)
      ? Object.entries(fig).map(([k, v]): [string, string] => [`figures.${name}.${k}`, text(v)])
      : [[`figures.${name}`, text(fig)]],
  );
}

function properties(report: RunReport, area: string): string {
  const props: [string, string][] = [
    ['area', area],
    ['area.title', areaTitle(area)],
    ['dialect', report.dialect.name],
    ['dialect.how', report.dialect.how],
    ['target', report.target.label],
    ['target.url', report.target.url],
    ['target.kind', report.target.kind],
    ['seed', String(report.seed)],
    ['configHash', report.target.configHash],
    ['clock', report.target.clock],
    ['level', report.level],
    ['runs', String(report.runs)],
    ['repeat', String(report.repeat)],
    ['outcome', report.outcome],
    ['exitCode', String(report.exitCode)],
    ['suite.version', report.suite.version],
    ['schemaVersion', report.schemaVersion],
    ...report.problems.map((p): [string, string] => ['problem', p]),
    ...figureProperties(report.figures),
  ];
  return props.map(([k, v]) => `      <property name="${xmlAttr(k)}" value="${xmlAttr(v)}"/>`).join('\n');
}

function counts(reqs: readonly RequirementResult[], report: RunReport) {
  const s = reqs.map((r) => standingIn(report, r));
  return {
    tests: reqs.length,
    failures: s.filter((x) => x === 'failure' || x === 'flaky').length,
    skipped: s.filter((x) => x === 'skipped').length,
  };
}

/** The run could not start or was stopped: one erroring test case that names the reason. */
function errorSuite(report: RunReport, e: NonNullable<RunReport['error']>): string[] {
  const body = [
    e.message,
    ...(e.hint !== undefined ? [`try: ${e.hint}`] : []),
    ...(e.raw !== undefined ? [`raw: ${e.raw}`] : []),
    `reached: ${e.reached}`,
    `reason: ${JSON.stringify(e.reason)}`,
  ].join('\n');
  return [
    `  <testsuite name="run" tests="1" failures="0" errors="1" skipped="0" time="${seconds(report.durationMs)}" timestamp="${xmlAttr(report.startedAt)}">`,
    `    <testcase classname="run" name="${xmlAttr(`run ended early: ${e.reason.kind}`)}" time="${seconds(report.durationMs)}"><error type="${xmlAttr(e.reason.kind)}" message="${xmlAttr(report.problems[0] ?? e.message)}">${xmlText(body)}</error></testcase>`,
    '  </testsuite>',
  ];
}

/** JUnit XML of the run; the testsuites' counts equal the console's closing line. */
export function renderJunit(report: RunReport): string {
  const all = counts(report.requirements, report);
  const suites = byArea(report.requirements).map(([area, reqs]) => {
    const c = counts(reqs, report);
    const time = seconds(reqs.reduce((s, r) => s + (Number.isFinite(r.durationMs) ? r.durationMs : 0), 0));
    return [
      `  <testsuite name="${xmlAttr(area)}" tests="${c.tests}" failures="${c.failures}" errors="0" skipped="${c.skipped}" time="${time}" timestamp="${xmlAttr(report.startedAt)}">`,
      '    <properties>',
      properties(report, area),
      '    </properties>',
      ...reqs.map((r) => `    ${testcase(r, report)}`),
      '  </testsuite>',
    ].join('\n');
  });
  const name = `omega-conformance ${report.target.label} (${report.dialect.name})`;
  // A run can fail with no requirement failing (a stale expected failure, a coverage gap, the suite's
  // own error): CI must see red in JUnit too, so such a run gets one erroring test case. So does a run
  // its bound stopped (report.stopped, exit 2), failed requirements or not (issue 15: a stopped run).
  const runError =
    report.error !== undefined ||
    report.stopped !== undefined ||
    (report.exitCode !== 0 && all.failures === 0);
  const runSuite = report.error
    ? errorSuite(report, report.error)
    : runError
      ? [
          `  <testsuite name="run" tests="1" failures="0" errors="1" skipped="0" time="0" timestamp="${xmlAttr(report.startedAt)}">`,
          `    <testcase classname="run" name="${report.stopped ? `run ended early: ${report.stopped.kind}` : 'run problems'}"><error ${report.stopped ? `type="${xmlAttr(report.stopped.kind)}" ` : ''}message="${xmlAttr(report.problems[0] ?? `exit code ${report.exitCode}`)}">${xmlText(report.problems.join('\n'))}</error></testcase>`,
          '  </testsuite>',
        ]
      : [];
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="${xmlAttr(name)}" tests="${all.tests + (runError ? 1 : 0)}" failures="${all.failures}" errors="${runError ? 1 : 0}" skipped="${all.skipped}" time="${seconds(report.durationMs)}" timestamp="${xmlAttr(report.startedAt)}">`,
    ...suites,
    ...runSuite,
    '</testsuites>',
    '',
  ].join('\n');
}
