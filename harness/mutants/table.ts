// The mutation run for a person, in one glance: the reference, one row per variant, the score.
import { availableParallelism } from 'node:os';
import { styleText } from 'node:util';
import type { ReferenceOutcome, VariantOutcome } from './judge.ts';
import type { MutationReport } from './report.ts';

type Style = Parameters<typeof styleText>[0];
export type Paint = (style: Style, text: string) => string;
export const plain: Paint = (_s, t) => t;
export const colour: Paint = (s, t) => styleText(s, t);

export const seconds = (ms: number): string =>
  ms >= 60_000
    ? `${Math.floor(ms / 60_000)}m${String(Math.round((ms % 60_000) / 1000)).padStart(2, '0')}s`
    : `${(ms / 1000).toFixed(1)}s`;

/** "ENV-004–007, SES-001, SES-003": consecutive ids of one area folded into a range. */
export function foldIds(ids: readonly string[]): string {
  const parts: string[] = [];
  let prefix = '';
  let from = '';
  let to = '';
  let last = Number.NaN;
  const flush = (): void => {
    if (from) parts.push(from === to ? `${prefix}${from}` : `${prefix}${from}–${to}`);
    from = '';
  };
  for (const id of ids) {
    const m = /^(.*-)(\d+)$/.exec(id);
    if (!m) {
      flush();
      parts.push(id);
      continue;
    }
    const p = m[1]!;
    const num = m[2]!;
    const n = Number(num);
    if (from && p === prefix && n === last + 1) {
      to = num;
      last = n;
      continue;
    }
    flush();
    prefix = p;
    from = num;
    to = num;
    last = n;
  }
  flush();
  return parts.join(', ');
}

/** Ids joined with spaces, cut to `width` with "+N". */
export function abbreviate(ids: readonly string[], width: number): string {
  if (ids.length === 0) return '—';
  let out = '';
  for (let i = 0; i < ids.length; i++) {
    const rest = ids.length - i - 1;
    const candidate = out ? `${out} ${ids[i]}` : ids[i]!;
    const suffix = rest > 0 ? ` +${rest}` : '';
    if (candidate.length + suffix.length > width && out) return `${out} +${ids.length - i}`;
    out = candidate;
  }
  return out;
}

const pad = (s: string, w: number): string => (s.length >= w ? s : s + ' '.repeat(w - s.length));

function referenceLines(r: ReferenceOutcome, paint: Paint): string[] {
  const head = `  ${pad(r.dialect, 9)}`;
  const time = seconds(r.timeMs);
  if (r.ok) {
    return [
      `${head}${paint('green', 'PASS')}  ${r.scenarios} scenarios, no requirement failed, none unchecked  ${paint('dim', time)}`,
      ...(r.confirmation ? [`${' '.repeat(17)}${paint('yellow', r.confirmation)}`] : []),
    ];
  }
  const what =
    r.scenarios === 0 && r.errors.length > 0 ? 'the run did not finish' : `${r.scenarios} scenarios`;
  const out = [`${head}${paint(['red', 'bold'], 'FAIL')}  ${what}  ${paint('dim', time)}`];
  const indent = ' '.repeat(17);
  for (const f of r.failed.slice(0, 10))
    out.push(
      `${indent}${paint('red', `${f.id} ${f.verdict}`)}: ${(f.summary ?? '').split('\n')[0]!.slice(0, 100)}`,
    );
  if (r.failed.length > 10) out.push(`${indent}… and ${r.failed.length - 10} more failed requirements`);
  if (r.coverageGaps.length > 0) {
    out.push(
      `${indent}${paint('yellow', `COVERAGE GAP: ${r.coverageGaps.length} MUST/SHOULD requirements no scenario checked:`)}`,
    );
    out.push(`${indent}  ${foldIds(r.coverageGaps)}`);
  }
  for (const e of r.errors) out.push(`${indent}${paint('red', 'error')}: ${e.split('\n')[0]!.slice(0, 160)}`);
  return out;
}

const MUST_W = 24;
const FAILED_W = 34;

const STATUS_W = 10;
const BASE_W = 11;
const baseText = (base: string): string => (base === 'every-alternative' ? 'every-alt' : base);

function statusText(v: VariantOutcome, paint: Paint): string {
  if (v.status === 'caught') return paint('green', pad('caught', STATUS_W));
  return paint(['red', 'bold'], pad(v.status === 'survived' ? 'SURVIVED' : 'ERROR', STATUS_W));
}

