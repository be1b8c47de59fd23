// Identification: which principals a connection has announced, what a guarded request must get,
// and the announcement commands.
import type { Reply } from '../../client/connection.ts';
import type { Announcement } from '../../protocol/messages.ts';
import { isErrorType } from '../../protocol/messages.ts';
import { describeReply, PropertyFailure } from '../runner.ts';
import { requirementOfRequestError } from '../causes.ts';
import { Command } from './command.ts';
import { history, type Model, openSlot, pickOf, type Real, session } from './state.ts';

export type Guarded = 'CHG' | 'IOTA' | 'DELU' | 'DELI';

/**
 * The identification requirement a guarded request breaks if accepted, or null when it must be
 * accepted: the principal announced on this connection and `sender` naming it (IDN-*-006).
 */
export function refusal(
  m: Model,
  kind: 'user' | 'iota',
  op: Guarded,
  principal: number,
  slot: number,
  sender: number | undefined,
): string | null {
  const conn = m.conns[slot]!;
  const here = kind === 'user' ? conn.users : conn.iotas;
  if (here.has(principal)) return sender === principal ? null : `IDN-${op}-005`;
  const h = history(m, kind, principal);
  const elsewhere = m.conns.some(
    (c, i) => i !== slot && c.open && (kind === 'user' ? c.users : c.iotas).has(principal),
  );
  if (elsewhere) return `IDN-${op}-004`;
  if (h.withdrawnOn.has(conn.serial)) return `IDN-${op}-002`;
  if ([...h.announcedOn].some((s) => m.closedSerials.has(s))) return `IDN-${op}-003`;
  if (h.announcedOn.size === 0) return `IDN-${op}-001`;
  return `IDN-${op}-002`;
}

/**
 * Whether the user's identification here is in doubt: announced here, then its Iota withdrawn here
 * (iota_disconnected). The public implementation withdraws the Iota's users with it; the seed is
 * silent, so a guarded request may be accepted or refused until the server shows which.
 */
export const inDoubt = (m: Model, slot: number, user: number): boolean => m.conns[slot]!.doubtful.has(user);

/** A guarded request for a doubtful user was accepted: the user is still identified here. */
export function confirmIdentified(m: Model, r: Real, slot: number, user: number): void {
  if (m.conns[slot]!.doubtful.delete(user))
    r.log.push(`  user ${user} stayed identified on omikron#${slot} after its Iota was withdrawn there`);
}

const REFUSAL_WHY: Record<string, string> = {
  '001': 'it was never announced',
  '002': 'its announcement was withdrawn',
  '003': 'it was announced on a connection that has since closed',
  '004': 'it is announced on another Omikron connection only',
  '005': '`sender` does not name it',
};
export const why = (req: string): string => REFUSAL_WHY[req.slice(-3)] ?? req;

export type SenderMode = 'principal' | 'other' | 'none';

/**
 * Which principals a guarded command picks from: those announced on its connection, those
 * withdrawn there, or any. Random picks alone rarely hit an announced one.
 */
export type Focus = 'here' | 'withdrawn' | 'any';

export function focused<T extends { readonly id: number }>(
  m: Model,
  kind: 'user' | 'iota',
  list: readonly T[],
  focus: Focus,
  slot: number,
): readonly T[] {
  if (focus === 'any') return list;
  const c = m.conns[slot]!;
  const here = kind === 'user' ? c.users : c.iotas;
  const chosen =
    focus === 'here'
      ? list.filter((p) => here.has(p.id))
      : list.filter((p) => !here.has(p.id) && history(m, kind, p.id).withdrawnOn.has(c.serial));
  return chosen.length > 0 ? chosen : list;
}

export function senderFor(m: Model, mode: SenderMode, principal: number): number | undefined {
  if (mode === 'none') return undefined;
  if (mode === 'principal') return principal;
  const other = m.users.find((u) => u.id !== principal) ?? m.iotas.find((i) => i.id !== principal);
  return other?.id ?? principal + 1;
}

export class Announce extends Command {
  constructor(
    readonly kind: 'user' | 'iota',
    readonly withdraw: boolean,
    readonly pick: number,
    readonly conn: number,
  ) {
    super();
  }
  toString(): string {
    return `${this.withdraw ? 'withdraw' : 'announce'}(${this.kind} ${this.pick}, conn ${this.conn})`;
  }
  protected async exec(m: Model, r: Real): Promise<void> {
    const slot = openSlot(m, this.conn);
    const c = slot === null ? undefined : m.conns[slot];
    const set = this.kind === 'user' ? c?.users : c?.iotas;
    // Withdraw one announced here when there is one; announce any known principal.
    const candidates =
      this.withdraw && set && set.size > 0
        ? [...set]
        : (this.kind === 'user' ? m.users : m.iotas).map((p) => p.id);
    const principal = pickOf(candidates, this.pick);
    if (slot === null || c === undefined || set === undefined || principal === undefined)
      return void r.log.push('  nothing to do');
    await announceOn(m, r, this.kind, this.withdraw, principal, slot);
  }
}

/** Announce or withdraw a principal on a connection; an error reply fails ANN-001. */
export async function announceOn(
  m: Model,
  r: Real,
  kind: 'user' | 'iota',
  withdraw: boolean,
  principal: number,
  slot: number,
): Promise<void> {
  const c = m.conns[slot]!;
  const set = kind === 'user' ? c.users : c.iotas;
  const message: Announcement =
    kind === 'user'
      ? withdraw
        ? 'userDisconnected'
        : 'userConnected'
      : withdraw
        ? 'iotaDisconnected'
        : 'iotaConnected';
  let reply: Reply | null;
  try {
    reply = await session(r, slot).announce(message, principal);
  } catch (e) {
    // The barrier after it failed (a timeout, a close, a wrong reply): that cause's requirement.
    const req = requirementOfRequestError(e) ?? 'ANN-001';
    throw new PropertyFailure(req, `${message} for ${principal} on omikron#${slot}: ${(e as Error).message}`);
  }
  if (reply && isErrorType(reply.type))
    throw new PropertyFailure(
      'ANN-001',
      `${message} for ${principal} on omikron#${slot} got the error ${describeReply(reply)}`,
      {
        actual: reply.frame,
      },
    );
  r.cfg.coverage.hit('ANN-001');
  r.log.push(`  ${message} ${principal} on omikron#${slot} → ${reply ? reply.type : 'no reply'}`);
  const h = history(m, kind, principal);
  if (withdraw) {
    if (set.delete(principal)) h.withdrawnOn.add(c.serial);
  } else {
    set.add(principal);
    h.announcedOn.add(c.serial);
  }
  if (kind === 'user') c.doubtful.delete(principal);
  else if (withdraw)
    for (const u of m.users) if (u.values.iota_id === principal && c.users.has(u.id)) c.doubtful.add(u.id);
}
