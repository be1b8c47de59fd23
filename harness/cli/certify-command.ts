// The certify command: launch each planned target, certify it, write its reports.
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { renderConsole } from '../../reports/console.ts';
import { writeReports } from '../../reports/write.ts';
import type { TlsOptions } from '../client/connection.ts';
import type { ClockDescriptor } from '../clock/clock.ts';
import type { OmikronIdentity } from '../identity/identities.ts';
import { launchCommand } from '../launchers/command.ts';
import { launchEmbedded } from '../launchers/embedded.ts';
import type { LaunchedTarget } from '../launchers/launcher.ts';
import { urlTarget } from '../launchers/url.ts';
import type { Dialect } from '../protocol/dialect.ts';
import { certify } from '../run/certify.ts';
import type { EventSink } from '../run/events.ts';
import {
  type ExpectedFailure,
  loadExpectedFailures,
  writeExpectedFailures,
} from '../run/expected-failures.ts';
import { EXIT } from '../run/outcome.ts';
import { authenticateOnce, probeDialect } from '../run/preflight.ts';
import type { RunReport } from '../run/report-model.ts';
import { selectRequirements } from '../run/selection.ts';
import type { CliOptions } from './options.ts';
import { withTranscriptTrace } from '../trace/from-transcript.ts';

interface Plan {
  readonly dialect: Dialect | 'auto';
  readonly reportDir: string;
  launch(): Promise<LaunchedTarget>;
}

function clockFor(opts: CliOptions, kind: 'url' | 'command'): ClockDescriptor | 'faketime' {
  if (opts.clock === 'faketime') return 'faketime';
  if (typeof opts.clock === 'object')
    return { kind: 'control', url: opts.clock.controlUrl, insecure: opts.insecure };
  const how = kind === 'url' ? '--clock control:URL' : '--clock faketime or --clock control:URL';
  return { kind: 'none', reason: `the suite cannot move this server's clock (pass ${how})` };
}

function plans(opts: CliOptions, identities: readonly OmikronIdentity[]): Plan[] {
  const tls: TlsOptions | undefined =
    opts.ca || opts.insecure
      ? { ...(opts.ca ? { caFile: opts.ca } : {}), insecure: opts.insecure }
      : undefined;
  if (opts.url !== undefined) {
    const url = opts.url;
    const clock = clockFor(opts, 'url') as ClockDescriptor;
    return [
      { dialect: opts.dialect, reportDir: opts.reportDir, launch: async () => urlTarget(url, tls, clock) },
    ];
  }
  if (opts.serverCommand !== undefined) {
    const command = opts.serverCommand;
    const clock = clockFor(opts, 'command');
    return [
      {
        dialect: opts.dialect,
        reportDir: opts.reportDir,
        launch: () =>
          launchCommand({
            command,
            identities,
            path: opts.path,
            startTimeoutMs: opts.startTimeoutMs,
            ...(opts.dialect !== 'auto' ? { dialect: opts.dialect } : {}),
            tls: opts.tls,
            clock:
              clock === 'faketime'
                ? 'faketime'
                : clock.kind === 'control'
                  ? { controlUrl: clock.url }
                  : 'none',
          }),
      },
    ];
  }
  if (opts.image !== undefined) {
    const image = opts.image;
    return [
      {
        dialect: opts.dialect,
        reportDir: opts.reportDir,
        launch: async () => {
          const { launchImage } = await import('../launchers/image.ts');
          return launchImage({
            image,
            identities,
            path: opts.path,
            startTimeoutMs: opts.startTimeoutMs,
            env: opts.imageEnv,
            ...(opts.waitLog !== undefined ? { waitLog: opts.waitLog } : {}),
            ...(opts.containerPort !== undefined ? { containerPort: opts.containerPort } : {}),
            ...(opts.dialect !== 'auto' ? { dialect: opts.dialect } : {}),
            faketime: opts.clock === 'faketime',
          });
        },
      },
    ];
  }
  // No target: the embedded reference, in both dialects unless one was named.
  const dialects: Dialect[] = opts.dialect === 'auto' ? ['seed', 'tensamin'] : [opts.dialect];
  return dialects.map((d) => ({
    dialect: d,
    reportDir: dialects.length > 1 ? join(opts.reportDir, d) : opts.reportDir,
    launch: async () => {
      const t = await launchEmbedded(d, identities, opts.referenceVariant);
      return opts.clock === 'none' ? { ...t, clock: { kind: 'none', reason: '--clock none was given' } } : t;
    },
  }));
}

