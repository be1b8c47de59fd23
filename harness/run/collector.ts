// A vitest reporter that collects the checks every scenario recorded in its task meta, and tells
// the run's watch (harness/run/watch.ts) when scenarios start and end.
import type { Reporter, SerializedError, TestCase, TestModule } from 'vitest/node';
import type {} from '../scenario/scenario.ts'; // TaskMeta.requirements
import type { CheckRecord } from '../verdict/checks.ts';
import type { StopCause } from './watch.ts';

export interface ScenarioResult {
  /** The scenario's title (its requirement ids are in `requirements`, never in the name). */
  readonly name: string;
  readonly file: string;
  /** The requirement ids the scenario declares (task meta); the first names it. */
  readonly requirements: readonly string[];
  readonly state: string;
  readonly durationMs: number;
  readonly checks: readonly CheckRecord[];
  /** Figures the scenario handed to the report (task meta), if any. */
  readonly figures?: Record<string, unknown>;
  /** Set when the scenario overran its vitest timeout: the bound, for the cause of its checks. */
  readonly timedOutMs?: number;
}

/** "[ID ID] title": how people see a scenario in progress lines (display only, never parsed). */
export function scenarioLabel(s: Pick<ScenarioResult, 'name' | 'requirements'>): string {
  return s.requirements.length > 0 ? `[${s.requirements.join(' ')}] ${s.name}` : s.name;
}

/** The figures of all scenarios, merged by key (a later scenario's key wins); undefined when none. */
export function mergedFigures(scenarios: readonly ScenarioResult[]): Record<string, unknown> | undefined {
  const withFigures = scenarios.filter((s) => s.figures !== undefined);
  return withFigures.length === 0 ? undefined : Object.assign({}, ...withFigures.map((s) => s.figures));
}

export interface Progress {
  scenarioDone(result: ScenarioResult): void;
  scenarioStarted?(name: string, timeoutMs: number): void;
  fileStarted?(): void;
}

export class CheckCollector implements Reporter {
  readonly scenarios: ScenarioResult[] = [];
  readonly errors: string[] = [];
  /** Set when the run was stopped by its bound before its scenarios ended. */
  stopped: StopCause | undefined;

  constructor(private readonly progress?: Progress) {}

  onTestModuleStart(): void {
    this.progress?.fileStarted?.();
  }

  onTestCaseReady(testCase: TestCase): void {
    const timeoutMs = testCase.options.timeout;
    if (timeoutMs !== undefined) this.progress?.scenarioStarted?.(testCase.name, timeoutMs);
    else this.progress?.fileStarted?.();
  }

  onTestCaseResult(testCase: TestCase): void {
    const meta = testCase.meta();
    const result = testCase.result();
    const durationMs = testCase.diagnostic()?.duration ?? 0;
    // vitest ended it at its timeout: its checks (set in its finally) never reached the meta.
    const timeoutMs = testCase.options.timeout;
    const timedOut =
      timeoutMs !== undefined &&
      result.state === 'failed' &&
      meta.checks === undefined &&
      durationMs >= timeoutMs;
    const scenario: ScenarioResult = {
      name: testCase.name,
      file: testCase.module.moduleId,
      requirements: [...(meta.requirements ?? [])],
      state: result.state,
      durationMs,
      checks: meta.checks ?? [],
      ...(meta.figures ? { figures: meta.figures } : {}),
      ...(timedOut ? { timedOutMs: timeoutMs } : {}),
    };
    this.scenarios.push(scenario);
    this.progress?.scenarioDone(scenario);
  }

  onTestRunEnd(modules: ReadonlyArray<TestModule>, unhandledErrors: ReadonlyArray<SerializedError>): void {
    for (const m of modules) {
      for (const e of m.errors()) {
        // A suite file with nothing for this target (another dialect's extensions, no --load, nothing
        // selected) is fine; a requirement left without any scenario is caught by the coverage check.
        if (/^No test suite found in file/.test(e.message)) continue;
        this.errors.push(`${m.moduleId}: ${e.message}`);
      }
    }
    for (const e of unhandledErrors) this.errors.push(`unhandled: ${e.message}`);
  }

  get checks(): CheckRecord[] {
    return this.scenarios.flatMap((s) => s.checks);
  }
}
