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
import { isRequirementId, REQUIREMENTS } from '../spec/requirements.ts';
import { type EventSink, scenarioEvent } from './events.ts';
import { applyExpectedFailures, type ExpectedFailure } from './expected-failures.ts';
import { outcomeOf } from './outcome.ts';
import { REPORT_SCHEMA_VERSION, requirementEntry, type RunReport } from './report-model.ts';
import { SuiteRun } from './run-suites.ts';
import { CODE_ROOT, SUITE_VERSION } from './version.ts';
import { describeStop, type RunDeadline, type StopCause, stopReasonOf } from './watch.ts';
import { runErrorOf } from '../../reports/error-report.ts';
import { type BaselineParam, baselineBlock } from '../baseline/apply.ts';
import { outcomeWithBaseline } from '../baseline/outcome.ts';

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
  /** The whole run's deadline (--deadline-ms), shared by every target of the command. */
  readonly deadline?: RunDeadline;
  /** Called the moment the run's bound fires (the CLI arms its last exit bound). */
  readonly onStopped?: (cause: StopCause) => void;
  /** --baseline: only regressions since this earlier run fail the run. */
  readonly baseline?: BaselineParam;
  /** Further vitest reporters (the console's area progress). */
  readonly reporters?: readonly Reporter[];
  /**
   * The first run of the suites, begun while the target launched (beginSuites): its files, deadline,
   * onStopped and reporters are the ones it was begun with.
   */
  readonly begun?: SuiteRun;
}

/** Begins the suites' first run for certify() before the target exists (its modules load meanwhile). */
export function beginSuites(
  p: Pick<CertifyParams, 'files' | 'deadline' | 'onStopped' | 'reporters'> & { targetWaitMs?: number },
): SuiteRun {
  return SuiteRun.begin({
    ...(p.files ? { files: p.files } : {}),
    ...(p.deadline ? { deadline: p.deadline } : {}),
    ...(p.onStopped ? { onStopped: p.onStopped } : {}),
    ...(p.reporters ? { reporters: p.reporters } : {}),
    ...(p.targetWaitMs !== undefined ? { targetWaitMs: p.targetWaitMs } : {}),
  });
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

/**
 * A scenario that ended early (an earlier MUST check failed) leaves later requirements it declares
 * unchecked: say so, rather than leaving them silent.
 */
export function unreachedChecks(scenarios: readonly ScenarioResult[]): CheckRecord[] {
  const out: CheckRecord[] = [];
  for (const s of scenarios) {
    const checked = new Set(s.checks.map((c) => c.requirement));
    const firstFailure = s.checks.find((c) => c.outcome === 'fail');
    for (const id of s.requirements) {
      if (checked.has(id) || !isRequirementId(id)) continue;
      out.push({
        requirement: id,
        outcome: 'not-verified',
        message:
          s.timedOutMs !== undefined
            ? `${s.name} did not end within its bound of ${s.timedOutMs} ms and was stopped before checking it`
            : firstFailure
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
  const declared = new Set(scenarios.flatMap((s) => s.requirements));
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
    ...(p.selected.size < REQUIREMENTS.length ? { selected: [...p.selected] } : {}),
  };
  p.events.emit({
    event: 'start',
    target: p.launched.label,
    dialect: p.dialect,
    dialectHow: p.dialectHow,
    seed: p.seed,
  });
  const runs: RequirementVerdict[][] = [];
  let scenarios: ScenarioResult[] = [];
  const harnessErrors: string[] = [];
  let stopped: StopCause | undefined;
  for (let i = 0; i < p.repeat && !stopped; i++) {
    const suites = i === 0 && p.begun ? p.begun : beginSuites(p);
    const collector = await suites.run(
      { ...target, runPrefix: `${p.runPrefix}${p.repeat > 1 ? i.toString(36) : ''}` },
      { scenarioDone: (s) => p.events.emit(scenarioEvent(s)) },
    );
    stopped = collector.stopped;
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
    ...(stopped
      ? [
          `the run was stopped before its scenarios ended: ${describeStop(stopped)} (${scenarios.length} scenario(s) had ended)`,
        ]
      : []),
    ...harnessErrors.map((e) => `the suite itself failed to run a scenario file: ${e}`),
    ...scenarios
      .filter((s) => s.timedOutMs !== undefined)
      .map(
        (s) =>
          `"${s.name}" did not end within its bound of ${s.timedOutMs} ms (a wait in the suite without its own bound)`,
      ),
    ...applied.problems,
  ];
  // With --suite only some files ran, and a stopped run did not reach them all: no gap of the suite's.
  const gaps = p.files || stopped ? [] : coverageGaps(applied.verdicts, scenarios);
  if (gaps.length > 0)
    problems.push(
      `coverage: no scenario checked ${gaps.join(', ')} (a suite file is missing or its scenarios did not register)`,
    );
  const deadReason = await Promise.race([
    p.launched.died ?? new Promise<string>(() => {}),
    Promise.resolve(null),
  ]);
  if (deadReason) problems.push(`the target process ${deadReason} during the run`);
  const baseline = p.baseline
    ? baselineBlock(
        p.baseline,
        {
          label: p.launched.label,
          startedAt: started.toISOString(),
          suiteVersion: SUITE_VERSION,
          dialect: p.dialect,
          requirements: applied.verdicts,
        },
        p.level,
      )
    : undefined;
  const outcomeOpts = {
    level: p.level,
    requireComplete: p.requireComplete,
    problems,
    stopped: stopped !== undefined,
  };
  const outcome = baseline
    ? outcomeWithBaseline(applied.verdicts, baseline, outcomeOpts)
    : outcomeOf(applied.verdicts, outcomeOpts);
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
    // A stopped run ended early like one that could not start: outcome error, the reason in `error`
    // (junit.xml's erroring test case), what it judged before the stop kept alongside.
    outcome: stopped ? 'error' : outcome.outcome,
    exitCode: outcome.exitCode,
    problems: outcome.problems,
    ...(stopped
      ? {
          stopped: { ...stopped, message: describeStop(stopped) },
          error: runErrorOf(
            { reason: stopReasonOf(stopped), raw: describeStop(stopped), opened: true },
            'scenarios',
          ),
        }
      : {}),
    counts,
    requirements: applied.verdicts.map(requirementEntry),
    scenarios: scenarios.map((s) => ({
      name: s.name,
      requirements: [...s.requirements],
      file: sourcePath(s.file),
      state: s.state,
      durationMs: Math.round(s.durationMs),
    })),
    ...figuresOf(scenarios),
    ...(baseline ? { baseline } : {}),
  };
}

/** A suite file as its source is named in the repository ("suites/x.test.ts"), also when dist/ ran. */
export function sourcePath(file: string): string {
  const rel = file.startsWith(`${CODE_ROOT}/`) ? file.slice(CODE_ROOT.length + 1) : file;
  return rel.replace(/\.js$/, '.ts');
}

/** The scenarios' figures (e.g. figures.load from --load), when any scenario handed some. */
function figuresOf(scenarios: readonly ScenarioResult[]): { figures?: Record<string, unknown> } {
  const figures = mergedFigures(scenarios);
  return figures ? { figures } : {};
}
