// The suite's own transcripts as a trace: each scenario's frames are appended to a part file while
// the run goes on (workers write their own parts), then merged by time into one trace.jsonl.
import { appendFileSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { TRANSCRIPT_HEAD_BYTES, type Transcript, type TranscriptEntry } from '../client/transcript.ts';
import { headerLine, recordLine, TRACE_FORMAT, TRACE_VERSION, type TraceRecord } from './format.ts';

/** The environment variable naming the parts directory; set by `--trace` for the run's workers. */
export const TRACE_PARTS_ENV = 'OMEGA_CONFORMANCE_TRACE_PARTS';

let scenarioCounter = 0;

/** One transcript entry as a trace record (notes and errors have none). */
export function entryRecord(e: TranscriptEntry, base: number, prefix: string): TraceRecord | undefined {
  const time = Math.round((base + e.t) * 10) / 10;
  const connection = `${prefix}${e.connection}`;
  if (e.dir === 'event') {
    if (e.kind === 'open') return { time, connection, event: 'open' };
    if (e.kind === 'close') {
      // Which side closed is not in the transcript: left out, so nothing is judged on it.
      return {
        time,
        connection,
        event: 'close',
        ...(e.closeCode === undefined ? {} : { code: e.closeCode }),
      };
    }
    return undefined;
  }
  const direction = e.dir === 'out' ? 'to-omega' : 'to-omikron';
  if (e.kind === 'binary') return { time, connection, direction, binary: e.length };
  if (e.kind !== 'text') return undefined;
  return e.length > TRANSCRIPT_HEAD_BYTES
    ? { time, connection, direction, text: e.head, length: e.length, truncated: true }
    : { time, connection, direction, text: e.head };
}

/** The trace lines of one transcript (connection names prefixed so scenarios stay apart). */
export function transcriptLines(t: Transcript, prefix: string): string {
  let out = '';
  for (const e of t.entries) {
    const r = entryRecord(e, t.startedAt, prefix);
    if (r) out += recordLine(r);
  }
  return out;
}

/** Called once per scenario in the worker that ran it; `id` is the requirement that names it. */
export function appendScenarioTrace(dir: string, id: string, t: Transcript): void {
  mkdirSync(dir, { recursive: true });
  const prefix = `${process.pid}.${++scenarioCounter}.${id}/`;
  appendFileSync(join(dir, `part-${process.pid}.jsonl`), transcriptLines(t, prefix));
}

/** Merges the parts by time into one trace with its header, and removes them. Returns the records written. */
export function assembleTrace(dir: string, file: string, upstream: string): number {
  let lines: string[] = [];
  let parts: string[] = [];
  try {
    parts = readdirSync(dir).filter((f) => f.startsWith('part-'));
  } catch {
    parts = [];
  }
  for (const p of parts) lines = lines.concat(readFileSync(join(dir, p), 'utf8').split('\n').filter(Boolean));
  // The parts are records this process wrote (recordLine): their time is a field.
  const timed = lines.map((l) => ({ l, t: Number((JSON.parse(l) as { time?: unknown }).time ?? 0) }));
  timed.sort((a, b) => a.t - b.t);
  const header = headerLine({
    format: TRACE_FORMAT,
    version: TRACE_VERSION,
    started: timed[0]?.t ?? Date.now(),
    source: 'transcript',
    upstream,
  });
  writeFileSync(file, header + timed.map((x) => `${x.l}\n`).join(''));
  rmSync(dir, { recursive: true, force: true });
  return timed.length;
}

/** Runs one certification with its scenarios' frames recorded, then writes DIR/trace.jsonl (`--trace`). */
export async function withTranscriptTrace<R extends { target: { url: string } }>(
  enabled: boolean,
  reportDir: string,
  run: () => Promise<R>,
): Promise<R> {
  if (!enabled) return run();
  const parts = join(reportDir, '.trace-parts');
  rmSync(parts, { recursive: true, force: true });
  process.env[TRACE_PARTS_ENV] = parts;
  try {
    const report = await run();
    mkdirSync(reportDir, { recursive: true });
    assembleTrace(parts, join(reportDir, 'trace.jsonl'), report.target.url);
    return report;
  } finally {
    delete process.env[TRACE_PARTS_ENV];
  }
}
