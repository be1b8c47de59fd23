// Which generated near-valid requests every conformant Omega must refuse (BAD-005), and which the
// seed leaves open (a reading a server may make, so accepting them is no fault).
import { resolveOperation } from '../protocol/messages.ts';
import { requestDataSchema } from '../protocol/schemas.ts';
import { type GeneratedRequest, requestFields } from './arbitraries.ts';

/** A string of decimal digits: the seed draws ids as `"user_id": "<user id>"`, so a server may read it as the id. */
const isDigitString = (v: unknown): boolean => typeof v === 'string' && /^\d{1,15}$/.test(v);

/** `data` with every null field dropped: a server may read `null` as absent. */
function withoutNulls(data: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(data).filter(([, v]) => v !== null));
}

const validAs = (r: GeneratedRequest, data: Record<string, unknown>): boolean => {
  const op = resolveOperation(r.dialect, r.type, data);
  return op !== undefined && requestDataSchema(op, r.dialect).safeParse(data).success;
};

/**
 * Whether a conformant Omega must refuse the request (BAD-005): a required field missing, a field of
 * another JSON type, `data` not an object where the operation has fields; and the table agrees it is
 * invalid under every reading the seed allows:
 * - `null` may be read as absent (in tensamin, complete_register_iota with `"iota_id": null` is then
 *   the valid operation without an id);
 * - an id given as a string of digits may be read as that id;
 * - change_user_data without `user_id` may act on the `sender` (later public versions do).
 */
export function mustRefuse(r: GeneratedRequest, sender?: unknown): boolean {
  if (r.validity !== 'near-valid' || r.mutation === undefined) return false;
  const m = r.mutation;
  const fields = requestFields(r.op, r.dialect);
  const hasFields = Object.keys(fields).length > 0;
  const value = m.field === undefined ? undefined : (r.data as Record<string, unknown> | null)?.[m.field];
  let byClass = false;
  if (m.cls === 'missing') {
    byClass = m.field !== undefined && fields[m.field]?.required === true;
    if (r.op === 'changeUser' && m.field === 'user_id' && typeof sender === 'number') byClass = false;
  } else if (m.cls === 'mistyped') {
    byClass = !(value === null && fields[m.field ?? '']?.required !== true);
    if (m.field?.endsWith('_id') && isDigitString(value)) byClass = false;
  } else if (m.cls === 'data')
    byClass =
      hasFields && r.data !== undefined && r.data !== null && Object.values(fields).some((f) => f.required);
  if (!byClass) return false;
  const data = (r.data ?? {}) as Record<string, unknown>;
  if (typeof data !== 'object' || Array.isArray(data)) return true;
  return !validAs(r, data) && !validAs(r, withoutNulls(data));
}
