// A report.json as the CLI writes it, for the self-test's tests: passed, or stopped at its deadline
// with the suite's worker stuck in `stuckHere`.
import { REPORT_SCHEMA_VERSION, type RunReport, runReportSchema } from '../harness/run/report-model.ts';

export function runReportFixture(stopped: boolean): RunReport {
  const message = 'the run deadline of 80 s passed during "s"; the worker was at stuckHere (x.js:1:1)';
  return runReportSchema.parse({
    schemaVersion: REPORT_SCHEMA_VERSION,
    suite: { name: 'omega-conformance', version: '0.1.0' },
    startedAt: '2026-11-27T11:00:00.000Z',
    durationMs: stopped ? 80_000 : 10,
    target: {
      label: 't',
      url: 'ws://127.0.0.1:1/ws/omikron',
      kind: 'embedded',
      configHash: 'x',
      clock: 'none',
    },
    dialect: { name: 'seed', how: 'given' },
    seed: 42,
    runs: 15,
    repeat: 1,
    level: 'must',
    outcome: stopped ? 'error' : 'passed',
    exitCode: stopped ? 2 : 0,
    problems: stopped ? [message] : [],
    counts: {},
    requirements: [],
    scenarios: [],
    ...(stopped
      ? {
          stopped: {
            kind: 'deadline',
            deadlineMs: 80_000,
            scenario: 's',
            workerStack: ['at stuckHere (x.js:1:1)'],
            message,
          },
        }
      : {}),
  });
}
