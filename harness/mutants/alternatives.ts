// npm run alternatives [-- --only NAME,... --json FILE --concurrency N]
// Proves the suite does not over-read the seed: every conformant alternative (fixtures/alternatives),
// and every-alternative, certifies (exit 0 at level MUST) in each dialect it applies to. Each run
// starts through the CLI users run (pool.ts), with the reply bound users get.
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ALTERNATIVES } from '../../fixtures/alternatives/catalogue.ts';
import { appliesTo, EVERY_ALTERNATIVE } from '../../fixtures/reference/select.ts';
import { VARIANTS } from '../../fixtures/variants/catalogue.ts';
import { DEFAULTS } from '../cli/options.ts';
import { DIALECTS } from '../protocol/dialect.ts';
import { PACKAGE_ROOT } from '../run/version.ts';
import {
  type AlternativesReport,
  alternativeProblems,
  judgeAlternative,
  knownLine,
  renderAlternatives,
} from './alternatives-report.ts';
import { alternativeProblems as catalogueProblems } from './catalogue-check.ts';
import { MUTANT_BOUND_MS, MUTANT_CONCURRENCY, MUTANT_SEED } from './config.ts';
import { type Job, type JobResult, jobLabel, killAllChildren, runPool } from './pool.ts';
import { writeJsonReport } from './report.ts';
import { colour, plain, seconds } from './table.ts';
import { snapshotOf, writeSnapshot } from '../verdicts/snapshot.ts';

const USAGE = `usage: npm run alternatives -- [options]
  --only NAME,...      only these alternatives (${EVERY_ALTERNATIVE} is one of them)
  --json FILE          JSON report (default reports/out/alternatives.json)
  --concurrency N      runs at a time (default ${MUTANT_CONCURRENCY})
  --snapshot FILE      also write the verdict of every requirement per run (npm run verdicts)
  --no-color           plain output`;

function usageError(message: string): never {
  process.stderr.write(`${message}\n${USAGE}\n`);
  process.exit(2);
}

let opts: {
  only?: string;
  json?: string;
  snapshot?: string;
  concurrency?: string;
  'no-color'?: boolean;
  help?: boolean;
};
try {
  opts = parseArgs({
    options: {
      only: { type: 'string' },
      json: { type: 'string' },
      snapshot: { type: 'string' },
      concurrency: { type: 'string' },
      'no-color': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  }).values;
} catch (e) {
  usageError((e as Error).message);
}
if (opts.help) {
  process.stdout.write(`${USAGE}\n`);
  process.exit(0);
}
const concurrency = Number(opts.concurrency ?? MUTANT_CONCURRENCY);
if (!Number.isSafeInteger(concurrency) || concurrency < 1) usageError('--concurrency must be an integer ≥ 1');
const jsonPath = resolve(opts.json ?? resolve(PACKAGE_ROOT, 'reports/out/alternatives.json'));
const noColour = opts['no-color'] || Boolean(process.env.NO_COLOR);
const paint = noColour || !process.stdout.isTTY ? plain : colour;
const say = (line: string): void => {
  process.stderr.write(`${line}\n`);
};

const choices = new Map<string, string>([
  [EVERY_ALTERNATIVE, 'every combinable alternative at once, layered (fixtures/reference/select.ts)'],
  ...ALTERNATIVES.map((a): [string, string] => [a.name, a.choice]),
]);
const only = opts.only
  ?.split(',')
  .map((s) => s.trim())
  .filter(Boolean);
const knownOf = (name: string) => ALTERNATIVES.find((a) => a.name === name)?.knownFalseVerdict;
const judge = (r: JobResult) => judgeAlternative(r, choices.get(r.job.subject) ?? '', knownOf(r.job.subject));
const unknown = (only ?? []).filter((n) => !choices.has(n));
if (unknown.length > 0) usageError(`--only: unknown alternative(s) ${unknown.join(', ')}`);
const wanted = (name: string): boolean => !only || only.includes(name);
const jobs: Job[] = [
  ...(wanted(EVERY_ALTERNATIVE) ? DIALECTS.map((dialect) => ({ subject: EVERY_ALTERNATIVE, dialect })) : []),
  ...ALTERNATIVES.filter((a) => wanted(a.name)).flatMap((a) =>
    DIALECTS.filter((d) => appliesTo(a, d)).map((dialect) => ({
      subject: a.name,
      dialect,
      ...(a.boundMs === undefined ? {} : { boundMs: a.boundMs }),
    })),
  ),
];

process.on('exit', killAllChildren);
for (const sig of ['SIGINT', 'SIGTERM'] as const)
  process.on(sig, () => {
    killAllChildren();
    process.exit(130);
  });

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
  boundMs: MUTANT_BOUND_MS,
  timeoutMs: DEFAULTS.timeoutMs,
  seed: MUTANT_SEED,
  runs: DEFAULTS.runs,
  onDone: (r, done, total) => {
    if (!r.ok && r.stalled) stalls.push(r.error);
    const o = judge(r);
    const how =
      o.status === 'certified'
        ? 'certified'
        : o.status === 'known'
          ? 'fails as known (a false verdict waiting for its fix)'
          : `${o.status.toUpperCase()} ${alternativeProblems(o)[0] ?? ''}`;
    say(`[${done}/${total}] ${jobLabel(r.job)} (${r.job.dialect}) ${seconds(r.wallMs)}: ${how}`);
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
process.stdout.write(`\n${renderAlternatives(report, paint)}\n`);
for (const line of stalls) say(`warning: ${line}`);
let exitCode = report.exitCode;
try {
  writeJsonReport(jsonPath, report);
  say(`JSON report: ${jsonPath}`);
} catch (e) {
  say(`could not write the JSON report ${jsonPath}: ${(e as Error).message}`);
  exitCode = 1;
}
if (opts.snapshot) writeSnapshot(resolve(opts.snapshot), snapshotOf(results, report.settings));
process.exitCode = exitCode;
