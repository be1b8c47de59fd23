// npm run mutants [-- --only NAME,... --json FILE --concurrency N --timeout-ms N --bound-s N --skip-reference]
// Proves the suite catches faults: the unmodified reference must pass everything in both dialects,
// and every faulty variant of the catalogue must fail at least one of its mustCatch requirements.
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { VARIANTS } from '../../fixtures/variants/catalogue.ts';
import type { FaultyVariant } from '../../fixtures/variants/variant.ts';
import { DIALECTS } from '../protocol/dialect.ts';
import { catalogueProblems } from './catalogue-check.ts';
import {
  DEFAULT_JSON_REPORT,
  MUTANT_BOUND_MS,
  MUTANT_CONCURRENCY,
  MUTANT_REPLY_TIMEOUT_MS,
  MUTANT_RUNS,
  MUTANT_SEED,
  REFERENCE_NAME,
} from './config.ts';
import { judgeReference, judgeVariant, type ReferenceOutcome, type VariantOutcome } from './judge.ts';
import { type Job, type JobResult, killAllChildren, runPool } from './pool.ts';
import { type MutationReport, writeJsonReport } from './report.ts';
import { PROPERTY_SUITES, suiteFiles } from './suite-files.ts';
import { colour, foldIds, plain, renderTable, seconds } from './table.ts';

const USAGE = `usage: npm run mutants -- [options]
  --only NAME,...     only these variants (the reference still runs unless --skip-reference)
  --json FILE         JSON report (default reports/out/mutants.json)
  --concurrency N     runs at a time, one child process each (default ${MUTANT_CONCURRENCY})
  --timeout-ms N      reply bound in the scenarios (default ${MUTANT_REPLY_TIMEOUT_MS})
  --bound-s N         per-run bound; a run past it is killed (default ${MUTANT_BOUND_MS / 1000})
  --skip-reference    do not run the unmodified reference first
  --no-color          plain output`;

function usageError(message: string): never {
  process.stderr.write(`${message}\n${USAGE}\n`);
  process.exit(2);
}

function positiveInt(name: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n <= 0) usageError(`--${name} must be a positive integer, got "${raw}"`);
  return n;
}

