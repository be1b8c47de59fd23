// (2) Harness overhead: sequential get_register round trips through the harness (a scenario's
// session: correlation by id, transcript, expectSuccess's zod validation) against a bare `ws`
// client sending the same frames to the same in-process reference. Rounds alternate the order.
import { randomUUID } from 'node:crypto';
import WebSocket from 'ws';
import { ReferenceOmega } from '../fixtures/reference/server.ts';
import { decryptChallenge, privateKeyFromRaw, publicKeyFromRaw } from '../harness/crypto/x448.ts';
import { fixtureIdentities, type OmikronIdentity } from '../harness/identity/identities.ts';
import { ScenarioContext } from '../harness/scenario/context.ts';
import type { TargetDescriptor } from '../harness/scenario/target.ts';
import { median } from './measure.ts';

export interface Overhead {
  readonly roundTrips: number;
  readonly rounds: number;
  readonly harnessPerS: number;
  readonly barePerS: number;
  /** Median over rounds of harness/bare, each pair measured back to back. */
  readonly ratio: number;
  /** The same per CPU second of this process: what the harness costs, whatever else the machine runs. */
  readonly harnessPerCpuS: number;
  readonly barePerCpuS: number;
  readonly cpuRatio: number;
  readonly harnessRuns: number[];
  readonly bareRuns: number[];
}

/** A bare client: one socket, frames in order, the next message is the reply. */
class Bare {
  private waiting: ((text: string) => void) | null = null;
  private constructor(private readonly ws: WebSocket) {
    ws.on('message', (data) => {
      const w = this.waiting;
      this.waiting = null;
      w?.(data.toString());
    });
  }

  static async connect(url: string, identity: OmikronIdentity): Promise<Bare> {
    const ws = new WebSocket(url);
    await new Promise((resolve, reject) => {
      ws.once('open', resolve);
      ws.once('error', reject);
    });
    const b = new Bare(ws);
    const challenge = JSON.parse(
      await b.ask({ type: 'identification', id: 'i', data: { omikron: identity.id } }),
    ) as {
      id: string;
      data: { public_key: string; challenge: string };
    };
    const plain = decryptChallenge(
      challenge.data.challenge,
      privateKeyFromRaw(identity.privateKey),
      publicKeyFromRaw(challenge.data.public_key),
    );
    const ok = JSON.parse(
      await b.ask({ type: 'challenge_response', id: challenge.id, data: { challenge: plain } }),
    ) as { type: string };
    if (ok.type !== 'identification_response') throw new Error(`bare handshake refused: ${ok.type}`);
    return b;
  }

  ask(frame: unknown): Promise<string> {
    return new Promise((resolve) => {
      this.waiting = resolve;
      this.ws.send(JSON.stringify(frame));
    });
  }

  close(): void {
    this.ws.close();
  }
}

/** Round trips per second of wall time and of this process's CPU time (client and server both live here). */
export interface Rate {
  readonly wall: number;
  readonly cpu: number;
}

function clock(): () => Rate {
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  return () => {
    const c = process.cpuUsage(c0);
    return { wall: (performance.now() - t0) / 1000, cpu: (c.user + c.system) / 1e6 };
  };
}

async function bareRate(url: string, identity: OmikronIdentity, n: number): Promise<Rate> {
  const b = await Bare.connect(url, identity);
  const stop = clock();
  for (let i = 0; i < n; i++) {
    const id = randomUUID(); // the harness's ids: the same frames, byte for byte in size
    const r = JSON.parse(await b.ask({ type: 'get_register', id, data: {} })) as { type: string; id: string };
    if (r.id !== id || r.type !== 'get_register')
      throw new Error(`bare client: unexpected reply ${JSON.stringify(r)}`);
  }
  const s = stop();
  b.close();
  return { wall: n / s.wall, cpu: n / s.cpu };
}

async function harnessRate(target: TargetDescriptor, n: number): Promise<Rate> {
  const t = new ScenarioContext(target, 'UM-REG-001', ['UM-REG-001']);
  const o = await t.omikron(0);
  const stop = clock();
  for (let i = 0; i < n; i++) {
    t.expectSuccess('UM-REG-001', 'getRegister', await o.call('getRegister', {}), 'get_register');
  }
  const s = stop();
  await t.closeAll();
  return { wall: n / s.wall, cpu: n / s.cpu };
}

export async function overhead(roundTrips = 5000, rounds = 5): Promise<Overhead> {
  const identities = fixtureIdentities();
  // No heartbeat pings: the bare client would take one for a reply.
  const omega = await ReferenceOmega.start({ dialect: 'seed', trusted: identities, heartbeatMs: 3_600_000 });
  const target: TargetDescriptor = {
    label: 'bench',
    url: omega.url,
    dialect: 'seed',
    identities,
    timeoutMs: 5000,
    clock: { kind: 'none', reason: 'bench' },
    runPrefix: 'bench',
    seed: 1,
    runs: 1,
  };
  const harnessRuns: Rate[] = [];
  const bareRuns: Rate[] = [];
  try {
    // Warm-up: both paths keep speeding up for some 10 000 round trips (JIT); then timed rounds,
    // in alternating order.
    for (let w = 0; w < 3; w++) {
      await harnessRate(target, roundTrips);
      await bareRate(omega.url, identities[1]!, roundTrips);
    }
    for (let r = 0; r < rounds; r++) {
      if (r % 2 === 0) {
        harnessRuns.push(await harnessRate(target, roundTrips));
        bareRuns.push(await bareRate(omega.url, identities[1]!, roundTrips));
      } else {
        bareRuns.push(await bareRate(omega.url, identities[1]!, roundTrips));
        harnessRuns.push(await harnessRate(target, roundTrips));
      }
    }
  } finally {
    await omega.stop();
  }
  const two = (x: number) => Math.round(x * 100) / 100;
  return {
    roundTrips,
    rounds,
    harnessPerS: Math.round(median(harnessRuns.map((r) => r.wall))),
    barePerS: Math.round(median(bareRuns.map((r) => r.wall))),
    ratio: two(median(harnessRuns.map((h, i) => h.wall / bareRuns[i]!.wall))),
    harnessPerCpuS: Math.round(median(harnessRuns.map((r) => r.cpu))),
    barePerCpuS: Math.round(median(bareRuns.map((r) => r.cpu))),
    cpuRatio: two(median(harnessRuns.map((h, i) => h.cpu / bareRuns[i]!.cpu))),
    harnessRuns: harnessRuns.map((r) => Math.round(r.wall)),
    bareRuns: bareRuns.map((r) => Math.round(r.wall)),
  };
}
