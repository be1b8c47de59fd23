// The sequential model the interleaving property judges its history against (linearizability):
// one user's status and the connections that have it announced. Users are independent, so the
// history is checked user by user (P-compositionality, as Porcupine partitions by key).
import { isErrorType } from '../protocol/messages.ts';
import { requirement } from '../spec/requirements.ts';
import { show } from '../scenario/context.ts';
import type { Blame, HistoryOp, SequentialModel } from './linearizability.ts';

export type UserOp =
  /** An announcement (user_connected / user_disconnected) on connection `conn`. */
  | { readonly k: 'announce' | 'withdraw'; readonly conn: number }
  /** change_user_data of the status, with `sender`; `self` whether sender names the user. */
  | { readonly k: 'change'; readonly conn: number; readonly self: boolean; readonly status: string }
  /**
   * change_user_data naming another user, with this user as `sender`: the server may act on the
   * sender's own record instead of refusing (IDN-007), when this user is identified on `conn`.
   */
  | { readonly k: 'sent'; readonly conn: number; readonly status: string }
  /** get_user_data (during the run, or the read-back after it). */
  | { readonly k: 'get'; readonly conn: number };

/** What came back: whether it was an error, and the status a read found. */
export interface UserOut {
  readonly error: boolean;
  readonly status?: unknown;
}

export interface UserState {
  readonly status: string;
  /** Connections that have the user announced. */
  readonly announced: readonly number[];
  /** Connections that withdrew it (naming IDN-CHG-002 rather than 001). */
  readonly withdrawn: readonly number[];
  /**
   * Statuses of accepted changes that had to leave this user untouched (it was named but sender named
   * another user, or it was the sender but not identified), with the requirement applying one breaks.
   */
  readonly exposed: Readonly<Record<string, string>>;
}

const withConn = (list: readonly number[], c: number): readonly number[] =>
  list.includes(c) ? list : [...list, c].sort();
const withoutConn = (list: readonly number[], c: number): readonly number[] => list.filter((x) => x !== c);

/** The identification requirement a change breaks if accepted in `s`, or null when it must be accepted. */
function refusalOf(s: UserState, op: Extract<UserOp, { k: 'change' }>): string | null {
  if (s.announced.includes(op.conn)) return op.self ? null : 'IDN-CHG-005';
  if (s.announced.length > 0) return 'IDN-CHG-004';
  return s.withdrawn.includes(op.conn) ? 'IDN-CHG-002' : 'IDN-CHG-001';
}

const REASON: Record<string, string> = {
  'IDN-CHG-001': 'the user was never announced on this connection',
  'IDN-CHG-002': 'its announcement on this connection was withdrawn',
  'IDN-CHG-004': 'the user is announced on another connection only',
  'IDN-CHG-005': '`sender` does not name the user',
};

/**
 * The model of one user, starting from the status read after registration. `statuses: false`
 * abstracts the status away (identification only): accepted changes then change nothing, so the
 * search is quick however many overlap, and an identification fault is found without it.
 */
