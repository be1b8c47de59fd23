// The trace format: JSON lines, one record each. A header first, then frames and connection events in
// the order they were seen. Frames keep their text (cut at TRACE_TEXT_LIMIT) or, when binary, their length.
import { z } from 'zod';

export const TRACE_FORMAT = 'omega-trace';
export const TRACE_VERSION = 1;
/** Longer text frames keep their first bytes and their full length (`truncated`). */
export const TRACE_TEXT_LIMIT = 64 * 1024;

export const traceHeaderSchema = z.object({
  format: z.literal(TRACE_FORMAT),
  version: z.literal(TRACE_VERSION),
  /** Wall-clock time the recording started, epoch ms. */
  started: z.number(),
  /** Who recorded it: the proxy, or a certification run's transcripts. */
  source: z.enum(['proxy', 'transcript', 'other']),
  /** The Omega the traffic went to, as configured. */
  upstream: z.string().optional(),
  /**
   * The recorder vouches that the trace holds the Omega's whole history (the Omega started empty with
   * the recording, and every client went through the recorder). Without it, history before the first
   * frame is unknown: checks that need it are inconclusive.
   */
  fromStart: z.boolean().optional(),
});

const base = {
  /** Epoch ms (fractions allowed). */
  time: z.number(),
  /** The recorder's name for one WebSocket connection, unique within the trace. */
  connection: z.string().min(1),
};

export const DIRECTIONS = ['to-omega', 'to-omikron'] as const;
export type Direction = (typeof DIRECTIONS)[number];

export const textFrameSchema = z.object({
  ...base,
  direction: z.enum(DIRECTIONS),
  text: z.string(),
  /** Byte length of the frame when `text` holds only its beginning. */
  length: z.number().int().nonnegative().optional(),
  truncated: z.literal(true).optional(),
});

export const binaryFrameSchema = z.object({
  ...base,
  direction: z.enum(DIRECTIONS),
  /** A binary frame: its length in bytes, never its content. */
  binary: z.number().int().nonnegative(),
});

export const connectionEventSchema = z.object({
  ...base,
  event: z.enum(['open', 'close']),
  /** close: which side closed (the recorder saw its close frame first, or the socket drop). */
  by: z.enum(['omikron', 'omega', 'recorder']).optional(),
  /** close: the WebSocket close code (1006: dropped without a close frame). */
  code: z.number().int().optional(),
  reason: z.string().optional(),
});

export const traceRecordSchema = z.union([textFrameSchema, binaryFrameSchema, connectionEventSchema]);

export type TraceHeader = z.infer<typeof traceHeaderSchema>;
export type TextFrame = z.infer<typeof textFrameSchema>;
export type BinaryFrame = z.infer<typeof binaryFrameSchema>;
export type ConnectionEvent = z.infer<typeof connectionEventSchema>;
export type TraceRecord = z.infer<typeof traceRecordSchema>;

export const isText = (r: TraceRecord): r is TextFrame => 'text' in r;
export const isBinary = (r: TraceRecord): r is BinaryFrame => 'binary' in r;
export const isEvent = (r: TraceRecord): r is ConnectionEvent => 'event' in r;

export class TraceFormatError extends Error {
  override readonly name = 'TraceFormatError';
}

/** One text frame as a record, cut at the limit. */
export function textRecord(time: number, connection: string, direction: Direction, text: string): TextFrame {
  if (text.length <= TRACE_TEXT_LIMIT / 4 || Buffer.byteLength(text, 'utf8') <= TRACE_TEXT_LIMIT) {
    return { time, connection, direction, text };
  }
  const buf = Buffer.from(text, 'utf8');
  return {
    time,
    connection,
    direction,
    text: buf.subarray(0, TRACE_TEXT_LIMIT).toString('utf8'),
    length: buf.length,
    truncated: true,
  };
}

export const headerLine = (h: TraceHeader): string => `${JSON.stringify(h)}\n`;
export const recordLine = (r: TraceRecord): string => `${JSON.stringify(r)}\n`;

/** Parse one line; `where` names it in the error (file:line). */
export function parseRecordLine(line: string, where: string): TraceRecord {
  let json: unknown;
  try {
    json = JSON.parse(line);
  } catch {
    throw new TraceFormatError(`${where}: not JSON (a trace has one JSON object per line)`);
  }
  const parsed = traceRecordSchema.safeParse(json);
  if (!parsed.success) {
    throw new TraceFormatError(
      `${where}: not a trace record (a frame {time, connection, direction, text|binary} or an event {time, connection, event}): ${z.prettifyError(parsed.error).split('\n').slice(0, 3).join(' ')}`,
    );
  }
  return parsed.data;
}

export function parseHeaderLine(line: string, where: string): TraceHeader {
  let json: unknown;
  try {
    json = JSON.parse(line);
  } catch {
    throw new TraceFormatError(`${where}: not JSON (a trace starts with a header line)`);
  }
  const parsed = traceHeaderSchema.safeParse(json);
  if (!parsed.success) {
    throw new TraceFormatError(
      `${where}: the first line is not a trace header {"format":"${TRACE_FORMAT}","version":${TRACE_VERSION},"started","source"}`,
    );
  }
  return parsed.data;
}
