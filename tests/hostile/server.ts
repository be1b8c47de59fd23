// A hostile Omega for the project's own tests, under the launch contract (a --command target): the
// reference Omega behind a loopback WebSocket proxy that breaks what the server sends, from the
// second connection on (the first is the suite's preflight, which must succeed for a run to start).
//   HOSTILE_MODE  wrong-id | wrong-id-nth | duplicate | delay | huge-frame | garbage | no-pongs |
//                 stop-reading | close-after | crash
//   HOSTILE_N     the n of "every n-th reply" / "after n frames" (default 7)
//   HOSTILE_DELAY_MS  how long `delay` holds every reply (default 3000)
//   HOSTILE_PID_FILE  where to write this process's pid (tests check it is gone after the run)
//   HOSTILE_FROM  the first connection it breaks (default 2: the preflight's connection is spared)
import { writeFileSync } from 'node:fs';
import { type RawData, WebSocket, WebSocketServer } from 'ws';
import { readContract } from '../../fixtures/reference/config.ts';
import { ReferenceOmega } from '../../fixtures/reference/server.ts';

export const HOSTILE_MODES = [
  'wrong-id',
  'wrong-id-nth',
  'duplicate',
  'delay',
  'huge-frame',
  'garbage',
  'no-pongs',
  'stop-reading',
  'close-after',
  'crash',
] as const;
export type HostileMode = (typeof HOSTILE_MODES)[number];

const HUGE_FRAME_BYTES = 50 * 1024 * 1024;

const mode = process.env.HOSTILE_MODE as HostileMode;
if (!HOSTILE_MODES.includes(mode)) {
  process.stderr.write(`hostile server: HOSTILE_MODE must be one of ${HOSTILE_MODES.join(', ')}\n`);
  process.exit(2);
}
const n = Number(process.env.HOSTILE_N ?? 7);
const delayMs = Number(process.env.HOSTILE_DELAY_MS ?? 3000);
const hostileFrom = Number(process.env.HOSTILE_FROM ?? 2);
if (process.env.HOSTILE_PID_FILE) writeFileSync(process.env.HOSTILE_PID_FILE, String(process.pid));

const config = readContract(process.env);
const omega = await ReferenceOmega.start({
  dialect: config.dialect,
  trusted: config.trusted,
  host: '127.0.0.1',
  port: 0,
  clockControl: false,
});

let connections = 0;
let framesAfterPreflight = 0;

function withId(text: string, id: string): string {
  try {
    const frame = JSON.parse(text) as Record<string, unknown>;
    if (typeof frame.id !== 'string') return text;
    return JSON.stringify({ ...frame, id });
  } catch {
    return text;
  }
}

function typeOf(text: string): string | undefined {
  try {
    return (JSON.parse(text) as { type?: string }).type;
  } catch {
    return undefined;
  }
}

const proxy = new WebSocketServer({ host: config.host, port: config.port, maxPayload: 64 * 1024 * 1024 });
proxy.on('connection', (client, req) => {
  const index = ++connections;
  const hostile = index >= hostileFrom;
  const upstream = new WebSocket(`${omega.url.replace(/\/ws\/omikron$/, '')}${req.url ?? '/'}`);
  const early: RawData[] = [];
  let replies = 0;
  upstream.on('open', () => {
    for (const m of early.splice(0)) upstream.send(m.toString());
  });
  client.on('message', (data) => {
    if (upstream.readyState === WebSocket.OPEN) upstream.send(data.toString());
    else early.push(data);
  });
  client.on('close', () => upstream.close());
  upstream.on('close', () => client.close());
  client.on('error', () => upstream.terminate());
  upstream.on('error', () => client.terminate());
  if (hostile && mode === 'stop-reading') client.pause();

  upstream.on('message', (data) => {
    const text = data.toString();
    if (!hostile) return client.send(text);
    replies++;
    framesAfterPreflight++;
    switch (mode) {
      case 'wrong-id':
        return client.send(withId(text, `hostile-${index}-${replies}`));
      case 'wrong-id-nth':
        return client.send(replies % n === 0 ? withId(text, `hostile-${index}-${replies}`) : text);
      case 'duplicate':
        client.send(text);
        return client.send(text);
      case 'delay':
        setTimeout(() => client.readyState === WebSocket.OPEN && client.send(text), delayMs);
        return;
      case 'huge-frame':
        return client.send(replies === 1 ? 'x'.repeat(HUGE_FRAME_BYTES) : text);
      case 'garbage':
        return client.send(`garbage \u0000 {not json ${replies}`);
      case 'no-pongs':
        if (typeOf(text) === 'pong') return;
        return client.send(text);
      case 'stop-reading':
        return client.send(text);
      case 'close-after':
        client.send(text);
        if (replies >= n) client.terminate();
        return;
      case 'crash':
        client.send(text);
        if (framesAfterPreflight >= n) process.exit(70);
        return;
    }
  });
});
proxy.on('listening', () => {
  process.stdout.write(`hostile server (${mode}) listening on ${config.host}:${config.port}\n`);
});
