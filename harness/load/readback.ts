// Everything acknowledged reads back: registrations, field changes, Iota changes, deletions.
import type { Reply } from '../client/connection.ts';
import type { LoadChannel } from './channel.ts';
import type { RequirementId } from '../spec/requirements.ts';
import type { Finding } from './findings.ts';
import type { LoadUser } from './model.ts';
import { judgeReply, recordMatches } from './replies.ts';

const readBackFinding = (
  requirement: RequirementId,
  ch: LoadChannel,
  message: string,
  reply: Reply,
): Finding => ({
  kind: 'read-back',
  requirement,
  connection: ch.label,
  message,
  frame: JSON.stringify(reply.frame),
});

/** The acknowledged state of `u` against a record read for it; findings for what differs. */
export function compareRecord(
  ch: LoadChannel,
  u: LoadUser,
  d: Record<string, unknown>,
  reply: Reply,
  when: string,
): Finding[] {
  const out: Finding[] = [];
  const who = `user ${u.userId} ("${u.username}")`;
  if (d.username !== u.username)
    out.push(
      readBackFinding(
        'UM-REG-004',
        ch,
        `${when}: ${who} reads back username ${JSON.stringify(d.username)}`,
        reply,
      ),
    );
  if (d.iota_id !== u.iotaId) {
    const req = u.iotaChanges > 0 ? 'UM-IOTA-001' : 'UM-REG-004';
    const what = u.iotaChanges > 0 ? 'the acknowledged Iota change to' : 'the Iota it was registered on,';
    out.push(
      readBackFinding(
        req,
        ch,
        `${when}: ${who} reads back iota_id ${JSON.stringify(d.iota_id)}, not ${what} ${u.iotaId}`,
        reply,
      ),
    );
  }
  for (const field of ['status', 'display'] as const) {
    const want = u[field];
    if (want !== undefined && d[field] !== want)
      out.push(
        readBackFinding(
          'UM-CHG-004',
          ch,
          `${when}: ${who} reads back ${field} ${JSON.stringify(d[field])}, not the acknowledged ${JSON.stringify(want)}`,
          reply,
        ),
      );
  }
  return out;
}

export interface ReadBackCount {
  checked: number;
  /** Not read back: the bound passed, the connection closed, or the read got no reply. */
  unchecked: number;
}

/** Read every certain user of this connection by id, after the load; findings go to `findings`. */
export async function readBack(
  ch: LoadChannel,
  users: readonly LoadUser[],
  findings: Finding[],
  deadline: number,
  count: ReadBackCount,
): Promise<void> {
  for (const u of users) {
    if (u.uncertain) continue;
    if (Date.now() > deadline || !ch.isOpen) {
      count.unchecked++;
      continue;
    }
    const query = { user_id: u.userId };
    const j = judgeReply(
      ch,
      await ch.call('getUser', query, { timed: false }),
      'getUser',
      findings,
      u.deleted,
    );
    if (j.kind === 'none') {
      count.unchecked++;
      continue;
    }
    count.checked++;
    if (u.deleted) {
      if (j.kind === 'ok')
        findings.push(
          readBackFinding(
            'UM-DEL-001',
            ch,
            `after the load: user ${u.userId}, whose deletion was acknowledged, is still found`,
            j.reply,
          ),
        );
      continue;
    }
    if (j.kind === 'refused') {
      findings.push(
        readBackFinding(
          'UM-REG-004',
          ch,
          `after the load: user ${u.userId} ("${u.username}"), whose registration was acknowledged, is not found (${j.reply.type})`,
          j.reply,
        ),
      );
      continue;
    }
    const d = recordMatches(ch, j.reply, query, findings);
    if (d) findings.push(...compareRecord(ch, u, d, j.reply, 'after the load'));
  }
}
