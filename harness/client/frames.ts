// A message from the target, decoded once: binary, text that is no frame, or a frame with a type.
import type { RawData } from 'ws';
import { type IncomingFrame, incomingFrame } from '../protocol/schemas.ts';

export interface Reply {
  readonly type: string;
  readonly id?: string;
  readonly data?: unknown;
  /** The whole frame as parsed. */
  readonly frame: Readonly<Record<string, unknown>>;
  readonly receivedAt: number;
}

export type Decoded =
  | { readonly kind: 'binary'; readonly bytes: Buffer }
  | { readonly kind: 'not-json'; readonly text: string; readonly bytes: Buffer }
  | { readonly kind: 'frame'; readonly text: string; readonly bytes: Buffer; readonly reply: Reply };

export function decode(data: RawData, isBinary: boolean): Decoded {
  const bytes = Array.isArray(data)
    ? Buffer.concat(data)
    : Buffer.isBuffer(data)
      ? data
      : Buffer.from(data as ArrayBuffer);
  if (isBinary) return { kind: 'binary', bytes };
  const text = bytes.toString('utf8');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { kind: 'not-json', text, bytes };
  }
  const parsed = isPlainFrame(json) ? { success: true as const, data: json } : incomingFrame.safeParse(json);
  if (!parsed.success) return { kind: 'not-json', text, bytes };
  // "id": null counts as no id; the common frame is used as it is (this is the hot path).
  const frame =
    parsed.data.id === null
      ? { ...parsed.data, id: undefined }
      : (parsed.data as typeof parsed.data & { id?: string });
  return {
    kind: 'frame',
    text,
    bytes,
    reply: {
      type: frame.type,
      id: frame.id,
      data: frame.data,
      frame: frame as Record<string, unknown>,
      receivedAt: Date.now(),
    },
  };
}

/** What incomingFrame accepts, checked without zod on the hot path (zod only for the rest). */
function isPlainFrame(json: unknown): json is IncomingFrame {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return false;
  const o = json as { type?: unknown; id?: unknown };
  return typeof o.type === 'string' && (o.id === undefined || o.id === null || typeof o.id === 'string');
}
