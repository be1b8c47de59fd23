// The load profile's figures for the report (figures.load): informational, never a verdict.
import type { FindingKind } from './findings.ts';
import { summarise } from './latency.ts';
import type { LoadResult } from './profile.ts';

const count = (r: LoadResult, kind: FindingKind): number => r.findings.filter((f) => f.kind === kind).length;

export function loadFigures(r: LoadResult): Record<string, unknown> {
  const s = summarise(r.latencies);
  const replies = r.latencies.length;
  const refused = Object.entries(r.refusedTypes)
    .map(([k, v]) => `${k}: ${v}`)
    .join(', ');
  return {
    connections: r.connections,
    connectionsRequested: r.connectionsRequested,
    ...(r.connections < r.connectionsRequested
      ? {
          note: `${r.identitiesAvailable} Omikron identities were given for this target: ${r.connections} connections instead of ${r.connectionsRequested} (add --omikron-key)`,
        }
      : {}),
    requestsPerConnection: r.requestsPerConnection,
    requests: r.requests,
    replies,
    announcements: r.announcements,
    durationMs: Math.round(r.loadMs),
    throughputPerS: r.loadMs > 0 ? Math.round(replies / (r.loadMs / 1000)) : 0,
    p50Ms: s.p50Ms,
    p95Ms: s.p95Ms,
    p99Ms: s.p99Ms,
    maxMs: s.maxMs,
    lost: count(r, 'lost'),
    wrongId: count(r, 'wrong-id'),
    crossed: count(r, 'crossed'),
    duplicates: count(r, 'duplicate'),
    malformed: count(r, 'malformed'),
    registerIdsReissued: count(r, 'register-id'),
    usersRegistered: r.usersRegistered,
    usersDeleted: r.usersDeleted,
    changesAcknowledged: r.changesAcknowledged,
    iotaChangesAcknowledged: r.iotaChangesAcknowledged,
    readBackChecked: r.readBack.checked,
    readBackFailed: count(r, 'read-back'),
    readBackUnchecked: r.readBack.unchecked,
    refused: r.refused,
    ...(refused ? { refusedTypes: refused } : {}),
    lateReplies: r.late,
    stoppedByBound: r.stoppedByBound,
    histogram: s.histogram,
  };
}
