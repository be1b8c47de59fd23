// The mutation run itself (npm run mutants, npm run selftest): the unmodified reference in both
// dialects and every selected faulty variant on each base, through the pool (pool.ts); an outcome
// resting on reply timeouts only gets a confirming run with a longer bound; the report is assembled
// here, printed and written by the caller.
import { loadavg } from 'node:os';
import { basename } from 'node:path';
import type { FaultyVariant } from '../../fixtures/variants/variant.ts';
import { DIALECTS } from '../protocol/dialect.ts';
import { assess } from './assess.ts';
import { MUTANT_RUNS, MUTANT_SEED, REFERENCE_NAME } from './config.ts';
import {
  confirmReference,
  confirmScope,
  confirmVariant,
  judgeReference,
  judgeVariant,
  type ReferenceOutcome,
  restsOnTimeouts,
  type VariantOutcome,
} from './judge.ts';
import { CLI } from './cli-run.ts';
import { type Job, type JobResult, jobLabel, runPool, variantJob } from './pool.ts';
import type { MutationReport } from './report.ts';
import { createScheduler, type Scheduler } from './scheduler.ts';
import { PROPERTY_SUITES, suiteFiles } from './suite-files.ts';
import { abbreviate, type Paint, seconds } from './table.ts';

/**
 * On a scheduler shared with the alternatives run, the mutation run's jobs go first: a confirming run
 * follows some of them, and should not be what the whole self-test waits for at its end.
 */
const FOLLOWED_UP = 100;

export interface MutationRunOptions {
  readonly selected: readonly FaultyVariant[];
  /** What the variants are layered on (undefined: the reference). */
  readonly bases: readonly (string | undefined)[];
  readonly skipReference: boolean;
  readonly concurrency: number;
  readonly timeoutMs: number;
  readonly confirmMs: number;
  readonly boundMs: number;
  readonly only?: readonly string[];
  /** Problems of the catalogue itself, each failing the run. */
  readonly catalogue: readonly string[];
  readonly say: (line: string) => void;
  /** Paint for the progress lines (stderr). */
  readonly paintErr: Paint;
  /** Lanes shared with the alternatives run (npm run selftest). */
  readonly scheduler?: Scheduler;
  /** false: a CLI process per run instead of a batch per lane. */
  readonly batch?: boolean;
}

export interface MutationRun {
  readonly report: MutationReport;
  /** The first run of each job, for a verdict snapshot. */
  readonly first: JobResult[];
}

