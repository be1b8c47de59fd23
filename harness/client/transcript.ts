// Every frame in and out, with timestamps: the evidence attached to a failing check.
import { createHash } from 'node:crypto';

export const TRANSCRIPT_HEAD_BYTES = 4096;

export interface TranscriptEntry {
  /** Milliseconds since the transcript started. */
  readonly t: number;
  readonly connection: string;
  readonly dir: 'out' | 'in' | 'event';
  readonly kind: 'text' | 'binary' | 'open' | 'close' | 'error' | 'note';
  /** First 4 KiB of the frame (text as is, binary as base64), or the event's description. */
  readonly head: string;
  readonly length: number;
  readonly sha256: string;
  /** The close code (close events only): a field, so nothing reads it back from the head. */
  readonly closeCode?: number;
}

const sha256 = (payload: string | Buffer): string => createHash('sha256').update(payload).digest('hex');

/** An entry whose digest is computed when first read (from the frame, kept while it is at most the head). */
class Entry implements TranscriptEntry {
  #digest: string | undefined;
  #frame: string | Buffer | undefined;
  constructor(
    readonly t: number,
    readonly connection: string,
    readonly dir: TranscriptEntry['dir'],
    readonly kind: TranscriptEntry['kind'],
    readonly head: string,
    readonly length: number,
    digestOrFrame: string | Buffer,
    readonly closeCode?: number,
  ) {
    if (length > TRANSCRIPT_HEAD_BYTES) this.#digest = digestOrFrame as string;
    else this.#frame = digestOrFrame;
  }
  get sha256(): string {
    if (this.#digest === undefined) {
      this.#digest = sha256(this.#frame!);
      this.#frame = undefined;
    }
    return this.#digest;
  }
}

export class Transcript {
  private readonly started = performance.now();
  /** Wall-clock time of the start (epoch ms): entries' `t` counts from it (trace export). */
  readonly startedAt = Date.now();
  readonly entries: TranscriptEntry[] = [];

  constructor(private readonly limit = 2000) {}

  record(
    connection: string,
    dir: TranscriptEntry['dir'],
    kind: TranscriptEntry['kind'],
    payload: string | Buffer,
    closeCode?: number,
    t: number = this.now(),
  ): void {
    const length = typeof payload === 'string' ? Buffer.byteLength(payload, 'utf8') : payload.length;
    if (kind !== 'binary' && typeof payload === 'string' && length <= TRANSCRIPT_HEAD_BYTES) {
      this.push(new Entry(t, connection, dir, kind, payload, length, payload, closeCode));
      return;
    }
    const headBuf = (typeof payload === 'string' ? Buffer.from(payload, 'utf8') : payload).subarray(
      0,
      TRANSCRIPT_HEAD_BYTES,
    );
    const head = kind === 'binary' ? headBuf.toString('base64') : headBuf.toString('utf8');
    const digestOrFrame = length > TRANSCRIPT_HEAD_BYTES ? sha256(payload) : payload;
    this.push(new Entry(t, connection, dir, kind, head, length, digestOrFrame, closeCode));
  }

  /**
   * The hot path of every request: a text frame sent or read at transcript time `t`, `length` its
   * UTF-8 size. A short frame is its own head, and its digest is computed only when read (frames
   * beyond the head are hashed at once, so no large frame is kept).
   */
  text(connection: string, dir: 'in' | 'out', text: string, t: number, length: number): void {
    if (length <= TRANSCRIPT_HEAD_BYTES) this.push(new Entry(t, connection, dir, 'text', text, length, text));
    else this.record(connection, dir, 'text', text, undefined, t);
  }

  private push(e: Entry): void {
    // A long run keeps its latest frames; trimmed in batches so each frame costs O(1), not a shift.
    if (this.entries.length >= 2 * this.limit) this.entries.splice(0, this.entries.length - this.limit);
    this.entries.push(e);
  }

  /** Milliseconds since the transcript started, as entries carry them. */
  now(): number {
    return Math.round((performance.now() - this.started) * 10) / 10;
  }

  note(connection: string, text: string): void {
    this.record(connection, 'event', 'note', text);
  }

  /** A compact text rendering for consoles and reports. */
  render(last = 40): string {
    return this.entries
      .slice(-last)
      .map((e) => {
        const arrow = e.dir === 'out' ? '->' : e.dir === 'in' ? '<-' : '..';
        const size = e.length > TRANSCRIPT_HEAD_BYTES ? ` (${e.length} bytes, truncated)` : '';
        return `${e.t.toFixed(1).padStart(8)}ms ${e.connection} ${arrow} ${e.kind === 'text' ? '' : `[${e.kind}] `}${e.head}${size}`;
      })
      .join('\n');
  }
}
