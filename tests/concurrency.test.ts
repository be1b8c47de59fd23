// The client against tiny hostile or concurrent servers on 127.0.0.1: answers to frames without a
// readable id, silence proven by a barrier, the settle window of a server not in order, the order
// probe, and bounded waits that end naming their cause (replies with changed ids, a wrong pong).
import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import type { Anomaly, Cause } from '../harness/client/causes.ts';
import { ALTERNATIVES } from '../fixtures/alternatives/catalogue.ts';
import { REFERENCE } from '../fixtures/reference/behaviours.ts';
import { ReferenceOmega } from '../fixtures/reference/server.ts';
import { Connection } from '../harness/client/connection.ts';
import { ProtocolViolation, ReplyTimeoutError } from '../harness/client/errors.ts';
import { OrderKnowledge, probeOrder } from '../harness/client/order.ts';
import { OmikronSession } from '../harness/client/session.ts';
import { Transcript } from '../harness/client/transcript.ts';
import { sendUnreadable } from '../harness/client/unreadable.ts';
import { fixtureIdentities } from '../harness/identity/identities.ts';
import { attribute, sweep } from '../harness/scenario/attribution.ts';
import { Recorder } from '../harness/scenario/recorder.ts';
import { requirement } from '../harness/spec/requirements.ts';
import { CAUSE_REQUIREMENT, requirementOf } from '../harness/verdict/cause-table.ts';

type Frame = { type?: unknown; id?: unknown; [k: string]: unknown };
type Handler = (ws: WebSocket, frame: Frame | null, raw: string) => void;

const servers: WebSocketServer[] = [];
afterEach(() => {
  for (const s of servers.splice(0)) {
    for (const c of s.clients) c.terminate();
    s.close();
  }
});

/** A server that hands every frame (parsed when it is a JSON object) to `handler`. */
async function server(handler: Handler): Promise<string> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  servers.push(wss);
  wss.on('connection', (ws) =>
    ws.on('message', (data, isBinary) => {
      const raw = isBinary ? '' : data.toString();
      let frame: Frame | null = null;
      try {
        const j = JSON.parse(raw) as unknown;
        if (typeof j === 'object' && j !== null && !Array.isArray(j)) frame = j as Frame;
      } catch {}
      handler(ws, frame, raw);
    }),
  );
  await new Promise((r) => wss.once('listening', r));
  return `ws://127.0.0.1:${(wss.address() as { port: number }).port}/`;
}

const send = (ws: WebSocket, frame: Record<string, unknown>, delayMs = 0) => {
  const go = () => ws.readyState === WebSocket.OPEN && ws.send(JSON.stringify(frame));
  if (delayMs > 0) setTimeout(go, delayMs);
  else go();
};

/** Pings answered at once; everything else by `rest`. */
const withPongs =
  (rest: Handler): Handler =>
  (ws, f, raw) =>
    f?.type === 'ping' ? send(ws, { type: 'pong', id: f.id }) : rest(ws, f, raw);

const order = (inOrder: boolean, settleMs: number): OrderKnowledge => {
  const k = new OrderKnowledge();
  k.value = { inOrder, settleMs, requests: 0, overtaken: 0, maxLagMs: 0 };
  return k;
};

const open = (url: string, timeoutMs: number, knowledge?: OrderKnowledge) =>
  Connection.open(url, {
    label: 'c',
    timeoutMs,
    keepaliveMs: 0,
    ...(knowledge ? { order: knowledge } : {}),
  });

describe('frames the server can read no id from', () => {
  it('takes an error reply with a made-up id as the answer: no stray, no wait for the bound', async () => {
    const url = await server(
      withPongs((ws, f) => {
        if (f === null)
          send(ws, { type: 'error_invalid_data', id: randomUUID(), data: { error_type: 'bad' } });
      }),
    );
    const c = await open(url, 5000);
    const started = performance.now();
    for (const payload of ['hello omega', '[]', '']) {
      const o = await sendUnreadable(c, payload);
      expect(o.kind).toBe('reply');
      if (o.kind === 'reply') expect(o.reply.type).toBe('error_invalid_data');
    }
    expect(performance.now() - started).toBeLessThan(2000);
    await c.barrier();
    expect(c.anomalies).toEqual([]);
    await c.close();
  });

  it('takes an id-less error reply as the answer, also for a binary frame', async () => {
    const url = await server(withPongs((ws, f) => f === null && send(ws, { type: 'error' })));
    const c = await open(url, 5000);
    const o = await sendUnreadable(c, Buffer.from([0, 255]), { binary: true });
    expect(o).toMatchObject({ kind: 'reply', reply: { type: 'error' } });
    expect(c.anomalies).toEqual([]);
    await c.close();
  });

  it('proves silence with a barrier on an in-order server, long before the reply bound', async () => {
    const url = await server(withPongs(() => {}));
    const c = await open(url, 5000);
    const started = performance.now();
    const o = await sendUnreadable(c, 'not json');
    expect(o.kind).toBe('silence');
    expect(performance.now() - started).toBeLessThan(1500);
    await c.close();
  });

  it('on a server not in order, waits the settle window: an answer in it counts, a later one is a stray', async () => {
    let delay = 60;
    const url = await server(
      withPongs((ws, f) => f === null && send(ws, { type: 'error_x', id: randomUUID() }, delay)),
    );
    const c = await open(url, 5000, order(false, 250));
    expect((await sendUnreadable(c, 'x')).kind).toBe('reply');
    delay = 700;
    const o = await sendUnreadable(c, 'y');
    expect(o.kind).toBe('silence');
    if (o.kind === 'silence') expect(o.proof).toContain('250 ms settle window');
    await new Promise((r) => setTimeout(r, 800));
    expect(c.anomalies.map((a) => a.kind)).toEqual(['unsolicited']);
    await c.close();
  });

  it('ends at the reply bound when the server answers nothing, not even the barrier', async () => {
    const url = await server(() => {});
    const c = await open(url, 400);
    const started = performance.now();
    expect((await sendUnreadable(c, 'x')).kind).toBe('timeout');
    expect(performance.now() - started).toBeLessThan(1500);
    await c.close();
  });
});

