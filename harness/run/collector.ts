// A vitest reporter that collects the checks every scenario recorded in its task meta.
import type { Reporter, SerializedError, TestCase, TestModule } from 'vitest/node';
import type { CheckRecord } from '../verdict/checks.ts';

export interface ScenarioResult {
  readonly name: string;
  readonly file: string;
  readonly state: string;
  readonly durationMs: number;
  readonly checks: readonly CheckRecord[];
  /** Figures the scenario handed to the report (task meta), if any. */
  readonly figures?: Record<string, unknown>;
}

/** The figures of all scenarios, merged by key (a later scenario's key wins); undefined when none. */
export function mergedFigures(scenarios: readonly ScenarioResult[]): Record<string, unknown> | undefined {
  const withFigures = scenarios.filter((s) => s.figures !== undefined);
  return withFigures.length === 0 ? undefined : Object.assign({}, ...withFigures.map((s) => s.figures));
}

export interface Progress {
  scenarioDone(result: ScenarioResult): void;
}

export class CheckCollector implements Reporter {
  readonly scenarios: ScenarioResult[] = [];
  readonly errors: string[] = [];

  constructor(private readonly progress?: Progress) {}

  onTestCaseResult(testCase: TestCase): void {
    const meta = testCase.meta();
    const result: ScenarioResult = {
      name: testCase.name,
      file: testCase.module.moduleId,
      state: testCase.result().state,
      durationMs: testCase.diagnostic()?.duration ?? 0,
      checks: meta.checks ?? [],
      ...(meta.figures ? { figures: meta.figures } : {}),
    };
    this.scenarios.push(result);
    this.progress?.scenarioDone(result);
  }

  onTestRunEnd(modules: ReadonlyArray<TestModule>, unhandledErrors: ReadonlyArray<SerializedError>): void {
    for (const m of modules) {
      for (const e of m.errors()) {
        // A suite file with nothing for this target (another dialect's extensions, no --load) is fine;
        // a requirement left without any scenario is caught by the coverage check instead.
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