export function userModel(
  user: number,
  initialStatus: string,
  statuses = true,
): SequentialModel<UserState, UserOp, UserOut> {
  return {
    readOnly: (op, out) =>
      op.k === 'get' || ((op.k === 'change' || op.k === 'sent') && (!statuses || out?.error === true)),
    init: { status: initialStatus, announced: [], withdrawn: [], exposed: {} },
    step(s, op, out) {
      switch (op.k) {
        case 'announce':
          return [{ ...s, announced: withConn(s.announced, op.conn) }];
        case 'withdraw':
          return s.announced.includes(op.conn)
            ? [
                {
                  ...s,
                  announced: withoutConn(s.announced, op.conn),
                  withdrawn: withConn(s.withdrawn, op.conn),
                },
              ]
            : [s];
        case 'change': {
          const refusal = refusalOf(s, op);
          if (out === undefined) return refusal === null && statuses ? [s, { ...s, status: op.status }] : [s];
          const changed = statuses ? { ...s, status: op.status } : s;
          if (refusal === null) return out.error ? [] : [changed];
          if (out.error) return [s];
          const must = requirement(refusal).level === 'MUST';
          if (op.self)
            // Accepted against a requirement below MUST: a reading the suite records elsewhere, not here.
            return must ? [] : [changed];
          // Sender named another user: the server may have acted on the sender's own record (IDN-007,
          // judged in the sender's history); this user stays untouched unless only a SHOULD forbids it.
          if (!must) return [s, changed];
          return statuses ? [{ ...s, exposed: { ...s.exposed, [op.status]: refusal } }] : [s];
        }
        case 'sent': {
          if (out?.error === true || !statuses) return [s];
          // Acting on the sender needs the sender identified on that connection (as if it had sent a
          // change of its own); a read of this status then shows it was not.
          const refusal = refusalOf(s, { k: 'change', conn: op.conn, self: true, status: op.status });
          if (refusal === null) return [s, { ...s, status: op.status }];
          if (requirement(refusal).level !== 'MUST') return [s, { ...s, status: op.status }];
          return out === undefined ? [s] : [{ ...s, exposed: { ...s.exposed, [op.status]: refusal } }];
        }
        case 'get':
          // An error reply is judged on its own (UM-GET-001); it says nothing of the status.
          // A record that leaves the status out says nothing of it: its shape is UM-GET-006's business.
          return !statuses ||
            out === undefined ||
            out.error ||
            out.status === undefined ||
            out.status === s.status
            ? [s]
            : [];
      }
    },
    key: (s) =>
      `${s.status}\u0000${s.announced.join(',')}\u0000${s.withdrawn.join(',')}\u0000${Object.keys(s.exposed).join('\u0001')}`,
    blame(s, op, out): Blame {
      if (op.k === 'change') {
        const refusal = refusalOf(s, op);
        return refusal === null
          ? {
              requirement: 'IDN-CHG-006',
              why: `refused (${out?.error ? 'error' : '?'}), though user ${user} is announced on omikron#${op.conn} and sender names it`,
            }
          : { requirement: refusal, why: `accepted, though ${REASON[refusal] ?? refusal}` };
      }
      if (op.k === 'sent')
        return { requirement: 'UM-CHG-004', why: 'a change naming another user, with this user as sender' };
      const broke = typeof out?.status === 'string' ? s.exposed[out.status] : undefined;
      if (broke !== undefined && out?.status !== s.status)
        return {
          requirement: broke,
          why: `read status ${show(out?.status)}, which only a change that had to leave this user untouched set (${REASON[broke] ?? broke})`,
        };
      return {
        requirement: 'UM-CHG-004',
        why: `read status ${show(out?.status)}; the changes accepted so far leave ${show(s.status)}`,
      };
    },
    show: (s) =>
      `status ${show(s.status)}, announced on ${s.announced.length === 0 ? 'no connection' : s.announced.map((c) => `omikron#${c}`).join(', ')}`,
  };
}

/** One line of the history for a failure message. */
export function describeUserOp(op: HistoryOp<UserOp, UserOut>): string {
  const i = op.input;
  const reply =
    op.output === undefined
      ? 'no reply'
      : op.output.error
        ? 'error'
        : i.k === 'get'
          ? `status ${show(op.output.status)}`
          : 'success';
  const what =
    i.k === 'change'
      ? `change status to ${show(i.status)} with sender ${i.self ? 'the user' : 'another'}`
      : i.k === 'sent'
        ? `change of another user's status to ${show(i.status)} with this user as sender`
        : i.k === 'get'
          ? 'get_user_data'
          : i.k === 'announce'
            ? 'user_connected'
            : 'user_disconnected';
  return `${op.label}: ${what} on omikron#${i.conn} → ${reply}`;
}

/** The output of a reply for the history. */
export const userOut = (type: string, data: unknown): UserOut => ({
  error: isErrorType(type),
  status: (data as { status?: unknown } | undefined)?.status,
});

/** The identification requirements a linearization exercised: each change's, in the order found. */
export function exercised(
  history: readonly HistoryOp<UserOp, UserOut>[],
  order: readonly number[],
  model: SequentialModel<UserState, UserOp, UserOut>,
): string[] {
  const out: string[] = [];
  let s = model.init;
  for (const i of order) {
    const op = history[i]!;
    if (op.input.k === 'change' && op.output !== undefined) out.push(refusalOf(s, op.input) ?? 'IDN-CHG-006');
    s = model.step(s, op.input, op.output)[0] ?? s;
  }
  return out;
}
