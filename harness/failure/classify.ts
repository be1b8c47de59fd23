// From a thrown error to a stop reason, by the error's class and fields (never by its message).
import {
  ConnectError,
  type ConnectFailure,
  ConnectionClosedError,
  ProtocolViolation,
  ReplyTimeoutError,
} from '../client/errors.ts';
import { HandshakeError } from '../client/session.ts';
import { isErrorType } from '../protocol/messages.ts';
import { LaunchError } from '../launchers/launcher.ts';
import { UsageError } from '../run/selection.ts';
import { RunStoppedError, type StopReason } from './reason.ts';

/** Node's codes for a certificate the TLS client would not accept. */
const CERTIFICATE_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_GET_ISSUER_CERT',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_UNTRUSTED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

export interface Classified {
  readonly reason: StopReason;
  /** The error as its library reported it. */
  readonly raw: string;
  /** The WebSocket had opened before the failure. */
  readonly opened: boolean;
}

function fromConnect(f: ConnectFailure): StopReason {
  if (f.kind === 'http') return { kind: 'http-status', url: f.url, status: f.status };
  if (f.kind === 'timeout') return { kind: 'no-upgrade-answer', url: f.url, timeoutMs: f.timeoutMs };
  const code = f.code;
  if (code === 'ECONNREFUSED') return { kind: 'refused', url: f.url };
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return { kind: 'unknown-host', url: f.url };
  // A TLS client meeting plain HTTP bytes: OpenSSL's "wrong version number" (EPROTO).
  if (code === 'EPROTO' && f.url.startsWith('wss:')) return { kind: 'tls-not-spoken', url: f.url, code };
  if (code !== undefined && CERTIFICATE_CODES.has(code)) return { kind: 'tls-certificate', url: f.url, code };
  if (code === 'ECONNRESET' || code === 'EPIPE') return { kind: 'reset', url: f.url, code };
  return { kind: 'network', url: f.url, ...(code !== undefined ? { code } : {}) };
}

const brief = (frame: unknown) => JSON.stringify(frame).slice(0, 200);

/** The first error in the cause chain the suite knows, classified; anything else is the suite's own fault. */
export function classify(error: unknown, url: string, stage: 'start' | 'dialect' = 'start'): Classified {
  const raw = error instanceof Error ? error.message : String(error);
  for (let e: unknown = error, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    const found = known(e, url, stage);
    if (found) return { ...found, raw };
  }
  const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
  return { reason: { kind: 'internal', detail }, raw, opened: false };
}

function known(
  e: Error,
  url: string,
  stage: 'start' | 'dialect',
): { reason: StopReason; opened: boolean } | undefined {
  if (e instanceof RunStoppedError) return { reason: e.reason, opened: true };
  if (e instanceof UsageError) return { reason: { kind: 'bad-option', detail: e.message }, opened: false };
  if (e instanceof ConnectError) return { reason: fromConnect(e.failure), opened: false };
  if (e instanceof HandshakeError) {
    const reply = e.reply;
    if (reply?.type === 'identification') return { reason: { kind: 'echo', url }, opened: true };
    const kind = reply && isErrorType(reply.type) ? 'handshake-refused' : 'handshake-unexpected';
    return {
      reason: { kind, url, step: e.step, reply: reply ? brief(reply.frame) : e.message },
      opened: true,
    };
  }
  if (e instanceof ReplyTimeoutError)
    return { reason: { kind: 'handshake-silent', url, timeoutMs: e.timeoutMs }, opened: true };
  if (e instanceof ConnectionClosedError)
    return { reason: { kind: 'handshake-closed', url, code: e.code, reason: e.reason }, opened: true };
  if (e instanceof ProtocolViolation)
    return {
      reason: { kind: 'handshake-unexpected', url, step: 'identification', reply: e.message },
      opened: true,
    };
  if (e instanceof LaunchError && e.cause === undefined)
    return stage === 'dialect'
      ? { reason: { kind: 'dialect-unknown', detail: e.message }, opened: true }
      : { reason: { kind: 'launch-failed', detail: e.message }, opened: false };
  return undefined;
}
