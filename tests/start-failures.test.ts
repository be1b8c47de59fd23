// Why a run could not start, told from what was actually met on loopback: a closed port, an HTTP
// server, a silent TCP listener, an echo server, wss:// on a plain port, an Omega that refuses us.
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { createServer as createTcpServer, type Socket, type Server as TcpServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import { classify } from '../harness/failure/classify.ts';
import { RunStoppedError, type StopReason } from '../harness/failure/reason.ts';
import { wordsFor } from '../harness/failure/words.ts';
import { fixtureIdentities } from '../harness/identity/identities.ts';
import { authenticateOnce } from '../harness/run/preflight.ts';

const identity = fixtureIdentities()[0]!;
const closers: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of closers.splice(0)) await c();
});

type Listening = HttpServer | TcpServer;
async function listen<S extends Listening>(server: S): Promise<number> {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  closers.push(
    () =>
      new Promise<void>((r) => {
        (server as HttpServer).closeAllConnections?.();
        server.close(() => r());
      }),
  );
  return (server.address() as { port: number }).port;
}

/** Authenticate once against the URL and classify what stopped it. */
async function reasonAt(url: string, timeoutMs = 1500) {
  const error = await authenticateOnce({ url, dialect: 'seed', connection: { timeoutMs } }, identity).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error, `authenticating at ${url} should fail`).toBeDefined();
  const c = classify(error, url);
  return { ...c, words: wordsFor(c.reason) };
}

/** An Omega stand-in: answers each frame with what `answer` makes of it. */
async function wsServer(answer: (frame: { type: string; id?: string }) => object | null): Promise<number> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise<void>((r) => wss.once('listening', () => r()));
  wss.on('connection', (ws) =>
    ws.on('message', (data) => {
      const reply = answer(JSON.parse(String(data)));
      if (reply) ws.send(JSON.stringify(reply));
    }),
  );
  closers.push(
    () =>
      new Promise<void>((r) => {
        for (const c of wss.clients) c.terminate();
        wss.close(() => r());
      }),
  );
  return (wss.address() as { port: number }).port;
}

async function closedPort(): Promise<number> {
  const s = createTcpServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

function kindOf(r: StopReason): string {
  return r.kind;
}

describe('connection failures in plain words, next to the raw error', () => {
  it('a closed port: refused', async () => {
    const url = `ws://127.0.0.1:${await closedPort()}/ws/omikron`;
    const r = await reasonAt(url);
    expect(r.reason).toEqual({ kind: 'refused', url });
    expect(r.words.message).toMatch(/nothing accepts connections at 127\.0\.0\.1:\d+ \(connection refused\)/);
    expect(r.raw).toMatch(/ECONNREFUSED/);
    expect(r.opened).toBe(false);
  });

  it('an HTTP server answering 404: the status, the path, and --path', async () => {
    const port = await listen(
      createHttpServer((_q, res) => {
        res.writeHead(404).end('not found');
      }),
    );
    const url = `ws://127.0.0.1:${port}/ws/omikron`;
    const r = await reasonAt(url);
    expect(r.reason).toEqual({ kind: 'http-status', url, status: 404 });
    expect(r.words.message).toContain('HTTP 404 at /ws/omikron');
    expect(r.words.hint).toMatch(/is the path right\? --path/);
  });

  it('a plain HTTP server answering 200: not a WebSocket endpoint', async () => {
    const port = await listen(createHttpServer((_q, res) => res.end('<html>hello</html>')));
    const r = await reasonAt(`ws://127.0.0.1:${port}/`);
    expect(kindOf(r.reason)).toBe('http-status');
    expect(r.words.message).toMatch(/HTTP 200 at \/: an HTTP server answered instead of a WebSocket upgrade/);
  });

  it('a silent TCP listener: no answer to the upgrade, within the bound', async () => {
    const sockets: Socket[] = [];
    const port = await listen(createTcpServer((socket) => sockets.push(socket)));
    closers.unshift(() => {
      for (const s of sockets) s.destroy();
    });
    const t0 = Date.now();
    const r = await reasonAt(`ws://127.0.0.1:${port}/ws/omikron`, 800);
    expect(Date.now() - t0).toBeLessThan(5000);
    expect(r.reason).toMatchObject({ kind: 'no-upgrade-answer', timeoutMs: 800 });
    expect(r.words.message).toMatch(/accepted the TCP connection but never answered the WebSocket upgrade/);
  });

  it('wss:// on a plain port: the server does not speak TLS, try ws://', async () => {
    const port = await listen(createHttpServer((_q, res) => res.end('plain')));
    const url = `wss://127.0.0.1:${port}/ws/omikron`;
    const r = await reasonAt(url);
    expect(r.reason).toMatchObject({ kind: 'tls-not-spoken', url });
    expect(r.words.message).toBe(`the server does not speak TLS on 127.0.0.1:${port}`);
    expect(r.words.hint).toBe(`try ws://127.0.0.1:${port}/ws/omikron`);
    // OpenSSL's own words stay next to the plain ones.
    expect(r.raw).toMatch(/wrong version number/);
  });

  it('a generic WebSocket echo server: not an Omega', async () => {
    const port = await wsServer((frame) => frame);
    const r = await reasonAt(`ws://127.0.0.1:${port}/`);
    expect(kindOf(r.reason)).toBe('echo');
    expect(r.words.message).toMatch(/sent the identification frame back unchanged: a WebSocket echo server/);
    expect(r.opened).toBe(true);
  });

  it('an Omega that refuses the Omikron: the reply, and how to trust the identities', async () => {
    const port = await wsServer((f) => ({ type: 'error_not_authorized', id: f.id, data: {} }));
    const r = await reasonAt(`ws://127.0.0.1:${port}/`);
    expect(r.reason).toMatchObject({ kind: 'handshake-refused', step: 'identification' });
    expect(r.reason.kind === 'handshake-refused' && r.reason.reply).toContain('error_not_authorized');
    expect(r.words.hint).toMatch(/omega-conformance identities/);
  });

  it('a WebSocket server that never answers the identification', async () => {
    const port = await wsServer(() => null);
    const r = await reasonAt(`ws://127.0.0.1:${port}/`, 600);
    expect(r.reason).toMatchObject({ kind: 'handshake-silent', timeoutMs: 600 });
  });

  it('a run stopped by its deadline or for lack of progress: the reason it was given, as it was given', () => {
    for (const [reason, words] of [
      [
        { kind: 'stopped', by: 'deadline', boundMs: 600_000 },
        'the run reached its deadline of 600 s and was stopped',
      ],
      [
        { kind: 'stopped', by: 'stall', boundMs: 300_000 },
        'the scenarios made no progress for 300 s: the run was stopped',
      ],
    ] as const) {
      const r = classify(
        new Error('wrapped', { cause: new RunStoppedError(reason, 'stopped') }),
        'ws://127.0.0.1:1/',
      );
      expect(r.reason).toEqual(reason);
      expect(wordsFor(r.reason).message).toBe(words);
    }
  });

  it('an error the suite does not know is its own fault, never the server’s', () => {
    const r = classify(new TypeError('x is undefined'), 'ws://127.0.0.1:1/');
    expect(r.reason.kind).toBe('internal');
    expect(wordsFor(r.reason).message).toMatch(/internal error of the suite \(not of the server\)/);
  });
});
