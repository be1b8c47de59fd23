// The run report of a checked trace: the same schema and writers as certification (kind "trace").
import { createHash } from 'node:crypto';
import { outcomeOf } from '../run/outcome.ts';
import { REPORT_SCHEMA_VERSION, requirementEntry, type RunReport } from '../run/report-model.ts';
import { SUITE_VERSION } from '../run/version.ts';
import { VERDICTS } from '../verdict/verdicts.ts';
import type { TraceChecker } from './check/checker.ts';
import { traceVerdicts } from './verdicts.ts';

export interface TraceReportInput {
  readonly checker: TraceChecker;
  /** The trace files, or the proxy's listen → upstream. */
  readonly label: string;
  readonly url: string;
  readonly startedAt: Date;
  readonly durationMs: number;
  readonly level: 'must' | 'should';
  readonly problems?: readonly string[];
  readonly figures?: Record<string, unknown>;
}

export function traceReport(p: TraceReportInput): RunReport {
  const probe = p.checker.data.dialect(p.checker.forcedDialect);
  const dialect = probe.dialect ?? 'seed';
  const verdicts = traceVerdicts(p.checker.sink.checks(), dialect);
  const base = outcomeOf(verdicts, { level: p.level, requireComplete: false, problems: p.problems ?? [] });
  const unseen = verdicts.filter(
    (v) =>
      (v.verdict === 'not-observed' || v.verdict === 'inconclusive') &&
      (v.level === 'MUST' || v.level === 'SHOULD'),
  );
  const outcome = base.outcome === 'passed' && unseen.length > 0 ? 'partial' : base.outcome;
  const counts: Record<string, number> = Object.fromEntries(VERDICTS.map((v) => [v, 0]));
  for (const v of verdicts) counts[v.verdict] = (counts[v.verdict] ?? 0) + 1;
  counts.flaky = 0;
  const s = p.checker.summary;
  return {
    schemaVersion: REPORT_SCHEMA_VERSION,
    suite: { name: 'omega-conformance', version: SUITE_VERSION },
    startedAt: p.startedAt.toISOString(),
    durationMs: Math.round(p.durationMs),
    target: {
      label: p.label,
      url: p.url,
      kind: 'trace',
      configHash: createHash('sha256')
        .update(JSON.stringify([p.url, dialect]))
        .digest('hex')
        .slice(0, 16),
      clock: 'none: a passive check sends nothing',
    },
    dialect: { name: dialect, how: probe.dialect ? probe.how : `${probe.how} (seed assumed)` },
    seed: 0,
    runs: 0,
    repeat: 1,
    level: p.level,
    outcome,
    exitCode: base.exitCode,
    problems: base.problems,
    counts,
    requirements: verdicts.map(requirementEntry),
    scenarios: [],
    figures: {
      trace: {
        frames: s.frames,
        connections: s.connections,
        spanMs:
          s.firstTime !== undefined && s.lastTime !== undefined ? Math.round(s.lastTime - s.firstTime) : 0,
        fromStart: p.checker.fromStart,
        replyBoundMs: p.checker.replyBoundMs,
        maxInFlight: p.checker.maxInFlight,
        ...p.figures,
      },
    },
  };
}
