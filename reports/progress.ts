// Progress a person can read, as a vitest reporter: one line per area (a suite file). On a terminal
// the running area's line is live (counts and the scenario running); elsewhere (CI logs) each
// area prints one line when it ends, with its failures under it.
import { basename } from 'node:path';
import type { Reporter, TestCase, TestModule } from 'vitest/node';
import type { CheckRecord } from '../harness/verdict/checks.ts';
import { formatDuration, oneLine, visible } from './text.ts';

export interface ProgressOutput {
  write(text: string): unknown;
  readonly columns?: number;
}

export interface ProgressOptions {
  readonly out: ProgressOutput;
  /** Rewrite the running area's line in place (a terminal). */
  readonly live: boolean;
  readonly color: boolean;
  /** Failure lines shown per scenario. */
  readonly failuresShown?: number;
}

interface Area {
  readonly name: string;
  total: number;
  passed: number;
  failed: number;
  skipped: number;
  /** The scenarios that will run, in the order they run (one file's scenarios run one after another). */
  queue: { readonly id: string; readonly name: string }[];
  readonly finished: Set<string>;
  running?: string;
  readonly started: number;
  readonly failures: string[];
}

/** The area a suite file covers: its file name, and the requirement areas its checks were of. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: ANSI colour codes take no room on screen
const visibleLength = (s: string) => s.replace(/\u001b\[[\d;]*m/g, '').length;

const areaName = (moduleId: string) => basename(moduleId).replace(/\.test\.[cm]?[jt]s$/, '');

export class AreaProgress implements Reporter {
  private readonly areas = new Map<string, Area>();
  private current: Area | undefined;
  private ticker: NodeJS.Timeout | undefined;
  private drawnAt = Number.NEGATIVE_INFINITY;

  constructor(private readonly o: ProgressOptions) {}

  private paint(code: string, s: string): string {
    return this.o.color ? `\u001b[${code}m${s}\u001b[0m` : s;
  }

  private area(m: TestModule): Area {
    let a = this.areas.get(m.moduleId);
    if (!a) {
      a = {
        name: areaName(m.moduleId),
        total: 0,
        passed: 0,
        failed: 0,
        skipped: 0,
        queue: [],
        finished: new Set(),
        started: performance.now(),
        failures: [],
      };
      this.areas.set(m.moduleId, a);
    }
    return a;
  }

  onTestModuleCollected(m: TestModule): void {
    const a = this.area(m);
    a.queue = [...m.children.allTests()]
      .filter((t) => t.options.mode === 'run' || t.options.mode === 'only')
      .map((t) => ({ id: t.id, name: t.name }));
    a.total = a.queue.length;
  }

  onTestModuleStart(m: TestModule): void {
    this.current = this.area(m);
    if (this.o.live) {
      this.render();
      // The elapsed time of a long scenario moves too.
      this.ticker ??= setInterval(() => this.render(true), 1000);
      this.ticker.unref?.();
    }
  }

  onTestCaseReady(t: TestCase): void {
    const a = this.area(t.module);
    a.running = t.name;
    this.render();
  }

  onTestCaseResult(t: TestCase): void {
    const a = this.area(t.module);
    const state = t.result().state;
    const checks: readonly CheckRecord[] = t.meta().checks ?? [];
    const fails = checks.filter((c) => c.outcome === 'fail');
    // A failed check fails its scenario here, whatever vitest's state (a scenario may go on after one).
    const failed = state === 'failed' || fails.length > 0;
    if (state === 'skipped') a.skipped++;
    else if (failed) a.failed++;
    else a.passed++;
    if (failed) {
      const lines = [`    ${this.paint('31', '✗')} ${oneLine(t.name, 150)}`];
      // Whole, as the check wrote it: its replay line stays a line of its own, ready to copy.
      for (const f of fails.slice(0, this.o.failuresShown ?? 3))
        lines.push(`        ${this.paint('31', visible(`${f.requirement}: ${f.message}`))}`);
      if (this.o.live) {
        this.clearLine();
        this.o.out.write(`${lines.join('\n')}\n`);
      } else a.failures.push(...lines);
    }
    a.finished.add(t.id);
    a.running = undefined;
    this.render();
  }

  /**
   * The scenario running: vitest hands test events over in batches (a long scenario's start may come
   * with its end), so it is also the first scenario of the file not yet finished.
   */
  private runningIn(a: Area): string | undefined {
    return a.running ?? a.queue.find((t) => !a.finished.has(t.id))?.name;
  }

  onTestModuleEnd(m: TestModule): void {
    const a = this.area(m);
    if (this.o.live) this.clearLine();
    if (this.current === a) this.current = undefined;
    // An area whose scenarios were all left out (--only, --suite, another dialect) says nothing.
    if (a.passed + a.failed === 0) return;
    this.o.out.write(`${this.line(a, true)}\n`);
    if (!this.o.live && a.failures.length > 0) this.o.out.write(`${a.failures.join('\n')}\n`);
  }

  onTestRunEnd(): void {
    clearInterval(this.ticker);
    this.ticker = undefined;
    if (this.o.live) this.clearLine();
  }

  /**
   * `  ✓ get-user  6/6: 6 passed, 0 failed  3.2 s` when done; live: `  … get-user  2/6: ...  ▸ scenario`.
   * Scenarios left out by --only (vitest skips them) count nowhere.
   */
  line(a: Area, done: boolean, width = Number.POSITIVE_INFINITY): string {
    const finished = a.passed + a.failed;
    const mark = !done ? this.paint('36', '…') : a.failed > 0 ? this.paint('31', '✗') : this.paint('32', '✓');
    const total = Math.max(a.total - a.skipped, finished);
    const failed = a.failed > 0 ? this.paint('31', `${a.failed} failed`) : '0 failed';
    const head0 = `  ${mark} ${a.name}  ${finished}/${total}: ${a.passed} passed, ${failed}`;
    const took = this.paint('2', formatDuration(performance.now() - a.started));
    const head = `${head0}  ${took}`;
    const running = done ? undefined : this.runningIn(a);
    if (running === undefined) return head;
    // A live line must never wrap, or the next rewrite leaves debris: the scenario name gives way.
    const room = width - visibleLength(head) - 4;
    // The requirement ids that lead a scenario's name are in the report; the words say more here.
    const words = running.replace(/^\[[^\]]*\]\s*/, '');
    return room < 8 ? head : `${head}  ▸ ${oneLine(words, room)}`;
  }

  private render(force = false): void {
    if (!this.o.live || !this.current) return;
    // Scenarios left out by --only pass through by the dozen: redraw at most every 100 ms (the ticker catches up).
    const now = performance.now();
    if (!force && now - this.drawnAt < 100) return;
    this.drawnAt = now;
    const width = Math.max(40, (this.o.out.columns || 100) - 1);
    this.o.out.write(`\r\u001b[2K${this.line(this.current, false, width)}`);
  }

  private clearLine(): void {
    this.o.out.write('\r\u001b[2K');
  }
}
