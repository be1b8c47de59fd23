// omega-conformance: parse options; help, version, list and identities here, certification in certify-command.ts.
import { existsSync, writeFileSync } from 'node:fs';
import {
  fixtureIdentities,
  generateIdentity,
  loadIdentityFile,
  type OmikronIdentity,
  trustedOmikronsJson,
} from '../identity/identities.ts';
import { HarnessError } from '../client/errors.ts';
import { BaselineError } from '../baseline/errors.ts';
import { LaunchError } from '../launchers/launcher.ts';
import { withLoadIdentities } from '../load/identities.ts';
import { SUITE_VERSION } from '../run/version.ts';
import { consoleSink, type EventSink, jsonLinesSink } from '../run/events.ts';
import { EXIT } from '../run/outcome.ts';
import { selectRequirements, UsageError } from '../run/selection.ts';
import { REQUIREMENTS } from '../spec/requirements.ts';
import { requirementsByArea } from '../verdict/verdicts.ts';
import { type CliOptions, HELP, parseOptions } from './options.ts';

function loadIdentities(opts: CliOptions): OmikronIdentity[] {
  const ids = opts.omikronKeys.length > 0 ? opts.omikronKeys.map(loadIdentityFile) : fixtureIdentities();
  const seen = new Set<number>();
  for (const i of ids) {
    if (seen.has(i.id))
      throw new UsageError(
        `two Omikron identities have the id ${i.id}: concurrent sessions need distinct ids`,
      );
    seen.add(i.id);
  }
  return ids;
}

/** A certification that ends before any target was planned still writes its reports (outcome error). */
async function reportEarlyEnd(argv: readonly string[], e: unknown, sink: EventSink, jsonLines: boolean) {
  const { reportStartFailure } = await import('./early-end.ts');
  await reportStartFailure(argv, e, sink, jsonLines);
}

export async function main(argv: readonly string[]): Promise<number> {
  if (argv[0] === 'check-trace') return (await import('../trace/cli.ts')).checkTraceCommand(argv.slice(1));
  if (argv[0] === 'proxy') return (await import('../proxy/cli.ts')).proxyCommand(argv.slice(1));
  // Many runs in one process, one per stdin line (the self-test: harness/mutants/pool.ts).
  if (argv[0] === 'batch') return (await import('./batch.ts')).batchCommand(argv.slice(1), main);
  let opts: CliOptions;
  try {
    opts = parseOptions(argv);
  } catch (e) {
    process.stderr.write(`omega-conformance: ${(e as Error).message}\n`);
    await reportEarlyEnd(argv, e, { emit: () => {} }, argv.includes('--json-lines'));
    return EXIT.cannotStart;
  }
  const sink = opts.jsonLines
    ? jsonLinesSink()
    : consoleSink({ quiet: opts.quiet, color: process.stderr.isTTY === true });
  try {
    if (opts.command === 'help') {
      process.stdout.write(HELP);
      return EXIT.ok;
    }
    if (opts.command === 'version') {
      process.stdout.write(`${SUITE_VERSION}\n`);
      return EXIT.ok;
    }
    if (opts.command === 'list') {
      for (const [area, reqs] of requirementsByArea(REQUIREMENTS)) {
        process.stdout.write(`${area}\n`);
        for (const q of reqs) process.stdout.write(`  ${q.id.padEnd(12)} ${q.level.padEnd(6)} ${q.title}\n`);
      }
      return EXIT.ok;
    }
    if (opts.command === 'asyncapi') {
      if (opts.dialect === 'auto')
        throw new UsageError('asyncapi needs --dialect seed or --dialect tensamin');
      const { asyncApiDocument } = await import('../asyncapi/document.ts');
      const doc = asyncApiDocument({ dialect: opts.dialect, path: opts.path });
      process.stdout.write(`${JSON.stringify(doc, null, 2)}\n`);
      return EXIT.ok;
    }
    if (opts.command === 'identities') {
      if (opts.generate !== undefined) {
        if (existsSync(opts.generate)) throw new UsageError(`${opts.generate} exists; not overwriting it`);
        const id = opts.generateId ?? 1000 + Math.floor(Math.random() * 9000);
        writeFileSync(opts.generate, `${JSON.stringify(generateIdentity(id), null, 2)}\n`, { mode: 0o600 });
        process.stderr.write(`wrote Omikron identity ${id} to ${opts.generate}\n`);
        process.stdout.write(`${trustedOmikronsJson([loadIdentityFile(opts.generate)])}\n`);
        return EXIT.ok;
      }
      process.stdout.write(`${trustedOmikronsJson(loadIdentities(opts))}\n`);
      return EXIT.ok;
    }
    if (opts.command === 'compare' && opts.compareFiles !== undefined) {
      const { compareCommand } = await import('../baseline/compare-command.ts');
      const [oldFile, newFile] = opts.compareFiles;
      return await compareCommand(
        { oldFile, newFile, strict: opts.strictBaseline, reportDir: opts.reportDir },
        (s) => process.stdout.write(s),
      );
    }
    const identities = loadIdentities(opts);
    selectRequirements(opts.only, opts.skip); // unknown ids are a usage error before anything starts
    if (opts.against !== undefined) {
      const { differentialCommand } = await import('../differential/command.ts');
      return await differentialCommand(opts, identities, sink);
    }
    // Loaded only to certify: --help, --version, --list and identities stay fast.
    const { certifyCommand } = await import('./certify-command.ts');
    // --load: targets the suite starts trust one identity per load connection, generated for the run.
    const runIdentities =
      opts.load && opts.url === undefined ? withLoadIdentities(identities, opts.loadConnections) : identities;
    return await certifyCommand(opts, runIdentities, sink);
  } catch (e) {
    if (
      e instanceof UsageError ||
      e instanceof LaunchError ||
      e instanceof HarnessError ||
      e instanceof BaselineError
    ) {
      sink.emit({ event: 'error', message: e.message });
      if (opts.command === 'certify') await reportEarlyEnd(argv, e, sink, opts.jsonLines);
      return EXIT.cannotStart;
    }
    sink.emit({ event: 'error', message: `internal error of the suite: ${(e as Error).stack ?? String(e)}` });
    if (opts.command === 'certify') await reportEarlyEnd(argv, e, sink, opts.jsonLines);
    return EXIT.cannotStart;
  }
}
