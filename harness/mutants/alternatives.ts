// npm run alternatives [-- --only NAME,... --json FILE --concurrency N]
// Proves the suite does not over-read the seed: every conformant alternative (fixtures/alternatives),
// and every-alternative, certifies (exit 0 at level MUST) in each dialect it applies to. Each run
// starts through the CLI users run (pool.ts), with the reply bound users get.
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { EVERY_ALTERNATIVE } from '../../fixtures/reference/select.ts';
import { ALTERNATIVE_CHOICES, runAlternatives } from './alternatives-run.ts';
import { PACKAGE_ROOT } from '../run/version.ts';
import { renderAlternatives } from './alternatives-report.ts';
import { MUTANT_CONCURRENCY } from './config.ts';
import { killAllChildren } from './pool.ts';
import { writeJsonReport } from './report.ts';
import { colour, plain } from './table.ts';
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

const only = opts.only
  ?.split(',')
  .map((s) => s.trim())
  .filter(Boolean);
const unknown = (only ?? []).filter((n) => !ALTERNATIVE_CHOICES.has(n));
if (unknown.length > 0) usageError(`--only: unknown alternative(s) ${unknown.join(', ')}`);

process.on('exit', killAllChildren);
for (const sig of ['SIGINT', 'SIGTERM'] as const)
  process.on(sig, () => {
    killAllChildren();
    process.exit(130);
  });

const { report, results } = await runAlternatives({ ...(only ? { only } : {}), concurrency, say });
const stalls = report.stalls;
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
