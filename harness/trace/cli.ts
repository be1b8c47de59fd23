// omega-conformance check-trace FILE...: judge recorded traffic against the catalogue, sending nothing.
import { parseArgs } from 'node:util';
import { renderConsole } from '../../reports/console.ts';
import { writeReports } from '../../reports/write.ts';
import { loadIdentityFile, type OmikronIdentity } from '../identity/identities.ts';
import { type Dialect, isDialect } from '../protocol/dialect.ts';
import { EXIT } from '../run/outcome.ts';
import type { RunReport } from '../run/report-model.ts';
import { DEFAULT_REPLY_BOUND_MS, TraceChecker } from './check/checker.ts';
import { TraceFormatError } from './format.ts';
import { readTraces } from './reader.ts';
import { traceReport } from './report.ts';

export const CHECK_TRACE_HELP = `omega-conformance check-trace FILE... [options]: check recorded Omikron-Omega traffic

  FILE...                      traces (JSON lines, see README "Checking a deployment without writing to it");
                               several files are merged by time
  --dialect seed|tensamin      default: probed from the trace
  --from-start                 the trace holds the Omega's whole history (history checks may then fail)
  --reply-bound-ms N           a request unanswered this long has lost its reply (default ${DEFAULT_REPLY_BOUND_MS})
  --omikron-key FILE           an Omikron identity: its challenges are decrypted and answers judged (repeatable)
  --level must|should          the bar for the exit code (default must)
  --report-dir DIR             report.json, junit.xml, report.html (default reports/out/trace)
  --quiet                      no console summary

Exit codes: 0 no violation (partial when requirements were not observed), 1 a violation, 2 bad input.
`;

export interface TraceCheckOptions {
  readonly dialect?: Dialect;
  readonly fromStart?: boolean;
  readonly replyBoundMs: number;
  readonly identities: readonly OmikronIdentity[];
  readonly level: 'must' | 'should';
}

/** Options check-trace and the proxy share. */
export const SHARED_SPEC = {
  dialect: { type: 'string' },
  'from-start': { type: 'boolean' },
  'reply-bound-ms': { type: 'string' },
  'omikron-key': { type: 'string', multiple: true },
  level: { type: 'string' },
  'report-dir': { type: 'string' },
  quiet: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

export class TraceUsageError extends Error {}

export function sharedOptions(v: {
  dialect?: string | undefined;
  'from-start'?: boolean | undefined;
  'reply-bound-ms'?: string | undefined;
  'omikron-key'?: string[] | undefined;
  level?: string | undefined;
}): TraceCheckOptions {
  if (v.dialect !== undefined && !isDialect(v.dialect))
    throw new TraceUsageError(`--dialect must be seed or tensamin, not "${v.dialect}"`);
  const bound = Number(v['reply-bound-ms'] ?? DEFAULT_REPLY_BOUND_MS);
  if (!Number.isSafeInteger(bound) || bound < 1)
    throw new TraceUsageError(`--reply-bound-ms must be a positive integer, not "${v['reply-bound-ms']}"`);
  const level = v.level ?? 'must';
  if (level !== 'must' && level !== 'should')
    throw new TraceUsageError(`--level must be must or should, not "${level}"`);
  let identities: OmikronIdentity[];
  try {
    identities = (v['omikron-key'] ?? []).map(loadIdentityFile);
  } catch (e) {
    throw new TraceUsageError((e as Error).message);
  }
  return {
    ...(v.dialect !== undefined ? { dialect: v.dialect as Dialect } : {}),
    ...(v['from-start'] ? { fromStart: true } : {}),
    replyBoundMs: bound,
    identities,
    level,
  };
}

export function newChecker(
  o: TraceCheckOptions,
  onFirstFailure?: (requirement: string, message: string) => void,
): TraceChecker {
  return new TraceChecker({
    ...(onFirstFailure ? { onFirstFailure } : {}),
    ...(o.dialect ? { dialect: o.dialect } : {}),
    ...(o.fromStart ? { fromStart: true } : {}),
    replyBoundMs: o.replyBoundMs,
    identities: o.identities,
  });
}

/** Checks trace files: the report, and the rate (frames per second of checking). */
export async function checkTraceFiles(
  files: readonly string[],
  o: TraceCheckOptions,
): Promise<{ report: RunReport; framesPerS: number; framesPerCpuS: number }> {
  const started = new Date();
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const input = await readTraces(files);
  const checker = newChecker(o);
  for (const h of input.headers) checker.header(h);
  for await (const r of input.records) checker.feed(r);
  checker.finish();
  const ms = performance.now() - t0;
  const framesPerS = checker.summary.frames / Math.max(ms / 1000, 1e-6);
  const cpu = process.cpuUsage(cpu0);
  const framesPerCpuS = checker.summary.frames / Math.max((cpu.user + cpu.system) / 1e6, 1e-6);
  const upstream = input.headers.map((h) => h.upstream).find((u) => u !== undefined);
  const report = traceReport({
    checker,
    label: files.join(', '),
    url: upstream ?? files.join(', '),
    startedAt: started,
    durationMs: ms,
    level: o.level,
    figures: { files: files.length, checkFramesPerS: Math.round(framesPerS) },
  });
  return { report, framesPerS, framesPerCpuS };
}

export async function checkTraceCommand(argv: readonly string[]): Promise<number> {
  let files: string[];
  let opts: TraceCheckOptions;
  let reportDir: string;
  let quiet: boolean;
  try {
    const { values, positionals } = parseArgs({
      args: [...argv],
      options: SHARED_SPEC,
      allowPositionals: true,
    });
    if (values.help) {
      process.stdout.write(CHECK_TRACE_HELP);
      return EXIT.ok;
    }
    if (positionals.length === 0)
      throw new TraceUsageError('check-trace needs at least one trace file (see --help)');
    files = positionals;
    opts = sharedOptions(values);
    reportDir = values['report-dir'] ?? 'reports/out/trace';
    quiet = values.quiet ?? false;
  } catch (e) {
    process.stderr.write(`omega-conformance check-trace: ${(e as Error).message}\n`);
    return EXIT.cannotStart;
  }
  try {
    const { report } = await checkTraceFiles(files, opts);
    await writeReports(report, reportDir);
    if (!quiet)
      process.stderr.write(`${renderConsole(report, { color: process.stderr.isTTY === true, reportDir })}\n`);
    return report.exitCode;
  } catch (e) {
    const known = e instanceof TraceFormatError;
    process.stderr.write(
      `omega-conformance check-trace: ${known ? (e as Error).message : ((e as Error).stack ?? String(e))}\n`,
    );
    return EXIT.cannotStart;
  }
}
