// The proxy as a relay: every frame arrives unchanged and in order, text as text and binary as binary,
// over TLS on both sides; the trace records them; SIGTERM writes the reports and ends it.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import { generateCertificate } from '../harness/launchers/tls.ts';
import { type RunningProxy, startProxy } from '../harness/proxy/cli.ts';
import { parseHeaderLine, parseRecordLine } from '../harness/trace/format.ts';
import { BIN, ROOT, tempDir } from './cli-helpers.ts';

interface Frame {
  readonly data: Buffer;
  readonly binary: boolean;
}

/** A wss:// upstream that echoes every frame back as it came, then one closing frame of its own. */
async function echoUpstream(cert: { certFile: string; keyFile: string }) {
  const http = createServer({ cert: readFileSync(cert.certFile), key: readFileSync(cert.keyFile) });
  const wss = new WebSocketServer({ server: http });
  const seen: Frame[] = [];
  wss.on('connection', (ws) => {
    ws.on('message', (data, binary) => {
      seen.push({ data: data as Buffer, binary });
      ws.send(data as Buffer, { binary });
    });
  });
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', () => r()));
  const url = `wss://127.0.0.1:${(http.address() as AddressInfo).port}`;
  return { url, seen, stop: () => new Promise<void>((r) => wss.close(() => http.close(() => r()))) };
}

const cleanup: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

describe('proxy relay', () => {
  it('forwards text and binary frames unchanged and in order, over TLS on both sides, and records them', async () => {
    const cert = await generateCertificate();
    const up = await echoUpstream(cert);
    cleanup.push(up.stop);
    const dir = tempDir();
    const proxy: RunningProxy = await startProxy({
      host: '127.0.0.1',
      port: 0,
      upstream: up.url,
      tls: { cert: cert.certFile, key: cert.keyFile },
      ca: cert.certFile,
      insecure: false,
      tracePath: join(dir, 'trace.jsonl'),
      reportDir: dir,
      reportEveryMs: 60_000,
      check: { replyBoundMs: 5000, identities: [], level: 'must' },
    });
    cleanup.push(() => proxy.stop());
    expect(proxy.url).toMatch(/^wss:\/\//);
    const sent: Frame[] = [
      { data: Buffer.from('{"type":"ping","id":"a"}'), binary: false },
      { data: Buffer.from([0, 255, 1, 2, 3]), binary: true },
      { data: Buffer.from('not json, é and 😀'), binary: false },
      { data: Buffer.alloc(0), binary: false },
      { data: Buffer.alloc(200_000, 7), binary: true },
    ];
    const ws = new WebSocket(proxy.url, { ca: readFileSync(cert.certFile) });
    const back: Frame[] = [];
    const done = new Promise<void>((resolve) => {
      ws.on('message', (data, binary) => {
        back.push({ data: data as Buffer, binary });
        if (back.length === sent.length) resolve();
      });
    });
    await new Promise<void>((r) => ws.once('open', () => r()));
    for (const f of sent) ws.send(f.data, { binary: f.binary });
    await done;
    const closed = new Promise<void>((r) => ws.once('close', () => r()));
    ws.close(4000, 'bye');
    await closed;
    await new Promise((r) => setTimeout(r, 100));
    for (const list of [up.seen, back]) {
      expect(list.map((f) => f.binary)).toEqual(sent.map((f) => f.binary));
      expect(list.map((f) => f.data.equals(sent[list.indexOf(f)]!.data))).toEqual(sent.map(() => true));
    }
    await proxy.stop();
    const lines = readFileSync(join(dir, 'trace.jsonl'), 'utf8').trim().split('\n');
    expect(parseHeaderLine(lines[0]!, 'h')).toMatchObject({ source: 'proxy', upstream: up.url });
    const records = lines.slice(1).map((l, i) => parseRecordLine(l, `line ${i + 2}`));
    expect(records[0]).toMatchObject({ event: 'open' });
    const frames = records.filter((r) => 'direction' in r);
    expect(frames).toHaveLength(2 * sent.length);
    for (const direction of ['to-omega', 'to-omikron'])
      expect(
        frames
          .filter((r) => 'direction' in r && r.direction === direction)
          .map((r) => ('binary' in r ? r.binary : r.text)),
      ).toEqual([sent[0]!.data.toString(), 5, sent[2]!.data.toString(), '', 200_000]);
    expect(records.at(-1)).toMatchObject({ event: 'close', by: 'omikron', code: 4000 });
    expect(JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')).target.kind).toBe('trace');
  });

  it('the proxy command writes its reports and exits on SIGTERM', async () => {
    const cert = await generateCertificate();
    const up = await echoUpstream(cert);
    cleanup.push(up.stop);
    const dir = tempDir();
    const child = spawn(
      process.execPath,
      [
        BIN,
        'proxy',
        '--listen',
        '127.0.0.1:0',
        '--upstream',
        up.url,
        '--insecure',
        '--report-dir',
        dir,
        '--level',
        'should',
        '--quiet',
      ],
      { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    cleanup.push(async () => child.kill('SIGKILL'));
    const url = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (c: Buffer) => {
        out += c.toString();
        const m = /proxy listening on (ws:\/\/\S+)/.exec(out);
        if (m) resolve(m[1]!);
      });
      child.once('exit', (code) => reject(new Error(`proxy exited ${code}`)));
    });
    const ws = new WebSocket(url);
    await new Promise<void>((r) => ws.once('open', () => r()));
    const echoed = new Promise<string>((r) => ws.once('message', (d) => r(String(d))));
    ws.send('{"type":"ping","id":"p1"}');
    expect(await echoed).toBe('{"type":"ping","id":"p1"}');
    const code = new Promise<number | null>((r) => child.once('exit', (c) => r(c)));
    child.kill('SIGTERM');
    // The echo answers a ping (before any handshake) with a ping, not a pong: SES-006 (a SHOULD since
    // the levels audit) is missed, so at --level should the exit code is 1.
    expect(await code).toBe(1);
    const report = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8'));
    expect(report.requirements.find((q: { id: string }) => q.id === 'SES-006').verdict).toBe('non-strict');
    expect(readFileSync(join(dir, 'trace.jsonl'), 'utf8')).toContain('\\"p1\\"');
    ws.terminate();
  });
});
