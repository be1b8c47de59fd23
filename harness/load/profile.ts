// The load profile: N authenticated Omikron connections, each with its own identity, run a mix of
// operations while announcements come and go; then everything acknowledged is read back, each
// connection answers a barrier, and every frame that could not be matched is classified.
import { OmikronSession, type SessionTarget } from '../client/session.ts';
import { Transcript } from '../client/transcript.ts';
import { assertTargetUp } from '../scenario/health.ts';
import type { TargetDescriptor } from '../scenario/target.ts';
import { analyseChannel } from './analysis.ts';
import { LoadChannel } from './channel.ts';
import { LANES_PER_CONNECTION, LOAD_ISSUE_BOUND_MS, type LoadConfig, READ_BACK_BOUND_MS } from './config.ts';
import type { Finding } from './findings.ts';
import { newRunMarker, RequestIds } from './ids.ts';
import { Lane } from './lane.ts';
import { Registry } from './model.ts';
import { type ReadBackCount, readBack } from './readback.ts';

export interface LoadRunOptions {
  readonly target: TargetDescriptor;
  readonly config: LoadConfig;
  readonly uniqueName: () => string;
  readonly token: () => string;
}

export interface LoadResult {
  readonly connectionsRequested: number;
  /** min(requested, identities available): each connection has its own identity. */
  readonly connections: number;
  readonly identitiesAvailable: number;
  readonly requestsPerConnection: number;
  /** Operation requests sent during the load (read-back excluded). */
  readonly requests: number;
  readonly announcements: number;
  readonly refused: number;
  readonly refusedTypes: Readonly<Record<string, number>>;
  /** Wall time of the load phase (from the first request to the last reply). */
  readonly loadMs: number;
  /** Round-trip times (ms) of the load phase's replies. */
  readonly latencies: readonly number[];
  readonly usersRegistered: number;
  readonly usersDeleted: number;
  readonly changesAcknowledged: number;
  readonly iotaChangesAcknowledged: number;
  readonly readBack: ReadBackCount;
  readonly late: number;
  /** The issue bound stopped the load before every connection used its budget. */
  readonly stoppedByBound: boolean;
  readonly findings: readonly Finding[];
  /** Each connection's latest frames, by label: the evidence of its findings. */
  readonly transcripts: ReadonlyMap<string, Transcript>;
}

/** mulberry32: a small seeded generator, so a run's choice of operations is reproducible from its seed. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

async function openAll(
  target: TargetDescriptor,
  n: number,
  transcripts: Map<string, Transcript>,
): Promise<OmikronSession[]> {
  const settled = await Promise.allSettled(
    Array.from({ length: n }, (_, i) => {
      const identity = target.identities[i]!;
      // c<i> as in the connection's request ids (ids.ts).
      const label = `load-c${i}/omikron-${identity.id}`;
      const transcript = new Transcript(300);
      transcripts.set(label, transcript);
      const st: SessionTarget = {
        url: target.url,
        dialect: target.dialect,
        connection: {
          timeoutMs: target.timeoutMs,
          transcript,
          keepaliveMs: 0,
          ...(target.tls ? { tls: target.tls } : {}),
        },
      };
      return OmikronSession.connect(st, identity, label);
    }),
  );
  const open = settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failed) {
    await Promise.all(open.map((s) => s.close().catch(() => {})));
    throw failed.reason;
  }
  return open;
}

export async function runLoad(o: LoadRunOptions): Promise<LoadResult> {
  assertTargetUp();
  const { target, config } = o;
  const n = Math.min(config.connections, target.identities.length);
  const transcripts = new Map<string, Transcript>();
  const sessions = await openAll(target, n, transcripts);
  try {
    const run = newRunMarker();
    const channels = sessions.map((s, i) => new LoadChannel(i, s, new RequestIds(run, i), config.requests));
    const registry = new Registry();
    const findings: Finding[] = [];
    const deadline = Date.now() + LOAD_ISSUE_BOUND_MS;
    const lanes = channels.flatMap((ch) =>
      Array.from(
        { length: LANES_PER_CONNECTION },
        (_, k) =>
          new Lane(ch, k, {
            registry,
            findings,
            deadline,
            uniqueName: o.uniqueName,
            token: o.token,
            random: seeded(target.seed ^ Math.imul(ch.index + 1, 0x9e3779b1) ^ (k + 1)),
          }),
      ),
    );
    const t0 = performance.now();
    await Promise.all(lanes.map((l) => l.run()));
    const loadMs = performance.now() - t0;
    const stoppedByBound = Date.now() >= deadline && channels.some((c) => c.remaining > 0 && c.isOpen);

    const count: ReadBackCount = { checked: 0, unchecked: 0 };
    const readBackDeadline = Date.now() + READ_BACK_BOUND_MS;
    await Promise.all(
      channels.map((ch) =>
        readBack(
          ch,
          registry.users.filter((u) => u.connection === ch.index),
          findings,
          readBackDeadline,
          count,
        ),
      ),
    );
    await Promise.all(channels.filter((ch) => ch.isOpen).map((ch) => ch.barrier()));

    const labels = channels.map((c) => c.label);
    let late = 0;
    for (const ch of channels) {
      const a = analyseChannel(ch, run, labels);
      findings.push(...a.findings);
      late += a.late;
    }
    const refusedTypes: Record<string, number> = {};
    for (const ch of channels)
      for (const [k, v] of ch.refusedTypes) refusedTypes[k] = (refusedTypes[k] ?? 0) + v;
    return {
      connectionsRequested: config.connections,
      connections: n,
      identitiesAvailable: target.identities.length,
      requestsPerConnection: config.requests,
      requests: channels.reduce((s, c) => s + c.requests, 0),
      announcements: channels.reduce((s, c) => s + c.announcements, 0),
      refused: channels.reduce((s, c) => s + c.refused, 0),
      refusedTypes,
      loadMs,
      latencies: channels.flatMap((c) => c.latencies),
      usersRegistered: registry.users.length,
      usersDeleted: registry.users.filter((u) => u.deleted).length,
      changesAcknowledged: registry.acknowledged.changes,
      iotaChangesAcknowledged: registry.acknowledged.iotaChanges,
      readBack: count,
      late,
      stoppedByBound,
      findings,
      transcripts,
    };
  } finally {
    await Promise.all(sessions.map((s) => s.close().catch(() => {})));
  }
}
