// One interface for every kind of target: something that gives a URL, a clock, and a way to stop.
import type { TlsOptions } from '../client/connection.ts';
import type { ClockDescriptor } from '../clock/clock.ts';
import type { Dialect } from '../protocol/dialect.ts';

export type TargetKind = 'embedded' | 'url' | 'command' | 'image';

export interface LaunchedTarget {
  readonly kind: TargetKind;
  readonly label: string;
  readonly url: string;
  readonly clock: ClockDescriptor;
  readonly tls?: TlsOptions;
  /** The dialect the target was started in, when the launcher knows it. */
  readonly dialect?: Dialect;
  /** Settles when the target process dies on its own (never for url targets). */
  readonly died?: Promise<string>;
  /** The target's recent output, for reports when it failed or died. */
  logs(): string;
  stop(): Promise<void>;
}

/** Thrown when the target cannot be started or reached at all: exit code 2. */
export class LaunchError extends Error {
  override name = 'LaunchError';
}
