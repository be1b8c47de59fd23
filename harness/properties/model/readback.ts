// Reading a user back and comparing it with the model.
import type { Reply } from '../../client/connection.ts';
import type { OmikronSession } from '../../client/session.ts';
import { isErrorType } from '../../protocol/messages.ts';
import { describeIssues, replyDataSchema } from '../../protocol/schemas.ts';
import { describeReply, PropertyFailure, show } from '../runner.ts';
import { pickRecord, read, type UserRecord } from '../steps.ts';
import type { MUser, Real } from './state.ts';
import { CHANGE_FIELDS, describeCandidates, known, narrow } from '../values.ts';

interface FieldDiff {
  readonly field: string;
  readonly expected: string;
}

/** Fields whose value the model does not allow: exact ones, fixed ones as first read, candidates. */
function compare(u: MUser, actual: UserRecord): FieldDiff[] {
  const out: FieldDiff[] = [];
  const exact: Record<string, unknown> = { user_id: u.id, iota_id: u.values.iota_id, ...(u.fixed ?? {}) };
  for (const [field, v] of Object.entries(exact))
    if (show(actual[field]) !== show(v)) out.push({ field, expected: show(v) });
  for (const field of CHANGE_FIELDS) {
    const c = u.values[field];
    if (narrow(field, c, actual[field], actual.username) === undefined)
      out.push({ field, expected: describeCandidates(c) });
  }
  return out;
}

/** get_user_data's reply (steps.read without the record). */
export const get = async (
  o: OmikronSession,
  query: { user_id?: number; username?: string },
): Promise<Reply> => (await read(o, query)).reply;

/**
 * Read the user back by id (and by username) and compare with the model.
 * `blame(field)` names the requirement a difference breaks; `gone` the one for a user found or lost.
 */
export async function verify(
  r: Real,
  o: OmikronSession,
  u: MUser,
  what: string,
  blame: (field: string) => string,
  gone: string,
  byName = true,
): Promise<void> {
  const reply = await get(o, { user_id: u.id });
  if (u.fate === 'deleted') {
    if (!isErrorType(reply.type))
      throw new PropertyFailure(gone, `${what}: user ${u.id} was deleted, yet get_user_data found it`, {
        actual: reply.frame,
      });
    const name = known(u.values.username);
    if (byName && !u.nameShared && name !== undefined) {
      const again = await get(o, { username: name });
      if (!isErrorType(again.type))
        throw new PropertyFailure(
          gone,
          `${what}: user ${u.id} was deleted, yet get_user_data by its username ${show(name)} found ${show((again.data as { user_id?: unknown })?.user_id)}`,
          { actual: again.frame },
        );
    }
    r.cfg.coverage.hit(gone);
    return;
  }
  if (isErrorType(reply.type)) {
    if (u.fate === 'uncertain') {
      u.fate = 'deleted';
      r.log.push(
        `  user[${u.n}] is gone (${u.uncertainWhy ?? 'its Iota was deleted'}; the seed leaves that open)`,
      );
      u.uncertainWhy = undefined;
      return;
    }
    throw new PropertyFailure(
      gone,
      `${what}: get_user_data for user ${u.id} answered ${describeReply(reply)}`,
      {
        actual: reply.frame,
      },
    );
  }
  if (u.fate === 'uncertain') {
    u.fate = 'alive';
    r.log.push(
      `  user[${u.n}] is still there (${u.uncertainWhy ?? 'its Iota was deleted'}; the seed leaves that open)`,
    );
    u.uncertainWhy = undefined;
  }
  const parsed = replyDataSchema('getUser', r.cfg.dialect).safeParse(reply.data ?? {});
  if (!parsed.success)
    throw new PropertyFailure(
      'UM-GET-006',
      `${what}: the user record does not match the message table: ${describeIssues(parsed.error)}`,
      { actual: reply.frame },
    );
  const actual = pickRecord(r.cfg.dialect, reply.data);
  u.fixed ??= { created_at: actual.created_at, sub_level: actual.sub_level, sub_end: actual.sub_end };
  const diff = compare(u, actual);
  if (diff.length > 0) {
    const req = blame(diff[0]!.field);
    throw new PropertyFailure(
      req,
      `${what}: user ${u.id} reads ${diff.map((d) => `${d.field}: expected ${d.expected}, read ${show(actual[d.field])}`).join('; ')}`,
      { expected: Object.fromEntries(diff.map((d) => [d.field, d.expected])), actual },
    );
  }
  for (const f of CHANGE_FIELDS) u.values[f] = narrow(f, u.values[f], actual[f], actual.username) ?? null;
  r.cfg.coverage.hit('UM-GET-001');
  const name = known(u.values.username);
  if (byName && !u.nameShared && name !== undefined) {
    const again = await get(o, { username: name });
    const found = (again.data as { user_id?: unknown } | undefined)?.user_id;
    if (isErrorType(again.type) || found !== u.id)
      throw new PropertyFailure(
        'UM-GET-002',
        `${what}: get_user_data by username ${show(name)} answered ${isErrorType(again.type) ? describeReply(again) : `user ${show(found)}`}, not user ${u.id}`,
        { actual: again.frame },
      );
    r.cfg.coverage.hit('UM-GET-002');
  }
}
