// Baselines (harness/baseline/*): the comparison is pure and decides what a regression is; the outcome,
// JUnit, the console, the HTML and report.json all tell the same story; a bad baseline is a clear error.
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  baselineProblems,
  type ComparableRequirement,
  type ComparableRun,
  choiceChanged,
  compareRuns,
  failsRun,
  standingOf,
} from '../harness/baseline/compare.ts';
import { BaselineError, checkBaseline, loadBaseline, parseReport } from '../harness/baseline/load.ts';
import { outcomeWithBaseline } from '../harness/baseline/outcome.ts';
import { renderBaselineText } from '../harness/baseline/text.ts';
import { REPORT_SCHEMA_VERSION, type RunReport, runReportSchema } from '../harness/run/report-model.ts';
import type { RequirementVerdict } from '../harness/verdict/verdicts.ts';
import { renderConsole } from '../reports/console.ts';
import { renderHtml } from '../reports/html.ts';
import { renderJunit } from '../reports/junit.ts';
import { closingLine } from '../reports/text.ts';

const r = (
  id: string,
  verdict: string,
  extra: Partial<ComparableRequirement> = {},
): ComparableRequirement => ({
  id,
  level: 'MUST',
  title: `title of ${id}`,
  verdict,
  summary: `${id} is ${verdict}`,
  stability: 'stable',
  ...extra,
});

const run = (reqs: ComparableRequirement[], extra: Partial<ComparableRun> = {}): ComparableRun => ({
  label: 'server',
  startedAt: '2026-11-27T10:00:00.000Z',
  suiteVersion: '0.1.0',
  dialect: 'seed',
  requirements: reqs,
  ...extra,
});

const OPTS = { level: 'must', strict: false, file: 'old/report.json' } as const;
const ids = (list: readonly { id: string }[]) => list.map((c) => c.id);

