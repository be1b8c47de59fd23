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
    readOnly: (op, out) => op.k === 'get' || (op.k === 'change' && (!statuses || out?.error === true)),
    init: { status: initialStatus, announced: [], withdrawn: [] },
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
          // Accepted against a requirement below MUST: a reading the suite records elsewhere, not here.
          return requirement(refusal).level === 'MUST' ? [] : [changed];
        }
        case 'get':
          // An error reply is judged on its own (UM-GET-001); it says nothing of the status.
          return !statuses || out === undefined || out.error || out.status === s.status ? [s] : [];
      }
    },
    key: (s) => `${s.status}\u0000${s.announced.join(',')}\u0000${s.withdrawn.join(',')}`,
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
