// The self-test's batch lanes (harness/mutants/lane.ts) and the CLI's batch command
// (harness/cli/batch.ts): many runs in one process, and a stall still fails its own job, naming it.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { describe, expect, test } from 'vitest';
import { batchCommand, parseBatchLine } from '../harness/cli/batch.ts';
import { runPool } from '../harness/mutants/pool.ts';
import { createScheduler } from '../harness/mutants/scheduler.ts';
import { runReportFixture } from './run-report-fixture.ts';

const report = runReportFixture;

/**
 * Stands in for `omega-conformance batch`: records each start of a process, then per stdin line
 * writes a passing report, or for the subject "stall" never answers, or for "stop" writes a stopped
 * report and ends the batch (exit code 2), as the CLI does.
 */
function standIn(starts: string): string[] {
  const script = `
    const fs = require('node:fs'), path = require('node:path');
    fs.appendFileSync(${JSON.stringify(starts)}, 'x');
    if (process.argv.at(-1) !== 'batch') process.exit(9);
    let index = 0, pending = '';
    process.stdin.setEncoding('utf8').on('data', (d) => {
      pending += d;
      for (let nl = pending.indexOf('\\n'); nl >= 0; nl = pending.indexOf('\\n')) {
        const a = JSON.parse(pending.slice(0, nl)).argv; pending = pending.slice(nl + 1);
        const dir = a[a.indexOf('--report-dir') + 1], subject = a[a.indexOf('--reference-variant') + 1];
        const i = index++;
        if (subject === 'stall') { setInterval(() => {}, 1000); continue; }
        const stop = subject === 'stop';
        fs.writeFileSync(path.join(dir, 'report.json'), JSON.stringify(stop ? ${JSON.stringify(report(true))} : ${JSON.stringify(report(false))}));
        process.stdout.write(JSON.stringify({ event: 'batch-end', index: i, exitCode: stop ? 2 : 0 }) + '\\n');
        if (stop) process.exit(2);
      }
    });`;
  return [process.execPath, '-e', script, '--'];
}

const jobs = (...subjects: string[]) => subjects.map((subject) => ({ subject, dialect: 'seed' as const }));

describe('batch lanes', () => {
  test('one process runs job after job, each with its own report', async () => {
    const starts = join(mkdtempSync(join(tmpdir(), 'omega-batch-')), 'starts');
    const results = await runPool(jobs('a', 'b', 'c'), { concurrency: 1, command: standIn(starts) });
    expect(results.map((r) => [r.job.subject, r.ok])).toEqual([
      ['a', true],
      ['b', true],
      ['c', true],
    ]);
    expect(readFileSync(starts, 'utf8')).toBe('x');
  });

  test('a stalled job kills its batch and fails naming it, never retried; the next job gets a fresh batch', async () => {
    const starts = join(mkdtempSync(join(tmpdir(), 'omega-batch-')), 'starts');
    const t0 = performance.now();
    const results = await runPool(jobs('a', 'stall', 'c'), {
      concurrency: 1,
      boundMs: 1500,
      command: standIn(starts),
    });
    expect(performance.now() - t0).toBeLessThan(15_000);
    expect(results.map((r) => [r.job.subject, r.ok])).toEqual([
      ['a', true],
      ['stall', false],
      ['c', true],
    ]);
    const stalled = results[1]!;
    expect(stalled.ok ? undefined : stalled.stalled).toBe(true);
    expect(stalled.ok ? '' : stalled.error).toMatch(/^stall \(seed\) stalled: no report within/);
    expect(readFileSync(starts, 'utf8')).toBe('xx');
  });

  test('a run the CLI stopped fails as a stall naming its subject; its batch ends, the rest run on', async () => {
    const starts = join(mkdtempSync(join(tmpdir(), 'omega-batch-')), 'starts');
    const results = await runPool(jobs('stop', 'b'), { concurrency: 1, command: standIn(starts) });
    const stopped = results[0]!;
    expect(stopped.ok ? '' : stopped.error).toContain('stop (seed) stalled');
    expect(stopped.ok ? undefined : stopped.stalled).toBe(true);
    expect(results[1]!.ok).toBe(true);
    expect(readFileSync(starts, 'utf8')).toBe('xx');
  });
});

describe('the batch command', () => {
  const runWith = async (lines: string[], codes: number[]) => {
    const ran: string[][] = [];
    const output = new PassThrough();
    let text = '';
    output.setEncoding('utf8').on('data', (d: string) => {
      text += d;
    });
    const code = await batchCommand(
      [],
      async (argv) => {
        ran.push([...argv]);
        return codes[ran.length - 1] ?? 0;
      },
      { input: Readable.from(lines.map((l) => `${l}\n`)), output },
    );
    return {
      code,
      ran,
      events: text
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as object),
    };
  };

  test('runs each line through the CLI, saying where each begins and ends', async () => {
    const r = await runWith(['{"argv":["--dialect","seed"]}', '', '{"argv":["--version"]}'], [1, 0]);
    expect(r.code).toBe(0);
    expect(r.ran).toEqual([['--dialect', 'seed'], ['--version']]);
    expect(r.events).toEqual([
      { event: 'batch-start', index: 0 },
      { event: 'batch-end', index: 0, exitCode: 1 },
      { event: 'batch-start', index: 1 },
      { event: 'batch-end', index: 1, exitCode: 0 },
    ]);
  });

  test('a run that could not start or was stopped (exit code 2) ends the batch', async () => {
    const r = await runWith(['{"argv":["a"]}', '{"argv":["b"]}'], [2, 0]);
    expect(r.code).toBe(2);
    expect(r.ran).toEqual([['a']]);
  });

  test('a line that is no run is an error event naming it', async () => {
    const r = await runWith(['{"args":[]}'], []);
    expect(r.code).toBe(2);
    expect(r.ran).toEqual([]);
    expect(r.events[0]).toMatchObject({
      event: 'error',
      message: expect.stringContaining('{"argv": [strings]}'),
    });
    expect(() => parseBatchLine('not json')).toThrow(/not JSON/);
    expect(() => parseBatchLine('{"argv":["batch"]}')).toThrow(/another batch/);
  });
});

describe('the scheduler', () => {
  test('a free lane takes the heaviest waiting job first; a job on its own lane starts at once', async () => {
    const scheduler = createScheduler({ concurrency: 1, command: [process.execPath, '-e', ''] });
    const order: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    const job = (name: string, wait?: Promise<void>) => async () => {
      order.push(name);
      await wait;
    };
    const all = [
      scheduler.submit(1, job('first', gate)),
      scheduler.submit(1, job('light')),
      scheduler.submit(3, job('heavy')),
      scheduler.submit(2, job('middle')),
      scheduler.submit(0, job('own lane'), true),
    ];
    expect(order).toEqual(['first', 'own lane']);
    release();
    await Promise.all(all);
    scheduler.close();
    expect(order).toEqual(['first', 'own lane', 'heavy', 'middle', 'light']);
  });
});
