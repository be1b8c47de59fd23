// The load profile's findings as checks: one per requirement, failing with the findings (and the
// transcript of the connection the first was seen on), passing when nothing was found.
import { CheckFailure, type ScenarioContext } from '../scenario/context.ts';
import type { Finding } from './findings.ts';
import type { LoadResult } from './profile.ts';

/** Every requirement the load profile checks, ENV-006 (crossed replies) first: the suite's name. */
export const LOAD_REQUIREMENTS = [
  'ENV-006',
  'ENV-003',
  'ENV-005',
  'ENV-004',
  'UM-CHG-004',
  'UM-IOTA-001',
  'UM-REG-004',
  'UM-REG-002',
  'UM-DEL-001',
] as const;

const SHOWN = 5;

function passMessage(req: string, r: LoadResult, size: string): string | null {
  const users = r.usersRegistered;
  switch (req) {
    case 'ENV-006':
      // One connection cannot receive another's reply: nothing was shown then.
      return r.connections > 1 ? `${size}: no reply crossed to another connection` : null;
    case 'ENV-003':
      return `${size}: every request was answered once within the bound (${r.latencies.length} replies)`;
    case 'ENV-005':
      return `${size}: no reply matched by its id carried another request's answer`;
    case 'ENV-004':
      return `${size}: every frame was a JSON object with a string type`;
    case 'UM-REG-002':
      return `${size}: the register ids issued across the connections were all distinct`;
    case 'UM-REG-004':
      return users > 0 ? `${size}: the ${users} registrations acknowledged under load read back` : null;
    case 'UM-CHG-004':
      return r.changesAcknowledged > 0
        ? `${size}: the ${r.changesAcknowledged} changes acknowledged under load read back`
        : null;
    case 'UM-IOTA-001':
      return r.iotaChangesAcknowledged > 0
        ? `${size}: the ${r.iotaChangesAcknowledged} Iota changes acknowledged under load read back`
        : null;
    case 'UM-DEL-001':
      return r.usersDeleted > 0
        ? `${size}: the ${r.usersDeleted} deletions acknowledged under load read back`
        : null;
    default:
      return null;
  }
}

/** The scenario's transcript becomes the frames of the finding's connection around its request id. */
function evidence(t: ScenarioContext, r: LoadResult, f: Finding): void {
  const tr = r.transcripts.get(f.connection);
  if (!tr) return;
  const at = f.id === undefined ? -1 : tr.entries.findIndex((e) => e.head.includes(`"${f.id}"`));
  const window = at < 0 ? tr.entries.slice(-60) : tr.entries.slice(Math.max(0, at - 45), at + 15);
  t.transcript.entries.splice(0, t.transcript.entries.length, ...window);
}

/** Record the checks; every requirement is recorded before a failing MUST check stops the scenario. */
export function recordLoadChecks(t: ScenarioContext, r: LoadResult): void {
  const size = `under load (${r.connections} connections × ${r.requestsPerConnection} requests)`;
  let stop: CheckFailure | undefined;
  // A stray frame is charged where the cause table says (a reply without an id: ENV-001/ENV-002),
  // also to a requirement the profile does not pass by itself.
  const charged = r.findings.map((f) => f.requirement).filter((q) => !LOAD_REQUIREMENTS.some((l) => l === q));
  for (const req of [...LOAD_REQUIREMENTS, ...new Set(charged)]) {
    const found = r.findings.filter((f) => f.requirement === req);
    try {
      if (found.length === 0) {
        const message = passMessage(req, r, size);
        if (message) t.pass(req, message);
        else
          t.notVerified(
            req,
            req === 'ENV-006'
              ? `${size}: with one connection no reply can cross to another (give more Omikron identities)`
              : `${size}: nothing of this kind was acknowledged, so nothing to read back`,
          );
        continue;
      }
      evidence(t, r, found[0]!);
      const shown = found
        .slice(0, SHOWN)
        .map((f) => `${f.connection}: ${f.message}${f.frame ? ` — ${f.frame.slice(0, 200)}` : ''}`);
      t.fail(
        req,
        `${size}: ${found.length} finding(s); first: ${found[0]!.connection}: ${found[0]!.message}`,
        {
          expected: passMessage(req, r, size) ?? 'nothing found',
          actual: `${shown.join('\n')}${found.length > SHOWN ? `\n… and ${found.length - SHOWN} more` : ''}`,
          // The frames as data: the first is the check's cause in the report.
          causes: found.flatMap((f) => (f.cause === undefined ? [] : [f.cause])),
        },
      );
    } catch (e) {
      if (!(e instanceof CheckFailure)) throw e;
      stop ??= e;
    }
  }
  if (r.readBack.unchecked > 0)
    t.info(
      'UM-CHG-004',
      `${r.readBack.unchecked} user(s) acknowledged under load could not be read back (bound passed or no reply)`,
    );
  if (r.refused > 0)
    t.info('ENV-003', `${size}: ${r.refused} request(s) were refused with an error reply`, r.refusedTypes);
  if (r.connections < r.connectionsRequested)
    t.info(
      'ENV-006',
      `${r.connections} connections instead of ${r.connectionsRequested}: the run has ${r.identitiesAvailable} Omikron identities`,
    );
  if (r.stoppedByBound)
    t.info('ENV-003', `${size}: the time bound stopped the load before every connection sent its requests`);
  if (stop) throw stop;
}
