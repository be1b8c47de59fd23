// npm run mutants [-- --only NAME,... --json FILE --concurrency N ...]   (--help for all options)
// Proves the suite catches faults: the unmodified reference must pass everything in both dialects,
// and every faulty variant of the catalogue must fail at least one of its mustCatch requirements, on
// the reference and layered on every-alternative (a check that catches a fault only among the
// reference's own choices is coupled to them). Every run starts through the CLI users run (pool.ts).
import { loadavg } from 'node:os';
import { basename, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { EVERY_ALTERNATIVE } from '../../fixtures/reference/select.ts';
import { VARIANTS } from '../../fixtures/variants/catalogue.ts';
import type { FaultyVariant } from '../../fixtures/variants/variant.ts';
import { DIALECTS } from '../protocol/dialect.ts';
import { assess } from './assess.ts';
import { catalogueProblems } from './catalogue-check.ts';
import {
  DEFAULT_JSON_REPORT,
  MUTANT_BOUND_MS,
  MUTANT_CONCURRENCY,
  MUTANT_CONFIRM_TIMEOUT_MS,
  MUTANT_REPLY_TIMEOUT_MS,
  MUTANT_RUNS,
  MUTANT_SEED,
  REFERENCE_NAME,
} from './config.ts';
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
import {
  type Job,
  type JobResult,
  jobLabel,
  killAllChildren,
  type PoolOptions,
  runPool,
  variantJob,
} from './pool.ts';
import { type MutationReport, writeJsonReport } from './report.ts';
import { PROPERTY_SUITES, suiteFiles } from './suite-files.ts';
import { snapshotOf, writeSnapshot } from '../verdicts/snapshot.ts';
import { abbreviate, colour, type Paint, plain, renderTable, seconds } from './table.ts';

const USAGE = `usage: npm run mutants -- [options]
  --only NAME,...          only these variants (the reference still runs unless --skip-reference)
  --json FILE              JSON report (default reports/out/mutants.json)
  --concurrency N          runs at a time, one worker process per lane (default ${MUTANT_CONCURRENCY})
  --timeout-ms N           reply bound in the scenarios (default ${MUTANT_REPLY_TIMEOUT_MS})
  --confirm-timeout-ms N   reply bound of the confirming run of an outcome that rested on reply
                           timeouts only (default ${MUTANT_CONFIRM_TIMEOUT_MS}; 0: no confirming run)
  --bound-s N              per-run bound; a run past it is killed (default ${MUTANT_BOUND_MS / 1000})
  --skip-reference         do not run the unmodified reference
  --base reference|${EVERY_ALTERNATIVE}|both
                           what the variants are layered on (default both)
  --snapshot FILE          also write the verdict of every requirement per run (npm run verdicts)
  --no-color               plain output`;

/** Runs that stalled (the suite's own fault, issue 12): each fails the run, never retried. */
const stalls: string[] = [];

function usageError(message: string): never {
  process.stderr.write(`${message}\n${USAGE}\n`);
  process.exit(2);
}

function intOption(name: string, raw: string | undefined, fallback: number, min: number): number {
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n < min) usageError(`--${name} must be an integer ≥ ${min}, got "${raw}"`);
  return n;
}

