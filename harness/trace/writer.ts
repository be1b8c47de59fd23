// Appends trace records to a file as they come: nothing is kept in memory beyond the stream's buffer.
import { createWriteStream, type WriteStream } from 'node:fs';
import { headerLine, recordLine, type TraceHeader, type TraceRecord } from './format.ts';

export class TraceWriter {
  private readonly out: WriteStream;
  private count = 0;

  constructor(
    readonly path: string,
    header: TraceHeader,
  ) {
    this.out = createWriteStream(path, { flags: 'w', encoding: 'utf8' });
    this.out.write(headerLine(header));
  }

  write(r: TraceRecord): void {
    this.count++;
    this.out.write(recordLine(r));
  }

  get records(): number {
    return this.count;
  }

  /** Bytes waiting to reach the file (the proxy reports it; the OS normally drains it at once). */
  get pendingBytes(): number {
    return this.out.writableLength;
  }

  close(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.out.end((err?: Error | null) => (err ? reject(err) : resolve()));
    });
  }
}