describe('compareRuns: what changed since the baseline', () => {
  it('a failure now is a regression when the baseline passed, was non-strict, not applicable or not verified', () => {
    const b = compareRuns(
      run([r('A-1', 'passed'), r('A-2', 'non-strict'), r('A-3', 'not-applicable'), r('A-4', 'not-verified')]),
      run([
        r('A-1', 'failed', { checks: [{ outcome: 'fail', message: 'read 2', expected: '1', actual: '2' }] }),
        r('A-2', 'failed'),
        r('A-3', 'failed'),
        r('A-4', 'failed'),
      ]),
      OPTS,
    );
    expect(ids(b.regressions)).toEqual(['A-1', 'A-2', 'A-3', 'A-4']);
    expect(b.regressions[0]!.before.verdict).toBe('passed');
    expect(b.regressions[0]!.evidence).toBe('read 2\nexpected: 1\nactual:   2');
    expect(failsRun(b)).toBe(true);
    expect(baselineProblems(b)[0]).toMatch(/4 regression\(s\) since the baseline: A-1, A-2, A-3, A-4/);
  });

  it('failures the baseline had are still failing, not regressions; a flaky one counts as failing', () => {
    const b = compareRuns(
      run([r('A-1', 'failed'), r('A-2', 'expected-failure'), r('A-3', 'passed', { stability: 'flaky' })]),
      run([r('A-1', 'failed'), r('A-2', 'failed'), r('A-3', 'failed', { stability: 'flaky' })]),
      OPTS,
    );
    expect(ids(b.stillFailing)).toEqual(['A-1', 'A-2', 'A-3']);
    expect(b.regressions).toEqual([]);
    expect(failsRun(b)).toBe(false);
  });

  it('passed → flaky is a regression', () => {
    const b = compareRuns(run([r('A-1', 'passed')]), run([r('A-1', 'passed', { stability: 'flaky' })]), OPTS);
    expect(ids(b.regressions)).toEqual(['A-1']);
  });

  it('lists improvements and other changes, which never fail the run', () => {
    const b = compareRuns(
      run([r('A-1', 'failed'), r('S-1', 'non-strict', { level: 'SHOULD' }), r('A-2', 'passed')]),
      run([r('A-1', 'passed'), r('S-1', 'passed', { level: 'SHOULD' }), r('A-2', 'not-verified')]),
      OPTS,
    );
    expect(ids(b.improvements)).toEqual(['A-1', 'S-1']);
    expect(ids(b.otherChanges)).toEqual(['A-2']);
    expect(failsRun(b)).toBe(false);
  });

  it('judges both sides at the run level: passed → non-strict is a regression at level should only', () => {
    const before = run([r('S-1', 'passed', { level: 'SHOULD' })]);
    const after = run([r('S-1', 'non-strict', { level: 'SHOULD' })]);
    expect(compareRuns(before, after, OPTS).regressions).toEqual([]);
    expect(ids(compareRuns(before, after, { ...OPTS, level: 'should' }).regressions)).toEqual(['S-1']);
    expect(standingOf(r('S-1', 'non-strict'), 'must')).toBe('non-strict');
  });

  it('a changed informational choice is listed, failing only with --strict-baseline', () => {
    const before = run([r('I-1', 'informational', { level: 'INFO', summary: 'a late Iota was accepted' })]);
    const after = run([r('I-1', 'informational', { level: 'INFO', summary: 'a late Iota was refused' })]);
    const loose = compareRuns(before, after, OPTS);
    expect(ids(loose.choicesChanged)).toEqual(['I-1']);
    expect(failsRun(loose)).toBe(false);
    const strict = compareRuns(before, after, { ...OPTS, strict: true });
    expect(failsRun(strict)).toBe(true);
    expect(baselineProblems(strict)[0]).toMatch(/--strict-baseline: 1 informational choice\(s\) changed/);
  });

  it('numbers, generated names, order and observing fewer situations are no change of choice', () => {
    expect(choiceChanged('register id 1795800342025: milliseconds', 'register id 17: milliseconds')).toBe(
      false,
    );
    expect(choiceChanged('user c1a2b3x refused; id kept', 'id kept; user c9z8 refused')).toBe(false);
    expect(choiceChanged('refused; a second completion succeeded', 'a second completion succeeded')).toBe(
      false,
    );
    expect(choiceChanged('accepted (success)', 'refused (error_invalid_data)')).toBe(true);
  });

  it('compares on shared ids and says why when dialect, suite version or catalogue differ', () => {
    const b = compareRuns(
      run([r('A-1', 'passed'), r('OLD-1', 'passed')]),
      run([r('A-1', 'failed'), r('NEW-1', 'failed')], { dialect: 'tensamin', suiteVersion: '0.2.0' }),
      OPTS,
    );
    expect(b.shared).toBe(1);
    expect(ids(b.regressions)).toEqual(['A-1']);
    expect(b.onlyInBaseline).toEqual(['OLD-1']);
    expect(b.onlyInRun).toEqual(['NEW-1']);
    expect(b.notes.join('\n')).toMatch(/seed dialect, this one of the tensamin dialect/);
    expect(b.notes.join('\n')).toMatch(/suite version 0\.1\.0, this run by 0\.2\.0/);
    expect(b.notes.join('\n')).toMatch(
      /requirement sets differ \(1 only in the baseline, 1 only in this run/,
    );
    expect(b.notes.at(-1)).toBe('compared on the 1 requirement ids both have');
  });

  it('says nothing when the runs are comparable and nothing changed', () => {
    const b = compareRuns(run([r('A-1', 'passed')]), run([r('A-1', 'passed')]), OPTS);
    expect(b.notes).toEqual([]);
    expect(renderBaselineText(b)).toMatch(/0 regression\(s\).*no change in the verdicts/);
  });
});

// ---- a run report with a baseline, through every writer ------------------------------------------------------

const verdict = (id: string, v: RequirementVerdict['verdict']): RequirementVerdict => ({
  id,
  level: 'MUST',
  area: 'UM-GET',
  title: `title of ${id}`,
  verdict: v,
  summary: `${id}: ${v}`,
  stability: v === 'failed' ? 'broken' : 'stable',
  checks: v === 'failed' ? [{ requirement: id, outcome: 'fail', message: `${id} broke`, scenario: 's' }] : [],
  durationMs: 1,
});

function reportWith(verdicts: RequirementVerdict[], baselineReqs: ComparableRequirement[]): RunReport {
  const block = compareRuns(run(baselineReqs), run(verdicts), OPTS);
  const outcome = outcomeWithBaseline(verdicts, block, {
    level: 'must',
    requireComplete: false,
    problems: [],
  });
  return runReportSchema.parse({
    schemaVersion: REPORT_SCHEMA_VERSION,
    suite: { name: 'omega-conformance', version: '0.1.0' },
    startedAt: '2026-11-27T11:00:00.000Z',
    durationMs: 10,
    target: {
      label: 'server',
      url: 'ws://127.0.0.1:1/ws/omikron',
      kind: 'url',
      configHash: 'x',
      clock: 'none',
    },
    dialect: { name: 'seed', how: 'given' },
    seed: 1,
    runs: 1,
    repeat: 1,
    level: 'must',
    outcome: outcome.outcome,
    exitCode: outcome.exitCode,
    problems: outcome.problems,
    counts: {},
    requirements: verdicts.map(({ durationMs, ...v }) => ({ ...v, durationMs, checks: [...v.checks] })),
    scenarios: [],
    baseline: block,
  });
}

describe('a run with a baseline', () => {
  const known = reportWith(
    [verdict('UM-GET-001', 'failed'), verdict('UM-GET-002', 'passed')],
    [r('UM-GET-001', 'failed', { summary: 'it failed back then' }), r('UM-GET-002', 'passed')],
  );
  const regressed = reportWith(
    [verdict('UM-GET-001', 'failed'), verdict('UM-GET-002', 'failed')],
    [r('UM-GET-001', 'failed'), r('UM-GET-002', 'passed')],
  );

  it('exits 0 when its only failures are the baseline’s, 1 on a regression, naming it', () => {
    expect(known.exitCode).toBe(0);
    expect(known.outcome).toBe('passed');
    expect(regressed.exitCode).toBe(1);
    expect(regressed.problems[0]).toBe('1 regression(s) since the baseline: UM-GET-002');
  });

  it('keeps other run problems failing (a dead target is no requirement of the baseline)', () => {
    const block = compareRuns(run([r('A-1', 'failed')]), run([r('A-1', 'failed')]), OPTS);
    const o = outcomeWithBaseline([verdict('A-1', 'failed')], block, {
      level: 'must',
      requireComplete: false,
      problems: ['the target process died during the run'],
    });
    expect(o.exitCode).toBe(1);
  });

  it('JUnit: the regression is a failure, the known failure skipped with the baseline’s message', () => {
    const xml = renderJunit(regressed);
    expect(xml).toMatch(/<testsuites [^>]*failures="1"[^>]*skipped="1"/);
    expect(xml).toMatch(
      /<failure type="failed" message="regression since the baseline \(passed then\): UM-GET-002: failed"/,
    );
    const knownXml = renderJunit(known);
    expect(knownXml).toMatch(
      /<skipped message="failing in the baseline too \(failed: it failed back then\); now: UM-GET-001: failed"\/>/,
    );
    expect(knownXml).toMatch(/<testsuites [^>]*failures="0"[^>]*errors="0"/);
  });

  it('the console shows the comparison and its closing line agrees with JUnit', () => {
    const text = renderConsole(regressed, { color: false });
    expect(text).toMatch(/since the baseline \(server, seed/);
    expect(text).toMatch(/regressions \(1\):\n {4}UM-GET-002 +MUST +passed → failed/);
    expect(text).toMatch(/still failing, as in the baseline \(not failing the run\) \(1\)/);
    expect(closingLine(regressed)).toBe('0 passed, 1 failed, 1 skipped');
    expect(closingLine(known)).toBe('1 passed, 0 failed, 1 skipped');
  });

  it('the HTML has a "Since the baseline" section: both verdicts side by side and the new evidence', () => {
    const html = renderHtml(regressed);
    const section = html.slice(
      html.indexOf('<section id="baseline">'),
      html.indexOf('</section>', html.indexOf('<section id="baseline">')),
    );
    expect(section).toMatch(/Since the baseline/);
    expect(section).toMatch(/UM-GET-002.*v-passed.*v-failed/s);
    expect(section).toMatch(/New evidence<\/summary><pre>UM-GET-002 broke<\/pre>/);
  });

  it('report.json holds the baseline block and validates', () => {
    expect(regressed.baseline?.regressions.map((c) => c.id)).toEqual(['UM-GET-002']);
    expect(runReportSchema.safeParse(JSON.parse(JSON.stringify(regressed))).success).toBe(true);
  });
});

describe('loading a baseline', () => {
  const dir = mkdtempSync(join(tmpdir(), 'omega-baseline-'));
  const minimal = {
    schemaVersion: '0.9.0',
    suite: { name: 'omega-conformance', version: '0.0.9' },
    startedAt: 'then',
    target: { label: 'old server' },
    dialect: { name: 'seed' },
    requirements: [{ id: 'A-1', level: 'MUST', title: 't', verdict: 'passed', summary: 's' }],
  };

  it('reads a report of another schema version (only what a comparison needs is required)', () => {
    const l = parseReport(JSON.stringify(minimal), 'x');
    expect(l.schemaVersion).toBe('0.9.0');
    expect(l.run.requirements[0]!.stability).toBe('stable');
  });

  it('names the cause of an unreadable baseline', () => {
    expect(() => parseReport('{', '--baseline f')).toThrow(/--baseline f is not JSON/);
    expect(() => parseReport('{"suite":{}}', '--baseline f')).toThrow(
      /--baseline f is not a report\.json of omega-conformance: schemaVersion/,
    );
    expect(() => loadBaseline(join(dir, 'missing.json'), 'seed')).toThrow(BaselineError);
    expect(() => checkBaseline(dir)).toThrow(/a directory without a report\.json/);
  });

  it('in a reports directory, picks the dialect’s own report', () => {
    mkdirSync(join(dir, 'tensamin'), { recursive: true });
    writeFileSync(
      join(dir, 'tensamin', 'report.json'),
      JSON.stringify({ ...minimal, dialect: { name: 'tensamin' } }),
    );
    writeFileSync(join(dir, 'report.json'), JSON.stringify(minimal));
    expect(loadBaseline(dir, 'tensamin').file).toBe(join(dir, 'tensamin', 'report.json'));
    expect(loadBaseline(dir, 'seed').file).toBe(join(dir, 'report.json'));
    expect(() => checkBaseline(dir)).not.toThrow();
  });
});
