// npm run verdicts -- snapshot OUT.json [--only NAME,...] [--base reference|both] [--concurrency N]
// npm run verdicts -- diff BEFORE.json AFTER.json
// npm run verdicts -- merge OUT.json PART.json...
// Whether a change moved a verdict (issue 12: "verdicts unchanged"): a snapshot certifies, through the
// CLI users run (harness/mutants/pool.ts), the reference in both dialects, every faulty variant on each
// base and every conformant alternative, and keeps the verdict of every requirement of each; diff lists
// what differs between two snapshots and exits 1 when anything does. `npm run mutants -- --snapshot F`
// and `npm run alternatives -- --snapshot F` write their part of a snapshot without running again.
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ALTERNATIVES } from '../../fixtures/alternatives/catalogue.ts';
import { appliesTo, EVERY_ALTERNATIVE } from '../../fixtures/reference/select.ts';
import { VARIANTS } from '../../fixtures/variants/catalogue.ts';
import { DEFAULTS } from '../cli/options.ts';
import {
  MUTANT_BOUND_MS,
  MUTANT_CONCURRENCY,
  MUTANT_REPLY_TIMEOUT_MS,
  MUTANT_RUNS,
  MUTANT_SEED,
  REFERENCE_NAME,
} from '../mutants/config.ts';
import { type Job, type JobResult, jobLabel, killAllChildren, runPool, variantJob } from '../mutants/pool.ts';
import { DIALECTS } from '../protocol/dialect.ts';
import { PACKAGE_ROOT } from '../run/version.ts';
import { diffSnapshots, renderDiff } from './diff.ts';
import { addResults, mergeSnapshots, readSnapshot, type TargetVerdicts, writeSnapshot } from './snapshot.ts';

const USAGE = `usage: npm run verdicts -- snapshot OUT.json [--only NAME,...] [--base reference|both] [--concurrency N]
       npm run verdicts -- diff BEFORE.json AFTER.json [--common]   (exit 1 when a verdict changed;
                                   --common: only the targets both have)
       npm run verdicts -- merge OUT.json PART.json...`;

function usageError(message: string): never {
  process.stderr.write(`${message}\n${USAGE}\n`);
  process.exit(2);
}

const say = (line: string): void => {
  process.stderr.write(`${line}\n`);
};

function commit(): string {
  try {
    return execFileSync('git', ['-C', PACKAGE_ROOT, 'rev-parse', '--short', 'HEAD'], {
      encoding: 'utf8',
    }).trim();
  } catch {
    return 'unknown';
  }
}

/** The jobs `npm run mutants` runs (reference in both dialects, variants on each base), its settings. */
function variantJobs(only: readonly string[] | undefined, bases: readonly (string | undefined)[]): Job[] {
  const variants = VARIANTS.filter((v, i) => VARIANTS.findIndex((w) => w.name === v.name) === i).filter(
    (v) => !only || only.includes(v.name),
  );
  return [
    ...DIALECTS.map((dialect): Job => ({ subject: REFERENCE_NAME, dialect })),
    ...bases.flatMap((base) => variants.map((v) => variantJob(v, base))),
  ];
}

/** The jobs `npm run alternatives` runs (each alternative in each dialect it applies to). */
function alternativeJobs(only: readonly string[] | undefined): Job[] {
  const wanted = (name: string): boolean => !only || only.includes(name);
  return [
    ...(wanted(EVERY_ALTERNATIVE)
      ? DIALECTS.map((dialect): Job => ({ subject: EVERY_ALTERNATIVE, dialect }))
      : []),
    ...ALTERNATIVES.filter((a) => wanted(a.name)).flatMap((a) =>
      DIALECTS.filter((d) => appliesTo(a, d)).map(
        (dialect): Job => ({
          subject: a.name,
          dialect,
          ...(a.boundMs === undefined ? {} : { boundMs: a.boundMs }),
        }),
      ),
    ),
  ];
}

