// The harness against the reference Omega: handshake, correlation, bounds, transcript, barrier.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import { ReferenceOmega } from '../fixtures/reference/server.ts';
import { Connection } from '../harness/client/connection.ts';
import { ConnectError, ProtocolViolation, ReplyTimeoutError } from '../harness/client/errors.ts';
import { HandshakeError, OmikronSession } from '../harness/client/session.ts';
import { TRANSCRIPT_HEAD_BYTES } from '../harness/client/transcript.ts';
import { generateRawKeyPair } from '../harness/crypto/x448.ts';
import { fixtureIdentities } from '../harness/identity/identities.ts';
import { DIALECTS } from '../harness/protocol/dialect.ts';

const identities = fixtureIdentities();

describe.each(DIALECTS)('harness against the reference (%s)', (dialect) => {
  let omega: ReferenceOmega;
  const target = () => ({ url: omega.url, dialect, connection: { timeoutMs: 2000 } });
  beforeAll(async () => {
    omega = await ReferenceOmega.start({ dialect, trusted: identities, clockControl: true });
  });
  afterAll(() => omega.stop());

  it('completes the handshake with several identities at once', async () => {
    const sessions = await Promise.all(
      identities.slice(0, 4).map((id, i) => OmikronSession.connect(target(), id, `o${i}`)),
    );
    expect(sessions.every((s) => s.authenticated)).toBe(true);
    await Promise.all(sessions.map((s) => s.close()));
  });

  it('is refused with a key the Omega does not have on record', async () => {
    const impostor = { id: identities[0]!.id, ...generateRawKeyPair() };
    await expect(OmikronSession.connect(target(), impostor, 'impostor')).rejects.toBeInstanceOf(
      HandshakeError,
    );
  });

  it('is refused as an Omikron the Omega does not trust', async () => {
    const stranger = { id: 999_999, ...generateRawKeyPair() };
    await expect(OmikronSession.connect(target(), stranger, 'stranger')).rejects.toThrow(
      /refused at identification/,
    );
  });

  it('correlates 100 concurrent requests by id', async () => {
    const s = await OmikronSession.connect(target(), identities[0]!, 'o');
    const replies = await Promise.all(Array.from({ length: 100 }, () => s.call('getRegister', {})));
    const ids = replies.map((r) => (r.data as { user_id: number }).user_id);
    expect(new Set(ids).size).toBe(100);
    await s.connection.barrier();
    expect(s.connection.anomalies).toEqual([]);
    await s.close();
  });

  it('records a transcript with direction, length, hash and a bounded head', async () => {
    const s = await OmikronSession.connect(target(), identities[0]!, 'o');
    const big = 'x'.repeat(TRANSCRIPT_HEAD_BYTES * 2);
    await s.call('getUser', { username: big });
    const out = s.connection.transcript.entries.filter((e) => e.dir === 'out');
    const last = out[out.length - 1]!;
    expect(last.length).toBeGreaterThan(TRANSCRIPT_HEAD_BYTES * 2);
    expect(Buffer.byteLength(last.head)).toBeLessThanOrEqual(TRANSCRIPT_HEAD_BYTES);
    expect(last.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(
      s.connection.transcript.entries.some((e) => e.dir === 'in' && e.head.includes('"type":"challenge"')),
    ).toBe(true);
    expect(s.connection.transcript.render()).toContain('->');
    await s.close();
  });

  it('proves processing order with a barrier: replies before it have all arrived', async () => {
    const s = await OmikronSession.connect(target(), identities[0]!, 'o');
    const arrived: string[] = [];
    const pending = Array.from({ length: 20 }, (_, i) =>
      s.call('getRegister', {}).then(() => arrived.push(`r${i}`)),
    );
    await s.connection.barrier();
    expect(arrived).toHaveLength(20);
    await Promise.all(pending);
    await s.close();
  });
});

describe('harness bounds', () => {
  it('times out a silent server, naming the request', async () => {
    const silent = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await new Promise((r) => silent.once('listening', r));
    const port = (silent.address() as { port: number }).port;
    const c = await Connection.open(`ws://127.0.0.1:${port}/`, {
      label: 'silent',
      timeoutMs: 300,
      keepaliveMs: 0,
    });
    const started = Date.now();
    const err = await c.request({ type: 'get_register' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ReplyTimeoutError);
    expect(String(err)).toMatch(/no reply to get_register \(id [0-9a-f-]{36}\) within 300 ms/);
    expect(Date.now() - started).toBeLessThan(2000);
    await c.close();
    silent.close();
  });

  it('fails fast with a clear reason when nothing listens', async () => {
    const err = await Connection.open('ws://127.0.0.1:1/ws/omikron', {
      label: 'nobody',
      timeoutMs: 1000,
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConnectError);
    expect(String(err)).toMatch(/cannot connect to ws:\/\/127\.0\.0\.1:1/);
  });

  it('two requests in flight under one id: each owes its own reply and keeps its own bound', async () => {
    // Answers the first frame only: the second request under the same id must time out, not hang.
    const once = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    once.on('connection', (ws) =>
      ws.once('message', (m) => {
        const { id } = JSON.parse(String(m)) as { id: string };
        setTimeout(() => ws.send(JSON.stringify({ type: 'get_register_response', id, data: {} })), 50);
      }),
    );
    await new Promise((r) => once.once('listening', r));
    const port = (once.address() as { port: number }).port;
    const c = await Connection.open(`ws://127.0.0.1:${port}/`, {
      label: 'once',
      timeoutMs: 400,
      keepaliveMs: 0,
    });
    const first = c.request({ type: 'get_register', id: '' });
    const second = c.request({ type: 'get_register', id: '' }).catch((e: unknown) => e);
    expect((await first).id).toBe('');
    expect(c.isWaiting('')).toBe(true);
    expect(await second).toBeInstanceOf(ReplyTimeoutError);
    expect(c.isWaiting('')).toBe(false);
    await c.close();
    once.close();
  });

  it('fails a request at once when the target answers with a wrong id', async () => {
    const liar = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    liar.on('connection', (ws) =>
      ws.on('message', () => ws.send(JSON.stringify({ type: 'success', id: 'not-yours' }))),
    );
    await new Promise((r) => liar.once('listening', r));
    const port = (liar.address() as { port: number }).port;
    const c = await Connection.open(`ws://127.0.0.1:${port}/`, {
      label: 'liar',
      timeoutMs: 5000,
      keepaliveMs: 0,
    });
    const started = Date.now();
    const err = await c.request({ type: 'get_register' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProtocolViolation);
    expect((err as ProtocolViolation).cause).toMatchObject({
      kind: 'wrong-reply',
      anomaly: { kind: 'unsolicited', id: 'not-yours', type: 'success', error: false },
    });
    expect(Date.now() - started).toBeLessThan(1000);
    await c.close();
    liar.close();
  });
});

describe('X448 keys made without key generation jobs or JWK export (x448.ts)', () => {
  it("a generated pair's public key is the one node:crypto derives from its private key", async () => {
    const { createPublicKey } = await import('node:crypto');
    const { privateKeyFromRaw } = await import('../harness/crypto/x448.ts');
    for (let i = 0; i < 20; i++) {
      const pair = generateRawKeyPair();
      const jwk = createPublicKey(privateKeyFromRaw(pair.privateKey)).export({ format: 'jwk' });
      expect(Buffer.from(jwk.x as string, 'base64url').toString('base64')).toBe(pair.publicKey);
    }
  });
});

describe('doubled replies around an id the handshake reuses', () => {
  it("the challenge's copy read after the answer went out is a second reply, not the answer", async () => {
    const omega = await ReferenceOmega.start({ dialect: 'seed', trusted: identities });
    // A proxy that sends the challenge again just before it forwards the challenge_response: the
    // order a server doubling its replies produces when the copy is read in a second chunk.
    const proxy = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    proxy.on('connection', (client) => {
      const upstream = new WebSocket(omega.url);
      const early: string[] = [];
      let challenge: string | undefined;
      upstream.on('open', () => {
        for (const m of early.splice(0)) upstream.send(m);
      });
      upstream.on('message', (data) => {
        const text = data.toString();
        if ((JSON.parse(text) as { type: string }).type === 'challenge') challenge = text;
        client.send(text);
      });
      client.on('message', (data) => {
        const text = data.toString();
        if ((JSON.parse(text) as { type: string }).type === 'challenge_response' && challenge)
          client.send(challenge);
        if (upstream.readyState === WebSocket.OPEN) upstream.send(text);
        else early.push(text);
      });
      client.on('close', () => upstream.close());
    });
    await new Promise((r) => proxy.once('listening', r));
    const port = (proxy.address() as { port: number }).port;
    const target = {
      url: `ws://127.0.0.1:${port}/`,
      dialect: 'seed' as const,
      connection: { timeoutMs: 2000 },
    };
    const s = await OmikronSession.connect(target, identities[0]!, 'doubled');
    expect(s.authenticated).toBe(true);
    expect(s.connection.anomalies).toMatchObject([{ kind: 'duplicate', type: 'challenge' }]);
    await s.close();
    proxy.close();
    await omega.stop();
  });
});
