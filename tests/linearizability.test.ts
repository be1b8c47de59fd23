// The linearizability checker on small hand-made histories: a register (write v / read → v), the
// textbook cases of Herlihy & Wing, pending operations, a nondeterministic step, and the bound.
import { describe, expect, it } from 'vitest';
import {
  checkLinearizable,
  describeViolation,
  type HistoryOp,
  type SequentialModel,
} from '../harness/properties/linearizability.ts';
import { type UserOp, type UserOut, userModel } from '../harness/properties/interleaving.ts';

type In = { readonly k: 'write'; readonly v: number } | { readonly k: 'read' } | { readonly k: 'clear' };
type Out = { readonly ok: true; readonly v?: number };

/** A register; `clear` may set 0 or leave the value (both allowed: a nondeterministic step). */
const register: SequentialModel<number, In, Out> = {
  init: 0,
  step(s, input, output) {
    if (input.k === 'write') return [input.v];
    if (input.k === 'clear') return [0, s];
    return output === undefined || output.v === s ? [s] : [];
  },
  key: (s) => String(s),
  blame: (s, _i, o) => ({ requirement: 'REG-READ', why: `read ${o?.v}, the register holds ${s}` }),
  show: (s) => `register = ${s}`,
};

const w = (v: number, call: number, ret: number | null): HistoryOp<In, Out> => ({
  label: `write ${v}`,
  call,
  ret,
  input: { k: 'write', v },
  output: ret === null ? undefined : { ok: true },
});
const r = (v: number, call: number, ret: number): HistoryOp<In, Out> => ({
  label: `read → ${v}`,
  call,
  ret,
  input: { k: 'read' },
  output: { ok: true, v },
});
const clear = (call: number, ret: number): HistoryOp<In, Out> => ({
  label: 'clear',
  call,
  ret,
  input: { k: 'clear' },
  output: { ok: true },
});

const kind = (h: HistoryOp<In, Out>[]) => checkLinearizable(h, register).kind;

describe('checkLinearizable', () => {
  it('accepts a sequential history the model explains', () => {
    expect(kind([w(1, 0, 1), r(1, 2, 3), w(2, 4, 5), r(2, 6, 7)])).toBe('linearizable');
  });

  it('accepts a read that overlaps a write and sees either value', () => {
    expect(kind([w(1, 0, 10), r(0, 1, 2), r(1, 3, 4)])).toBe('linearizable');
    expect(kind([w(1, 0, 10), r(1, 1, 2)])).toBe('linearizable');
  });

  it('accepts replies that arrive in another order than the requests were sent', () => {
    // write 2 was sent after write 1 but both overlap: the last read decides the order.
    expect(kind([w(1, 0, 5), w(2, 1, 3), r(1, 6, 7)])).toBe('linearizable');
    expect(kind([w(1, 0, 5), w(2, 1, 3), r(2, 6, 7)])).toBe('linearizable');
  });

  it('refuses a stale read after the write returned', () => {
    const h = [w(1, 0, 1), r(0, 2, 3)];
    const v = checkLinearizable(h, register);
    expect(v.kind).toBe('violation');
    if (v.kind !== 'violation') return;
    expect(v.stuck.map((s) => s.op)).toEqual([1]);
    expect(v.stuck[0]!.blame.requirement).toBe('REG-READ');
    const text = describeViolation(v, h, register, (op) => op.label);
    expect(text).toContain('read 0, the register holds 1');
    expect(text).toContain('#1 [');
  });

  it('refuses a new-then-old inversion of two reads during one write', () => {
    expect(kind([w(1, 0, 10), r(1, 1, 2), r(0, 3, 4)])).toBe('violation');
  });

  it('refuses an order the real-time order forbids', () => {
    // write 1 returned before write 2 was sent: a later read of 1 is impossible.
    expect(kind([w(1, 0, 1), w(2, 2, 3), r(1, 4, 5)])).toBe('violation');
  });

  it('lets an operation without a reply take effect or not', () => {
    expect(kind([w(1, 0, null), r(1, 5, 6)])).toBe('linearizable');
    expect(kind([w(1, 0, null), r(0, 5, 6)])).toBe('linearizable');
    expect(kind([w(1, 0, null), r(1, 5, 6), r(0, 7, 8)])).toBe('violation');
  });

  it('follows every branch of a nondeterministic step', () => {
    expect(kind([w(3, 0, 1), clear(2, 3), r(3, 4, 5)])).toBe('linearizable');
    expect(kind([w(3, 0, 1), clear(2, 3), r(0, 4, 5)])).toBe('linearizable');
    // The branch is taken once: the register cannot be both.
    expect(kind([w(3, 0, 1), clear(2, 3), r(0, 4, 5), r(3, 6, 7)])).toBe('violation');
  });

  it('gives up as inconclusive past its bound, never as a verdict', () => {
    // Many concurrent writes and an impossible final read: the search must try every order.
    const h = [...Array.from({ length: 14 }, (_, i) => w(i + 1, 0, 100)), r(99, 200, 201)];
    const v = checkLinearizable(h, register, { maxSteps: 50 });
    expect(v.kind).toBe('inconclusive');
  });

  it('decides a long history of independent overlapping reads quickly', () => {
    const h = [w(7, 0, 1), ...Array.from({ length: 300 }, (_, i) => r(7, 2 + (i % 5), 50 + i))];
    const v = checkLinearizable(h, register);
    expect(v.kind).toBe('linearizable');
    expect(v.explored).toBeLessThan(1000);
  });
});

