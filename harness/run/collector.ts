// A vitest reporter that collects the checks every scenario recorded in its task meta.
import type { Reporter, SerializedError, TestCase, TestModule } from 'vitest/node';
import type { CheckRecord } from '../verdict/checks.ts';

export interface ScenarioResult {
  readonly name: string;
  readonly file: string;
  readonly state: string;
  readonly durationMs: number;
  readonly checks: readonly CheckRecord[];
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
    };
    this.scenarios.push(result);
    this.progress?.scenarioDone(result);
  }

  onTestRunEnd(modules: ReadonlyArray<TestModule>, unhandledErrors: ReadonlyArray<SerializedError>): void {
    for (const m of modules) {
      for (const e of m.errors()) this.errors.push(`${m.moduleId}: ${e.message}`);
    }
    for (const e of unhandledErrors) this.errors.push(`unhandled: ${e.message}`);
  }

  get checks(): CheckRecord[] {
    return this.scenarios.flatMap((s) => s.checks);
  }
}
