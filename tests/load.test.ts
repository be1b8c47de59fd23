// The load profile (--load): the reference holds it, a variant that crosses replies under load is
// caught by ENV-006 only with it, and its figures reach report.json, junit.xml and the HTML chart.
import { describe, expect, it } from 'vitest';
import { ReferenceOmega } from '../fixtures/reference/server.ts';
import { fixtureIdentities } from '../harness/identity/identities.ts';
import { parseLoadId, RequestIds } from '../harness/load/ids.ts';
import { withLoadIdentities } from '../harness/load/identities.ts';
import { histogram, percentile, summarise } from '../harness/load/latency.ts';
import { runCli, verdictOf } from './cli-helpers.ts';

const SMALL = ['--load', '--load-connections', '10', '--load-requests', '30'];
const ONLY = ['--only', 'ENV-006,ENV-003,ENV-005,UM-CHG-004'];
/** A busy machine (other suites in parallel) slows every CLI run down. */
const BOUND = { timeoutMs: 180_000 };

type LoadFigures = Record<string, unknown> & { histogram: { leMs: number; count: number }[] };

describe('load profile: building blocks', () => {
  it('computes nearest-rank percentiles and a histogram that counts every latency once', () => {
    const values = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(values, 50)).toBe(50);
    expect(percentile(values, 99)).toBe(99);
    expect(percentile([], 50)).toBe(0);
    const h = histogram([0.1, 0.3, 3, 3, 700]);
    expect(h.reduce((s, b) => s + b.count, 0)).toBe(5);
    expect(h[0]).toEqual({ leMs: 0.125, count: 1 });
    expect(h.at(-1)).toEqual({ leMs: 1024, count: 1 });
    expect(summarise([2, 1, 3]).p50Ms).toBe(2);
  });

  it('mints request ids that name their run and connection', () => {
    const ids = new RequestIds('a1b2c3', 7);
    const id = ids.next();
    expect(parseLoadId(id)).toEqual({ run: 'a1b2c3', connection: 7, seq: 1 });
    expect(parseLoadId('3f1c-uuid')).toBeNull();
  });

  it('adds generated identities with fresh ids after the given ones', () => {
    const given = fixtureIdentities();
    const all = withLoadIdentities(given, given.length + 3);
    expect(all).toHaveLength(given.length + 3);
    expect(new Set(all.map((i) => i.id)).size).toBe(all.length);
    expect(all.slice(0, given.length)).toEqual(given);
    expect(withLoadIdentities(given, 2)).toHaveLength(given.length);
  });
});

describe('load profile: against the reference', () => {
  it('the reference holds a load: nothing lost, misattributed or crossed, everything acknowledged reads back', async () => {
    const r = await runCli(['--dialect', 'seed', ...SMALL, ...ONLY], BOUND);
    expect(r.code, r.stderr).toBe(0);
    const report = r.report();
    for (const id of ['ENV-006', 'ENV-003', 'ENV-005', 'UM-CHG-004'])
      expect(verdictOf(report, id)).toBe('passed');
    expect(report.scenarios.some((s) => s.name.includes('load profile (10 connections × 30 requests)'))).toBe(
      true,
    );
    const load = report.figures?.load as LoadFigures;
    expect(load).toMatchObject({
      connections: 10,
      requests: 300,
      replies: 300,
      lost: 0,
      wrongId: 0,
      crossed: 0,
      duplicates: 0,
      readBackFailed: 0,
    });
    expect(load.readBackChecked as number).toBeGreaterThan(0);
    expect(load.changesAcknowledged as number).toBeGreaterThan(0);
    expect(load.p99Ms as number).toBeGreaterThanOrEqual(load.p50Ms as number);
    expect(load.histogram.reduce((s, b) => s + b.count, 0)).toBe(300);
    const junit = r.file('junit.xml');
    expect(junit).toMatch(/<property name="figures\.load\.p95Ms" value="[\d.]+"\/>/);
    expect(junit).toContain('name="figures.load.histogram"');
    const html = r.file('report.html');
    expect(html).toContain('<section id="load">');
    expect(html).toMatch(/<svg class="chart"[^>]*aria-label="Latency histogram/);
  }, 200_000);

  it('without --load there is no load scenario and no load figures', async () => {
    const r = await runCli(['--dialect', 'seed', '--only', 'ENV-006'], BOUND);
    expect(r.code, r.stderr).toBe(0);
    const report = r.report();
    expect(report.scenarios.some((s) => s.name.includes('load profile'))).toBe(false);
    expect(report.figures?.load).toBeUndefined();
  }, 200_000);

  it('a variant that crosses replies under load is caught by ENV-006, and only under load', async () => {
    const variant = [
      '--dialect',
      'seed',
      '--reference-variant',
      'replies-crossed-under-load',
      '--timeout-ms',
      '2000',
    ];
    const [loaded, plain] = await Promise.all([
      // The load scenario alone: the crossing variant is a load fault, and other suites only add time.
      runCli([...variant, ...SMALL, '--suite', 'load', '--only', 'ENV-006'], BOUND),
      runCli([...variant, '--only', 'ENV-006'], BOUND),
    ]);
    expect(loaded.code, loaded.stderr).toBe(1);
    const q = loaded.report().requirements.find((x) => x.id === 'ENV-006')!;
    expect(q.verdict).toBe('failed');
    const failure = q.checks.find((c) => c.outcome === 'fail')!;
    expect(failure.message).toMatch(
      /^under load \(10 connections × 30 requests\): \d+ finding\(s\); first: .*a reply to request "ld-[0-9a-f]{6}-c\d+-n\d+" of load-c\d+\/omikron-\d+ arrived on load-c\d+/,
    );
    expect(failure.transcript).toMatch(/<- \{"type":"[a-z_]+","id":"ld-/);
    expect((loaded.report().figures?.load as LoadFigures).crossed as number).toBeGreaterThan(0);
    expect(plain.code, plain.stderr).toBe(0);
    expect(verdictOf(plain.report(), 'ENV-006')).toBe('passed');
  }, 200_000);

  it('--url: as many connections as identities were given, and the figures say so', async () => {
    const identities = fixtureIdentities();
    const omega = await ReferenceOmega.start({ dialect: 'seed', trusted: identities });
    try {
      const r = await runCli(
        [
          '--url',
          omega.url,
          '--dialect',
          'seed',
          '--load',
          '--load-connections',
          '12',
          '--load-requests',
          '10',
          '--only',
          'ENV-006',
        ],
        BOUND,
      );
      expect(r.code, r.stderr).toBe(0);
      const load = r.report().figures?.load as LoadFigures;
      expect(load).toMatchObject({
        connections: identities.length,
        connectionsRequested: 12,
        lost: 0,
        crossed: 0,
      });
      expect(load.note).toMatch(/8 Omikron identities were given/);
    } finally {
      await omega.stop();
    }
  }, 200_000);
});
