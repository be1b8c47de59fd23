// Errors that name the cause: which request, which connection, what came back. Each carries its
// cause as data (causes.ts); the message is for people only and is never parsed back.
import type { Cause, CauseOf } from './causes.ts';

export class HarnessError extends Error {
  override name = 'HarnessError';
  /** What went wrong, as data; absent for faults of the suite itself. */
  declare readonly cause?: Cause;
  constructor(message: string, cause?: Cause) {
    super(message, cause === undefined ? undefined : { cause });
  }
}

/** The target did not answer in time. */
export class ReplyTimeoutError extends HarnessError {
  override name = 'ReplyTimeoutError';
  declare readonly cause: CauseOf<'timeout'>;
  constructor(
    readonly connection: string,
    readonly what: string,
    readonly timeoutMs: number,
    cause?: CauseOf<'timeout'>,
  ) {
    super(
      `${connection}: no reply to ${what} within ${timeoutMs} ms`,
      cause ?? {
        kind: 'timeout',
        connection,
        at: 0,
        request: what,
        sentAt: 0,
        timeoutMs,
        strays: [],
      },
    );
  }
}

/** The socket closed while something was awaited. */
export class ConnectionClosedError extends HarnessError {
  override name = 'ConnectionClosedError';
  declare readonly cause: CauseOf<'closed'>;
  constructor(
    readonly connection: string,
    readonly what: string,
    readonly code: number,
    readonly reason: string,
    at = 0,
  ) {
    super(
      `${connection}: connection closed (code ${code}${reason ? `, "${reason}"` : ''}) while waiting for ${what}`,
      { kind: 'closed', connection, at, request: what, code, reason },
    );
  }
}

/** The target sent something that is not a valid reply to what was asked. */
export class ProtocolViolation extends HarnessError {
  override name = 'ProtocolViolation';
  constructor(
    readonly connection: string,
    message: string,
    cause?: Cause,
  ) {
    super(`${connection}: ${message}`, cause);
  }
}

/** What stopped a WebSocket connection from opening, as facts (harness/failure/ turns them into plain words). */
export type ConnectFailure =
  | { readonly kind: 'error'; readonly url: string; readonly code?: string; readonly raw: string }
  | { readonly kind: 'http'; readonly url: string; readonly status: number }
  | { readonly kind: 'timeout'; readonly url: string; readonly timeoutMs: number };

/** The target could not be reached at all. */
export class ConnectError extends HarnessError {
  override name = 'ConnectError';
  constructor(
    message: string,
    readonly failure: ConnectFailure,
    connection = '',
  ) {
    super(message, { kind: 'connect-failed', connection, url: failure.url, message });
  }
}

/** The target is known dead or silent: remaining checks end at once instead of waiting out their bounds. */
export class TargetDownError extends HarnessError {
  override name = 'TargetDownError';
  constructor(message: string, reason = message) {
    super(message, { kind: 'target-down', reason });
  }
}
