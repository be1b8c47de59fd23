// After the final barrier: every frame a connection could not match, classified, and every request
// whose wait ended without its reply decided lost or not.
import type { LoadChannel } from './channel.ts';
import { strayCause } from '../verdict/cause-table.ts';
import { type Finding, finding, strayFinding } from './findings.ts';
import { parseLoadId } from './ids.ts';

export interface Analysis {
  readonly findings: Finding[];
  /** Replies that came after their request was given up (counted, not findings by themselves). */
  readonly late: number;
}

/** `labels[i]` is the label of connection i of this run. */
export function analyseChannel(ch: LoadChannel, run: string, labels: readonly string[]): Analysis {
  const findings: Finding[] = [];
  const lateIds = new Set<string>();
  let late = 0;
  // Replies to requests given up (after a timeout, a wrong frame, or a barrier): late, not lost.
  for (const r of ch.session.connection.lateReplies) {
    if (parseLoadId(r.id)?.run !== run) continue;
    lateIds.add(r.id);
    late++;
  }
  for (const a of ch.session.connection.anomalies) {
    switch (a.kind) {
      case 'unsolicited': {
        const id = parseLoadId(a.id);
        if (id && id.run === run && id.connection === ch.index) {
          if (ch.givenUp.has(a.id) || ch.unanswered.has(a.id)) {
            lateIds.add(a.id);
            late++;
          } else {
            findings.push(
              strayFinding(
                'wrong-id',
                ch.label,
                `a reply with id "${a.id}", which no request of this connection was waiting for`,
                a,
              ),
            );
          }
        } else if (id) {
          const from =
            id.run === run
              ? (labels[id.connection] ?? `connection ${id.connection}`)
              : `another client's connection (run ${id.run})`;
          findings.push(
            strayFinding(
              'crossed',
              ch.label,
              `a reply to request "${a.id}" of ${from} arrived on ${ch.label}`,
              strayCause(a, from),
            ),
          );
        } else {
          findings.push(
            strayFinding('wrong-id', ch.label, `a reply with id "${a.id}", which no request carried`, a),
          );
        }
        break;
      }
      case 'duplicate':
        findings.push(strayFinding('duplicate', ch.label, `a second reply to id "${a.id}"`, a));
        break;
      case 'no-id':
        findings.push(strayFinding('wrong-id', ch.label, 'a reply without an id', a));
        break;
      case 'not-json':
        findings.push(
          strayFinding('malformed', ch.label, 'a frame that is not a JSON object with a string type', a),
        );
        break;
      case 'binary':
        findings.push(strayFinding('malformed', ch.label, `a binary frame of ${a.length} bytes`, a));
        break;
    }
  }
  for (const [id, g] of ch.givenUp) {
    // Cut short by an unmatched frame, then answered after all: that request is not lost.
    if (g.why === 'violation' && lateIds.has(id)) continue;
    const cause =
      g.why === 'timeout'
        ? 'no reply within the bound'
        : g.why === 'closed'
          ? 'the connection closed first'
          : 'no reply';
    findings.push(
      finding(
        'lost',
        ch.label,
        `${g.what}: ${cause}${lateIds.has(id) ? ' (it came late)' : ''}: ${g.detail}`,
        undefined,
        id,
      ),
    );
  }
  return { findings, late };
}
