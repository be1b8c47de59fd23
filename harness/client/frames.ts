// A text message from the target, parsed once: a frame with a type (a Reply), or not a frame.
import type { RawData } from 'ws';
import { type IncomingFrame, incomingFrame } from '../protocol/schemas.ts';

export interface Reply {
  readonly type: string;
  readonly id?: string;
  readonly data?: unknown;
  /** The whole frame as parsed. */
  readonly frame: Readonly<Record<string, unknown>>;
  /** Wall-clock time it was read (epoch ms). */
  readonly receivedAt: number;
}

/** The message's bytes as one buffer, whatever form ws handed them in. */
export function messageBytes(data: RawData): Buffer {
  return Buffer.isBuffer(data)
    ? data
    : Array.isArray(data)
      ? Buffer.concat(data)
      : Buffer.from(data as ArrayBuffer);
}

/** The reply a text message carries, or undefined when it is no JSON object with a string type. */
export function parseReply(text: string, receivedAt: number): Reply | undefined {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return undefined;
  }
  let frame: IncomingFrame;
  if (isPlainFrame(json)) frame = json;
  else {
    const parsed = incomingFrame.safeParse(json);
    if (!parsed.success) return undefined;
    frame = parsed.data;
  }
  // "id": null counts as no id; the common frame is used as it is (this is the hot path).
  if (frame.id === null) frame = { ...frame, id: undefined };
  return {
    type: frame.type,
    id: frame.id as string | undefined,
    data: frame.data,
    frame: frame as Record<string, unknown>,
    receivedAt,
  };
}

/** What incomingFrame accepts, checked without zod on the hot path (zod only for the rest). */
function isPlainFrame(json: unknown): json is IncomingFrame {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return false;
  const o = json as { type?: unknown; id?: unknown };
  return typeof o.type === 'string' && (o.id === undefined || o.id === null || typeof o.id === 'string');
}
