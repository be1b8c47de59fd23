// IDN-007: a guarded request whose `sender` names another principal of the same kind, identified on
// the connection. The seed lets the server refuse it or act on the sender's own record instead; the
// MUST (IDN-*-005 and the other refusal requirements) is only that the principal the request names is
// untouched. The model keeps both branches open and lets the read-backs show which one was taken.
import type { OmikronSession } from '../../client/session.ts';
import { isErrorType } from '../../protocol/messages.ts';
import { show } from '../runner.ts';
import { pickRecord } from '../steps.ts';
import { afterChange, type Candidates, type ChangeField } from '../values.ts';
import { note } from './judging.ts';
import { get, verify } from './readback.ts';
import type { MUser, Model, Real } from './state.ts';

/**
 * The principal `sender` names when the server may act on it instead of the one the request names:
 * another principal of the same kind announced on this connection (a doubtful user included). Null
 * when sender is absent, the principal itself, or not identified here: then only a refusal fits.
 */
export function actingSender(
  m: Model,
  kind: 'user' | 'iota',
  principal: number,
  slot: number,
  sender: number | undefined,
): number | null {
  if (sender === undefined || sender === principal) return null;
  const c = m.conns[slot]!;
  return (kind === 'user' ? c.users : c.iotas).has(sender) ? sender : null;
}

function recorded(r: Real, what: string, sender: number): void {
  note(
    r,
    'IDN-007',
    "a guarded request whose sender is another identified principal was answered success: the server may act on the sender's own record",
  );
  r.log.push(
    `  ${what} answered success: the named principal must be untouched; sender ${show(sender)} may be the one acted on`,
  );
}

/** Either value: the field kept, or the change applied (also when "" may mean unchanged). */
const eitherOf = (before: Candidates, after: Candidates): Candidates =>
  before === null || after === null ? null : [...new Set([...before, ...after])];

/**
 * change_user_data naming another user, answered success: the sender's own record may carry the
 * change. Read it back at once, so the branch is settled before anything else judges it.
 */
export async function changeMayHitSender(
  m: Model,
  r: Real,
  o: OmikronSession,
  sender: number,
  data: Readonly<Record<string, unknown>>,
  named: readonly ChangeField[],
  okReq: string,
  what: string,
): Promise<void> {
  recorded(r, what, sender);
  const s = m.users.find((u) => u.id === sender);
  if (s === undefined || s.fate === 'deleted') return;
  for (const k of named) {
    s.values[k] = eitherOf(s.values[k], afterChange(s.values[k], data[k] as string));
    s.writer[k] = k === 'public_key' ? 'UM-CHG-004' : okReq;
  }
  await verify(
    r,
    o,
    s,
    `the sender user[${s.n}] after ${what} answered success`,
    (f) => (named.includes(f as ChangeField) ? s.writer[f]! : 'UM-CHG-003'),
    okReq,
  );
}

/** delete_profile naming another user, answered success: the sender may be the one deleted. */
export async function deletionMayHitSender(
  m: Model,
  r: Real,
  o: OmikronSession,
  sender: number,
  what: string,
): Promise<void> {
  recorded(r, what, sender);
  const s = m.users.find((u) => u.id === sender);
  if (s === undefined || s.fate === 'deleted') return;
  s.fate = 'uncertain';
  s.uncertainWhy = `the server may have acted on its own record as the sender of ${what}`;
  await verify(
    r,
    o,
    s,
    `the sender user[${s.n}] after ${what} answered success`,
    () => 'UM-DEL-001',
    'UM-DEL-001',
  );
}

/**
 * The Iota change naming an Iota other than its sender, answered success: the user may have moved
 * into the sender Iota (its token then renewed), never into the one named. Reads the user's Iota and
 * follows a move to the sender; the caller's read-back judges the rest.
 */
export async function iotaChangeMayHitSender(
  r: Real,
  o: OmikronSession,
  u: MUser,
  sender: number,
  newToken: string,
  what: string,
): Promise<void> {
  recorded(r, what, sender);
  const reply = await get(o, { user_id: u.id });
  if (isErrorType(reply.type)) return; // the caller's read-back fails it
  if (pickRecord(r.cfg.dialect, reply.data).iota_id !== sender || u.values.iota_id === sender) return;
  u.values.iota_id = sender;
  u.oldTokens.push(u.token);
  u.token = newToken;
  u.writer.iota_id = 'UM-IOTA-001';
}

/** deleting an Iota other than its sender, answered success: the sender Iota may be gone. */
export function iotaDeletionMayHitSender(m: Model, r: Real, sender: number, what: string): void {
  recorded(r, what, sender);
  const s = m.iotas.find((i) => i.id === sender);
  if (s === undefined || s.gone !== 'no') return;
  s.gone = 'maybe';
  for (const u of m.users)
    if (u.values.iota_id === sender && u.fate === 'alive') {
      u.fate = 'uncertain';
      u.uncertainWhy = `its Iota may have been deleted as the sender of ${what}`;
    }
}