function note(v: VariantOutcome, report: MutationReport): string {
  const notes: string[] = [];
  if (v.propertyOnly)
    notes.push(
      v.scriptedAlone === undefined
        ? 'property-only'
        : `property-only; scripted alone: ${v.scriptedAlone ? 'CAUGHT' : 'no'}`,
    );
  if (v.onlyProperties) notes.push('caught by property suites only');
  if (v.unexpected.length > 0) notes.push(`unexpected: ${abbreviate(v.unexpected, 30)}`);
  if (v.confirmation)
    notes.push(
      v.status === 'caught'
        ? v.confirmation.includes('did not decide')
          ? `timeouts only; unconfirmed at ${report.settings.confirmTimeoutMs} ms`
          : `timeouts only; confirmed at ${report.settings.confirmTimeoutMs} ms`
        : `timeouts only at ${report.settings.replyTimeoutMs} ms; not at ${report.settings.confirmTimeoutMs} ms`,
    );
  if (v.errors.length > 0 && v.status !== 'error') notes.push(`${v.errors.length} error(s)`);
  return notes.join('; ');
}

export function renderTable(report: MutationReport, paint: Paint = plain): string {
  const lines: string[] = [];
  const s = report.settings;
  lines.push(
    paint(
      'bold',
      `Omega mutation run: ${report.variants.length} variants, property seed ${s.seed} × ${s.runs} runs, reply bound ${s.replyTimeoutMs} ms, ${s.concurrency} at a time`,
    ),
  );
  lines.push(
    paint(
      'dim',
      `suites: ${report.suites.files.join(', ') || '(none)'}${
        report.suites.missingPropertySuites.length > 0
          ? `; absent property suites: ${report.suites.missingPropertySuites.join(', ')}`
          : ''
      }`,
    ),
  );
  if (report.reference.length > 0) {
    lines.push('', paint('bold', 'Unmodified reference'));
    for (const r of report.reference) lines.push(...referenceLines(r, paint));
  }
  if (report.variants.length > 0) {
    const nameW = Math.max(7, ...report.variants.map((v) => v.name.length)) + 2;
    lines.push('', paint('bold', 'Variants'));
    lines.push(
      paint(
        'dim',
        `  ${pad('variant', nameW)}${pad('dialect', 10)}${pad('base', BASE_W)}${pad('must catch', MUST_W + 2)}${pad('failed', FAILED_W + 2)}${pad('result', STATUS_W)}${pad('time', 8)}note`,
      ),
    );
    for (const v of report.variants) {
      lines.push(
        `  ${pad(v.name, nameW)}${pad(v.dialect, 10)}${pad(baseText(v.base), BASE_W)}${pad(abbreviate(v.mustCatch, MUST_W), MUST_W + 2)}${pad(
          abbreviate(v.failed, FAILED_W),
          FAILED_W + 2,
        )}${statusText(v, paint)}${pad(seconds(v.timeMs), 8)}${paint('dim', note(v, report))}`,
      );
    }
  }
  const { caught, total } = report.score;
  const pct = total === 0 ? 100 : Math.floor((caught / total) * 100);
  lines.push('');
  lines.push(
    `${paint('bold', `Mutation score: ${caught}/${total} caught (${pct}%)`)}   total ${seconds(report.wallMs)} wall (${seconds(report.runTimeSumMs)} of runs; load average ${report.machine.loadAverageAtStart.toFixed(1)} → ${report.machine.loadAverageAtEnd.toFixed(1)} on ${availableParallelism()} cores)`,
  );
  const times = report.variants.map((v) => v.timeMs).sort((a, b) => a - b);
  const slowest = [...report.variants].sort((a, b) => b.timeMs - a.timeMs)[0];
  if (slowest)
    lines.push(
      paint(
        'dim',
        `per variant: median ${seconds(times[Math.floor(times.length / 2)]!)}, slowest ${slowest.name} ${seconds(slowest.timeMs)}`,
      ),
    );
  for (const v of report.variants.filter((x) => x.status === 'error')) {
    lines.push(`  ${paint('red', 'ERROR')} ${v.name} (${v.dialect}, ${v.base}): the last output of its run:`);
    for (const e of v.errors)
      for (const l of e.split('\n').slice(0, 9)) lines.push(`      ${l.slice(0, 160)}`);
  }
  for (const r of report.reference.filter((x) => x.errors.length > 0)) {
    lines.push(`  ${paint('red', 'ERROR')} reference (${r.dialect}): the last output of its run:`);
    for (const e of r.errors)
      for (const l of e.split('\n').slice(0, 9)) lines.push(`      ${l.slice(0, 160)}`);
  }
  if (report.warnings.length > 0) {
    lines.push('', paint(['yellow', 'bold'], 'Warnings:'));
    for (const w of report.warnings) lines.push(`  - ${w}`);
  }
  if (report.problems.length > 0) {
    lines.push('', paint(['red', 'bold'], `Problems (exit code ${report.exitCode}):`));
    for (const p of report.problems) lines.push(`  - ${p}`);
  } else {
    const parts = [
      ...(report.reference.length > 0 ? ['the reference passes in both dialects'] : []),
      ...(report.variants.length > 0 ? ['every variant is caught'] : []),
    ];
    lines.push(paint('green', `No problems${parts.length ? `: ${parts.join(' and ')}` : ''}.`));
  }
  return lines.map((l) => l.trimEnd()).join('\n');
}
