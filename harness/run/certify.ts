// One certification: the scenarios against a launched target in one dialect, judged and reported.
import { createHash } from 'node:crypto';
import type { Reporter } from 'vitest/node';
import type { OmikronIdentity } from '../identity/identities.ts';
import type { LaunchedTarget } from '../launchers/launcher.ts';
import type { Dialect } from '../protocol/dialect.ts';
import type { TargetDescriptor } from '../scenario/target.ts';
import { combineRepeats, type RequirementVerdict, verdictsFor, VERDICTS } from '../verdict/verdicts.ts';
import { mergedFigures, type ScenarioResult } from './collector.ts';
import type { CheckRecord } from '../verdict/checks.ts';
import { isRequirementId } from '../spec/requirements.ts';
import { type EventSink, scenarioEvent } from './events.ts';
import { applyExpectedFailures, type ExpectedFailure } from './expected-failures.ts';
import { outcomeOf } from './outcome.ts';
import { REPORT_SCHEMA_VERSION, type RunReport } from './report-model.ts';
import { runSuites } from './run-suites.ts';
import { PACKAGE_ROOT, SUITE_VERSION } from './version.ts';
import { scenarioPattern } from './selection.ts';

export { SUITE_VERSION };

export interface CertifyParams {
  readonly launched: LaunchedTarget;
  readonly dialect: Dialect;
  readonly dialectHow: string;
  readonly identities: readonly OmikronIdentity[];
  readonly timeoutMs: number;
  readonly seed: number;
  readonly runs: number;
  readonly replay?: string;
  readonly repeat: number;
  readonly level: 'must' | 'should';
  readonly requireComplete: boolean;
  readonly selected: ReadonlySet<string>;
  readonly expectedFailures?: readonly ExpectedFailure[];
  readonly events: EventSink;
  readonly files?: readonly string[];
  readonly runPrefix: string;
  /** --load: run the load profile (suites/load.test.ts) with this size. */
  readonly load?: { readonly connections: number; readonly requests: number };
  /** How a person reaches this target again from a shell: the prefix of every replay line. */
  readonly replayCommand?: string;
  /** Further vitest reporters (the console's area progress). */
  readonly reporters?: readonly Reporter[];
}

export function configHash(
  t: LaunchedTarget,
  dialect: Dialect,
  identities: readonly OmikronIdentity[],
): string {
  const config = {
    kind: t.kind,
    where: t.kind === 'url' ? t.url : t.label, // launched targets get a fresh port each run
    dialect,
    identities: identities.map((i) => [i.id, i.publicKey]),
    clock: t.clock.kind,
  };
  return createHash('sha256').update(JSON.stringify(config)).digest('hex').slice(0, 16);
}

/** The requirement ids a scenario declares: its name starts with "[ID ID ...]". */
export function declaredIds(scenarioName: string): string[] {
  return /^\[([^\]]+)\]/.exec(scenarioName)?.[1]?.split(/\s+/) ?? [];
}

/**
 * A scenario that ended early (an earlier MUST check failed) leaves later requirements it declares
 * unchecked: say so, rather than leaving them silent.
 */
export function unreachedChecks(scenarios: readonly ScenarioResult[]): CheckRecord[] {
  const out: CheckRecord[] = [];
  for (const s of scenarios) {
    const checked = new Set(s.checks.map((c) => c.requirement));
    const firstFailure = s.checks.find((c) => c.outcome === 'fail');
    for (const id of declaredIds(s.name)) {
      if (checked.has(id) || !isRequirementId(id)) continue;
      out.push({
        requirement: id,
        outcome: 'not-verified',
        message: firstFailure
          ? `${s.name} ended before checking it, after ${firstFailure.requirement} failed`
          : `${s.name} declares it but recorded no check of it`,
        scenario: s.name,
      });
    }
  }
  return out;
}

/** Judged requirements no scenario that ran declares: the suite's own gap, never the server's. */
export function coverageGaps(
  verdicts: readonly RequirementVerdict[],
  scenarios: readonly ScenarioResult[],
): string[] {
  const declared = new Set(scenarios.flatMap((s) => declaredIds(s.name)));
  return verdicts
    .filter(
      (v) =>
        (v.level === 'MUST' || v.level === 'SHOULD') && v.verdict !== 'not-applicable' && !declared.has(v.id),
    )
    .map((v) => v.id);
}

function durationsOf(scenarios: readonly ScenarioResult[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const s of scenarios) {
    const ids = new Set(s.checks.map((c) => c.requirement));
    for (const id of ids) out.set(id, (out.get(id) ?? 0) + s.durationMs);
  }
  return out;
}

