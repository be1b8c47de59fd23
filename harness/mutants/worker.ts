// One run in its own process: node --import tsx harness/mutants/worker.ts <variant|reference> <seed|tensamin>
//   [--timeout-ms N] [--exit-with-parent]
// Prints the result as ONE JSON line on stdout (kind "mutant-run"), preceded by one line per finished
// scenario (kind "mutant-scenario", so a run killed at its bound still tells what failed); a readable
// progress line per scenario goes to stderr.
import { basename } from 'node:path';
import { parseArgs } from 'node:util';
import { variantByName } from '../../fixtures/variants/catalogue.ts';
import { isDialect } from '../protocol/dialect.ts';
import { MUTANT_REPLY_TIMEOUT_MS, REFERENCE_NAME } from './config.ts';
import type { ScenarioLine } from './result.ts';
import { runVariant } from './run-variant.ts';

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: {
    'timeout-ms': { type: 'string' },
    'exit-with-parent': { type: 'boolean', default: false },
  },
});
const [name, dialect] = positionals;
if (!name || !dialect || !isDialect(dialect)) {
  process.stderr.write('usage: worker.ts <variant|reference> <seed|tensamin> [--timeout-ms N]\n');
  process.exit(2);
}
const timeoutMs = values['timeout-ms'] === undefined ? MUTANT_REPLY_TIMEOUT_MS : Number(values['timeout-ms']);
if (!Number.isSafeInteger(timeoutMs) || timeoutMs <= 0) {
  process.stderr.write(`--timeout-ms must be a positive integer, got "${values['timeout-ms']}"\n`);
  process.exit(2);
}

// The pool keeps our stdin open; when it closes, the pool is gone: do not outlive it.
if (values['exit-with-parent']) {
  process.stdin.on('close', () => process.exit(3));
  process.stdin.on('error', () => process.exit(3));
  process.stdin.resume();
}

// A faulty variant may throw outside the reference's dispatch guard (in decode, say): for the
// conformance run that is a server whose handler crashed. Record it and let the run go on.
const thrown: string[] = [];
const record = (e: unknown): void => {
  const msg = e instanceof Error ? (e.stack ?? e.message).split('\n').slice(0, 3).join(' | ') : String(e);
  if (thrown.length < 5) thrown.push(`uncaught in the worker (the target threw?): ${msg}`);
  process.stderr.write(`uncaught: ${msg}\n`);
};
process.on('uncaughtException', record);
process.on('unhandledRejection', record);

try {
  const variant = name === REFERENCE_NAME ? undefined : variantByName(name);
  const result = await runVariant(variant, {
    dialect,
    timeoutMs,
    progress: (s) => {
      const fails = [...new Set(s.checks.filter((c) => c.outcome === 'fail').map((c) => c.requirement))];
      const line: ScenarioLine = {
        kind: 'mutant-scenario',
        name: s.name,
        file: basename(s.file),
        state: s.state,
        durationMs: Math.round(s.durationMs),
        fails,
      };
      process.stdout.write(`${JSON.stringify(line)}\n`);
      process.stderr.write(
        `${s.state.padEnd(7)} ${String(line.durationMs).padStart(5)}ms ${s.name}${fails.length ? `  ✗ ${fails.join(' ')}` : ''}\n`,
      );
    },
  });
  const line = JSON.stringify({ ...result, errors: [...result.errors, ...thrown] });
  process.stdout.write(`${line}\n`, () => process.exit(0));
} catch (e) {
  process.stderr.write(`worker failed: ${(e as Error).stack ?? String(e)}\n`);
  process.exit(1);
}
