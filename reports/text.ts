// What every report writer shares: file names, how a requirement counts for CI, and safe text from the server.
import type { RequirementResult, RunReport } from '../harness/run/report-model.ts';
import { AREAS } from '../harness/spec/requirements.ts';

export const REPORT_FILES = { json: 'report.json', junit: 'junit.xml', html: 'report.html' } as const;

/**
 * How one requirement counts for CI, the same in JUnit and on the console:
 * - failure: failed, or non-strict when the run is at level SHOULD;
 * - flaky: runs disagreed (never a pass, whatever the verdict);
 * - non-strict: a SHOULD missed in a run at level MUST (reported, not counted as a failure);
 * - skipped: not verified, not observed or inconclusive (not a pass either);
 * - ok: passed, informational, expected failure, not applicable.
 */
export type Standing = 'failure' | 'flaky' | 'non-strict' | 'skipped' | 'ok';

export function standing(r: RequirementResult, level: RunReport['level']): Standing {
  if (r.stability === 'flaky') return 'flaky';
  if (r.verdict === 'failed') return 'failure';
  if (r.verdict === 'non-strict') return level === 'should' ? 'failure' : 'non-strict';
  if (r.verdict === 'not-verified' || r.verdict === 'not-observed' || r.verdict === 'inconclusive')
    return 'skipped';
  return 'ok';
}

/**
 * How a requirement counts for CI in this run: with a baseline (--baseline), a failure that is no
 * regression (the baseline failed it too, or lacks it) does not fail the run, and counts as skipped.
 */
export function standingIn(report: RunReport, r: RequirementResult): Standing {
  const s = standing(r, report.level);
  if (report.baseline === undefined || (s !== 'failure' && s !== 'flaky')) return s;
  return report.baseline.regressions.some((c) => c.id === r.id) ? s : 'skipped';
}

export interface Tally {
  readonly total: number;
  /** Verdict passed and stable across repeats. */
  readonly passed: number;
  /** Failures and flaky requirements: what fails the run at its level. */
  readonly failed: number;
  /** Not verified. */
  readonly skipped: number;
}

export function tally(report: RunReport): Tally {
  let passed = 0;
  let failed = 0;
  let skipped = 0;
  for (const r of report.requirements) {
    const s = standingIn(report, r);
    if (s === 'failure' || s === 'flaky') failed++;
    else if (s === 'skipped') skipped++;
    else if (s === 'ok' && r.verdict === 'passed') passed++;
  }
  return { total: report.requirements.length, passed, failed, skipped };
}

/** The closing line CI tools and people grep for: `N passed, M failed[, K skipped]`. */
export function closingLine(report: RunReport): string {
  const t = tally(report);
  return `${t.passed} passed, ${t.failed} failed${t.skipped > 0 ? `, ${t.skipped} skipped` : ''}`;
}

export function areaTitle(area: string): string {
  return (AREAS as Record<string, string>)[area] ?? area;
}

/** Areas in the order the report lists them (catalogue order), each with its requirements. */
export function byArea(reqs: readonly RequirementResult[]): [string, RequirementResult[]][] {
  const out = new Map<string, RequirementResult[]>();
  for (const r of reqs) {
    const list = out.get(r.area) ?? [];
    list.push(r);
    out.set(r.area, list);
  }
  return [...out];
}

export const LEVEL_ORDER = ['MUST', 'SHOULD', 'MAY', 'INFO'] as const;

export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return '–';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const min = Math.floor(ms / 60_000);
  return `${min} min ${Math.round((ms - min * 60_000) / 1000)} s`;
}

/** `2025-11-24 19:20:11 UTC` from an ISO date; the text as it is when it is not one. */
export function formatDate(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return `${d.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

const hex4 = (c: number) => `\\u${c.toString(16).padStart(4, '0')}`;

/**
 * Text from the server made safe to show anywhere: every character that XML 1.0 forbids or that a
 * terminal or browser would act on (C0 controls but tab, newline and carriage return; DEL and C1
 * controls, which include terminal escape sequences; lone surrogates; U+FFFE, U+FFFF) becomes a
 * visible `\uXXXX`, so the evidence stays readable rather than silently disappearing.
 */
export function visible(s: string): string {
  let out = '';
  let from = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    let bad = false;
    if (c >= 0xd800 && c <= 0xdbff) {
      const next = s.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        i++;
        continue;
      }
      bad = true;
    } else if (c >= 0xdc00 && c <= 0xdfff) bad = true;
    else if (c < 0x20) bad = c !== 0x09 && c !== 0x0a && c !== 0x0d;
    else if (c >= 0x7f && c <= 0x9f) bad = true;
    else if (c === 0xfffe || c === 0xffff) bad = true;
    if (bad) {
      out += s.slice(from, i) + hex4(c);
      from = i + 1;
    }
  }
  return from === 0 ? s : out + s.slice(from);
}

/** One line of at most `max` characters: whitespace runs collapsed, control characters made visible. */
export function oneLine(s: string, max: number): string {
  const flat = visible(s).replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/**
 * The checks that explain a requirement's verdict: its failures; for a flaky or unverified
 * requirement without failures, what was not verified or observed.
 */
export function evidence(r: RequirementResult): RequirementResult['checks'] {
  const fails = r.checks.filter((c) => c.outcome === 'fail');
  if (fails.length > 0) return fails;
  return r.checks.filter((c) => c.outcome === 'not-verified' || c.outcome === 'info');
}