export async function certify(p: CertifyParams): Promise<RunReport> {
  const started = new Date();
  const t0 = performance.now();
  const target: TargetDescriptor = {
    label: p.launched.label,
    url: p.launched.url,
    dialect: p.dialect,
    identities: p.identities,
    timeoutMs: p.timeoutMs,
    ...(p.launched.tls ? { tls: p.launched.tls } : {}),
    clock: p.launched.clock,
    runPrefix: p.runPrefix,
    seed: p.seed,
    runs: p.runs,
    ...(p.replay ? { replay: p.replay } : {}),
    ...(p.load ? { load: p.load } : {}),
    ...(p.replayCommand ? { replayCommand: p.replayCommand } : {}),
  };
  p.events.emit({
    event: 'start',
    target: p.launched.label,
    dialect: p.dialect,
    dialectHow: p.dialectHow,
    seed: p.seed,
  });
  const pattern = scenarioPattern(p.selected);
  const runs: RequirementVerdict[][] = [];
  let scenarios: ScenarioResult[] = [];
  const harnessErrors: string[] = [];
  for (let i = 0; i < p.repeat; i++) {
    const collector = await runSuites(
      { ...target, runPrefix: `${p.runPrefix}${p.repeat > 1 ? i.toString(36) : ''}` },
      {
        ...(p.files ? { files: p.files } : {}),
        ...(pattern ? { namePattern: pattern } : {}),
        progress: { scenarioDone: (s) => p.events.emit(scenarioEvent(s)) },
        ...(p.reporters ? { reporters: p.reporters } : {}),
      },
    );
    harnessErrors.push(...collector.errors);
    scenarios = collector.scenarios;
    runs.push(
      verdictsFor({
        dialect: p.dialect,
        checks: [...collector.checks, ...unreachedChecks(collector.scenarios)],
        durations: durationsOf(collector.scenarios),
        selected: p.selected,
      }),
    );
  }
  const combined = combineRepeats(runs);
  const applied = p.expectedFailures
    ? applyExpectedFailures(combined, p.expectedFailures, started)
    : { verdicts: combined, problems: [] };
  const problems = [
    ...harnessErrors.map((e) => `the suite itself failed to run a scenario file: ${e}`),
    ...applied.problems,
  ];
  // With --suite only some files ran: a requirement of another file is no gap of the suite's.
  const gaps = p.files ? [] : coverageGaps(applied.verdicts, scenarios);
  if (gaps.length > 0)
    problems.push(
      `coverage: no scenario checked ${gaps.join(', ')} (a suite file is missing or its scenarios did not register)`,
    );
  const deadReason = await Promise.race([
    p.launched.died ?? new Promise<string>(() => {}),
    Promise.resolve(null),
  ]);
  if (deadReason) problems.push(`the target process ${deadReason} during the run`);
  const outcome = outcomeOf(applied.verdicts, {
    level: p.level,
    requireComplete: p.requireComplete,
    problems,
  });
  const counts: Record<string, number> = Object.fromEntries(VERDICTS.map((v) => [v, 0]));
  for (const v of applied.verdicts) counts[v.verdict] = (counts[v.verdict] ?? 0) + 1;
  counts.flaky = applied.verdicts.filter((v) => v.stability === 'flaky').length;
  const logs = outcome.exitCode !== 0 ? p.launched.logs() : '';
  for (const v of applied.verdicts) {
    p.events.emit({ event: 'requirement', id: v.id, level: v.level, verdict: v.verdict, summary: v.summary });
  }
  return {
    schemaVersion: REPORT_SCHEMA_VERSION,
    suite: { name: 'omega-conformance', version: SUITE_VERSION },
    startedAt: started.toISOString(),
    durationMs: Math.round(performance.now() - t0),
    target: {
      label: p.launched.label,
      url: p.launched.url,
      kind: p.launched.kind,
      configHash: configHash(p.launched, p.dialect, p.identities),
      clock: p.launched.clock.kind === 'none' ? `none: ${p.launched.clock.reason}` : p.launched.clock.kind,
      ...(logs ? { logs } : {}),
    },
    dialect: { name: p.dialect, how: p.dialectHow },
    seed: p.seed,
    runs: p.runs,
    repeat: p.repeat,
    level: p.level,
    outcome: outcome.outcome,
    exitCode: outcome.exitCode,
    problems: outcome.problems,
    counts,
    requirements: applied.verdicts.map((v) => ({
      id: v.id,
      level: v.level,
      area: v.area,
      title: v.title,
      verdict: v.verdict,
      summary: v.summary,
      stability: v.stability,
      durationMs: Math.round(v.durationMs),
      ...(v.expectedFailure ? { expectedFailure: v.expectedFailure } : {}),
      checks: [...v.checks],
    })),
    scenarios: scenarios.map((s) => ({
      name: s.name,
      file: s.file.replace(`${PACKAGE_ROOT}/`, ''),
      state: s.state,
      durationMs: Math.round(s.durationMs),
    })),
    ...figuresOf(scenarios),
  };
}

/** The scenarios' figures (e.g. figures.load from --load), when any scenario handed some. */
function figuresOf(scenarios: readonly ScenarioResult[]): { figures?: Record<string, unknown> } {
  const figures = mergedFigures(scenarios);
  return figures ? { figures } : {};
}
