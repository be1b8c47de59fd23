// (7) The proxy and check-trace: reply latency of the default load profile direct vs through the proxy
// (recording and checking live), and check-trace's speed on the recorded file, in frames per second.
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { ReferenceOmega } from '../fixtures/reference/server.ts';
import { fixtureIdentities } from '../harness/identity/identities.ts';
import { DEFAULT_LOAD } from '../harness/load/config.ts';
import { withLoadIdentities } from '../harness/load/identities.ts';
import { runLoad } from '../harness/load/profile.ts';
import { startProxy } from '../harness/proxy/cli.ts';
import type { TargetDescriptor } from '../harness/scenario/target.ts';
import { checkTraceFiles } from '../harness/trace/cli.ts';
import { median, tempDir } from './measure.ts';
import { ms, perS, type Row } from './table.ts';

export interface TraceBench {
  readonly directP50Ms: number;
  readonly directP99Ms: number;
  readonly proxiedP50Ms: number;
  readonly proxiedP99Ms: number;
  readonly addedP50Ms: number;
  readonly addedP99Ms: number;
  readonly checkFramesPerS: number;
  readonly checkFramesPerCpuS: number;
  readonly frames: number;
  readonly traceViolations: number;
}

const quantile = (xs: readonly number[], q: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? Number.NaN;
};

export async function traceBench(runs: number): Promise<TraceBench> {
  const identities = withLoadIdentities(fixtureIdentities(), DEFAULT_LOAD.connections);
  const omega = await ReferenceOmega.start({
    dialect: 'seed',
    trusted: identities.map((i) => ({ id: i.id, publicKey: i.publicKey })),
  });
  let n = 0;
  const target = (url: string, i: number): TargetDescriptor => ({
    label: 'bench',
    url,
    dialect: 'seed',
    identities,
    timeoutMs: 10_000,
    clock: { kind: 'none', reason: 'bench' },
    runPrefix: `b${i}`,
    seed: 1,
    runs: 1,
  });
  const load = async (url: string, i: number) =>
    (
      await runLoad({
        target: target(url, i),
        config: DEFAULT_LOAD,
        uniqueName: () => `b${i}n${(++n).toString(36)}`,
        token: () => randomBytes(16).toString('base64'),
      })
    ).latencies;
  const direct: { p50: number; p99: number }[] = [];
  const proxied: { p50: number; p99: number }[] = [];
  const speeds: number[] = [];
  const cpuSpeeds: number[] = [];
  let frames = 0;
  let violations = 0;
  try {
    for (let i = 0; i < runs; i++) {
      const d = await load(omega.url, 2 * i);
      direct.push({ p50: quantile(d, 0.5), p99: quantile(d, 0.99) });
      const dir = tempDir();
      const tracePath = join(dir, 'trace.jsonl');
      const proxy = await startProxy({
        host: '127.0.0.1',
        port: 0,
        upstream: omega.url,
        insecure: false,
        tracePath,
        reportDir: dir,
        reportEveryMs: 10_000,
        check: { dialect: 'seed', replyBoundMs: 10_000, identities, level: 'must' },
      });
      try {
        const p = await load(`${proxy.url}/ws/omikron`, 2 * i + 1);
        proxied.push({ p50: quantile(p, 0.5), p99: quantile(p, 0.99) });
      } finally {
        await proxy.stop();
      }
      const checked = await checkTraceFiles([tracePath], {
        dialect: 'seed',
        replyBoundMs: 10_000,
        identities: [],
        level: 'must',
      });
      speeds.push(checked.framesPerS);
      cpuSpeeds.push(checked.framesPerCpuS);
      frames = checked.report.figures?.trace
        ? Number((checked.report.figures.trace as { frames: number }).frames)
        : 0;
      violations += checked.report.requirements.filter((q) => q.verdict === 'failed').length;
    }
  } finally {
    await omega.stop();
  }
  const med = (xs: number[]) => median(xs);
  const r = {
    directP50Ms: med(direct.map((x) => x.p50)),
    directP99Ms: med(direct.map((x) => x.p99)),
    proxiedP50Ms: med(proxied.map((x) => x.p50)),
    proxiedP99Ms: med(proxied.map((x) => x.p99)),
    checkFramesPerS: med(speeds),
    checkFramesPerCpuS: med(cpuSpeeds),
    frames,
    traceViolations: violations,
  };
  return { ...r, addedP50Ms: r.proxiedP50Ms - r.directP50Ms, addedP99Ms: r.proxiedP99Ms - r.directP99Ms };
}

export function traceRows(t: TraceBench, runs: number): Row[] {
  return [
    [
      '(7) proxy: added reply latency p50 / p99',
      `${ms(t.addedP50Ms)} / ${ms(t.addedP99Ms)}`,
      '',
      `load 50x200: direct ${ms(t.directP50Ms)} / ${ms(t.directP99Ms)}, proxied ${ms(t.proxiedP50Ms)} / ${ms(t.proxiedP99Ms)}; median of ${runs}`,
    ],
    [
      '    check-trace speed',
      perS(t.checkFramesPerS, ' frames/s'),
      '',
      `${perS(t.checkFramesPerCpuS, ' frames per CPU second')}; ${t.frames} frames of the proxied load; ${t.traceViolations} violation(s)`,
    ],
  ];
}

/** The bench's section: its rows, its results under results.trace. */
export async function traceSection(runs: number, results: Record<string, unknown>): Promise<Row[]> {
  const t = await traceBench(runs);
  results.trace = t;
  return traceRows(t, runs);
}