describe('checkLinearizable with required operations and explicit order', () => {
  const ann = (v: number, call: number, after?: number[]): HistoryOp<In, Out> => ({
    label: `announce ${v}`,
    call,
    ret: null,
    required: true,
    input: { k: 'write', v },
    output: undefined,
    ...(after ? { after } : {}),
  });

  it('places a required operation without a reply, anywhere real time allows', () => {
    // The write without a reply must take effect: a read after everything sees it.
    expect(kind([ann(5, 0), r(5, 10, 11)])).toBe('linearizable');
    expect(kind([ann(5, 0), r(0, 10, 11)])).toBe('linearizable'); // before the write took effect
    expect(kind([ann(5, 0), r(0, 10, 11), r(5, 12, 13), r(0, 14, 15)])).toBe('violation');
  });

  it('keeps an operation after the ones it must follow, whatever the clock says', () => {
    // #1 must follow #0 (same connection): its read cannot see the state before the write.
    expect(kind([ann(5, 0), { ...r(0, 1, 2), after: [0] }])).toBe('violation');
    expect(kind([ann(5, 0), { ...r(5, 1, 2), after: [0] }])).toBe('linearizable');
    // Without the constraint, the same read of the old value is fine (another connection).
    expect(kind([ann(5, 0), r(0, 1, 2)])).toBe('linearizable');
  });
});

