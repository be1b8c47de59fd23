// The conformant-alternative machinery: the catalogue, the one lookup the embedded reference uses
// (variants, alternatives, every-alternative, a variant layered on a base), and the runner that
// starts each subject through the CLI and never retries a stalled run.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { defineAlternative } from '../fixtures/alternatives/alternative.ts';
import { ALTERNATIVES } from '../fixtures/alternatives/catalogue.ts';
import { type Behaviours, REFERENCE } from '../fixtures/reference/behaviours.ts';
import type { ConnectionState, Frame, OmegaContext, Request } from '../fixtures/reference/context.ts';
import {
  EVERY_ALTERNATIVE,
  everyAlternative,
  selectBehaviours,
  subjectByName,
} from '../fixtures/reference/select.ts';
import { Store } from '../fixtures/reference/store.ts';
import { VARIANTS } from '../fixtures/variants/catalogue.ts';
import { judgeAlternative } from '../harness/mutants/alternatives-report.ts';
import { assess } from '../harness/mutants/assess.ts';
import { judgeReference, type VariantOutcome } from '../harness/mutants/judge.ts';
import { alternativeProblems } from '../harness/mutants/catalogue-check.ts';
import { cliArgs, runResult } from '../harness/mutants/cli-run.ts';
import { type JobResult, runPool } from '../harness/mutants/pool.ts';
import type { RunReport } from '../harness/run/report-model.ts';
import { runReportFixture } from './run-report-fixture.ts';
import { runCli } from './cli-helpers.ts';

/** A context that records what a behaviour sends, for calling behaviours directly. */
function fakeContext(behaviours: Behaviours, dialect: 'seed' | 'tensamin' = 'seed') {
  const sent: Frame[] = [];
  const conn: ConnectionState = {
    serial: 1,
    omikron: 101,
    challenge: null,
    users: new Set(),
    iotas: new Set(),
    frames: 0,
  };
  const ctx = {
    store: new Store(),
    clock: { now: () => 1_700_000_000_000, monotonic: () => 0 },
    dialect,
    conn,
    behaviours,
    connections: () => [],
    send: (f: Frame) => sent.push(f),
    close: () => {},
  } as unknown as OmegaContext;
  return { ctx, sent };
}

const stoppedReport = (): RunReport => runReportFixture(true);

const request = (type: string, data: Record<string, unknown> = {}): Request => ({
  type,
  id: 'r-1',
  sender: undefined,
  data,
});

describe('the alternative catalogue', () => {
  test('has at least twenty alternatives and no problem (names, choices, records never MUST)', () => {
    expect(ALTERNATIVES.length).toBeGreaterThanOrEqual(20);
    expect(alternativeProblems(ALTERNATIVES, VARIANTS).map((p) => `${p.variant}: ${p.problem}`)).toEqual([]);
  });

  test('the check finds a MUST record, a name a variant has, and an unknown requirement', () => {
    const bad = [
      defineAlternative({
        name: VARIANTS[0]!.name,
        choice: 'a choice of some length',
        records: ['ENV-008'],
        override: (b) => ({ reply: b.reply }),
      }),
      defineAlternative({
        name: 'records-a-must',
        choice: 'a choice of some length',
        records: ['ENV-001'],
        override: (b) => ({ reply: b.reply }),
      }),
      defineAlternative({
        name: 'records-nothing-known',
        choice: 'a choice of some length',
        records: ['XYZ-001'],
        override: (b) => ({ reply: b.reply }),
      }),
    ];
    const problems = alternativeProblems(bad, VARIANTS).map((p) => p.problem);
    expect(problems).toEqual([
      'a faulty variant has the same name',
      expect.stringContaining('a MUST'),
      expect.stringContaining('not in the requirement catalogue'),
    ]);
  });
});

describe("SPEC.md's decisions table", () => {
  test('names, in its proving-alternative column, only alternatives of the catalogue', () => {
    const spec = readFileSync(join(import.meta.dirname, '../SPEC.md'), 'utf8');
    const table = spec.slice(
      spec.indexOf('| question | decision | why | requirements | proving alternative |'),
    );
    const rows = table.slice(0, table.indexOf('\n\n')).split('\n').slice(2);
    expect(rows.length).toBeGreaterThan(10);
    const named = rows.flatMap((r) =>
      [...(r.split(' | ').at(-1) ?? '').matchAll(/`([a-z0-9-]+)`/g)].map((m) => m[1]!),
    );
    const known = new Set(ALTERNATIVES.map((a) => a.name));
    expect(named.length).toBeGreaterThan(10);
    expect(named.filter((n) => !known.has(n))).toEqual([]);
  });
});

