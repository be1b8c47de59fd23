// The alternatives run itself (npm run alternatives, npm run selftest): every conformant alternative,
// and every-alternative, certified in each dialect it applies to, through the pool (pool.ts), with the
// reply bound and property budget users get; the report is assembled here, printed and written by the
// caller.
import { ALTERNATIVES } from '../../fixtures/alternatives/catalogue.ts';
import { appliesTo, EVERY_ALTERNATIVE } from '../../fixtures/reference/select.ts';
import { VARIANTS } from '../../fixtures/variants/catalogue.ts';
import { DEFAULTS } from '../cli/options.ts';
import { DIALECTS } from '../protocol/dialect.ts';
import {
  type AlternativesReport,
  alternativeProblems,
  judgeAlternative,
  knownLine,
} from './alternatives-report.ts';
import { alternativeProblems as catalogueProblems } from './catalogue-check.ts';
import { MUTANT_BOUND_MS, MUTANT_SEED } from './config.ts';
import { type Job, type JobResult, jobLabel, runPool } from './pool.ts';
import type { Scheduler } from './scheduler.ts';
import { seconds } from './table.ts';

/** Every alternative's name with its choice in a sentence; every-alternative among them. */
export const ALTERNATIVE_CHOICES = new Map<string, string>([
  [EVERY_ALTERNATIVE, 'every combinable alternative at once, layered (fixtures/reference/select.ts)'],
  ...ALTERNATIVES.map((a): [string, string] => [a.name, a.choice]),
]);

export interface AlternativesRunOptions {
  /** Only these alternatives (checked against ALTERNATIVE_CHOICES by the caller). */
  readonly only?: readonly string[];
  readonly concurrency: number;
  readonly say: (line: string) => void;
  /** Lanes shared with the mutation run (npm run selftest). */
  readonly scheduler?: Scheduler;
  /** false: a CLI process per run instead of a batch per lane. */
  readonly batch?: boolean;
}

export interface AlternativesRun {
  readonly report: AlternativesReport;
  readonly results: JobResult[];
}

export async function runAlternatives(o: AlternativesRunOptions): Promise<AlternativesRun> {
  const { only, concurrency, say } = o;
  const knownOf = (name: string) => ALTERNATIVES.find((a) => a.name === name)?.knownFalseVerdict;
  const judge = (r: JobResult) =>
    judgeAlternative(r, ALTERNATIVE_CHOICES.get(r.job.subject) ?? '', knownOf(r.job.subject));
  const wanted = (name: string): boolean => !only || only.includes(name);
  const jobs: Job[] = [
    ...(wanted(EVERY_ALTERNATIVE)
      ? DIALECTS.map((dialect) => ({ subject: EVERY_ALTERNATIVE, dialect }))
      : []),
    ...ALTERNATIVES.filter((a) => wanted(a.name)).flatMap((a) =>
      DIALECTS.filter((d) => appliesTo(a, d)).map((dialect) => ({
        subject: a.name,
        dialect,
        ...(a.boundMs === undefined ? {} : { boundMs: a.boundMs }),
      })),
    ),
  ];
  const catalogue = catalogueProblems(ALTERNATIVES, VARIANTS).map(
    (p) => `catalogue: alternative "${p.variant}": ${p.problem}`,
  );
  for (const p of catalogue) say(p);
  say(`alternatives: ${jobs.length} runs, ${concurrency} at a time, reply bound ${DEFAULTS.timeoutMs} ms`);
  const startedAt = new Date();
  const t0 = performance.now();
  /** Runs that stalled (the suite's own fault, issue 12): each fails the run, never retried. */
  const stalls: string[] = [];
  const results = await runPool(jobs, {
    concurrency,
    ...(o.scheduler ? { scheduler: o.scheduler } : {}),
    ...(o.batch === undefined ? {} : { batch: o.batch }),
    boundMs: MUTANT_BOUND_MS,
    timeoutMs: DEFAULTS.timeoutMs,
    seed: MUTANT_SEED,
    runs: DEFAULTS.runs,
    onDone: (r, done, total) => {
      if (!r.ok && r.stalled) stalls.push(r.error);
      const a = judge(r);
      const how =
        a.status === 'certified'
          ? 'certified'
          : a.status === 'known'
            ? 'fails as known (a false verdict waiting for its fix)'
            : `${a.status.toUpperCase()} ${alternativeProblems(a)[0] ?? ''}`;
      say(`[alt ${done}/${total}] ${jobLabel(r.job)} (${r.job.dialect}) ${seconds(r.wallMs)}: ${how}`);
    },
  });
  const alternatives = results.map(judge);
  const problems = [...catalogue, ...alternatives.flatMap(alternativeProblems)];
  const report: AlternativesReport = {
    kind: 'omega-alternatives',
    startedAt: startedAt.toISOString(),
    settings: { seed: MUTANT_SEED, runs: DEFAULTS.runs, replyTimeoutMs: DEFAULTS.timeoutMs },
    alternatives,
    wallMs: Math.round(performance.now() - t0),
    known: alternatives.filter((a) => a.status === 'known').map(knownLine),
    problems,
    stalls,
    exitCode: problems.length > 0 ? 1 : 0,
  };
  return { report, results };
}
