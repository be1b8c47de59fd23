// Opening the WebSocket to a target, bounded, with the facts of why it could not be reached
// (ConnectFailure: harness/failure/ turns them into plain words; the cause table charges them).
import { readFileSync } from 'node:fs';
import { WebSocket } from '../ws.ts';
import type { ConnectionOptions } from './options.ts';
import { type ConnectFailure, ConnectError } from './errors.ts';
import type { Transcript } from './transcript.ts';

export function openSocket(
  url: string,
  options: ConnectionOptions,
  transcript: Transcript,
): Promise<WebSocket> {
  const connectTimeoutMs = options.connectTimeoutMs ?? options.timeoutMs;
  const failed = (message: string, failure: ConnectFailure) =>
    new ConnectError(message, failure, options.label);
  return new Promise((resolve, reject) => {
    let ws: WebSocket;
    try {
      ws = new WebSocket(url, {
        maxPayload: options.maxPayload ?? 16 * 1024 * 1024,
        // Later than the timer below, so a silent listener ends as a typed timeout, not ws's own error.
        handshakeTimeout: connectTimeoutMs + 1000,
        ...(options.tls?.caFile ? { ca: readFileSync(options.tls.caFile) } : {}),
        ...(options.tls?.insecure ? { rejectUnauthorized: false } : {}),
      });
    } catch (e) {
      const raw = (e as Error).message;
      reject(failed(`${options.label}: cannot connect to ${url}: ${raw}`, { kind: 'error', url, raw }));
      return;
    }
    const timer = setTimeout(() => {
      ws.terminate();
      reject(
        failed(`${options.label}: no WebSocket connection to ${url} within ${connectTimeoutMs} ms`, {
          kind: 'timeout',
          url,
          timeoutMs: connectTimeoutMs,
        }),
      );
    }, connectTimeoutMs);
    ws.once('open', () => {
      clearTimeout(timer);
      transcript.record(options.label, 'event', 'open', `open ${url}`);
      resolve(ws);
    });
    ws.once('error', (err) => {
      clearTimeout(timer);
      const code = (err as NodeJS.ErrnoException).code;
      reject(
        failed(`${options.label}: cannot connect to ${url}: ${err.message}`, {
          kind: 'error',
          url,
          raw: err.message,
          ...(typeof code === 'string' ? { code } : {}),
        }),
      );
    });
    ws.once('unexpected-response', (_req, res) => {
      clearTimeout(timer);
      res.socket?.destroy(); // not left open on an HTTP keep-alive: the run ends now, not when the server times it out
      reject(
        failed(`${options.label}: ${url} answered HTTP ${res.statusCode} instead of a WebSocket upgrade`, {
          kind: 'http',
          url,
          status: res.statusCode ?? 0,
        }),
      );
    });
  });
}
