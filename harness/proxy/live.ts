// The proxy's recording and live check: every frame goes to the trace file and through the checker;
// reports are rewritten periodically and at the end. Frames are not kept: memory stays bounded.
import { writeReports } from '../../reports/write.ts';
import type { RunReport } from '../run/report-model.ts';
import type { TraceChecker } from '../trace/check/checker.ts';
import type { TraceRecord } from '../trace/format.ts';
import { traceReport } from '../trace/report.ts';
import type { TraceWriter } from '../trace/writer.ts';

export class LiveCheck {
  private readonly started = new Date();
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<unknown> = Promise.resolve();

  constructor(
    readonly checker: TraceChecker,
    readonly writer: TraceWriter,
    private readonly o: { label: string; url: string; reportDir: string; level: 'must' | 'should' },
  ) {}

  readonly record = (r: TraceRecord): void => {
    this.writer.write(r);
    this.checker.feed(r);
  };

  report(): RunReport {
    return traceReport({
      checker: this.checker,
      label: this.o.label,
      url: this.o.url,
      startedAt: this.started,
      durationMs: Date.now() - this.started.getTime(),
      level: this.o.level,
      figures: { traceFile: this.writer.path, recorded: this.writer.records },
    });
  }

  /** Writes the reports now (one write at a time). */
  write(): Promise<RunReport> {
    this.checker.sweep(Date.now());
    const report = this.report();
    this.writing = this.writing.then(() => writeReports(report, this.o.reportDir)).catch(() => {});
    return this.writing.then(() => report);
  }

  every(ms: number): void {
    this.timer = setInterval(() => void this.write(), ms);
    this.timer.unref();
  }

  /** The final judgment: sweep at the stop time, close the trace, write the reports. */
  async end(): Promise<RunReport> {
    clearInterval(this.timer);
    this.checker.finish(Date.now());
    await this.writer.close();
    const report = this.report();
    await this.writing;
    await writeReports(report, this.o.reportDir);
    return report;
  }
}
