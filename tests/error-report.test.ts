// The report of a run that ended early renders in every format, with the reason as data and in words.
import { describe, expect, it } from 'vitest';
import { runReportSchema } from '../harness/run/report-model.ts';
import { renderConsole } from '../reports/console.ts';
import { errorReport } from '../reports/error-report.ts';
import { renderHtml } from '../reports/html.ts';
import { renderJson } from '../reports/json.ts';
import { renderJunit } from '../reports/junit.ts';

const url = 'wss://127.0.0.1:9187/ws/omikron';
const report = errorReport({
  classified: {
    reason: { kind: 'tls-not-spoken', url, code: 'EPROTO' },
    raw: 'cannot connect to wss://127.0.0.1:9187/ws/omikron: write EPROTO ...:wrong version number',
    opened: false,
  },
  reached: 'target-ready',
  startedAt: new Date('2026-01-02T03:04:05Z'),
  durationMs: 1234,
  target: { label: url, url, kind: 'url', clock: 'none' },
  dialect: { name: 'unknown', how: 'the run ended before the dialect was probed' },
  seed: 7,
  runs: 25,
  repeat: 1,
  level: 'must',
});

describe('the report of a run that ended early', () => {
  it('is valid against the schema: outcome error, exit code 2, the reason as data', () => {
    expect(runReportSchema.parse(JSON.parse(renderJson(report)))).toMatchObject({
      outcome: 'error',
      exitCode: 2,
      requirements: [],
      error: {
        reason: { kind: 'tls-not-spoken', url, code: 'EPROTO' },
        message: 'the server does not speak TLS on 127.0.0.1:9187',
        hint: 'try ws://127.0.0.1:9187/ws/omikron',
        reached: 'target-ready',
      },
    });
  });

  it('is one erroring JUnit test case naming the reason, with the plain words and the raw error', () => {
    const xml = renderJunit(report);
    expect(xml).toMatch(/<testsuites [^>]*tests="1" failures="0" errors="1"/);
    expect(xml).toContain('name="run ended early: tls-not-spoken"');
    expect(xml).toContain(
      'message="the server does not speak TLS on 127.0.0.1:9187; try ws://127.0.0.1:9187/ws/omikron"',
    );
    expect(xml).toContain('raw: cannot connect to wss://127.0.0.1:9187/ws/omikron: write EPROTO');
  });

  it('says in report.html and on the console why, what to try, and the raw error', () => {
    const html = renderHtml(report);
    expect(html).toContain('Why the run could not complete');
    expect(html).toContain('the server does not speak TLS on 127.0.0.1:9187');
    expect(html).toContain('wrong version number');
    const text = renderConsole(report, { color: false });
    expect(text).toMatch(/verdict: ERROR at level MUST \(exit code 2\)/);
    expect(text).toContain(
      '  - the server does not speak TLS on 127.0.0.1:9187; try ws://127.0.0.1:9187/ws/omikron',
    );
    expect(text).toMatch(/raw error: .*wrong version number/);
  });
});
