// One clock interface for every target kind: advance the server's wall clock.
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';

/** Serializable: handed from the launcher to the scenarios. */
export type ClockDescriptor =
  | { readonly kind: 'control'; readonly url: string; readonly insecure?: boolean }
  | { readonly kind: 'faketime'; readonly file: string }
  | { readonly kind: 'none'; readonly reason: string };

export interface Clock {
  readonly description: string;
  /** Move the server's wall clock forward by ms. Resolves once the server sees it. */
  advance(ms: number): Promise<void>;
  /** How far the suite has moved the server's wall clock so far, in ms. */
  offsetMs(): Promise<number>;
}

/** The test-only HTTP hook (SPEC.md, "Clock control hook"): POST {"advance_ms": N}. */
export class ControlClock implements Clock {
  constructor(
    private readonly url: string,
    private readonly insecure = false,
    private readonly timeoutMs = 5000,
  ) {}

  get description(): string {
    return `clock control hook ${this.url}`;
  }

  advance(ms: number): Promise<void> {
    return this.send('POST', JSON.stringify({ advance_ms: Math.round(ms) })).then(() => undefined);
  }

  async offsetMs(): Promise<number> {
    const text = await this.send('GET');
    const offset = (JSON.parse(text) as { offset_ms?: unknown }).offset_ms;
    if (typeof offset !== 'number')
      throw new Error(
        `clock control ${this.url} answered GET without a numeric offset_ms: ${text.slice(0, 200)}`,
      );
    return offset;
  }

  private send(method: 'GET' | 'POST', body?: string): Promise<string> {
    const u = new URL(this.url);
    const send = u.protocol === 'https:' ? httpsRequest : httpRequest;
    return new Promise((resolve, reject) => {
      const req = send(
        u,
        {
          method,
          headers:
            body === undefined
              ? {}
              : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
          timeout: this.timeoutMs,
          ...(this.insecure ? { rejectUnauthorized: false } : {}),
        },
        (res) => {
          let text = '';
          res.on('data', (c: Buffer) => {
            text += c.toString('utf8');
          });
          res.on('end', () =>
            res.statusCode === 200
              ? resolve(text)
              : reject(
                  new Error(
                    `clock control ${this.url} answered HTTP ${res.statusCode}: ${text.slice(0, 200)}`,
                  ),
                ),
          );
        },
      );
      req.on('timeout', () =>
        req.destroy(new Error(`clock control ${this.url} did not answer within ${this.timeoutMs} ms`)),
      );
      req.on('error', (e) => reject(new Error(`clock control ${this.url}: ${e.message}`)));
      req.end(body);
    });
  }
}

/**
 * libfaketime with FAKETIME_TIMESTAMP_FILE and FAKETIME_NO_CACHE=1 (CLOCKS.md): the file holds
 * the total offset; every clock read of the server sees the file's current content.
 */
export class FaketimeClock implements Clock {
  constructor(private readonly file: string) {}

  get description(): string {
    return `libfaketime offset file ${this.file}`;
  }

  static writeOffset(file: string, offsetMs: number): void {
    // Write then rename, so the server never reads a half-written file.
    const tmp = `${file}.tmp`;
    writeFileSync(tmp, `+${(offsetMs / 1000).toFixed(3)}s\n`);
    renameSync(tmp, file);
  }

  /** The offset in force: the file is the one truth, shared by every scenario of a run. */
  static readOffset(file: string): number {
    const m = /^([+-]?\d+(?:\.\d+)?)s/.exec(readFileSync(file, 'utf8').trim());
    if (!m) throw new Error(`libfaketime offset file ${file} does not hold an offset like "+3600s"`);
    return Math.round(Number(m[1]) * 1000);
  }

  async advance(ms: number): Promise<void> {
    FaketimeClock.writeOffset(this.file, FaketimeClock.readOffset(this.file) + ms);
  }

  async offsetMs(): Promise<number> {
    return FaketimeClock.readOffset(this.file);
  }
}

export function clockFrom(d: ClockDescriptor): Clock | null {
  switch (d.kind) {
    case 'control':
      return new ControlClock(d.url, d.insecure ?? false);
    case 'faketime':
      return new FaketimeClock(d.file);
    case 'none':
      return null;
  }
}
