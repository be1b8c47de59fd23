// The alternatives run judged and printed: every conformant alternative must certify (exit 0 at
// level MUST) in each dialect it applies to; a failure names the requirement and its check's message.
import type { Dialect } from '../protocol/dialect.ts';
import type { JobResult } from './pool.ts';
import { isFailing, type RequirementOutcome } from './result.ts';
import { type Paint, plain, seconds } from './table.ts';

export interface AlternativeOutcome {
  readonly name: string;
  readonly dialect: Dialect;
  /** The choice it makes (every-alternative: the names it combines). */
  readonly choice: string;
  readonly certified: boolean;
  /** MUST requirements that failed (falsely: the server made a legitimate choice), with their first failing check. */
  readonly falselyFailed: readonly RequirementOutcome[];
  /** SHOULD requirements it missed: reported, not failing the run (a choice may cost a SHOULD). */
  readonly nonStrict: readonly string[];
  /** The run gave no report, stalled, or the suite could not run a file. */
  readonly errors: readonly string[];
  readonly timeMs: number;
}

export interface AlternativesReport {
  readonly kind: 'omega-alternatives';
  readonly startedAt: string;
  readonly settings: { readonly seed: number; readonly runs: number; readonly replyTimeoutMs: number };
  readonly alternatives: readonly AlternativeOutcome[];
  readonly wallMs: number;
  readonly problems: readonly string[];
  readonly exitCode: number;
}

export function judgeAlternative(r: JobResult, choice: string): AlternativeOutcome {
  const base = { name: r.job.subject, dialect: r.job.dialect, choice, timeMs: r.wallMs };
  if (!r.ok)
    return {
      ...base,
      certified: false,
      falselyFailed: [],
      nonStrict: [],
      errors: [`${r.error}${r.stderrTail ? `\n${r.stderrTail}` : ''}`],
    };
  const failing = r.result.requirements.filter((o) => isFailing(o.verdict));
  const falselyFailed = failing.filter((o) => o.verdict === 'failed');
  return {
    ...base,
    certified: r.result.exitCode === 0 && falselyFailed.length === 0 && r.result.errors.length === 0,
    falselyFailed,
    nonStrict: failing.filter((o) => o.verdict === 'non-strict').map((o) => o.id),
    errors: r.result.errors,
  };
}

/** One sentence per way an alternative failed to certify. */
export function alternativeProblems(o: AlternativeOutcome): string[] {
  const who = `alternative "${o.name}" (${o.dialect})`;
  return [
    ...o.falselyFailed.map(
      (f) =>
        `${who} falsely failed ${f.id} (${f.level}): ${(f.message ?? f.summary ?? '').split('\n')[0]}${f.scenarios?.length ? ` [scenario: ${f.scenarios[0]}]` : ''}`,
    ),
    ...o.errors.map((e) => `${who} not certified: ${e.split('\n')[0]}`),
    ...(o.certified || o.falselyFailed.length > 0 || o.errors.length > 0
      ? []
      : [`${who} not certified (the CLI's exit code was not 0)`]),
  ];
}

export function renderAlternatives(report: AlternativesReport, paint: Paint = plain): string {
  const s = report.settings;
  const nameW = Math.max(11, ...report.alternatives.map((a) => a.name.length)) + 2;
  const lines = [
    paint(
      'bold',
      `Omega conformant alternatives: ${report.alternatives.length} runs, property seed ${s.seed} × ${s.runs} runs, reply bound ${s.replyTimeoutMs} ms`,
    ),
    paint(
      'dim',
      `  ${'alternative'.padEnd(nameW)}${'dialect'.padEnd(10)}${'result'.padEnd(12)}${'time'.padEnd(8)}note`,
    ),
  ];
  for (const a of report.alternatives) {
    const result = a.certified
      ? paint('green', 'certified'.padEnd(12))
      : paint(['red', 'bold'], 'FAILED'.padEnd(12));
    const note = a.certified
      ? a.nonStrict.length > 0
        ? `non-strict: ${a.nonStrict.join(' ')}`
        : ''
      : [...a.falselyFailed.map((f) => f.id), ...(a.errors.length ? ['error'] : [])].join(' ');
    lines.push(
      `  ${a.name.padEnd(nameW)}${a.dialect.padEnd(10)}${result}${seconds(a.timeMs).padEnd(8)}${paint('dim', note)}`,
    );
  }
  const ok = report.alternatives.filter((a) => a.certified).length;
  lines.push(
    '',
    paint('bold', `Certified: ${ok}/${report.alternatives.length}`) +
      `   total ${seconds(report.wallMs)} wall`,
  );
  if (report.problems.length > 0) {
    lines.push('', paint(['red', 'bold'], `Problems (exit code ${report.exitCode}):`));
    for (const p of report.problems) lines.push(`  - ${p}`);
  } else lines.push(paint('green', 'No problems: every conformant alternative certifies in its dialects.'));
  return lines.map((l) => l.trimEnd()).join('\n');
}