describe('the interleaving property’s user model', () => {
  type H = HistoryOp<UserOp, UserOut>;
  const ann = (conn: number, call: number, after?: number[]): H => ({
    label: 'user_connected',
    call,
    ret: null,
    required: true,
    input: { k: 'announce', conn },
    output: undefined,
    ...(after ? { after } : {}),
  });
  const wd = (conn: number, call: number, after: number[]): H => ({
    label: 'user_disconnected',
    call,
    ret: null,
    required: true,
    input: { k: 'withdraw', conn },
    output: undefined,
    after,
  });
  const change = (
    conn: number,
    status: string,
    call: number,
    ret: number,
    error: boolean,
    after?: number[],
  ): H => ({
    label: `change ${status}`,
    call,
    ret,
    input: { k: 'change', conn, self: true, status },
    output: { error },
    ...(after ? { after } : {}),
  });
  const get = (conn: number, status: string, call: number, ret: number): H => ({
    label: `get ${status}`,
    call,
    ret,
    input: { k: 'get', conn },
    output: { error: false, status },
  });

  it('accepts a change that overtook the withdrawal sent after it', () => {
    const h = [ann(0, 0), change(0, 'a', 1, 10, false, [0]), wd(0, 2, [0]), get(1, 'a', 11, 12)];
    expect(checkLinearizable(h, userModel(7, '')).kind).toBe('linearizable');
  });

  it('refuses a change accepted after its connection withdrew the user (IDN-CHG-002)', () => {
    const h = [ann(0, 0), wd(0, 1, [0]), change(0, 'a', 2, 10, false, [1])];
    const v = checkLinearizable(h, userModel(7, ''));
    expect(v.kind).toBe('violation');
    if (v.kind === 'violation') expect(v.stuck[0]?.blame.requirement).toBe('IDN-CHG-002');
    // With statuses abstracted, the identification fault is found just the same.
    expect(checkLinearizable(h, userModel(7, '', false)).kind).toBe('violation');
  });

  it('lets another connection read the status before or after an overlapping change', () => {
    const base = [ann(0, 0), change(0, 'a', 1, 10, false, [0])];
    expect(checkLinearizable([...base, get(1, '', 2, 3)], userModel(7, '')).kind).toBe('linearizable');
    expect(checkLinearizable([...base, get(1, 'a', 2, 3)], userModel(7, '')).kind).toBe('linearizable');
    expect(checkLinearizable([...base, get(1, '', 11, 12)], userModel(7, '')).kind).toBe('violation');
  });

  // IDN-007: a change naming another user, with this user as sender, may be refused or act on the
  // sender's own record; the user it names must stay untouched (IDN-CHG-005).
  const other = (conn: number, status: string, call: number, ret: number, after?: number[]): H => ({
    label: `change of another user ${status}`,
    call,
    ret,
    input: { k: 'change', conn, self: false, status },
    output: { error: false },
    ...(after ? { after } : {}),
  });
  const sent = (conn: number, status: string, call: number, ret: number, after?: number[]): H => ({
    label: `change of its sibling ${status}, sent as this user`,
    call,
    ret,
    input: { k: 'sent', conn, status },
    output: { error: false },
    ...(after ? { after } : {}),
  });

  it('accepts a change naming it with another sender, when it reads back untouched', () => {
    const h = [ann(0, 0), other(0, 'a', 1, 2, [0]), get(0, '', 3, 4)];
    expect(checkLinearizable(h, userModel(7, '')).kind).toBe('linearizable');
  });

  it('blames IDN-CHG-005 when that change shows in its record', () => {
    const h = [ann(0, 0), other(0, 'a', 1, 2, [0]), get(0, 'a', 3, 4)];
    const v = checkLinearizable(h, userModel(7, ''));
    expect(v.kind).toBe('violation');
    if (v.kind === 'violation') expect(v.stuck[0]?.blame.requirement).toBe('IDN-CHG-005');
  });

  it('lets a change it sent for another user act on its own record when it is identified there', () => {
    const h = [ann(0, 0), sent(0, 'b', 1, 2, [0])];
    expect(checkLinearizable([...h, get(0, 'b', 3, 4)], userModel(7, '')).kind).toBe('linearizable');
    expect(checkLinearizable([...h, get(0, '', 3, 4)], userModel(7, '')).kind).toBe('linearizable');
  });

  it('blames IDN-CHG-002 when a change it sent after its withdrawal acted on its record', () => {
    const h = [ann(0, 0), wd(0, 1, [0]), sent(0, 'b', 2, 3, [1]), get(0, 'b', 4, 5)];
    const v = checkLinearizable(h, userModel(7, ''));
    expect(v.kind).toBe('violation');
    if (v.kind === 'violation') expect(v.stuck[0]?.blame.requirement).toBe('IDN-CHG-002');
  });
});
