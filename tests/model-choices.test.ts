// The readings the seed leaves open, as the model and the properties hold them: candidate values
// ("" may mean unchanged, display may fall back to the username, a new user's fields are any),
// and the near-valid requests a server may accept (BAD-005 must not demand a refusal of those).
import { describe, expect, it } from 'vitest';
import type { GeneratedRequest } from '../harness/properties/arbitraries.ts';
import { actingSender } from '../harness/properties/model/sender-acts.ts';
import { emptyModel } from '../harness/properties/model/state.ts';
import { mustRefuse } from '../harness/properties/refusals.ts';
import { afterChange, type Candidates, known, narrow } from '../harness/properties/values.ts';
import { freshPublicKey } from '../harness/scenario/fixtures.ts';

describe('candidate values', () => {
  it('takes any first value of a field the seed fixes no value for, then holds it', () => {
    expect(narrow('status', null, 'offline', 'alice')).toEqual(['offline']);
    expect(narrow('status', ['offline'], 'online', 'alice')).toBeUndefined();
  });

  it('reads "" in a change as "unchanged" or "empty"', () => {
    const c = afterChange(['hello'], '');
    expect(narrow('about', c, 'hello', 'alice')).toEqual(['hello']);
    expect(narrow('about', c, '', 'alice')).toEqual(['']);
    expect(narrow('about', c, 'other', 'alice')).toBeUndefined();
    expect(afterChange(['hello'], 'x')).toEqual(['x']);
  });

  it('lets an empty display read as the username, current or stored', () => {
    // First read repeats the username: stored, or computed from an empty display.
    const first = narrow('display', null, 'alice', 'alice') as Candidates;
    expect(first).toEqual(['alice', '']);
    // After a username change: a stored display keeps "alice", a computed one follows the name.
    expect(narrow('display', first, 'alice', 'bob')).toEqual(['alice']);
    expect(narrow('display', first, 'bob', 'bob')).toEqual(['']);
    expect(narrow('display', first, 'carol', 'bob')).toBeUndefined();
    expect(known(['x'])).toBe('x');
    expect(known(['x', ''])).toBeUndefined();
  });
});

const near = (
  op: GeneratedRequest['op'],
  type: string,
  dialect: GeneratedRequest['dialect'],
  data: unknown,
  cls: 'missing' | 'mistyped',
  field: string,
): GeneratedRequest => ({
  op,
  type,
  dialect,
  data,
  validity: 'near-valid',
  mutation: { field, cls, how: cls },
});

describe('mustRefuse: only what every reading of the seed refuses', () => {
  it('does not demand a refusal of an id given as a string of digits', () => {
    const r = near('getUser', 'get_user_data', 'seed', { user_id: '17' }, 'mistyped', 'user_id');
    expect(mustRefuse(r)).toBe(false);
    const boolean = near('getUser', 'get_user_data', 'seed', { user_id: true }, 'mistyped', 'user_id');
    expect(mustRefuse(boolean)).toBe(true);
  });

  it('lets change_user_data without user_id act on the sender', () => {
    const r = near('changeUser', 'change_user_data', 'seed', { status: 'x' }, 'missing', 'user_id');
    expect(mustRefuse(r, 42)).toBe(false);
    expect(mustRefuse(r)).toBe(true);
  });

  it('reads "iota_id": null in tensamin complete_register_iota as the operation without an id', () => {
    const r = near(
      'completeIota',
      'complete_register_iota',
      'tensamin',
      { iota_id: null, public_key: freshPublicKey() },
      'mistyped',
      'iota_id',
    );
    expect(mustRefuse(r)).toBe(false);
  });
});

describe('actingSender: when the model lets a guarded request act on its sender (IDN-007)', () => {
  it('only for another principal of the same kind announced on the connection', () => {
    const m = emptyModel(2);
    m.conns[0]!.users.add(10);
    m.conns[0]!.users.add(11);
    m.conns[1]!.users.add(12);
    expect(actingSender(m, 'user', 10, 0, 11)).toBe(11);
    // The principal itself, no sender, a sender announced on another connection, or of another kind.
    expect(actingSender(m, 'user', 10, 0, 10)).toBeNull();
    expect(actingSender(m, 'user', 10, 0, undefined)).toBeNull();
    expect(actingSender(m, 'user', 10, 0, 12)).toBeNull();
    expect(actingSender(m, 'iota', 10, 0, 11)).toBeNull();
  });
});
