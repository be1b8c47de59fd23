// Errors that name the cause: which request, which connection, what came back.

export class HarnessError extends Error {
  override name = 'HarnessError';
}

/** The target did not answer in time. */
export class ReplyTimeoutError extends HarnessError {
  override name = 'ReplyTimeoutError';
  constructor(
    readonly connection: string,
    readonly what: string,
    readonly timeoutMs: number,
  ) {
    super(`${connection}: no reply to ${what} within ${timeoutMs} ms`);
  }
}

/** The socket closed while something was awaited. */
export class ConnectionClosedError extends HarnessError {
  override name = 'ConnectionClosedError';
  constructor(
    readonly connection: string,
    readonly what: string,
    readonly code: number,
    readonly reason: string,
  ) {
    super(
      `${connection}: connection closed (code ${code}${reason ? `, "${reason}"` : ''}) while waiting for ${what}`,
    );
  }
}

/** The target sent something that is not a valid reply to what was asked. */
export class ProtocolViolation extends HarnessError {
  override name = 'ProtocolViolation';
  constructor(
    readonly connection: string,
    message: string,
  ) {
    super(`${connection}: ${message}`);
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
  ) {
    super(message);
  }
}

/** The target is known dead or silent: remaining checks end at once instead of waiting out their bounds. */
export class TargetDownError extends HarnessError {
  override name = 'TargetDownError';
}
