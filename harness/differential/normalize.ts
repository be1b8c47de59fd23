// What legitimately differs between two targets, taken out before frames are compared: request ids
// (each connection numbers its own), timestamps, the ids each server issues (register, user and Iota
// ids, mapped between the targets by the order they first appear) and the values the harness makes up
// afresh for each target (usernames, keys, tokens). Error texts are free; error types are compared.

/** Fields holding ids a server issues (or the harness derives from them): renamed in order of appearance. */
const ID_FIELDS = new Set(['user_id', 'iota_id', 'register_id', 'sender', 'omikron']);
/** Lists of such ids (tensamin's iota_user_data): renamed, and sorted, since their order is free. */
const ID_LIST_FIELDS = new Set(['user_ids', 'iota_ids']);
/** Values the harness generates afresh for each target. */
const GENERATED_FIELDS = new Set(['username', 'public_key', 'reset_token', 'new_token', 'private_key_hash']);
/** Server times. */
const TIME_FIELDS = new Set(['created_at', 'sub_end', 'last_ping', 'timestamp', 'expires_at']);
/** The handshake carries fresh keys and challenges: it is the session's, not the behaviour under test. */
export const HANDSHAKE_TYPES = new Set([
  'identification',
  'challenge',
  'challenge_response',
  'identification_response',
]);

/**
 * One target's mapping from the values it saw to stable names (`<id1>`, `<s1>`), so equal
 * behaviour reads the same on both sides and the mapping itself can be shown.
 */
export class Renamer {
  private readonly ids = new Map<number, string>();
  private readonly strings = new Map<string, string>();

  id(v: number): string {
    let n = this.ids.get(v);
    if (n === undefined) {
      n = `<id${this.ids.size + 1}>`;
      this.ids.set(v, n);
    }
    return n;
  }

  text(v: string): string {
    if (v === '') return '';
    let n = this.strings.get(v);
    if (n === undefined) {
      n = `<s${this.strings.size + 1}>`;
      this.strings.set(v, n);
    }
    return n;
  }

  /** The ids seen, by name: `<id1>` → 1795800342025. */
  idTable(): Map<string, number> {
    return new Map([...this.ids].map(([v, n]) => [n, v]));
  }
}

function walk(v: unknown, key: string | null, r: Renamer): unknown {
  if (Array.isArray(v) && key !== null && ID_LIST_FIELDS.has(key) && v.every((x) => Number.isSafeInteger(x)))
    return [...(v as number[])]
      .sort((a, b) => a - b)
      .map((x) => r.id(x))
      .sort();
  if (Array.isArray(v)) return v.map((x) => walk(x, null, r));
  if (typeof v === 'object' && v !== null) {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) out[k] = walk((v as Record<string, unknown>)[k], k, r);
    return out;
  }
  if (key === null) return v;
  if (typeof v === 'number' && Number.isSafeInteger(v) && ID_FIELDS.has(key)) return r.id(v);
  if (typeof v === 'string' && GENERATED_FIELDS.has(key)) return r.text(v);
  if (typeof v === 'number' && TIME_FIELDS.has(key)) return v === 0 ? 0 : '<time>';
  return v;
}

const isError = (type: unknown): boolean => typeof type === 'string' && /^error/.test(type);

/**
 * A frame as compared: JSON with sorted keys, no envelope id, renamed ids and generated values,
 * times as `<time>`, an error's data left out (its text is free). Not JSON: the text as it is.
 */
export function normalizeFrame(text: string, r: Renamer): string {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return text;
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return text;
  const { id: _id, ...rest } = json as Record<string, unknown>;
  if (isError(rest.type)) return JSON.stringify({ type: rest.type });
  return JSON.stringify(walk(rest, null, r));
}

/** The `type` of a JSON frame, or null. */
export function frameType(text: string): string | null {
  try {
    const j = JSON.parse(text) as { type?: unknown };
    return typeof j?.type === 'string' ? j.type : null;
  } catch {
    return null;
  }
}

/** The envelope id of a JSON frame, or null. */
export function frameId(text: string): string | null {
  try {
    const j = JSON.parse(text) as { id?: unknown };
    return typeof j?.id === 'string' || typeof j?.id === 'number' ? String(j.id) : null;
  } catch {
    return null;
  }
}
