// A trace cut at any point (its head, its tail or both) gives inconclusive or not observed where the
// missing history matters, never a false failed: property over cut points of a conformant trace.
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import type { RunReport } from '../harness/run/report-model.ts';
import { TraceChecker } from '../harness/trace/check/checker.ts';
import { parseRecordLine, type TraceRecord } from '../harness/trace/format.ts';
import { traceReport } from '../harness/trace/report.ts';
import { failedIds, throughProxy } from './trace-helpers.ts';

let records: TraceRecord[] = [];

function checkSlice(from: number, to: number): RunReport {
  // The recorder vouched for the whole history; a trace whose head is cut away can no longer say so.
  const checker = new TraceChecker({ dialect: 'seed', fromStart: from === 0, replyBoundMs: 10_000 });
  for (const r of records.slice(from, to)) checker.feed(r);
  checker.finish();
  return traceReport({
    checker,
    label: 'cut',
    url: 'cut',
    startedAt: new Date(),
    durationMs: 0,
    level: 'should',
  });
}

describe('cut traces', () => {
  beforeAll(async () => {
    const r = await throughProxy({
      dialect: 'seed',
      args: [
        '--suite',
        'identification',
        '--suite',
        'register',
        '--suite',
        'change-user',
        '--suite',
        'delete',
        '--suite',
        'session',
        '--suite',
        'get-user',
      ],
    });
    records = readFileSync(r.tracePath, 'utf8')
      .trim()
      .split('\n')
      .slice(1)
      .map((l, i) => parseRecordLine(l, `line ${i + 2}`));
  }, 240_000);

  it('the whole trace has no violation, and judges many requirements', () => {
    const whole = checkSlice(0, records.length);
    expect(failedIds(whole)).toEqual([]);
    expect(whole.requirements.filter((q) => q.verdict === 'passed').length).toBeGreaterThan(30);
  });

  it('a cut at random points never gives a false failed', () => {
    const n = records.length;
    fc.assert(
      fc.property(fc.integer({ min: 0, max: n }), fc.integer({ min: 0, max: n }), (a, b) => {
        const [from, to] = a <= b ? [a, b] : [b, a];
        const cut = checkSlice(from, to);
        expect(failedIds(cut), `records ${from}..${to} of ${n}`).toEqual([]);
        for (const q of cut.requirements)
          expect([
            'passed',
            'not-observed',
            'inconclusive',
            'informational',
            'not-verified',
            'not-applicable',
          ]).toContain(q.verdict);
      }),
      { numRuns: 40 },
    );
  });
});