async function snapshot(out: string, args: readonly string[]): Promise<void> {
  let v: { only?: string; base?: string; concurrency?: string };
  try {
    v = parseArgs({
      args: [...args],
      options: { only: { type: 'string' }, base: { type: 'string' }, concurrency: { type: 'string' } },
    }).values;
  } catch (e) {
    usageError((e as Error).message);
  }
  const only = v.only
    ?.split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const known = new Set([
    EVERY_ALTERNATIVE,
    ...VARIANTS.map((x) => x.name),
    ...ALTERNATIVES.map((a) => a.name),
  ]);
  const unknown = (only ?? []).filter((n) => !known.has(n));
  if (unknown.length > 0) usageError(`--only: unknown variant(s) or alternative(s) ${unknown.join(', ')}`);
  const base = v.base ?? 'both';
  if (base !== 'reference' && base !== 'both') usageError(`--base must be reference or both, not "${base}"`);
  const concurrency = Number(v.concurrency ?? MUTANT_CONCURRENCY);
  if (!Number.isSafeInteger(concurrency) || concurrency < 1)
    usageError('--concurrency must be an integer ≥ 1');

  process.on('exit', killAllChildren);
  for (const sig of ['SIGINT', 'SIGTERM'] as const)
    process.on(sig, () => {
      killAllChildren();
      process.exit(130);
    });
  // The commit the runs are of: taken before they start (HEAD may move during a long snapshot).
  const at = commit();
  const targets: Record<string, TargetVerdicts> = {};
  const progress = (label: string) => (r: JobResult, done: number, total: number) =>
    say(
      `[${label} ${done}/${total}] ${jobLabel(r.job)} (${r.job.dialect}) ${r.ok ? `exit ${r.result.exitCode}` : r.error.split('\n')[0]}`,
    );
  const bases = base === 'both' ? [undefined, EVERY_ALTERNATIVE] : [undefined];
  const vj = variantJobs(only, bases);
  const aj = alternativeJobs(only);
  say(
    `verdicts: ${vj.length} reference and variant runs, ${aj.length} alternative runs, ${concurrency} at a time`,
  );
  addResults(
    targets,
    await runPool(vj, {
      concurrency,
      boundMs: MUTANT_BOUND_MS,
      timeoutMs: MUTANT_REPLY_TIMEOUT_MS,
      onDone: progress('variants'),
    }),
  );
  addResults(
    targets,
    await runPool(aj, {
      concurrency,
      boundMs: MUTANT_BOUND_MS,
      timeoutMs: DEFAULTS.timeoutMs,
      runs: DEFAULTS.runs,
      onDone: progress('alternatives'),
    }),
  );
  writeSnapshot(resolve(out), {
    kind: 'omega-verdicts',
    takenAt: new Date().toISOString(),
    settings: {
      commit: at,
      seed: MUTANT_SEED,
      variantRuns: MUTANT_RUNS,
      variantReplyTimeoutMs: MUTANT_REPLY_TIMEOUT_MS,
      alternativeRuns: DEFAULTS.runs,
      alternativeReplyTimeoutMs: DEFAULTS.timeoutMs,
    },
    targets,
  });
  say(`verdict snapshot of ${Object.keys(targets).length} targets: ${resolve(out)}`);
}

const [command, ...rest] = process.argv.slice(2);
try {
  if (command === 'snapshot') {
    const [out, ...args] = rest;
    if (!out || out.startsWith('--')) usageError('snapshot: name the file to write');
    await snapshot(out, args);
  } else if (command === 'diff') {
    const common = rest.includes('--common');
    const files = rest.filter((a) => a !== '--common');
    if (files.length !== 2) usageError('diff: name two snapshots, before and after');
    const [before, after] = [readSnapshot(resolve(files[0]!)), readSnapshot(resolve(files[1]!))];
    const changes = diffSnapshots(before, after, common);
    process.stdout.write(`${renderDiff(changes, before, after, common)}\n`);
    process.exitCode = changes.length > 0 ? 1 : 0;
  } else if (command === 'merge') {
    const [out, ...parts] = rest;
    if (!out || parts.length === 0) usageError('merge: name the file to write and the snapshots to merge');
    writeSnapshot(resolve(out), mergeSnapshots(parts.map((p) => readSnapshot(resolve(p)))));
  } else usageError(command ? `unknown command "${command}"` : 'name a command');
} catch (e) {
  say(`verdicts: ${(e as Error).message}`);
  process.exitCode = 2;
}
