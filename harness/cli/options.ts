// Command-line options of omega-conformance, parsed with node:util and checked into one typed value.
import { parseArgs } from 'node:util';
import { DEFAULT_LOAD } from '../load/config.ts';
import { type Dialect, isDialect } from '../protocol/dialect.ts';
import { UsageError } from '../run/selection.ts';

export const DEFAULTS = {
  path: '/ws/omikron',
  startTimeoutMs: 20_000,
  timeoutMs: 5000,
  runs: 25,
  thoroughRuns: 500,
  reportDir: 'reports/out',
  repeat: 1,
  /** The whole run's bound (all targets and dialects of one command). */
  deadlineMs: 30 * 60_000,
} as const;

export type AgainstTarget =
  | { readonly kind: 'url'; readonly url: string }
  | { readonly kind: 'command'; readonly command: string }
  | { readonly kind: 'image'; readonly image: string };

export type ClockChoice = 'auto' | 'faketime' | 'none' | { readonly controlUrl: string };

export interface CliOptions {
  readonly command: 'certify' | 'identities' | 'asyncapi' | 'help' | 'version' | 'list' | 'compare';
  /** The arguments as given, for replay lines. */
  readonly argv: readonly string[];
  readonly url?: string;
  readonly serverCommand?: string;
  readonly image?: string;
  readonly imageEnv: readonly string[];
  readonly waitLog?: string;
  readonly containerPort?: number;
  readonly path: string;
  readonly startTimeoutMs: number;
  readonly tls: boolean;
  readonly ca?: string;
  readonly insecure: boolean;
  readonly omikronKeys: readonly string[];
  readonly dialect: Dialect | 'auto';
  readonly dialectGiven: boolean;
  readonly only: readonly string[];
  /** --suite: only suite files whose path contains one of these (e.g. load, identification). */
  readonly suites: readonly string[];
  readonly skip: readonly string[];
  readonly timeoutMs: number;
  /** --deadline-ms: the whole run ends by then (reports written, exit 2). */
  readonly deadlineMs: number;
  readonly seed: number;
  readonly runs: number;
  readonly replay?: string;
  readonly reportDir: string;
  readonly quiet: boolean;
  readonly jsonLines: boolean;
  readonly expectedFailures?: string;
  readonly writeExpectedFailures?: string;
  readonly repeat: number;
  /** --trace: the scenarios' frames as REPORT-DIR/trace.jsonl (check-trace's format). */
  readonly trace: boolean;
  readonly level: 'must' | 'should';
  readonly requireComplete: boolean;
  readonly clock: ClockChoice;
  readonly referenceVariant?: string;
  /** --reference-base: what --reference-variant is layered on (reference, an alternative, every-alternative). */
  readonly referenceBase?: string;
  readonly load: boolean;
  readonly loadConnections: number;
  readonly loadRequests: number;
  /** --baseline FILE|DIR: an earlier report.json; only regressions since it fail the run. */
  readonly baseline?: string;
  readonly strictBaseline: boolean;
  /** compare subcommand: OLD.json NEW.json */
  readonly compareFiles?: readonly [string, string];
  /** Differential run: the second target, run in lockstep with the first. */
  readonly against?: AgainstTarget;
  /** identities subcommand */
  readonly generate?: string;
  readonly generateId?: number;
}

const spec = {
  url: { type: 'string' },
  command: { type: 'string' },
  image: { type: 'string' },
  'image-env': { type: 'string', multiple: true },
  'wait-log': { type: 'string' },
  'container-port': { type: 'string' },
  path: { type: 'string' },
  'start-timeout-ms': { type: 'string' },
  tls: { type: 'boolean' },
  ca: { type: 'string' },
  insecure: { type: 'boolean' },
  'omikron-key': { type: 'string', multiple: true },
  dialect: { type: 'string' },
  only: { type: 'string', multiple: true },
  skip: { type: 'string', multiple: true },
  list: { type: 'boolean' },
  'timeout-ms': { type: 'string' },
  'deadline-ms': { type: 'string' },
  seed: { type: 'string' },
  runs: { type: 'string' },
  thorough: { type: 'boolean' },
  replay: { type: 'string' },
  'report-dir': { type: 'string' },
  quiet: { type: 'boolean' },
  'json-lines': { type: 'boolean' },
  'expected-failures': { type: 'string' },
  'write-expected-failures': { type: 'string' },
  repeat: { type: 'string' },
  trace: { type: 'boolean' },
  level: { type: 'string' },
  'require-complete': { type: 'boolean' },
  clock: { type: 'string' },
  'reference-variant': { type: 'string' },
  'reference-base': { type: 'string' },
  load: { type: 'boolean' },
  'load-connections': { type: 'string' },
  'load-requests': { type: 'string' },
  suite: { type: 'string', multiple: true },
  generate: { type: 'string' },
  id: { type: 'string' },
  baseline: { type: 'string' },
  'strict-baseline': { type: 'boolean' },
  'against-url': { type: 'string' },
  'against-command': { type: 'string' },
  'against-image': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'v' },
} as const;