function parse() {
  try {
    return parseArgs({
      allowPositionals: false,
      options: {
        only: { type: 'string' },
        json: { type: 'string' },
        snapshot: { type: 'string' },
        concurrency: { type: 'string' },
        'timeout-ms': { type: 'string' },
        'confirm-timeout-ms': { type: 'string' },
        'bound-s': { type: 'string' },
        'skip-reference': { type: 'boolean', default: false },
        base: { type: 'string', default: 'both' },
        'no-color': { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }).values;
  } catch (e) {
    usageError((e as Error).message);
  }
}

const opts = parse();
if (opts.help) {
  process.stdout.write(`${USAGE}\n`);
  process.exit(0);
}
const concurrency = intOption('concurrency', opts.concurrency, MUTANT_CONCURRENCY, 1);
const timeoutMs = intOption('timeout-ms', opts['timeout-ms'], MUTANT_REPLY_TIMEOUT_MS, 1);
const confirmMs = intOption('confirm-timeout-ms', opts['confirm-timeout-ms'], MUTANT_CONFIRM_TIMEOUT_MS, 0);
const boundMs = intOption('bound-s', opts['bound-s'], MUTANT_BOUND_MS / 1000, 1) * 1000;
const jsonPath = resolve(opts.json ?? DEFAULT_JSON_REPORT);
const BASES: Record<string, readonly (string | undefined)[]> = {
  reference: [undefined],
  [EVERY_ALTERNATIVE]: [EVERY_ALTERNATIVE],
  both: [undefined, EVERY_ALTERNATIVE],
};
const bases =
  BASES[opts.base] ??
  usageError(`--base must be reference, ${EVERY_ALTERNATIVE} or both, not "${opts.base}"`);
const noColour = opts['no-color'] || Boolean(process.env.NO_COLOR);
const paint: Paint = noColour || !process.stdout.isTTY ? plain : colour;
const paintErr: Paint = noColour || !process.stderr.isTTY ? plain : colour;
const say = (line: string): void => {
  process.stderr.write(`${line}\n`);
};

// --- the catalogue ------------------------------------------------------------------------------
const catalogue = catalogueProblems(VARIANTS).map((p) => `catalogue: variant "${p.variant}": ${p.problem}`);
const unique = new Map<string, FaultyVariant>();
for (const v of VARIANTS) if (!unique.has(v.name)) unique.set(v.name, v);
const only = opts.only
  ?.split(',')
  .map((s) => s.trim())
  .filter(Boolean);
if (only) {
  const unknown = only.filter((n) => !unique.has(n));
  if (unknown.length > 0)
    usageError(`--only: unknown variant(s) ${unknown.join(', ')}; known: ${[...unique.keys()].join(', ')}`);
}
const selected = [...unique.values()].filter((v) => !only || only.includes(v.name));
const byName = new Map(selected.map((v) => [v.name, v]));

// --- children never outlive us ------------------------------------------------------------------
process.on('exit', killAllChildren);
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.on(sig, () => {
    killAllChildren();
    say(`\ninterrupted (${sig}): every run killed`);
    process.exit(130);
  });
}

// --- run ----------------------------------------------------------------------------------------
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

async function pool(jobs: readonly Job[], label: string, options: PoolOptions): Promise<JobResult[]> {
  const width = String(jobs.length).length;
  return runPool(jobs, {
    ...options,
    onDone: (r, done, total) => {
      if (!r.ok && r.stalled) stalls.push(r.error);
      say(
        `[${label}${String(done).padStart(width)}/${total}] ${jobLabel(r.job)} (${r.job.dialect}) ${seconds(r.wallMs)}: ${describe(judge(r))}`,
      );
    },
  });
}

const files = suiteFiles();
const jobs: Job[] = [
  ...(opts['skip-reference'] ? [] : DIALECTS.map((dialect) => ({ subject: REFERENCE_NAME, dialect }))),
  ...bases.flatMap((base) => selected.map((v) => variantJob(v, base))),
];
const variantRuns = jobs.length - (opts['skip-reference'] ? 0 : DIALECTS.length);
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

const first = await pool(jobs, '', { concurrency, boundMs, timeoutMs });
const outcomes = first.map(judge);

// Outcomes that rest on reply timeouts only are run again with a longer bound: on a loaded machine a
// short bound runs out against a healthy target too.
const again = confirmMs > timeoutMs ? outcomes.flatMap((o, i) => (restsOnTimeouts(o) ? [i] : [])) : [];
if (again.length > 0) {
  say(
    paintErr(
      'dim',
      `confirming ${again.length} outcome(s) that rest on reply timeouts only, with a ${confirmMs} ms reply bound (scripted suites only, where only scripted scenarios caught it)`,
    ),
  );
  const rerun = await pool(
    again.map((i) => {
      const job = first[i]!.job;
      const scope = confirmScope(outcomes[i]!);
      return { ...job, scope: job.scope === 'split' && scope === 'all' ? 'split' : scope };
    }),
    'confirm ',
    { concurrency, boundMs, timeoutMs: confirmMs },
  );
  again.forEach((i, k) => {
    const before = outcomes[i]!;
    const after = judge(rerun[k]!);
    outcomes[i] =
      'ok' in before
        ? confirmReference(before, after as ReferenceOutcome, confirmMs)
        : confirmVariant(before, after as VariantOutcome, confirmMs);
  });
}
const wallMs = Math.round(performance.now() - t0);

// --- report -------------------------------------------------------------------------------------
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

process.stdout.write(`\n${renderTable(report, paint)}\n`);
let exitCode = report.exitCode;
try {
  writeJsonReport(jsonPath, report);
  say(paintErr('dim', `JSON report: ${jsonPath}`));
} catch (e) {
  say(`could not write the JSON report ${jsonPath}: ${(e as Error).message}`);
  exitCode = 1;
}
if (opts.snapshot) writeSnapshot(resolve(opts.snapshot), snapshotOf(first, report.settings));
process.exitCode = exitCode;