describe('order and the settle window', () => {
  it('probes an in-order server as in order and a server whose pings overtake queries as not', async () => {
    const inOrder = await server((ws, f) =>
      send(ws, { type: f?.type === 'ping' ? 'pong' : 'error', id: f?.id }),
    );
    const c1 = await open(inOrder, 2000);
    const found = await probeOrder(c1, 1);
    expect(found).toMatchObject({ inOrder: true, settleMs: 0, overtaken: 0 });
    await c1.close();
    const overtaking = await server(
      withPongs((ws, f) => send(ws, { type: 'error_not_found', id: f?.id }, 5 + Math.random() * 15)),
    );
    const c2 = await open(overtaking, 2000);
    const other = await probeOrder(c2, 1);
    expect(other.inOrder).toBe(false);
    expect(other.overtaken).toBeGreaterThan(0);
    expect(other.settleMs).toBeGreaterThanOrEqual(200);
    expect(other.settleMs).toBeLessThanOrEqual(2000);
    await c2.close();
  });

  it('an announcement reply after the barrier is the reply within the settle window, and late without it', async () => {
    // Like the public implementation: iota_user_data comes after the pong of a later ping.
    const url = await server(
      withPongs((ws, f) => send(ws, { type: 'iota_user_data', id: f?.id, data: { user_ids: [] } }, 40)),
    );
    const identity = fixtureIdentities()[0]!;
    const target = (k: OrderKnowledge) => ({
      url,
      dialect: 'tensamin' as const,
      connection: { timeoutMs: 3000, keepaliveMs: 0, order: k },
    });
    const late = await OmikronSession.open(target(order(false, 300)), identity, 'late');
    const reply = await late.announce('iotaConnected', 7);
    expect(reply?.type).toBe('iota_user_data');
    expect(late.connection.anomalies).toEqual([]);
    await late.close();
    const strict = await OmikronSession.open(target(order(true, 0)), identity, 'strict');
    expect(await strict.announce('iotaConnected', 7)).toBeNull();
    await new Promise((r) => setTimeout(r, 150));
    expect(strict.connection.anomalies.map((a) => a.kind)).toEqual(['late']);
    expect(requirementOf(strict.connection.anomalies[0]!)).toBe('ENV-003');
    await strict.close();
  });
});

