// npm run mutants [-- --only NAME,... --json FILE --concurrency N ...]   (--help for all options)
// Proves the suite catches faults: the unmodified reference must pass everything in both dialects,
// and every faulty variant of the catalogue must fail at least one of its mustCatch requirements, on
// the reference and layered on every-alternative (a check that catches a fault only among the
// reference's own choices is coupled to them). Every run starts through the CLI users run (pool.ts);
// the run itself is mutation-run.ts (npm run selftest runs it beside the alternatives).
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { EVERY_ALTERNATIVE } from '../../fixtures/reference/select.ts';
import { VARIANTS } from '../../fixtures/variants/catalogue.ts';
import type { FaultyVariant } from '../../fixtures/variants/variant.ts';
import { runMutation } from './mutation-run.ts';
import { catalogueProblems } from './catalogue-check.ts';
import {
  DEFAULT_JSON_REPORT,
  MUTANT_BOUND_MS,
  MUTANT_CONCURRENCY,
  MUTANT_CONFIRM_TIMEOUT_MS,
  MUTANT_REPLY_TIMEOUT_MS,
} from './config.ts';
import { killAllChildren } from './pool.ts';
import { writeJsonReport } from './report.ts';
import { snapshotOf, writeSnapshot } from '../verdicts/snapshot.ts';
import { colour, type Paint, plain, renderTable } from './table.ts';

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
const { report, first } = await runMutation({
  selected,
  bases,
  skipReference: opts['skip-reference'],
  concurrency,
  timeoutMs,
  confirmMs,
  boundMs,
  ...(only ? { only } : {}),
  catalogue,
  say,
  paintErr,
});

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
