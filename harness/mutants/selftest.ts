// npm run selftest [-- --concurrency N --no-batch --snapshot FILE --no-color]
// The whole self-test in one go: the mutation run (every faulty variant on both bases, the reference
// in both dialects) and the alternatives run (every conformant alternative), side by side on one
// scheduler (scheduler.ts): one set of lanes, heaviest jobs first, neither waiting for the other's
// last runs or confirming runs. Each part writes the report its own command writes
// (reports/out/mutants.json, reports/out/alternatives.json); the exit code is the worse of the two.
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { EVERY_ALTERNATIVE } from '../../fixtures/reference/select.ts';
import { VARIANTS } from '../../fixtures/variants/catalogue.ts';
import type { FaultyVariant } from '../../fixtures/variants/variant.ts';
import { PACKAGE_ROOT } from '../run/version.ts';
import { mergeSnapshots, snapshotOf, writeSnapshot } from '../verdicts/snapshot.ts';
import { renderAlternatives } from './alternatives-report.ts';
import { runAlternatives } from './alternatives-run.ts';
import { catalogueProblems } from './catalogue-check.ts';
import { CLI } from './cli-run.ts';
import {
  DEFAULT_JSON_REPORT,
  MUTANT_BOUND_MS,
  MUTANT_CONFIRM_TIMEOUT_MS,
  MUTANT_REPLY_TIMEOUT_MS,
  SELFTEST_CONCURRENCY,
} from './config.ts';
import { runMutation } from './mutation-run.ts';
import { killAllChildren } from './pool.ts';
import { writeJsonReport } from './report.ts';
import { createScheduler } from './scheduler.ts';
import { colour, plain, renderTable, seconds } from './table.ts';

const USAGE = `usage: npm run selftest -- [options]
  --concurrency N      lanes, each one CLI run at a time (default ${SELFTEST_CONCURRENCY})
  --no-batch           a CLI process per run instead of one batch process per lane
  --mutants-json FILE  the mutation run's JSON report (default reports/out/mutants.json)
  --alternatives-json FILE
                       the alternatives run's JSON report (default reports/out/alternatives.json)
  --snapshot FILE      also write the verdict of every requirement per run (npm run verdicts)
  --no-color           plain output`;

function usageError(message: string): never {
  process.stderr.write(`${message}\n${USAGE}\n`);
  process.exit(2);
}

let opts: ReturnType<typeof parse>;
function parse() {
  return parseArgs({
    options: {
      concurrency: { type: 'string' },
      'no-batch': { type: 'boolean', default: false },
      'mutants-json': { type: 'string' },
      'alternatives-json': { type: 'string' },
      snapshot: { type: 'string' },
      'no-color': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  }).values;
}
try {
  opts = parse();
} catch (e) {
  usageError((e as Error).message);
}
if (opts.help) {
  process.stdout.write(`${USAGE}\n`);
  process.exit(0);
}
const concurrency = Number(opts.concurrency ?? SELFTEST_CONCURRENCY);
if (!Number.isSafeInteger(concurrency) || concurrency < 1) usageError('--concurrency must be an integer ≥ 1');
const batch = !opts['no-batch'];
const noColour = opts['no-color'] || Boolean(process.env.NO_COLOR);
const paint = noColour || !process.stdout.isTTY ? plain : colour;
const paintErr = noColour || !process.stderr.isTTY ? plain : colour;
const say = (line: string): void => {
  process.stderr.write(`${line}\n`);
};

process.on('exit', killAllChildren);
for (const sig of ['SIGINT', 'SIGTERM'] as const)
  process.on(sig, () => {
    killAllChildren();
    say(`\ninterrupted (${sig}): every run killed`);
    process.exit(130);
  });

/** CPU seconds of this process's children that have ended (Linux; undefined elsewhere). */
function childCpuS(): number | undefined {
  try {
    const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[13]) + Number(fields[14])) / 100; // cutime + cstime, in clock ticks
  } catch {
    return undefined;
  }
}

const unique = new Map<string, FaultyVariant>();
for (const v of VARIANTS) if (!unique.has(v.name)) unique.set(v.name, v);
const loadAtStart = loadavg()[0]!;
const t0 = performance.now();
say(
  paintErr(
    'dim',
    `selftest: the mutation run and the alternatives run on ${concurrency} lanes (${batch ? 'one batch CLI process per lane' : 'a CLI process per run'}), load average ${loadAtStart.toFixed(1)}`,
  ),
);
const scheduler = createScheduler({ concurrency, batch, command: [process.execPath, CLI] });
const [mutation, alternatives] = await Promise.all([
  runMutation({
    selected: [...unique.values()],
    bases: [undefined, EVERY_ALTERNATIVE],
    skipReference: false,
    concurrency,
    timeoutMs: MUTANT_REPLY_TIMEOUT_MS,
    confirmMs: MUTANT_CONFIRM_TIMEOUT_MS,
    boundMs: MUTANT_BOUND_MS,
    catalogue: catalogueProblems(VARIANTS).map((p) => `catalogue: variant "${p.variant}": ${p.problem}`),
    say,
    paintErr,
    scheduler,
  }),
  runAlternatives({ concurrency, say, scheduler }),
]).finally(() => scheduler.close()); // the lanes' processes have ended: their CPU time is counted
const wallMs = Math.round(performance.now() - t0);

process.stdout.write(`\n${renderAlternatives(alternatives.report, paint)}\n`);
process.stdout.write(`\n${renderTable(mutation.report, paint)}\n`);
let exitCode = Math.max(mutation.report.exitCode, alternatives.report.exitCode);
const reports: [string, object][] = [
  [resolve(opts['mutants-json'] ?? DEFAULT_JSON_REPORT), mutation.report],
  [
    resolve(opts['alternatives-json'] ?? resolve(PACKAGE_ROOT, 'reports/out/alternatives.json')),
    alternatives.report,
  ],
];
for (const [path, report] of reports)
  try {
    writeJsonReport(path, report);
    say(paintErr('dim', `JSON report: ${path}`));
  } catch (e) {
    say(`could not write the JSON report ${path}: ${(e as Error).message}`);
    exitCode = 1;
  }
if (opts.snapshot)
  writeSnapshot(
    resolve(opts.snapshot),
    mergeSnapshots([
      snapshotOf(mutation.first, mutation.report.settings),
      snapshotOf(alternatives.results, alternatives.report.settings),
    ]),
  );
const cpu = childCpuS();
say(
  `selftest: ${mutation.report.score.caught}/${mutation.report.score.total} variants caught, ${alternatives.report.alternatives.filter((a) => a.status === 'certified').length}/${alternatives.report.alternatives.length} alternatives certified, ${seconds(wallMs)} wall${cpu === undefined ? '' : `, ${cpu.toFixed(0)} s CPU in the runs`} on ${concurrency} lanes (load average ${loadAtStart.toFixed(1)} → ${loadavg()[0]!.toFixed(1)}): ${exitCode === 0 ? 'passed' : 'FAILED'}`,
);
process.exitCode = exitCode;