describe('one lookup for the embedded reference', () => {
  test('no selection is the reference itself', () => {
    expect(selectBehaviours({}, 'seed')).toEqual({ behaviours: REFERENCE, description: undefined });
  });

  test('finds variants, alternatives and every-alternative by name, and names the unknown', () => {
    expect(subjectByName(VARIANTS[0]!.name).kind).toBe('variant');
    expect(subjectByName(ALTERNATIVES[0]!.name).kind).toBe('alternative');
    expect(subjectByName(EVERY_ALTERNATIVE).kind).toBe('every-alternative');
    expect(() => subjectByName('nope')).toThrow(/unknown reference variant "nope".*every-alternative/);
  });

  test('refuses a variant as a base, and an alternative outside its dialects', () => {
    expect(() =>
      selectBehaviours({ variant: ALTERNATIVES[0]!.name, base: VARIANTS[0]!.name }, 'seed'),
    ).toThrow(/is a faulty variant/);
    const tensaminOnly = ALTERNATIVES.find((a) => a.dialects?.length === 1 && a.dialects[0] === 'tensamin');
    expect(tensaminOnly).toBeDefined();
    expect(() => selectBehaviours({ variant: tensaminOnly!.name }, 'seed')).toThrow(/tensamin dialect only/);
  });

  test('a variant layered on every-alternative keeps the alternatives and adds its fault', () => {
    const v = VARIANTS.find((x) => x.name === 'error-without-id')!;
    const selected = selectBehaviours({ variant: v.name, base: EVERY_ALTERNATIVE }, 'seed');
    expect(selected.description).toBe(`faulty variant ${v.name} on ${EVERY_ALTERNATIVE}`);
    const { ctx, sent } = fakeContext(selected.behaviours);
    ctx.behaviours.reply(ctx, request('delete_profile'), 'success');
    ctx.behaviours.error(ctx, request('get_user_data'), 'error_not_found', 'no such user');
    // Partial matches: server-pings-often and envelope-extra-fields add frames and fields.
    expect(sent.filter((f) => f.type !== 'ping')).toMatchObject([
      { type: 'success', id: 'r-1', data: {} }, // success-with-empty-data, from the base
      { type: 'error_not_found', data: { error_type: 'no such user' } }, // the fault: no id
    ]);
    expect(sent.filter((f) => f.type !== 'ping')[1]).not.toHaveProperty('id');
  });

  test('every-alternative layers the combinable choices: each delegates to the one below', () => {
    const { ctx, sent } = fakeContext(everyAlternative('seed'));
    ctx.behaviours.error(ctx, request('get_user_data'), 'error_not_found', 'no such user');
    // error-types-descriptive names the type, error-text-under-message moves the text.
    const replies = (): Frame[] => sent.filter((f) => f.type !== 'ping');
    expect(replies()).toMatchObject([
      { type: 'error_no_such_user', id: 'r-1', data: { message: 'no such user' } },
    ]);
    expect(replies()[0]!.data).toEqual({ message: 'no such user' });
    sent.length = 0;
    ctx.behaviours.reply(ctx, request('delete_profile'), 'success');
    expect(replies()).toMatchObject([{ type: 'success', id: 'r-1', data: {} }]);
  });

  test('leaves the reference unchanged', () => {
    const { ctx, sent } = fakeContext(REFERENCE);
    REFERENCE.error(ctx, request('get_user_data'), 'error_not_found', 'no such user');
    expect(sent).toEqual([{ type: 'error_not_found', id: 'r-1', data: { error_type: 'no such user' } }]);
    expect(REFERENCE.requestType(ctx, request('delet_profile'))).toBe('delete_profile');
  });
});

