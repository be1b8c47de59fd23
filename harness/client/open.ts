// Opening the WebSocket to a target, bounded, with a cause naming why it could not be reached.
import { readFileSync } from 'node:fs';
import WebSocket from 'ws';
import type { ConnectionOptions } from './connection.ts';
import { ConnectError } from './errors.ts';
import type { Transcript } from './transcript.ts';

export function openSocket(
  url: string,
  options: ConnectionOptions,
  transcript: Transcript,
): Promise<WebSocket> {
  const connectTimeoutMs = options.connectTimeoutMs ?? options.timeoutMs;
  const failed = (message: string) =>
    new ConnectError(message, {
      kind: 'connect-failed',
      connection: options.label,
      url,
      message,
    });
  return new Promise((resolve, reject) => {
    let ws: WebSocket;
    try {
      ws = new WebSocket(url, {
        maxPayload: options.maxPayload ?? 16 * 1024 * 1024,
        handshakeTimeout: connectTimeoutMs,
        ...(options.tls?.caFile ? { ca: readFileSync(options.tls.caFile) } : {}),
        ...(options.tls?.insecure ? { rejectUnauthorized: false } : {}),
      });
    } catch (e) {
      reject(failed(`${options.label}: cannot connect to ${url}: ${(e as Error).message}`));
      return;
    }
    const timer = setTimeout(() => {
      ws.terminate();
      reject(failed(`${options.label}: no WebSocket connection to ${url} within ${connectTimeoutMs} ms`));
    }, connectTimeoutMs);
    ws.once('open', () => {
      clearTimeout(timer);
      transcript.record(options.label, 'event', 'open', `open ${url}`);
      resolve(ws);
    });
    ws.once('error', (err) => {
      clearTimeout(timer);
      reject(failed(`${options.label}: cannot connect to ${url}: ${err.message}`));
    });
    ws.once('unexpected-response', (_req, res) => {
      clearTimeout(timer);
      reject(
        failed(`${options.label}: ${url} answered HTTP ${res.statusCode} instead of a WebSocket upgrade`),
      );
    });
  });
}
