// Request ids of the load profile: each names its run and connection, so a reply that turns up on
// the wrong socket is recognised as another connection's (ENV-006), not merely as unknown.
import { randomBytes } from 'node:crypto';

const PATTERN = /^ld-([0-9a-f]{6})-c(\d+)-n(\d+)$/;

export interface LoadId {
  /** The run's marker: another run against the same server has another. */
  readonly run: string;
  /** Index of the connection that sent it. */
  readonly connection: number;
  readonly seq: number;
}

export const newRunMarker = (): string => randomBytes(3).toString('hex');

export function parseLoadId(id: string): LoadId | null {
  const m = PATTERN.exec(id);
  return m ? { run: m[1]!, connection: Number(m[2]), seq: Number(m[3]) } : null;
}

/** The ids one connection sends: ld-<run>-c<connection>-n<seq>. */
export class RequestIds {
  private seq = 0;
  constructor(
    readonly run: string,
    readonly connection: number,
  ) {}

  next(): string {
    this.seq++;
    return `ld-${this.run}-c${this.connection}-n${this.seq}`;
  }

  get issued(): number {
    return this.seq;
  }
}
