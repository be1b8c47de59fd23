// The console's progress (reports/progress.ts) as vitest drives it: one line per area when it ends
// in CI logs, a live line with counts and the running scenario on a terminal.
import { describe, expect, it } from 'vitest';
import type { TestCase, TestModule } from 'vitest/node';
import { AreaProgress } from '../reports/progress.ts';
import { runCli } from './cli-helpers.ts';

interface FakeTest {
  readonly name: string;
  readonly state: 'passed' | 'failed' | 'skipped';
  readonly fail?: string;
  readonly mode?: 'run' | 'skip';
}

/** Just what the reporter reads of vitest's TestModule and TestCase. */
function fakeModule(file: string, tests: readonly FakeTest[]): { module: TestModule; cases: TestCase[] } {
  const module = { moduleId: `/x/suites/${file}` } as unknown as TestModule & { children: unknown };
  const cases = tests.map(
    (t, i) =>
      ({
        id: `${file}-${i}`,
        name: t.name,
        module,
        options: { mode: t.mode ?? 'run' },
        result: () => ({ state: t.state }),
        meta: () => ({
          checks: t.fail
            ? [{ requirement: 'UM-GET-003', outcome: 'fail', message: t.fail, scenario: t.name }]
            : [],
        }),
      }) as unknown as TestCase,
  );
  (module as { children: unknown }).children = { allTests: () => cases };
  return { module, cases };
}

function sink(columns?: number) {
  let text = '';
  return {
    out: {
      write: (s: string) => {
        text += s;
      },
      ...(columns ? { columns } : {}),
    },
    text: () => text,
  };
}

function drive(p: AreaProgress, m: { module: TestModule; cases: TestCase[] }, between?: (i: number) => void) {
  p.onTestModuleCollected(m.module);
  p.onTestModuleStart(m.module);
  m.cases.forEach((c, i) => {
    between?.(i);
    p.onTestCaseReady(c);
    p.onTestCaseResult(c);
  });
  p.onTestModuleEnd(m.module);
}

describe('area progress', () => {
  it('in CI: one line per area when it ends, its failures under it, areas --only left empty silent', () => {
    const s = sink();
    const p = new AreaProgress({ out: s.out, live: false, color: false });
    drive(
      p,
      fakeModule('get-user.test.ts', [
        { name: '[UM-GET-001] by id', state: 'passed' },
        { name: '[UM-GET-003] user_id preferred', state: 'failed', fail: 'the user found is the other one' },
        { name: '[UM-GET-004] neither', state: 'skipped', mode: 'skip' },
      ]),
    );
    drive(p, fakeModule('delete.test.ts', [{ name: '[UM-DEL-001] x', state: 'skipped', mode: 'skip' }]));
    drive(p, fakeModule('session.test.ts', [{ name: '[SES-001] challenge', state: 'passed' }]));
    p.onTestRunEnd();
    const lines = s.text().trimEnd().split('\n');
    expect(lines[0]).toMatch(/^ {2}✗ get-user {2}2\/2: 1 passed, 1 failed {2}\d+ ms$/);
    expect(lines[1]).toBe('    ✗ [UM-GET-003] user_id preferred');
    expect(lines[2]).toBe('        UM-GET-003: the user found is the other one');
    expect(lines[3]).toMatch(/^ {2}✓ session {2}1\/1: 1 passed, 0 failed/);
    expect(lines).toHaveLength(4);
    expect(s.text()).not.toContain('\r');
  });

  it('on a terminal: the running area rewritten in place, with the scenario running and never wider than the screen', () => {
    const s = sink(80);
    const p = new AreaProgress({ out: s.out, live: true, color: false });
    const m = fakeModule('register.test.ts', [
      { name: '[UM-REG-001] get_register returns an integer register id', state: 'passed' },
      {
        name: '[UM-REG-002] register ids are unique across a very long and descriptive name',
        state: 'passed',
      },
    ]);
    const seen: string[] = [];
    drive(p, m, () => {
      // What is on screen before scenario i's events arrive (vitest hands them over late).
      (p as unknown as { drawnAt: number }).drawnAt = Number.NEGATIVE_INFINITY;
      (p as unknown as { render: () => void }).render();
      seen.push(s.text().split('\r\u001b[2K').at(-1)!);
    });
    p.onTestRunEnd();
    expect(seen[0]).toMatch(
      /^ {2}… register {2}0\/2: 0 passed, 0 failed {2}\d+ ms {2}▸ get_register returns/,
    );
    expect(seen[1]).toMatch(/1\/2: 1 passed, 0 failed .*▸ register ids are unique/);
    for (const line of seen) expect([...line].length).toBeLessThanOrEqual(79);
    expect(s.text()).toContain('\r\u001b[2K  ✓ register  2/2: 2 passed, 0 failed  ');
  });
});

describe('omega-conformance progress', () => {
  it('without a terminal: one line per area that ran, no line per scenario; --json-lines unchanged', async () => {
    const r = await runCli(['--dialect', 'seed', '--only', 'UM-GET']);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/^ {2}✓ get-user {2}5\/5: 5 passed, 0 failed/m);
    expect(r.stderr).not.toMatch(/^ {2}✓ \[UM-GET-001/m);
    const json = await runCli(['--dialect', 'seed', '--only', 'UM-GET', '--json-lines']);
    const events = json.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { event: string });
    expect(events.filter((e) => e.event === 'scenario').length).toBeGreaterThanOrEqual(5);
    expect(json.stderr).not.toMatch(/get-user {2}\d+\/\d+/);
  });
});