export async function runMutation(o: MutationRunOptions): Promise<MutationRun> {
  const {
    selected,
    bases,
    skipReference,
    concurrency,
    timeoutMs,
    confirmMs,
    boundMs,
    only,
    catalogue,
    say,
    paintErr,
  } = o;
  const byName = new Map(selected.map((v) => [v.name, v]));
  /** Runs that stalled (the suite's own fault, issue 12): each fails the run, never retried. */
  const stalls: string[] = [];
  const isReference = (j: Job): boolean => j.subject === REFERENCE_NAME;
  const judge = (r: JobResult): ReferenceOutcome | VariantOutcome =>
    isReference(r.job) ? judgeReference(r) : judgeVariant(byName.get(r.job.subject)!, r);

  function describe(o: ReferenceOutcome | VariantOutcome): string {
    if ('ok' in o) {
      if (o.ok) return paintErr('green', 'passes');
      if (o.errors.length > 0 && o.failed.length === 0)
        return paintErr('red', `ERROR: ${o.errors[0]!.split('\n')[0]}`);
      return paintErr(
        'red',
        `${o.failed.length} failed${restsOnTimeouts(o) ? ' (reply timeouts only)' : ''}, ${o.coverageGaps.length} unchecked (coverage gap)${o.errors.length ? `, ${o.errors.length} errors` : ''}`,
      );
    }
    if (o.status === 'caught')
      return paintErr(
        'green',
        `caught by ${abbreviate(o.caughtBy, 60)}${restsOnTimeouts(o) ? ' (reply timeouts only)' : ''}`,
      );
    if (o.status === 'error') return paintErr('red', `ERROR: ${o.errors[0]?.split('\n')[0]}`);
    return paintErr('red', `SURVIVED (failing: ${abbreviate(o.failed, 60)})`);
  }

  const line = (label: string, r: JobResult): void => {
    if (!r.ok && r.stalled) stalls.push(r.error);
    say(`[${label}] ${jobLabel(r.job)} (${r.job.dialect}) ${seconds(r.wallMs)}: ${describe(judge(r))}`);
  };

  const files = suiteFiles();
  const jobs: Job[] = [
    ...(skipReference ? [] : DIALECTS.map((dialect) => ({ subject: REFERENCE_NAME, dialect }))),
    ...bases.flatMap((base) => selected.map((v) => variantJob(v, base))),
  ];
  const variantRuns = jobs.length - (skipReference ? 0 : DIALECTS.length);
  const startedAt = new Date();
  const loadAtStart = loadavg()[0]!;
  const t0 = performance.now();
  say(
    paintErr(
      'dim',
      `mutants: ${jobs.length} runs (${jobs.length - variantRuns} reference, ${variantRuns} variant runs on ${bases.map((b) => b ?? 'reference').join(' and ')}), ${concurrency} at a time, reply bound ${timeoutMs} ms, per-run bound ${boundMs / 1000} s, load average ${loadAtStart.toFixed(1)}`,
    ),
  );
  for (const p of catalogue) say(paintErr('red', p));

  // The first runs and the confirming runs share the lanes: a confirming run starts as soon as the
  // outcome it confirms is known, not after the last first run.
  const scheduler =
    o.scheduler ??
    createScheduler({
      concurrency,
      command: [process.execPath, CLI],
      ...(o.batch === undefined ? {} : { batch: o.batch }),
    });
  // Outcomes that rest on reply timeouts only are run again with a longer bound: on a loaded machine a
  // short bound runs out against a healthy target too.
  const confirming = new Map<number, Promise<JobResult>>();
  const width = String(jobs.length).length;
  let done = 0;
  let first: JobResult[];
  try {
    first = await runPool(jobs, {
      scheduler,
      priority: FOLLOWED_UP,
      boundMs,
      timeoutMs,
      onDone: (r) => {
        done++;
        line(`${String(done).padStart(width)}/${jobs.length}`, r);
        const outcome = judge(r);
        if (confirmMs <= timeoutMs || !restsOnTimeouts(outcome)) return;
        const scope = confirmScope(outcome);
        const job: Job = { ...r.job, scope: r.job.scope === 'split' && scope === 'all' ? 'split' : scope };
        say(
          paintErr(
            'dim',
            `confirming ${jobLabel(job)} (${job.dialect}), which rests on reply timeouts only, with a ${confirmMs} ms reply bound (${job.scope === 'scripted' ? 'the scripted suites only: only scripted scenarios caught it' : 'every suite'})`,
          ),
        );
        confirming.set(
          jobs.indexOf(r.job),
          runPool([job], { scheduler, boundMs, timeoutMs: confirmMs, priority: FOLLOWED_UP }).then(([c]) => {
            line('confirm', c!);
            return c!;
          }),
        );
      },
    });
    await Promise.all(confirming.values());
  } finally {
    if (!o.scheduler) await scheduler.close();
  }
  const outcomes = first.map(judge);
  for (const [i, rerun] of confirming) {
    const before = outcomes[i]!;
    const after = judge(await rerun);
    outcomes[i] =
      'ok' in before
        ? confirmReference(before, after as ReferenceOutcome, confirmMs)
        : confirmVariant(before, after as VariantOutcome, confirmMs);
  }
  const wallMs = Math.round(performance.now() - t0);

  const reference = outcomes.filter((o): o is ReferenceOutcome => 'ok' in o);
  const variants = outcomes.filter((o): o is VariantOutcome => !('ok' in o));
  const present = new Set(files.properties.map((f) => basename(f)));
  const missingPropertySuites = PROPERTY_SUITES.filter((p) => !present.has(p));
  const assessed = assess(catalogue, reference, variants, missingPropertySuites);
  const problems = assessed.problems;
  // A stalled run already fails as a variant not judged; its line is repeated among the warnings.
  const warnings = [...assessed.warnings, ...stalls];
  const report: MutationReport = {
    kind: 'omega-mutants',
    startedAt: startedAt.toISOString(),
    settings: {
      seed: MUTANT_SEED,
      runs: MUTANT_RUNS,
      replyTimeoutMs: timeoutMs,
      confirmTimeoutMs: confirmMs,
      boundMs,
      concurrency,
      ...(only ? { only } : {}),
    },
    machine: { loadAverageAtStart: loadAtStart, loadAverageAtEnd: loadavg()[0]! },
    suites: {
      files: [...files.scripted, ...files.properties].map((f) => basename(f)),
      missingPropertySuites,
    },
    reference,
    variants,
    score: { caught: variants.filter((v) => v.status === 'caught').length, total: variants.length },
    wallMs,
    runTimeSumMs: outcomes.reduce((s, o) => s + o.timeMs, 0),
    problems,
    warnings,
    exitCode: problems.length > 0 ? 1 : 0,
  };

  return { report, first };
}
