// omega-conformance proxy --listen HOST:PORT --upstream ws[s]://...: relay, record, check live.
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { renderConsole } from '../../reports/console.ts';
import { EXIT } from '../run/outcome.ts';
import { ownSignals } from '../run/exit.ts';
import { newChecker, SHARED_SPEC, sharedOptions, type TraceCheckOptions } from '../trace/cli.ts';
import { TRACE_FORMAT, TRACE_VERSION } from '../trace/format.ts';
import { TraceWriter } from '../trace/writer.ts';
import { LiveCheck } from './live.ts';
import { Relay } from './relay.ts';

export const PROXY_HELP = `omega-conformance proxy --listen HOST:PORT --upstream ws[s]://HOST:PORT/PATH [options]
  Relays Omikron connections to the Omega unchanged, records the traffic and checks it live.

  --listen HOST:PORT           where Omikrons connect (port 0: any free port, printed)
  --upstream URL               the Omega (ws:// or wss://)
  --tls-cert FILE --tls-key FILE   serve wss:// to the Omikrons
  --ca FILE | --insecure       upstream wss://: trust this CA, or any certificate
  --trace FILE                 the trace (default REPORT-DIR/trace.jsonl); old frames live there, not in memory
  --report-every-ms N          rewrite the reports this often (default 10000); always on SIGINT/SIGTERM
  --report-dir DIR             default reports/out/proxy
  --from-start, --dialect, --reply-bound-ms, --omikron-key, --level   as for check-trace
`;

export interface ProxyConfig {
  readonly host: string;
  readonly port: number;
  readonly upstream: string;
  readonly tls?: { cert: string; key: string };
  readonly ca?: string;
  readonly insecure: boolean;
  readonly tracePath: string;
  readonly reportDir: string;
  readonly reportEveryMs: number;
  readonly check: TraceCheckOptions;
  /** Told the first time each requirement fails. */
  readonly onFirstFailure?: (requirement: string, message: string) => void;
}

export interface RunningProxy {
  readonly url: string;
  readonly live: LiveCheck;
  stop(): Promise<number>;
}

/** Starts the relay with its recording and live check (the tests and the bench use this directly). */
export async function startProxy(c: ProxyConfig): Promise<RunningProxy> {
  mkdirSync(dirname(c.tracePath), { recursive: true });
  const writer = new TraceWriter(c.tracePath, {
    format: TRACE_FORMAT,
    version: TRACE_VERSION,
    started: Date.now(),
    source: 'proxy',
    upstream: c.upstream,
    ...(c.check.fromStart ? { fromStart: true } : {}),
  });
  const checker = newChecker(c.check, c.onFirstFailure);
  const live = new LiveCheck(checker, writer, {
    label: `proxy ${c.host}:${c.port} → ${c.upstream}`,
    url: c.upstream,
    reportDir: c.reportDir,
    level: c.check.level,
  });
  const relay = await Relay.start({
    host: c.host,
    port: c.port,
    upstream: c.upstream,
    ...(c.tls ? { tls: c.tls } : {}),
    ...(c.ca ? { upstreamCa: c.ca } : {}),
    upstreamInsecure: c.insecure,
    onRecord: live.record,
  });
  live.every(c.reportEveryMs);
  let stopped: Promise<number> | undefined;
  return {
    url: relay.url,
    live,
    stop: () => {
      stopped ??= relay.stop().then(async () => (await live.end()).exitCode);
      return stopped;
    },
  };
}

function parseListen(text: string): { host: string; port: number } {
  const m = /^(\[[^\]]+\]|[^:]+):(\d+)$/.exec(text);
  if (!m) throw new Error(`--listen takes HOST:PORT, not "${text}"`);
  const port = Number(m[2]);
  if (port > 65535) throw new Error(`--listen: ${m[2]} is not a port`);
  return { host: m[1]!.replace(/^\[|\]$/g, ''), port };
}

export async function proxyCommand(argv: readonly string[]): Promise<number> {
  let config: ProxyConfig;
  let quiet = false;
  try {
    const { values, positionals } = parseArgs({
      args: [...argv],
      options: {
        ...SHARED_SPEC,
        listen: { type: 'string' },
        upstream: { type: 'string' },
        'tls-cert': { type: 'string' },
        'tls-key': { type: 'string' },
        ca: { type: 'string' },
        insecure: { type: 'boolean' },
        trace: { type: 'string' },
        'report-every-ms': { type: 'string' },
      },
    });
    if (values.help) {
      process.stdout.write(PROXY_HELP);
      return EXIT.ok;
    }
    if (positionals.length > 0) throw new Error(`unexpected argument "${positionals.join(' ')}"`);
    if (!values.listen || !values.upstream)
      throw new Error('proxy needs --listen HOST:PORT and --upstream URL (see --help)');
    if (!/^wss?:\/\//.test(values.upstream))
      throw new Error(`--upstream must be a ws:// or wss:// URL, not "${values.upstream}"`);
    if (Boolean(values['tls-cert']) !== Boolean(values['tls-key']))
      throw new Error('--tls-cert and --tls-key go together');
    const every = Number(values['report-every-ms'] ?? 10_000);
    if (!Number.isSafeInteger(every) || every < 100)
      throw new Error('--report-every-ms must be an integer ≥ 100');
    const reportDir = values['report-dir'] ?? 'reports/out/proxy';
    quiet = values.quiet ?? false;
    config = {
      ...parseListen(values.listen),
      upstream: values.upstream,
      ...(values['tls-cert'] && values['tls-key']
        ? { tls: { cert: values['tls-cert'], key: values['tls-key'] } }
        : {}),
      ...(values.ca ? { ca: values.ca } : {}),
      insecure: values.insecure ?? false,
      tracePath: values.trace ?? join(reportDir, 'trace.jsonl'),
      reportDir,
      reportEveryMs: every,
      check: sharedOptions(values),
      ...(values.quiet
        ? {}
        : {
            onFirstFailure: (id: string, message: string) =>
              process.stderr.write(`proxy: ${id} failed: ${message}\n`),
          }),
    };
  } catch (e) {
    process.stderr.write(`omega-conformance proxy: ${(e as Error).message}\n`);
    return EXIT.cannotStart;
  }
  let proxy: RunningProxy;
  try {
    proxy = await startProxy(config);
  } catch (e) {
    process.stderr.write(
      `omega-conformance proxy: cannot listen on ${config.host}:${config.port}: ${(e as Error).message}\n`,
    );
    return EXIT.cannotStart;
  }
  process.stdout.write(`proxy listening on ${proxy.url} → ${config.upstream}; trace ${config.tracePath}\n`);
  return new Promise<number>((resolve) => {
    const stop = () => {
      proxy.stop().then((code) => {
        if (!quiet) {
          const report = proxy.live.report();
          process.stderr.write(
            `${renderConsole(report, { color: process.stderr.isTTY === true, reportDir: config.reportDir })}\n`,
          );
        }
        resolve(code);
      });
    };
    ownSignals(); // the entry point would exit at once: the reports are written first
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}
