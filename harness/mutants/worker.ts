// Runs in a process of its own, one run at a time (the vitest Node API is not re-entrant).
//
//   node --import tsx harness/mutants/worker.ts <variant|reference> <seed|tensamin> [--timeout-ms N]
//     one run; the result is ONE JSON line on stdout (kind "mutant-run").
//   node --import tsx harness/mutants/worker.ts --serve
//     what the pool starts: job lines (kind "mutant-job") on stdin, run one after the other, each
//     answered with its result line; exits when stdin closes, so it never outlives the pool.
//
// Before the result, one line per finished scenario (kind "mutant-scenario"), so that a run killed at
// its bound still tells what failed so far; a readable progress line per scenario goes to stderr.
import { basename } from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { variantByName } from '../../fixtures/variants/catalogue.ts';
import { type Dialect, isDialect } from '../protocol/dialect.ts';
import type { ScenarioResult } from '../run/collector.ts';
import { MUTANT_REPLY_TIMEOUT_MS, REFERENCE_NAME } from './config.ts';
import { type JobLine, jobLineSchema, type RunResult, type ScenarioLine } from './result.ts';
import { runVariant } from './run-variant.ts';

const out = (line: object): Promise<void> =>
  new Promise((resolve) => process.stdout.write(`${JSON.stringify(line)}\n`, () => resolve()));

function scenarioDone(s: ScenarioResult): void {
  const fails = [...new Set(s.checks.filter((c) => c.outcome === 'fail').map((c) => c.requirement))];
  const line: ScenarioLine = {
    kind: 'mutant-scenario',
    name: s.name,
    file: basename(s.file),
    state: s.state,
    durationMs: Math.round(s.durationMs),
    fails,
  };
  void out(line);
  process.stderr.write(
    `${s.state.padEnd(7)} ${String(line.durationMs).padStart(5)}ms ${s.name}${fails.length ? `  ✗ ${fails.join(' ')}` : ''}\n`,
  );
}

// A faulty variant may throw outside the reference's dispatch guard (in decode, say): for the
// conformance run that is a server whose handler crashed. Record it and let the run go on.
let thrown: string[] = [];
const record = (e: unknown): void => {
  const msg = e instanceof Error ? (e.stack ?? e.message).split('\n').slice(0, 3).join(' | ') : String(e);
  if (thrown.length < 5) thrown.push(`uncaught in the worker (the target threw?): ${msg}`);
  process.stderr.write(`uncaught: ${msg}\n`);
};
process.on('uncaughtException', record);
process.on('unhandledRejection', record);

async function run(
  subject: string,
  dialect: Dialect,
  timeoutMs: number,
  scope: 'all' | 'scripted' = 'all',
): Promise<RunResult> {
  thrown = [];
  const variant = subject === REFERENCE_NAME ? undefined : variantByName(subject);
  const result = await runVariant(variant, { dialect, timeoutMs, scope, progress: scenarioDone });
  return { ...result, errors: [...result.errors, ...thrown] };
}

async function serve(): Promise<void> {
  // A heartbeat on stdout: the pool cuts off a worker whose event loop stops (see pool.ts).
  setInterval(() => process.stdout.write('{"kind":"mutant-alive"}\n'), 1000).unref();
  const lines = createInterface({ input: process.stdin, crlfDelay: Number.POSITIVE_INFINITY });
  for await (const raw of lines) {
    if (!raw.trim()) continue;
    let job: JobLine;
    try {
      job = jobLineSchema.parse(JSON.parse(raw));
    } catch (e) {
      await out({ kind: 'mutant-job-failed', subject: '?', error: `bad job line: ${(e as Error).message}` });
      continue;
    }
    try {
      await out(await run(job.subject, job.dialect, job.timeoutMs, job.scope));
    } catch (e) {
      await out({ kind: 'mutant-job-failed', subject: job.subject, error: (e as Error).stack ?? String(e) });
    }
  }
  process.exit(0); // stdin closed: the pool is done with us, or gone
}

async function once(argv: string[]): Promise<void> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { 'timeout-ms': { type: 'string' } },
  });
  const [subject, dialect] = positionals;
  const timeoutMs =
    values['timeout-ms'] === undefined ? MUTANT_REPLY_TIMEOUT_MS : Number(values['timeout-ms']);
  if (!subject || !dialect || !isDialect(dialect) || !Number.isSafeInteger(timeoutMs) || timeoutMs <= 0) {
    process.stderr.write(
      'usage: worker.ts <variant|reference> <seed|tensamin> [--timeout-ms N]   or   worker.ts --serve\n',
    );
    process.exit(2);
  }
  try {
    await out(await run(subject, dialect, timeoutMs));
    process.exit(0);
  } catch (e) {
    process.stderr.write(`worker failed: ${(e as Error).stack ?? String(e)}\n`);
    process.exit(1);
  }
}

const argv = process.argv.slice(2);
if (argv[0] === '--serve') await serve();
else await once(argv);