describe('the runner', () => {
  test('starts the CLI with the selection options and its own report directory', () => {
    const args = cliArgs(
      {
        subject: 'lookup-username-first',
        base: EVERY_ALTERNATIVE,
        dialect: 'tensamin',
        timeoutMs: 1000,
        seed: 42,
        runs: 15,
      },
      '/tmp/x',
    );
    expect(args.join(' ')).toBe(
      `--dialect tensamin --reference-variant lookup-username-first --reference-base ${EVERY_ALTERNATIVE} --timeout-ms 1000 --seed 42 --runs 15 --report-dir /tmp/x --json-lines`,
    );
  });

  test('a stalled run is killed, never retried, and fails naming its subject', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'omega-stall-'));
    const starts = join(dir, 'starts');
    // Stands in for a CLI that cannot even stop itself: records each start, then never ends.
    const script = `require('node:fs').appendFileSync(${JSON.stringify(starts)}, 'x'); setInterval(() => {}, 1000);`;
    const t0 = performance.now();
    const [r] = await runPool([{ subject: 'some-variant', base: EVERY_ALTERNATIVE, dialect: 'seed' }], {
      boundMs: 1500,
      batch: false,
      command: [process.execPath, '-e', script, '--'],
    });
    expect(performance.now() - t0).toBeLessThan(10_000);
    expect(r!.ok).toBe(false);
    if (r!.ok) return;
    expect(r!.stalled).toBe(true);
    expect(r!.error).toMatch(/some-variant on every-alternative \(seed\) stalled/);
    expect(readFileSync(starts, 'utf8')).toBe('x');
  });

  test('a run the CLI stopped at the deadline it was given fails as a stall, with where it was stuck', async () => {
    // Stands in for the CLI: reads --deadline-ms and --report-dir, writes a stopped report, exits 2.
    const script = `
      const a = process.argv; const dir = a[a.indexOf('--report-dir') + 1];
      const deadline = Number(a[a.indexOf('--deadline-ms') + 1]);
      if (!(deadline > 0)) process.exit(9);
      const report = ${JSON.stringify(stoppedReport())};
      require('node:fs').writeFileSync(require('node:path').join(dir, 'report.json'), JSON.stringify(report));
      process.exit(2);`;
    const [r] = await runPool([{ subject: 'v', dialect: 'seed' }], {
      boundMs: 60_000,
      batch: false,
      command: [process.execPath, '-e', script, '--'],
    });
    expect(r!.ok).toBe(false);
    if (r!.ok) return;
    expect(r!.stalled).toBe(true);
    expect(r!.error).toContain('v (seed) stalled');
    expect(r!.error).toContain('the worker was at stuckHere');
  });

  test('a run that ends without a report fails saying so', async () => {
    const [r] = await runPool([{ subject: 'x', dialect: 'seed' }], {
      boundMs: 10_000,
      batch: false,
      command: [process.execPath, '-e', 'process.exit(3)', '--'],
    });
    expect(r!.ok ? '' : r!.error).toMatch(/exit code 3\) without a usable report/);
    expect(r!.ok ? undefined : r!.refused).toBeUndefined();
  });

  test('a run the CLI refuses (its error event) is marked refused', async () => {
    const refuse = `process.stdout.write(JSON.stringify({ event: 'error', message: 'no handshake' }) + '\\n'); process.exit(2)`;
    const [r] = await runPool([{ subject: 'x', dialect: 'seed' }], {
      boundMs: 10_000,
      batch: false,
      command: [process.execPath, '-e', refuse, '--'],
    });
    expect(r!.ok ? '' : r!.error).toMatch(/could not run it \(exit code 2\): no handshake/);
    expect(r!.ok ? undefined : r!.refused).toBe(true);
  });

  test('verdicts come from report.json; the line restating failures is no harness error', () => {
    const report = {
      level: 'must',
      exitCode: 1,
      problems: [
        'the target process exited during the run',
        '1 requirement(s) failed at level MUST: UM-GET-003',
      ],
      scenarios: [{ name: 'S', file: 'suites/get-user.test.ts', state: 'failed', durationMs: 1 }],
      requirements: [
        {
          id: 'UM-GET-003',
          level: 'MUST',
          verdict: 'failed',
          summary: 'it failed',
          checks: [
            { requirement: 'UM-GET-003', outcome: 'fail', message: 'user_id is preferred', scenario: 'S' },
          ],
        },
        { id: 'ENV-001', level: 'MUST', verdict: 'passed', summary: '', checks: [] },
      ],
    } as unknown as RunReport;
    const r = runResult(
      { subject: 'v', dialect: 'seed', timeoutMs: 1, seed: 1, runs: 1 },
      [report],
      { scripted: [], properties: [] },
      5,
      false,
    );
    expect(r.exitCode).toBe(1);
    expect(r.errors).toEqual(['the target process exited during the run']);
    expect(r.requirements[0]).toMatchObject({
      id: 'UM-GET-003',
      verdict: 'failed',
      message: 'user_id is preferred',
      files: ['get-user.test.ts'],
      timeoutOnly: false,
    });
  });

  test('a coverage gap is a judged requirement no check touched, told by its checks, not by its summary', () => {
    const report = {
      level: 'must',
      exitCode: 0,
      problems: [],
      scenarios: [],
      requirements: [
        { id: 'ENV-001', level: 'MUST', verdict: 'not-verified', summary: 'any words', checks: [] },
        {
          id: 'ENV-002',
          level: 'MUST',
          verdict: 'not-verified',
          summary: 'no scenario checked it in this run',
          checks: [
            {
              requirement: 'ENV-002',
              outcome: 'not-verified',
              message: 'needs iota_user_data',
              scenario: 'S',
            },
          ],
        },
      ],
    } as unknown as RunReport;
    const spec = { subject: 'reference', dialect: 'seed', timeoutMs: 1, seed: 1, runs: 1 } as const;
    const result = runResult(spec, [report], { scripted: [], properties: [] }, 5, false);
    const o = judgeReference({ job: { subject: 'reference', dialect: 'seed' }, ok: true, result, wallMs: 5 });
    expect(o.coverageGaps).toEqual(['ENV-001']);
    expect(o.notVerified.map((q) => q.id)).toEqual(['ENV-002']);
  });

  test('a requirement rests on timeouts only when every failing check has a bound as its cause, not by its message', () => {
    const fail = (message: string, cause?: object) => ({
      requirement: 'ENV-003',
      outcome: 'fail',
      message,
      scenario: 'S',
      ...(cause ? { cause } : {}),
    });
    const timeout = {
      kind: 'timeout',
      connection: 'c',
      at: 1,
      request: 'ping (id 1)',
      sentAt: 0,
      timeoutMs: 5,
      strays: [],
    };
    const outcome = (checks: object[]) => {
      const report = {
        level: 'must',
        exitCode: 1,
        problems: [],
        scenarios: [{ name: 'S', file: 'suites/envelope.test.ts', state: 'failed', durationMs: 1 }],
        requirements: [{ id: 'ENV-003', level: 'MUST', verdict: 'failed', summary: 'it failed', checks }],
      } as unknown as RunReport;
      const spec = { subject: 'v', dialect: 'seed', timeoutMs: 1, seed: 1, runs: 1 } as const;
      return runResult(spec, [report], { scripted: [], properties: [] }, 5, false).requirements[0]!
        .timeoutOnly;
    };
    expect(outcome([fail('anything', timeout), fail('down', { kind: 'target-down', reason: 'x' })])).toBe(
      true,
    );
    expect(outcome([fail('anything', timeout), fail('a stray frame', { kind: 'duplicate' })])).toBe(false);
    // A message that reads like a timeout, without the cause, is not taken for one.
    expect(outcome([fail('c: no reply to ping (id 1) within 5 ms')])).toBe(false);
  });
});