let args: ReturnType<typeof parse>;
function parse() {
  return parseArgs({
    allowPositionals: false,
    options: {
      only: { type: 'string' },
      json: { type: 'string' },
      concurrency: { type: 'string' },
      'timeout-ms': { type: 'string' },
      'bound-s': { type: 'string' },
      'skip-reference': { type: 'boolean', default: false },
      'no-color': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
}
try {
  args = parse();
} catch (e) {
  usageError((e as Error).message);
}
if (args.values.help) {
  process.stdout.write(`${USAGE}\n`);
  process.exit(0);
}
const concurrency = positiveInt('concurrency', args.values.concurrency, MUTANT_CONCURRENCY);
const timeoutMs = positiveInt('timeout-ms', args.values['timeout-ms'], MUTANT_REPLY_TIMEOUT_MS);
const boundMs = positiveInt('bound-s', args.values['bound-s'], MUTANT_BOUND_MS / 1000) * 1000;
const jsonPath = resolve(args.values.json ?? DEFAULT_JSON_REPORT);
const paint = args.values['no-color'] || process.env.NO_COLOR || !process.stdout.isTTY ? plain : colour;
const progressPaint = args.values['no-color'] || process.env.NO_COLOR || !process.stderr.isTTY ? plain : colour;

// --- the catalogue ------------------------------------------------------------------------------
const problems: string[] = [];
for (const p of catalogueProblems(VARIANTS)) problems.push(`catalogue: variant "${p.variant}": ${p.problem}`);

const unique = new Map<string, FaultyVariant>();
for (const v of VARIANTS) if (!unique.has(v.name)) unique.set(v.name, v);
let selected = [...unique.values()];
const only = args.values.only
  ?.split(',')
  .map((s) => s.trim())
  .filter(Boolean);
if (only) {
  const unknown = only.filter((n) => !unique.has(n));
  if (unknown.length > 0)
    usageError(`--only: unknown variant(s) ${unknown.join(', ')}; known: ${[...unique.keys()].join(', ')}`);
  selected = selected.filter((v) => only.includes(v.name));
}

// --- children never outlive us ------------------------------------------------------------------
process.on('exit', killAllChildren);
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.on(sig, () => {
    killAllChildren();
    process.stderr.write(`\ninterrupted (${sig}): every run killed\n`);
    process.exit(130);
  });
}

// --- run ----------------------------------------------------------------------------------------
const files = suiteFiles();
const jobs: Job[] = [
  ...(args.values['skip-reference'] ? [] : DIALECTS.map((dialect) => ({ subject: REFERENCE_NAME, dialect }))),
  ...selected.map((v) => ({ subject: v.name, dialect: v.dialect ?? 'seed' })),
];
const startedAt = new Date();
const t0 = performance.now();
const say = (line: string): void => {
  process.stderr.write(`${line}\n`);
};
say(
  progressPaint(
    'dim',
    `mutants: ${jobs.length} runs (${jobs.length - selected.length} reference, ${selected.length} variants), ${concurrency} at a time, reply bound ${timeoutMs} ms, per-run bound ${boundMs / 1000} s`,
  ),
);

const byName = new Map(selected.map((v) => [v.name, v]));
const width = String(jobs.length).length;
const describe = (r: JobResult): string => {
  const { subject } = r.job;
  if (!r.ok) return progressPaint('red', `ERROR: ${r.error}`);
  if (subject === REFERENCE_NAME) {
    const o = judgeReference(r);
    if (o.ok) return progressPaint('green', 'passes');
    return progressPaint(
      'red',
      `${o.failed.length} failed, ${o.coverageGaps.length} unchecked (coverage gap)${o.errors.length ? `, ${o.errors.length} errors` : ''}`,
    );
  }
  const o = judgeVariant(byName.get(subject)!, r);
  return o.status === 'caught'
    ? progressPaint('green', `caught by ${o.caughtBy.join(' ')}`)
    : progressPaint('red', `SURVIVED (failing: ${o.failed.join(' ') || 'nothing'})`);
};
const results = await runPool(jobs, {
  concurrency,
  boundMs,
  timeoutMs,
  onDone: (r, done, total) =>
    say(
      `[${String(done).padStart(width)}/${total}] ${r.job.subject} (${r.job.dialect}) ${seconds(r.wallMs)}: ${describe(r)}`,
    ),
});
const wallMs = Math.round(performance.now() - t0);

// --- judge --------------------------------------------------------------------------------------
const reference: ReferenceOutcome[] = [];
const variants: VariantOutcome[] = [];
for (const r of results) {
  if (r.job.subject === REFERENCE_NAME) reference.push(judgeReference(r));
  else variants.push(judgeVariant(byName.get(r.job.subject)!, r));
}
for (const r of reference) {
  if (r.failed.length > 0)
    problems.push(
      `reference (${r.dialect}): ${r.failed.length} requirement(s) fail against the unmodified reference: ${r.failed.map((f) => `${f.id} (${f.verdict})`).join(', ')}`,
    );
  if (r.coverageGaps.length > 0)
    problems.push(
      `reference (${r.dialect}): COVERAGE FAILURE: ${r.coverageGaps.length} MUST/SHOULD requirement(s) no scenario checked in this run: ${foldIds(r.coverageGaps)}`,
    );
  for (const e of r.errors) problems.push(`reference (${r.dialect}): ${e.split('\n')[0]}`);
}
for (const v of variants) {
  if (v.status === 'survived')
    problems.push(
      `variant "${v.name}" (${v.dialect}) SURVIVED: none of ${v.mustCatch.join(', ')} failed (failing: ${v.failed.join(', ') || 'nothing'})`,
    );
  if (v.status === 'error') problems.push(`variant "${v.name}" (${v.dialect}): ${v.errors[0]?.split('\n')[0]}`);
}
const present = new Set(files.properties.map((f) => f.split('/').pop()));
const missingPropertySuites = PROPERTY_SUITES.filter((p) => !present.has(p));
const caught = variants.filter((v) => v.status === 'caught').length;
const report: MutationReport = {
  kind: 'omega-mutants',
  startedAt: startedAt.toISOString(),
  settings: {
    seed: MUTANT_SEED,
    runs: MUTANT_RUNS,
    replyTimeoutMs: timeoutMs,
    boundMs,
    concurrency,
    ...(only ? { only } : {}),
  },
  suites: {
    files: [...files.scripted, ...files.properties].map((f) => f.split('/').pop()!),
    missingPropertySuites,
  },
  reference,
  variants,
  score: { caught, total: variants.length },
  wallMs,
  runTimeSumMs: results.reduce((s, r) => s + r.wallMs, 0),
  problems,
  exitCode: problems.length > 0 ? 1 : 0,
};

process.stdout.write(`\n${renderTable(report, paint)}\n`);
try {
  writeJsonReport(jsonPath, report);
  say(progressPaint('dim', `JSON report: ${jsonPath}`));
} catch (e) {
  say(`could not write the JSON report ${jsonPath}: ${(e as Error).message}`);
  process.exitCode = 1;
}
process.exitCode = Math.max(Number(process.exitCode ?? 0), report.exitCode);