describe('bounded waits name their cause', () => {
  const changedIds = () =>
    server(withPongs((ws, f) => send(ws, { type: 'success', id: `${String(f?.id)}-changed` })));

  it('a reply whose id was changed fails the one request waiting at once, charged to ENV-001', async () => {
    const c = await open(await changedIds(), 5000);
    const started = performance.now();
    const err = await c.request({ type: 'get_register' }).catch((e: unknown) => e);
    expect(performance.now() - started).toBeLessThan(1000);
    expect(err).toBeInstanceOf(ProtocolViolation);
    const cause = (err as ProtocolViolation).cause as Cause;
    expect(cause).toMatchObject({ kind: 'wrong-reply', anomaly: { kind: 'unsolicited', type: 'success' } });
    expect(requirementOf(cause)).toBe('ENV-001');
    await c.close();
  });

  it('replies with changed ids to requests in flight end at the bound, the timeout listing the strays', async () => {
    const c = await open(await changedIds(), 300);
    const started = performance.now();
    const errs = await Promise.all([1, 2, 3].map(() => c.request({ type: 'get_register' }).catch((e) => e)));
    expect(performance.now() - started).toBeLessThan(1500);
    for (const e of errs) {
      expect(e).toBeInstanceOf(ReplyTimeoutError);
      const cause = (e as ReplyTimeoutError).cause;
      expect(cause.strays.length).toBeGreaterThanOrEqual(3);
      expect(requirementOf(cause)).toBe('ENV-003');
    }
    await c.close();
  });

  it('a barrier whose pong carries a wrong id fails within the bound, naming the pong', async () => {
    const url = await server((ws, f) => f?.type === 'ping' && send(ws, { type: 'pong', id: 'not-the-ping' }));
    const c = await open(url, 2000);
    const started = performance.now();
    const err = await c.barrier().catch((e: unknown) => e);
    expect(performance.now() - started).toBeLessThan(1000);
    expect((err as ProtocolViolation).cause).toMatchObject({
      kind: 'wrong-reply',
      anomaly: { kind: 'unsolicited', id: 'not-the-ping', type: 'pong' },
    });
    await c.close();
  });

  it('a read-back after a lost reply: the lost one times out (ENV-003), the read is served, its late reply is no second fault', async () => {
    const url = await server(
      withPongs((ws, f) => {
        if (f?.type === 'change_user_data') send(ws, { type: 'success', id: f.id }, 500);
        else send(ws, { type: 'get_user', id: f?.id, data: { user_id: 1 } });
      }),
    );
    const transcript = new Transcript();
    const c = await Connection.open(url, { label: 'c', timeoutMs: 250, keepaliveMs: 0, transcript });
    const lost = await c.request({ type: 'change_user_data', data: {} }).catch((e: unknown) => e);
    expect(lost).toBeInstanceOf(ReplyTimeoutError);
    const read = await c.request({ type: 'get_user_data', data: { user_id: 1 } });
    expect(read.type).toBe('get_user');
    await new Promise((r) => setTimeout(r, 400));
    expect(c.anomalies).toEqual([]);
    const t = new Recorder('S', transcript);
    attribute(t, ['UM-CHG-001'], lost);
    expect(t.checks.map((x) => [x.requirement, x.outcome])).toEqual([
      ['ENV-003', 'fail'],
      ['UM-CHG-001', 'not-verified'],
    ]);
    expect(t.checks[0]!.cause?.kind).toBe('timeout');
    await c.close();
  });
});

describe('the concurrent-random-delay alternative', () => {
  it('is in the catalogue and really answers out of order: its pongs overtake queries', async () => {
    const alt = ALTERNATIVES.find((a) => a.name === 'concurrent-random-delay');
    expect(alt).toBeDefined();
    const identities = fixtureIdentities();
    const omega = await ReferenceOmega.start({
      dialect: 'seed',
      trusted: identities,
      behaviours: { ...REFERENCE, ...alt!.override(REFERENCE) },
    });
    try {
      const s = await OmikronSession.connect(
        { url: omega.url, dialect: 'seed', connection: { timeoutMs: 3000, keepaliveMs: 0 } },
        identities[0]!,
        'alt',
      );
      const found = await probeOrder(s.connection, 2 ** 50);
      expect(found.inOrder).toBe(false);
      expect(found.maxLagMs).toBeLessThan(1000);
      await s.close();
    } finally {
      await omega.stop();
    }
  });
});

describe('the cause table', () => {
  it('names an existing requirement for every kind that breaks one', () => {
    for (const [kind, charge] of Object.entries(CAUSE_REQUIREMENT)) {
      if (typeof charge === 'string') expect(() => requirement(charge), kind).not.toThrow();
    }
  });

  it('charges one stray frame once: the sweep skips what a check already charged', async () => {
    const url = await server(
      withPongs((ws, f) => {
        send(ws, { type: 'success', id: f?.id });
        send(ws, { type: 'success', id: f?.id }); // a second reply: a duplicate
        send(ws, { type: 'success', id: 'nobody-sent-this' }); // a stray
      }),
    );
    const transcript = new Transcript();
    const s = await OmikronSession.open(
      { url, dialect: 'seed', connection: { timeoutMs: 2000, keepaliveMs: 0, transcript } },
      fixtureIdentities()[0]!,
      's',
    );
    s.authenticated = true;
    await s.connection.request({ type: 'get_register' });
    await s.connection.barrier();
    const t = new Recorder('S', transcript);
    const [dup, stray] = s.connection.anomalies as Anomaly[];
    expect([dup?.kind, stray?.kind]).toEqual(['duplicate', 'unsolicited']);
    expect(() => t.check('ENV-005', false, 'checked by the scenario', { causes: [dup!] })).toThrow();
    await sweep(t, [s]);
    const charged = t.checks.filter((c) => c.outcome === 'fail').map((c) => [c.requirement, c.cause]);
    expect(charged).toEqual([
      ['ENV-005', dup],
      ['ENV-003', stray],
    ]);
    await s.close();
  }, 10_000);
});