describe('judging an alternative', () => {
  const job = { subject: 'a', dialect: 'seed' } as const;
  const ran = (exitCode: number, failed: string[]): JobResult => ({
    job,
    ok: true,
    wallMs: 1,
    result: {
      kind: 'mutant-run',
      subject: 'a',
      dialect: 'seed',
      files: [],
      missingPropertySuites: [],
      requirements: failed.map((id) => ({ id, level: 'MUST', verdict: 'failed', message: 'm' })),
      scenarios: { total: 1, failed: failed.length },
      exitCode,
      errors: [],
      durationMs: 1,
    },
  });
  const known = { fails: ['IDN-DELI-001'], fixIn: 'x', why: 'y' };

  test('certifies on exit 0 with no failed MUST, and fails naming the requirement otherwise', () => {
    expect(judgeAlternative(ran(0, []), 'c').status).toBe('certified');
    const o = judgeAlternative(ran(1, ['UM-GET-005']), 'c');
    expect(o.status).toBe('failed');
    expect(o.falselyFailed.map((f) => f.id)).toEqual(['UM-GET-005']);
  });

  test('a known false verdict passes only while it fails exactly so, and is stale once it certifies', () => {
    expect(judgeAlternative(ran(1, ['IDN-DELI-001']), 'c', known).status).toBe('known');
    expect(judgeAlternative(ran(1, ['IDN-DELI-001', 'UM-GET-005']), 'c', known).status).toBe('failed');
    expect(judgeAlternative(ran(0, []), 'c', known).status).toBe('stale');
    const cannot = { ...known, fails: 'cannot-start' as const };
    const noStart: JobResult = {
      job,
      ok: false,
      wallMs: 1,
      stderrTail: '',
      error: 'the CLI could not run it (exit code 2): no handshake',
      refused: true,
    };
    expect(judgeAlternative(noStart, 'c', cannot).status).toBe('known');
    // Told by the field, never by the words of the error.
    const { refused: _, ...sameWords } = noStart;
    expect(judgeAlternative(sameWords, 'c', cannot).status).toBe('failed');
    const stalled: JobResult = {
      job,
      ok: false,
      wallMs: 1,
      stderrTail: '',
      error: 'a (seed) stalled: no report within the per-run bound',
      stalled: true,
    };
    expect(judgeAlternative(stalled, 'c', cannot).status).toBe('failed');
  });
});