async function runPlan(
  plan: Plan,
  opts: CliOptions,
  identities: readonly OmikronIdentity[],
  expected: readonly ExpectedFailure[] | undefined,
  sink: EventSink,
): Promise<RunReport> {
  const launched = await plan.launch();
  try {
    const sessionTarget = {
      url: launched.url,
      connection: { timeoutMs: opts.timeoutMs, ...(launched.tls ? { tls: launched.tls } : {}) },
    };
    const runPrefix = `c${randomBytes(3).toString('hex').slice(0, 5)}`;
    await authenticateOnce({ ...sessionTarget, dialect: 'seed' }, identities[0]!);
    let dialect: Dialect;
    let how: string;
    if (plan.dialect !== 'auto') {
      dialect = plan.dialect;
      how =
        launched.kind === 'embedded' && !opts.dialectGiven
          ? 'the embedded reference runs both dialects'
          : 'given with --dialect';
    } else {
      ({ dialect, how } = await probeDialect(sessionTarget, identities[0]!, `${runPrefix}probe`));
    }
    const report = await certify({
      launched,
      dialect,
      dialectHow: how,
      identities,
      timeoutMs: opts.timeoutMs,
      seed: opts.seed,
      runs: opts.runs,
      ...(opts.replay ? { replay: opts.replay } : {}),
      repeat: opts.repeat,
      level: opts.level,
      requireComplete: opts.requireComplete,
      selected: selectRequirements(opts.only, opts.skip),
      ...(expected ? { expectedFailures: expected } : {}),
      events: sink,
      runPrefix,
      replayCommand: replayPrefix(opts.argv, dialect),
      ...(opts.suites.length > 0 ? { files: opts.suites } : {}),
      ...(opts.load ? { load: { connections: opts.loadConnections, requests: opts.loadRequests } } : {}),
    });
    return report;
  } finally {
    await launched.stop();
  }
}

/** Options that do not name the target, left out of replay lines (the replay sets its own). */
const NOT_TARGET = new Set([
  '--suite',
  '--replay',
  '--seed',
  '--only',
  '--skip',
  '--runs',
  '--repeat',
  '--report-dir',
  '--expected-failures',
  '--write-expected-failures',
  '--level',
  '--load-connections',
  '--load-requests',
]);
const NOT_TARGET_FLAGS = new Set([
  '--thorough',
  '--quiet',
  '--json-lines',
  '--require-complete',
  '--load',
  '--list',
]);

/** The command line that reaches the same target in the same dialect, e.g. for a replay line. */
export function replayPrefix(argv: readonly string[], dialect: string): string {
  const kept: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const name = a.includes('=') ? a.slice(0, a.indexOf('=')) : a;
    if (NOT_TARGET.has(name)) {
      if (!a.includes('=')) i++;
      continue;
    }
    if (NOT_TARGET_FLAGS.has(name) || name === '--dialect') {
      if (name === '--dialect' && !a.includes('=')) i++;
      continue;
    }
    kept.push(/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, "'\\''")}'`);
  }
  return ['npx omega-conformance', ...kept, '--dialect', dialect].join(' ');
}

export async function certifyCommand(
  opts: CliOptions,
  identities: readonly OmikronIdentity[],
  sink: EventSink,
): Promise<number> {
  const expected = opts.expectedFailures ? loadExpectedFailures(opts.expectedFailures) : undefined;
  let exitCode: number = EXIT.ok;
  const reports: RunReport[] = [];
  for (const plan of plans(opts, identities)) {
    const report = await withTranscriptTrace(opts.trace, plan.reportDir, () =>
      runPlan(plan, opts, identities, expected, sink),
    );
    reports.push(report);
    const written = await writeReports(report, plan.reportDir);
    sink.emit({
      event: 'end',
      dialect: report.dialect.name,
      outcome: report.outcome,
      exitCode: report.exitCode,
      reports: Object.values(written),
    });
    if (!opts.jsonLines)
      process.stderr.write(
        `${renderConsole(report, { color: process.stderr.isTTY === true, reportDir: plan.reportDir })}\n`,
      );
    exitCode = Math.max(exitCode, report.exitCode);
  }
  if (opts.writeExpectedFailures) {
    const n = writeExpectedFailures(
      opts.writeExpectedFailures,
      reports.flatMap((r) => r.requirements),
    );
    process.stderr.write(`wrote ${n} expected failure(s) to ${opts.writeExpectedFailures}\n`);
  }
  return exitCode;
}
