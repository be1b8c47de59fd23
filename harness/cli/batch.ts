// omega-conformance batch: one process certifying many subjects, one after another, so that the
// start-up (Node, the suite's modules, vitest's Node API) is paid once per batch instead of once per
// run. The self-test (harness/mutants/pool.ts) writes one JSON line per run to stdin,
// {"argv": [...the CLI's own arguments...]}, and reads the outcome from the report.json each run
// writes into its own --report-dir. Each run goes through main() exactly as a separate command would:
// its own fresh embedded target, its own vitest run, its own --deadline-ms. Around each run, stdout
// carries {"event":"batch-start","index":N} and {"event":"batch-end","index":N,"exitCode":C}.
// A run that ends with exit code 2 (it could not start, or it was stopped at its deadline, which may
// leave a vitest worker behind) ends the batch: the caller starts a fresh one for whatever is left.
import { createInterface } from 'node:readline';
import { EXIT } from '../run/outcome.ts';

export interface BatchLine {
  readonly argv: readonly string[];
}

/** Parses one stdin line; says why it is not a run. */
export function parseBatchLine(line: string): BatchLine {
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch (e) {
    throw new Error(`batch: a line of stdin is not JSON (${(e as Error).message}): ${line.slice(0, 200)}`);
  }
  const argv = (parsed as { argv?: unknown } | null)?.argv;
  if (!Array.isArray(argv) || !argv.every((a) => typeof a === 'string'))
    throw new Error(`batch: each line of stdin must be {"argv": [strings]}, got: ${line.slice(0, 200)}`);
  if (argv[0] === 'batch') throw new Error('batch: a batch line may not start another batch');
  return { argv };
}

/**
 * Runs each line of stdin through `run` (the CLI's main), in order; resolves with 0 at the end of
 * stdin, or with the code of the run that ended the batch (EXIT.stopped / EXIT.cannotStart).
 */
export async function batchCommand(
  args: readonly string[],
  run: (argv: readonly string[]) => Promise<number>,
  io: { readonly input: NodeJS.ReadableStream; readonly output: NodeJS.WritableStream } = {
    input: process.stdin,
    output: process.stdout,
  },
): Promise<number> {
  const emit = (e: object): void => {
    io.output.write(`${JSON.stringify(e)}\n`);
  };
  if (args.length > 0) {
    process.stderr.write(
      `omega-conformance batch: no arguments (one run per stdin line), got ${args.join(' ')}\n`,
    );
    return EXIT.cannotStart;
  }
  const lines = createInterface({ input: io.input, crlfDelay: Number.POSITIVE_INFINITY });
  let index = 0;
  for await (const raw of lines) {
    const line = raw.trim();
    if (line === '') continue;
    let batchLine: BatchLine;
    try {
      batchLine = parseBatchLine(line);
    } catch (e) {
      emit({ event: 'error', message: (e as Error).message });
      return EXIT.cannotStart;
    }
    emit({ event: 'batch-start', index });
    const exitCode = await run(batchLine.argv);
    emit({ event: 'batch-end', index, exitCode });
    index++;
    if (exitCode === EXIT.stopped || exitCode === EXIT.cannotStart) {
      lines.close();
      return exitCode;
    }
  }
  return EXIT.ok;
}
