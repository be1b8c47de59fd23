// A transparent WebSocket relay: each Omikron connection gets its own upstream connection to the Omega;
// every frame is forwarded unchanged and in order (text stays text, binary stays binary), then recorded.
import { readFileSync } from 'node:fs';
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { WebSocket, WebSocketServer } from '../ws.ts';
import { textRecord, type TraceRecord } from '../trace/format.ts';

export interface RelayOptions {
  readonly host: string;
  readonly port: number;
  readonly upstream: string;
  /** Serve wss:// with this certificate and key (PEM files). */
  readonly tls?: { readonly cert: string; readonly key: string };
  /** Upstream wss://: trust this CA file, or any certificate. */
  readonly upstreamCa?: string;
  readonly upstreamInsecure?: boolean;
  readonly onRecord: (r: TraceRecord) => void;
  /** Largest frame relayed (bytes); larger ones close the Omikron's connection with 1009, as ws does. */
  readonly maxPayload?: number;
}

/** Close codes a peer may send in a close frame (1005, 1006 and 1015 are reserved for "none"). */
const sendable = (code: number): number =>
  code === 1005 || code === 1006 || code === 1015 || code < 1000 || code >= 5000 ? 1000 : code;

export class Relay {
  private counter = 0;
  private stopping = false;
  private readonly sockets = new Set<WebSocket>();

  private constructor(
    private readonly http: Server,
    private readonly wss: WebSocketServer,
    readonly url: string,
  ) {}

  static async start(o: RelayOptions): Promise<Relay> {
    const http = o.tls
      ? createHttpsServer({ cert: readFileSync(o.tls.cert), key: readFileSync(o.tls.key) })
      : createHttpServer();
    const maxPayload = o.maxPayload ?? 16 * 1024 * 1024;
    const wss = new WebSocketServer({ server: http, maxPayload });
    await new Promise<void>((resolve, reject) => {
      http.once('error', reject);
      http.listen(o.port, o.host, () => resolve());
    });
    const addr = http.address() as AddressInfo;
    const host = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
    const relay = new Relay(http, wss, `${o.tls ? 'wss' : 'ws'}://${host}:${addr.port}`);
    wss.on('connection', (client) => relay.pair(client, o, maxPayload));
    return relay;
  }

  private pair(client: WebSocket, o: RelayOptions, maxPayload: number): void {
    const name = `c${++this.counter}`;
    const record = o.onRecord;
    record({ time: Date.now(), connection: name, event: 'open' });
    const upstream = new WebSocket(o.upstream, {
      maxPayload,
      ...(o.upstreamCa ? { ca: readFileSync(o.upstreamCa) } : {}),
      ...(o.upstreamInsecure ? { rejectUnauthorized: false } : {}),
    });
    this.sockets.add(client);
    this.sockets.add(upstream);
    let closed = false;
    const closeOnce = (by: 'omikron' | 'omega' | 'recorder', code: number, reason: string) => {
      if (closed) return;
      closed = true;
      record({
        time: Date.now(),
        connection: name,
        event: 'close',
        by: this.stopping ? 'recorder' : by,
        code,
        ...(reason ? { reason } : {}),
      });
    };
    // Frames from the Omikron before the upstream is open wait here, in order.
    const early: { data: Buffer; binary: boolean }[] = [];
    const toOmega = (data: Buffer, binary: boolean) => {
      upstream.send(data, { binary });
      record(
        binary
          ? { time: Date.now(), connection: name, direction: 'to-omega', binary: data.length }
          : textRecord(Date.now(), name, 'to-omega', data.toString('utf8')),
      );
    };
    client.on('message', (raw, binary) => {
      const data = raw as Buffer;
      if (upstream.readyState === WebSocket.OPEN) toOmega(data, binary);
      else if (upstream.readyState === WebSocket.CONNECTING) early.push({ data, binary });
    });
    upstream.on('open', () => {
      for (const f of early.splice(0)) toOmega(f.data, f.binary);
    });
    upstream.on('message', (raw, binary) => {
      const data = raw as Buffer;
      if (client.readyState !== WebSocket.OPEN) return;
      client.send(data, { binary });
      record(
        binary
          ? { time: Date.now(), connection: name, direction: 'to-omikron', binary: data.length }
          : textRecord(Date.now(), name, 'to-omikron', data.toString('utf8')),
      );
    });
    client.on('close', (code, reason) => {
      closeOnce('omikron', code, reason.toString('utf8'));
      if (upstream.readyState === WebSocket.OPEN) upstream.close(sendable(code), reason);
      else upstream.terminate();
      this.sockets.delete(client);
    });
    upstream.on('close', (code, reason) => {
      closeOnce('omega', code, reason.toString('utf8'));
      if (client.readyState === WebSocket.OPEN) {
        if (code === 1006)
          client.terminate(); // the Omega dropped: so does the relay, without a close frame
        else client.close(sendable(code), reason);
      }
      this.sockets.delete(upstream);
    });
    upstream.on('error', (err) => {
      if (upstream.readyState !== WebSocket.OPEN) {
        closeOnce('recorder', 1011, `upstream unreachable: ${err.message}`.slice(0, 120));
        if (client.readyState === WebSocket.OPEN) client.close(1011, 'upstream unreachable');
      }
    });
    client.on('error', () => {});
  }

  /** Stop accepting, close every pair with 1001 (going away). */
  async stop(): Promise<void> {
    this.stopping = true;
    for (const s of this.sockets) {
      if (s.readyState === WebSocket.OPEN) s.close(1001, 'proxy stopping');
      else s.terminate();
    }
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
    await new Promise<void>((resolve) => {
      this.http.close(() => resolve());
      this.http.closeAllConnections?.();
    });
  }
}
