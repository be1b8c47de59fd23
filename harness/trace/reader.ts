// Reading traces: one file streamed line by line, several merged by time (connection names prefixed
// per file so two recorders' "c1" stay apart).
import { createReadStream, existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import {
  parseHeaderLine,
  parseRecordLine,
  type TraceHeader,
  TraceFormatError,
  type TraceRecord,
} from './format.ts';

export interface OpenedTrace {
  readonly path: string;
  readonly header: TraceHeader;
  readonly records: AsyncIterator<TraceRecord>;
}

async function openTrace(path: string, prefix: string): Promise<OpenedTrace> {
  if (!existsSync(path)) throw new TraceFormatError(`${path}: no such file`);
  const lines = createInterface({
    input: createReadStream(path, 'utf8'),
    crlfDelay: Number.POSITIVE_INFINITY,
  })[Symbol.asyncIterator]();
  let n = 0;
  let first = await lines.next();
  n++;
  while (!first.done && first.value.trim() === '') {
    first = await lines.next();
    n++;
  }
  if (first.done) throw new TraceFormatError(`${path}: empty (a trace starts with a header line)`);
  const header = parseHeaderLine(first.value, `${path}:${n}`);
  async function* records(): AsyncGenerator<TraceRecord> {
    for (;;) {
      const next = await lines.next();
      if (next.done) return;
      n++;
      if (next.value.length === 0) continue;
      const r = parseRecordLine(next.value, `${path}:${n}`);
      yield prefix ? { ...r, connection: `${prefix}${r.connection}` } : r;
    }
  }
  return { path, header, records: records() };
}

export interface TraceInput {
  readonly headers: readonly TraceHeader[];
  readonly records: AsyncIterable<TraceRecord>;
}

/** Opens every file (checking the headers first) and yields their records merged by time. */
export async function readTraces(paths: readonly string[]): Promise<TraceInput> {
  if (paths.length === 0) throw new TraceFormatError('no trace file given');
  const opened = await Promise.all(paths.map((p, i) => openTrace(p, paths.length > 1 ? `${i + 1}/` : '')));
  const only = opened.length === 1 ? opened[0] : undefined;
  if (only) return { headers: [only.header], records: { [Symbol.asyncIterator]: () => only.records } };
  async function* merged(): AsyncGenerator<TraceRecord> {
    const heads = await Promise.all(opened.map((o) => o.records.next()));
    for (;;) {
      let best = -1;
      for (let i = 0; i < heads.length; i++) {
        const h = heads[i]!;
        if (!h.done && (best < 0 || h.value.time < (heads[best]!.value as TraceRecord).time)) best = i;
      }
      if (best < 0) return;
      yield heads[best]!.value as TraceRecord;
      heads[best] = await opened[best]!.records.next();
    }
  }
  return { headers: opened.map((o) => o.header), records: merged() };
}
