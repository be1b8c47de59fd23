// A user field's value as the model knows it: every value the seed's open choices allow, narrowed
// by each read. A nondeterministic model in the small: each open choice is a branch (a candidate),
// and what the server shows prunes the branches it did not take.
import { CHANGEABLE } from '../scenario/steps-users.ts';
import { show } from './runner.ts';

/** The user fields change_user_data may set: the profile fields and the public key. */
export const CHANGE_FIELDS = [...CHANGEABLE, 'public_key'] as const;
export type ChangeField = (typeof CHANGE_FIELDS)[number];

/** The values a field may hold; null: any (the seed fixes none, e.g. a new user's status, and none was read yet). */
export type Candidates = readonly string[] | null;

export const exactly = (v: string): Candidates => [v];

/**
 * After a change that set `v` and was answered success. The seed draws every change field as "",
 * so "" may mean "leave it unchanged" as well as "set it empty".
 */
export function afterChange(before: Candidates, v: string): Candidates {
  if (v !== '') return [v];
  if (before === null) return null;
  return before.includes('') ? before : [...before, ''];
}

/**
 * Whether `actual` fits the candidate. A display that only repeats the user's username may stand
 * for an empty one (PROTOCOL-NOTES.md: "display falls back to the username when empty"; UM-GET-007).
 */
function fits(field: string, candidate: string, actual: string, username: unknown): boolean {
  return actual === candidate || (field === 'display' && candidate === '' && actual === username);
}

/** The candidates `actual` leaves, or undefined when it fits none. */
export function narrow(
  field: string,
  before: Candidates,
  actual: unknown,
  username: unknown,
): Candidates | undefined {
  if (typeof actual !== 'string') return undefined;
  if (before === null) return field === 'display' && actual === username ? [actual, ''] : [actual];
  const kept = before.filter((c) => fits(field, c, actual, username));
  return kept.length > 0 ? kept : undefined;
}

export const describeCandidates = (c: Candidates): string =>
  c === null ? 'any value' : c.length === 1 ? show(c[0]) : `one of ${c.map((v) => show(v)).join(', ')}`;

/** The one value known for sure, or undefined when several (or any) are possible. */
export const known = (c: Candidates): string | undefined => (c !== null && c.length === 1 ? c[0] : undefined);

export const mayBe = (c: Candidates, v: string): boolean => c === null || c.includes(v);