describe('the mutation run on both bases', () => {
  const outcome = (base: string, caught: boolean): VariantOutcome => ({
    name: 'v',
    base,
    dialect: 'seed',
    fault: 'a fault of some kind',
    mustCatch: ['UM-GET-003'],
    status: caught ? 'caught' : 'survived',
    failed: caught ? ['UM-GET-003'] : [],
    caughtBy: caught ? ['UM-GET-003'] : [],
    catchingScenarios: [],
    failures: [],
    unexpected: [],
    propertyOnly: false,
    errors: [],
    timeMs: 1,
  });

  test('a variant caught on the reference but not on every-alternative names a check coupled to the reference', () => {
    const { problems } = assess([], [], [outcome('reference', true), outcome(EVERY_ALTERNATIVE, false)], []);
    expect(problems).toEqual([
      expect.stringMatching(
        /variant "v" \(seed, on every-alternative\) SURVIVED.*caught on the reference by UM-GET-003: that check is coupled/,
      ),
    ]);
  });

  test('a variant not judged (stalled) fails the run, naming it and its base', () => {
    const stalled = {
      ...outcome(EVERY_ALTERNATIVE, false),
      status: 'error' as const,
      errors: ['v on every-alternative (seed) stalled'],
    };
    expect(assess([], [], [stalled], []).problems).toEqual([
      'variant "v" (seed, on every-alternative) not judged: v on every-alternative (seed) stalled',
    ]);
  });
});

describe('the CLI users run', () => {
  test('certifies a variant layered on every-alternative, named so in the report', async () => {
    const r = await runCli([
      '--dialect',
      'seed',
      '--only',
      'UM-GET',
      '--reference-variant',
      'lookup-username-first',
      '--reference-base',
      EVERY_ALTERNATIVE,
    ]);
    expect(r.code, r.stderr).toBe(1);
    expect(r.report().target.label).toContain(`faulty variant lookup-username-first on ${EVERY_ALTERNATIVE}`);
    expect(r.report().requirements.find((q) => q.id === 'UM-GET-003')?.verdict).toBe('failed');
  });

  test('refuses an unknown name before anything starts (exit 2), naming the known ones', async () => {
    const r = await runCli(['--dialect', 'seed', '--reference-variant', 'no-such-thing']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unknown reference variant "no-such-thing".*every-alternative/);
  });
});

describe('choicesOfBase', () => {
  test("the SHOULDs every-alternative's own choices fail are the base's, never a MUST", async () => {
    const { choicesOfBase } = await import('../harness/mutants/judge.ts');
    const { requirement } = await import('../harness/spec/requirements.ts');
    const every = choicesOfBase(EVERY_ALTERNATIVE, 'seed');
    expect(every.has('UM-DEL-003')).toBe(true);
    expect(every.has('UM-REG-010')).toBe(true);
    for (const id of every) expect(requirement(id).level).not.toBe('MUST');
    expect(choicesOfBase('repeated-delete-succeeds', 'seed')).toEqual(new Set(['UM-DEL-003']));
  });
});
