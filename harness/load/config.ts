// The load profile's sizes and bounds: one place, so the CLI, the suite and the mutation run agree.

export interface LoadConfig {
  /** Omikron connections, each with its own identity. */
  readonly connections: number;
  /** Operation requests each connection sends (announcements and barriers come on top). */
  readonly requests: number;
}

/** `--load` without sizes (harness/cli/options.ts parses the same defaults). */
export const DEFAULT_LOAD: LoadConfig = { connections: 50, requests: 200 };

/** What the mutation run uses for `loadOnly` variants: quick, and more connections than the 8 fixture identities. */
export const MUTANT_LOAD: LoadConfig = { connections: 10, requests: 30 };

/** Concurrent actors per connection, each with its own users and Iotas: requests overlap on the socket. */
export const LANES_PER_CONNECTION = 2;

/** No new operation starts after this long; requests in flight still get their reply bound. */
export const LOAD_ISSUE_BOUND_MS = 60_000;

/** The read-back after the load stops after this long (what is left is counted as not read back). */
export const READ_BACK_BOUND_MS = 30_000;

/** Bound on the whole load scenario: opening, issuing, the last replies, the read-back and the barriers. */
export function loadScenarioBoundMs(timeoutMs: number): number {
  return LOAD_ISSUE_BOUND_MS + READ_BACK_BOUND_MS + 8 * timeoutMs + 10_000;
}
