// Stall counts (issue 12's "no stall in 50 consecutive runs"): the default certification, the
// property bench and the mutation run, each repeated, every run bounded from outside. A run is a
// stall when the suite stopped it (report.json `stopped`, exit 2), when its output names a stall, or
// when it outlived the outside bound (then it is killed). Counts are printed and written as JSON.
//
//   npm run stalls -- [--conformance 50] [--bench 20] [--mutants 5] [--out FILE]
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { BIN, ROOT, tempDir } from './measure.ts';

interface Trial {
  readonly n: number;
  readonly code: number | null;
  readonly ms: number;
  /** Why it counts as a stall; absent: it ended on its own, without one. */
  readonly stall?: string;
}

interface Series {
  readonly what: string;
  readonly trials: readonly Trial[];
  readonly stalls: number;
  readonly medianMs: number;
}

function run(
  args: readonly string[],
  boundMs: number,
): Promise<{ code: number | null; out: string; killed: boolean }> {
  return new Promise((resolve) => {
    const child: ChildProcess = spawn(args[0]!, args.slice(1), {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
      env: { ...process.env, FORCE_COLOR: '0' },
    });
    let out = '';
    const keep = (d: Buffer) => {
      out = (out + d.toString()).slice(-20_000);
    };
    child.stdout!.on('data', keep);
    child.stderr!.on('data', keep);
    let killed = false;
    const timer = setTimeout(() => {
      killed = true;
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {}
    }, boundMs);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, out, killed });
    });
  });
}

function stoppedIn(reportPath: string): string | undefined {
  if (!existsSync(reportPath)) return undefined;
  try {
    const r = JSON.parse(readFileSync(reportPath, 'utf8')) as { stopped?: { message?: string } };
    return r.stopped?.message;
  } catch {
    return undefined;
  }
}

async function series(
  what: string,
  count: number,
  boundMs: number,
  once: (n: number) => Promise<Omit<Trial, 'n' | 'ms'>>,
): Promise<Series> {
  const trials: Trial[] = [];
  for (let n = 1; n <= count; n++) {
    const t0 = performance.now();
    const r = await once(n);
    const trial = { n, ...r, ms: Math.round(performance.now() - t0) };
    trials.push(trial);
    process.stderr.write(
      `stalls: ${what} ${n}/${count}: exit ${trial.code} in ${(trial.ms / 1000).toFixed(1)} s${trial.stall ? ` STALL: ${trial.stall}` : ''} (load ${loadavg()[0]!.toFixed(1)})\n`,
    );
  }
  const ms = trials.map((t) => t.ms).sort((a, b) => a - b);
  return {
    what: `${what} (outside bound ${boundMs / 1000} s)`,
    trials,
    stalls: trials.filter((t) => t.stall !== undefined).length,
    medianMs: ms[Math.floor(ms.length / 2)] ?? 0,
  };
}

const { values } = parseArgs({
  options: {
    conformance: { type: 'string' },
    bench: { type: 'string' },
    mutants: { type: 'string' },
    out: { type: 'string' },
  },
});
const count = (v: string | undefined, fallback: number) => Math.max(0, Number(v ?? fallback));
const out = values.out ?? join(ROOT, 'reports/out/stalls.json');
const all: Series[] = [];

const conformanceBound = 5 * 60_000;
all.push(
  await series('npm run conformance', count(values.conformance, 50), conformanceBound, async () => {
    const dir = tempDir('omega-stalls-');
    try {
      const r = await run([process.execPath, BIN, '--report-dir', dir, '--quiet'], conformanceBound);
      const stopped = stoppedIn(join(dir, 'report.json'));
      const stall = r.killed ? 'killed at the outside bound' : stopped;
      return { code: r.code, ...(stall ? { stall } : {}) };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }),
);

const benchBound = 5 * 60_000;
all.push(
  await series('npm run bench -- --only properties', count(values.bench, 20), benchBound, async () => {
    const r = await run(
      [
        process.execPath,
        '--import',
        'tsx',
        join(ROOT, 'bench/main.ts'),
        '--only',
        'properties',
        '--runs',
        '1',
      ],
      benchBound,
    );
    // bench/properties.ts fails a stopped run (exit 1) naming the stall; its last line is the reason.
    const named = r.code !== 0 ? r.out.trimEnd().split('\n').slice(-3).join(' / ') : undefined;
    const stall = r.killed ? 'killed at the outside bound' : named;
    return { code: r.code, ...(stall ? { stall } : {}) };
  }),
);

const mutantsBound = 30 * 60_000;
all.push(
  await series(
    'npm run mutants (every faulty variant on both bases)',
    count(values.mutants, 5),
    mutantsBound,
    async () => {
      const json = join(tempDir('omega-stalls-'), 'mutants.json');
      const r = await run(
        [process.execPath, '--import', 'tsx', join(ROOT, 'harness/mutants/main.ts'), '--json', json],
        mutantsBound,
      );
      let stalls: string[] = [];
      try {
        stalls =
          (JSON.parse(readFileSync(json, 'utf8')) as { warnings?: string[] }).warnings?.filter((w) =>
            w.includes('stalled'),
          ) ?? [];
      } catch {}
      const stall = r.killed
        ? 'killed at the outside bound'
        : stalls.length > 0
          ? stalls.join('; ')
          : undefined;
      return { code: r.code, ...(stall ? { stall } : {}) };
    },
  ),
);

mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, `${JSON.stringify({ kind: 'omega-stall-counts', series: all }, null, 2)}\n`);
for (const s of all)
  process.stdout.write(
    `${s.what}: ${s.trials.length} runs, ${s.stalls} stall(s), median ${(s.medianMs / 1000).toFixed(1)} s\n`,
  );
process.stdout.write(`JSON: ${out}\n`);
process.exit(all.some((s) => s.stalls > 0) ? 1 : 0);