function int(name: string, text: string | undefined, fallback: number, min = 0): number {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n < min)
    throw new UsageError(`--${name} must be an integer ≥ ${min}, not "${text}"`);
  return n;
}

export function parseOptions(argv: readonly string[]): CliOptions {
  let parsed: ReturnType<typeof parseArgs<{ options: typeof spec; allowPositionals: true; args: string[] }>>;
  try {
    parsed = parseArgs({ args: [...argv], options: spec, allowPositionals: true, strict: true });
  } catch (e) {
    throw new UsageError(`${(e as Error).message} (see --help)`);
  }
  const v = parsed.values;
  const positional = parsed.positionals;
  const SUBCOMMANDS = ['identities', 'asyncapi'];
  if (positional[0] === 'compare') {
    if (positional.length !== 3)
      throw new UsageError('compare takes two report.json files: compare OLD.json NEW.json (see --help)');
  } else if (positional.length > 1 || (positional[0] !== undefined && !SUBCOMMANDS.includes(positional[0]))) {
    throw new UsageError(`unexpected argument "${positional.join(' ')}" (see --help)`);
  }
  const againsts = [v['against-url'], v['against-command'], v['against-image']].filter(
    (x) => x !== undefined,
  );
  if (againsts.length > 1)
    throw new UsageError('give at most one of --against-url, --against-command and --against-image');
  const against: AgainstTarget | undefined =
    v['against-url'] !== undefined
      ? { kind: 'url', url: v['against-url'] }
      : v['against-command'] !== undefined
        ? { kind: 'command', command: v['against-command'] }
        : v['against-image'] !== undefined
          ? { kind: 'image', image: v['against-image'] }
          : undefined;
  if (against !== undefined && v.baseline !== undefined)
    throw new UsageError('--baseline compares certification runs; a differential run (--against-*) has none');
  if (v['strict-baseline'] && v.baseline === undefined && positional[0] !== 'compare')
    throw new UsageError('--strict-baseline goes with --baseline FILE (or the compare command)');
  const targets = [v.url, v.command, v.image].filter((x) => x !== undefined);
  if (targets.length > 1) throw new UsageError('give at most one of --url, --command and --image');
  const dialect = v.dialect ?? 'auto';
  if (dialect !== 'auto' && !isDialect(dialect))
    throw new UsageError(`--dialect must be seed, tensamin or auto, not "${dialect}"`);
  const level = v.level ?? 'must';
  if (level !== 'must' && level !== 'should')
    throw new UsageError(`--level must be must or should, not "${level}"`);
  let clock: ClockChoice = 'auto';
  if (v.clock !== undefined) {
    if (v.clock === 'faketime' || v.clock === 'none') clock = v.clock;
    else if (v.clock.startsWith('control:')) {
      const url = v.clock.slice('control:'.length);
      if (!/^https?:\/\//.test(url))
        throw new UsageError(`--clock control:URL needs an http(s) URL, not "${url}"`);
      clock = { controlUrl: url };
    } else throw new UsageError(`--clock must be faketime, control:URL or none, not "${v.clock}"`);
  }
  if (clock === 'faketime' && v.command === undefined && v.image === undefined) {
    throw new UsageError(
      '--clock faketime works with --command and --image targets (the suite must start the server)',
    );
  }
  if (v.tls && v.command === undefined)
    throw new UsageError('--tls applies to --command targets (use --ca or --insecure for wss:// URLs)');
  if (v.replay !== undefined && !/^-?\d+:[\d:]*$/.test(v.replay)) {
    throw new UsageError(`--replay takes SEED:PATH as printed by a failing property, not "${v.replay}"`);
  }
  const runs = v.thorough
    ? int('runs', v.runs, DEFAULTS.thoroughRuns, 1)
    : int('runs', v.runs, DEFAULTS.runs, 1);
  return {
    argv: [...argv],
    command: v.help
      ? 'help'
      : v.version
        ? 'version'
        : positional[0] === 'identities'
          ? 'identities'
          : positional[0] === 'compare'
            ? 'compare'
            : positional[0] === 'asyncapi'
              ? 'asyncapi'
              : v.list
                ? 'list'
                : 'certify',
    ...(v.url !== undefined ? { url: v.url } : {}),
    ...(v.command !== undefined ? { serverCommand: v.command } : {}),
    ...(v.image !== undefined ? { image: v.image } : {}),
    imageEnv: v['image-env'] ?? [],
    ...(v['wait-log'] !== undefined ? { waitLog: v['wait-log'] } : {}),
    ...(v['container-port'] !== undefined
      ? { containerPort: int('container-port', v['container-port'], 0, 1) }
      : {}),
    path: v.path ?? DEFAULTS.path,
    startTimeoutMs: int('start-timeout-ms', v['start-timeout-ms'], DEFAULTS.startTimeoutMs, 1),
    tls: v.tls ?? false,
    ...(v.ca !== undefined ? { ca: v.ca } : {}),
    insecure: v.insecure ?? false,
    omikronKeys: v['omikron-key'] ?? [],
    dialect,
    dialectGiven: v.dialect !== undefined,
    only: v.only ?? [],
    suites: v.suite ?? [],
    skip: v.skip ?? [],
    timeoutMs: int('timeout-ms', v['timeout-ms'], DEFAULTS.timeoutMs, 1),
    deadlineMs: int('deadline-ms', v['deadline-ms'], DEFAULTS.deadlineMs, 1),
    seed:
      v.seed !== undefined
        ? int('seed', v.seed, 0, -(2 ** 31))
        : v.replay
          ? Number(v.replay.split(':')[0])
          : Date.now() % 2 ** 31,
    runs,
    ...(v.replay !== undefined ? { replay: v.replay } : {}),
    reportDir: v['report-dir'] ?? DEFAULTS.reportDir,
    quiet: v.quiet ?? false,
    jsonLines: v['json-lines'] ?? false,
    ...(v['expected-failures'] !== undefined ? { expectedFailures: v['expected-failures'] } : {}),
    ...(v['write-expected-failures'] !== undefined
      ? { writeExpectedFailures: v['write-expected-failures'] }
      : {}),
    repeat: int('repeat', v.repeat, DEFAULTS.repeat, 1),
    trace: v.trace ?? false,
    level,
    requireComplete: v['require-complete'] ?? false,
    clock,
    ...(v['reference-variant'] !== undefined ? { referenceVariant: v['reference-variant'] } : {}),
    ...(v['reference-base'] !== undefined ? { referenceBase: v['reference-base'] } : {}),
    load: v.load ?? false,
    loadConnections: int('load-connections', v['load-connections'], DEFAULT_LOAD.connections, 1),
    loadRequests: int('load-requests', v['load-requests'], DEFAULT_LOAD.requests, 1),
    ...(v.baseline !== undefined ? { baseline: v.baseline } : {}),
    strictBaseline: v['strict-baseline'] ?? false,
    ...(positional[0] === 'compare' ? { compareFiles: [positional[1]!, positional[2]!] as const } : {}),
    ...(against !== undefined ? { against } : {}),
    ...(v.generate !== undefined ? { generate: v.generate } : {}),
    ...(v.id !== undefined ? { generateId: int('id', v.id, 0) } : {}),
  };
}

export const HELP = `omega-conformance: certify an Omega user-management server

Usage:
  omega-conformance [target] [options]      certify (no target: the embedded reference, both dialects)
  omega-conformance compare OLD.json NEW.json   compare two reports (see Regression checks)
  omega-conformance identities              print OMEGA_TRUSTED_OMIKRONS for the identities in use
  omega-conformance identities --generate FILE [--id N]   write a fresh Omikron identity
  omega-conformance asyncapi --dialect seed|tensamin [--path PATH]   print the protocol as an AsyncAPI 3.0 document
  omega-conformance check-trace FILE... [options]   check recorded traffic, sending nothing (check-trace --help)
  omega-conformance proxy --listen HOST:PORT --upstream ws[s]://...   relay, record and check live (proxy --help)

Targets (at most one):
  --url ws[s]://HOST:PORT/PATH     a running server. It creates and deletes users: never production.
  --command "CMD"                  start CMD under the launch contract (SPEC.md) on a free port
  --image NAME[:TAG]               start a container image under the launch contract (needs Docker)
  --path PATH                      WebSocket path for --command/--image (default ${DEFAULTS.path})
  --start-timeout-ms N             bound on the server starting (default ${DEFAULTS.startTimeoutMs})
  --tls                            --command: serve wss:// with a certificate the suite generates
  --ca FILE | --insecure           wss:// URLs: trust this CA, or any certificate
  --image-env K=V (repeatable), --wait-log REGEX, --container-port N   for --image
  --reference-variant NAME         embedded target: a faulty variant (fixtures/variants) or a conformant
                                   alternative (fixtures/alternatives, every-alternative) of the reference
  --reference-base NAME            embedded target: layer --reference-variant on this alternative or on
                                   every-alternative instead of the reference

Identities and dialect:
  --omikron-key FILE               an Omikron identity {"id","private_key"} (repeatable; default: the fixture identities)
  --dialect seed|tensamin|auto     default auto: probed, and the report says how

Selection and budget:
  --only X, --skip X               requirement id, area (e.g. UM-GET, IDN) or level (MUST, SHOULD); repeatable, comma lists
  --suite NAME                     only the suite files whose name contains NAME (repeatable; no coverage check then)
  --list                           list the requirements and exit
  --timeout-ms N                   bound on every reply (default ${DEFAULTS.timeoutMs})
  --deadline-ms N                  bound on the whole run (default ${DEFAULTS.deadlineMs}): then the reports
                                   are written, every server the suite started is stopped, exit 2
  --seed N, --runs N, --thorough   property-based budget (default runs ${DEFAULTS.runs}; --thorough ${DEFAULTS.thoroughRuns})
  --replay SEED:PATH               replay one property counterexample (printed with every property failure)
  --clock faketime|control:URL|none   how the suite moves the server's clock (timeout requirements)
  --repeat N                       run every check N times; disagreeing runs are flaky (flaky fails)
  --load [--load-connections N --load-requests M]   add the load profile

Regression checks:
  --baseline FILE|DIR              an earlier report.json (or its reports directory): exit 1 only on regressions,
                                   requirements failing now that did not fail then; improvements and changes listed
  --strict-baseline                changed informational choices fail the run too
  omega-conformance compare OLD.json NEW.json [--strict-baseline] [--report-dir DIR]
                                   the same comparison offline: text, and DIR/compare.html; exit 1 on regressions
  --against-url URL | --against-command "CMD" | --against-image IMG
                                   differential run: the same model sequences (--seed, --runs sequences) against
                                   the target and this one in lockstep; the first step where they differ, per
                                   sequence; DIR/differential.html and differential.json; exit 1 on a difference
                                   in judged behaviour (--replay SEED:PATH replays one sequence)

Verdict and reports:
  --level must|should              the bar for the exit code (default must)
  --require-complete               requirements not verified make the exit code 1
  --expected-failures FILE         JSON [{"id","reason","until"?}]: known failures; stale or expired entries fail the run
  --write-expected-failures FILE   write that file from this run's failures
  --report-dir DIR                 report.json, junit.xml, report.html (default ${DEFAULTS.reportDir})
  --trace                          also write the scenarios' frames as trace.jsonl there (see check-trace)
  --quiet                          no progress; --json-lines: one JSON event per line on stdout

Exit codes: 0 conformant at the chosen level (partial when requirements were not verified),
1 a requirement failed, a check was flaky or an expected-failures entry is stale or expired
  (with --baseline: a regression; compare: a regression; differential: a judged difference),
2 the run could not start (bad option, target unreachable, handshake impossible, unreadable baseline)
  or was stopped before its scenarios ended (--deadline-ms passed, a scenario overran its bound, a
  signal); the reports are written then too, with outcome error and the reason.
`;
