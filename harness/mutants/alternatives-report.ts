// The alternatives run judged and printed: every conformant alternative must certify (exit 0 at
// level MUST) in each dialect it applies to; a failure names the requirement and its check's message.
import type { KnownFalseVerdict } from '../../fixtures/alternatives/alternative.ts';
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
  /**
   * certified; known: it fails exactly as its knownFalseVerdict says (a false verdict waiting for its
   * fix, reported); failed; stale: it has a knownFalseVerdict but certifies now.
   */
  readonly status: 'certified' | 'known' | 'failed' | 'stale';
  readonly knownFalseVerdict?: KnownFalseVerdict;
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
  /** False verdicts of the suite that alternatives expose and that wait for their fix. */
  readonly known: readonly string[];
  readonly problems: readonly string[];
  /** Runs that stalled (the suite's own fault): each also fails its alternative. */
  readonly stalls: readonly string[];
  readonly exitCode: number;
}

/** Whether a run that did not certify failed exactly as the known false verdict says. */
function asKnown(
  known: KnownFalseVerdict,
  r: JobResult,
  falselyFailed: readonly RequirementOutcome[],
): boolean {
  if (known.fails === 'cannot-start') return !r.ok && r.refused === true;
  const fails = known.fails;
  return r.ok && r.result.errors.length === 0 && falselyFailed.every((f) => fails.includes(f.id));
}

export function judgeAlternative(
  r: JobResult,
  choice: string,
  known?: KnownFalseVerdict,
): AlternativeOutcome {
  const base = {
    name: r.job.subject,
    dialect: r.job.dialect,
    choice,
    timeMs: r.wallMs,
    ...(known ? { knownFalseVerdict: known } : {}),
  };
  const failing = r.ok ? r.result.requirements.filter((o) => isFailing(o.verdict)) : [];
  const falselyFailed = failing.filter((o) => o.verdict === 'failed');
  const certified =
    r.ok && r.result.exitCode === 0 && falselyFailed.length === 0 && r.result.errors.length === 0;
  const status = certified
    ? known
      ? 'stale'
      : 'certified'
    : known && asKnown(known, r, falselyFailed)
      ? 'known'
      : 'failed';
  return {
    ...base,
    certified,
    status,
    falselyFailed,
    nonStrict: failing.filter((o) => o.verdict === 'non-strict').map((o) => o.id),
    errors: r.ok ? r.result.errors : [`${r.error}${r.stderrTail ? `\n${r.stderrTail}` : ''}`],
  };
}

/** The line a known false verdict gets in the report (not a problem while it fails as stated). */
export function knownLine(o: AlternativeOutcome): string {
  const k = o.knownFalseVerdict!;
  const what =
    k.fails === 'cannot-start' ? 'the suite cannot even run it' : `falsely fails ${k.fails.join(', ')}`;
  return `alternative "${o.name}" (${o.dialect}) ${what}: ${k.why} (fix in ${k.fixIn})`;
}

/** One sentence per way an alternative failed to certify. */
export function alternativeProblems(o: AlternativeOutcome): string[] {
  const who = `alternative "${o.name}" (${o.dialect})`;
  if (o.status === 'known') return [];
  if (o.status === 'stale')
    return [`${who} certifies now: remove its knownFalseVerdict (${o.knownFalseVerdict!.why})`];
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
  const RESULT = {
    certified: paint('green', 'certified'.padEnd(12)),
    known: paint('yellow', 'known false'.padEnd(12)),
    failed: paint(['red', 'bold'], 'FAILED'.padEnd(12)),
    stale: paint(['red', 'bold'], 'STALE'.padEnd(12)),
  };
  for (const a of report.alternatives) {
    const result = RESULT[a.status];
    const note = a.certified
      ? a.nonStrict.length > 0
        ? `non-strict: ${a.nonStrict.join(' ')}`
        : ''
      : [...a.falselyFailed.map((f) => f.id), ...(a.errors.length ? ['cannot start'] : [])].join(' ');
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
  if (report.known.length > 0) {
    lines.push('', paint(['yellow', 'bold'], 'False verdicts of the suite waiting for their fix:'));
    for (const k of report.known) lines.push(`  - ${k}`);
  }
  if (report.problems.length > 0) {
    lines.push('', paint(['red', 'bold'], `Problems (exit code ${report.exitCode}):`));
    for (const p of report.problems) lines.push(`  - ${p}`);
  } else
    lines.push(
      paint(
        'green',
        `No problems: every conformant alternative certifies in its dialects${report.known.length ? ', but for the known false verdicts above' : ''}.`,
      ),
    );
  return lines.map((l) => l.trimEnd()).join('\n');
}
