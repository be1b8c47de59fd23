// Plain predicates built from the message table, one per operation and dialect: a shortcut in front of
// the zod schemas (schemas.ts) on the hot path. Sound, not complete: whatever a predicate accepts, the
// schema accepts (tests/accepts.test.ts); whatever it does not, the schema decides, with its issues.
import type { Dialect } from './dialect.ts';
import { type FieldKind, isBase64 } from './fields.ts';
import { type Fields, type OperationName, operationSpec } from './messages.ts';

type Accepts = (value: unknown) => boolean;

const isId = (v: unknown): boolean => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;

function accepts(f: FieldKind): Accepts {
  switch (f.kind) {
    case 'id':
      return isId;
    case 'text':
      return (v) => typeof v === 'string' && v.length >= f.min && v.length <= f.max;
    case 'base64':
      return (v) => typeof v === 'string' && (f.max === undefined || v.length <= f.max) && isBase64(v);
    case 'publicKey':
      return (v) => typeof v === 'string' && isBase64(v) && Buffer.from(v, 'base64').length === 56;
    case 'token':
      return (v) => typeof v === 'string' && v.length >= 1 && isBase64(v);
    case 'timestamp':
    case 'int':
      return (v) => typeof v === 'number' && Number.isSafeInteger(v);
    case 'bool':
      return (v) => typeof v === 'boolean';
    case 'idList':
      return (v) => Array.isArray(v) && v.every(isId);
    case 'anyText':
      return (v) => typeof v === 'string';
  }
}

/** A predicate for a data object with these fields (extra fields allowed, as the schema allows them). */
export function dataAccepts(fields: Fields): Accepts {
  const checks = Object.entries(fields).map(([name, spec]) => {
    const ok = accepts(spec.kind);
    return spec.required
      ? (d: Record<string, unknown>) => ok(d[name])
      : (d: Record<string, unknown>) => d[name] === undefined || ok(d[name]);
  });
  return (value) => {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
    // Fields on the prototype chain (e.g. "constructor" of a plain object) are left to the schema.
    const proto = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null) return false;
    const d = value as Record<string, unknown>;
    for (const check of checks) if (!check(d)) return false;
    return true;
  };
}

const replies: { [O in OperationName]?: { [D in Dialect]?: Accepts } } = {};

/** Whether the reply data certainly matches the message table (false: ask the schema). */
export function replyDataAccepts(op: OperationName, dialect: Dialect): Accepts {
  const perDialect = replies[op] ?? {};
  replies[op] = perDialect;
  const found = perDialect[dialect] ?? dataAccepts(operationSpec(op).replyFields[dialect]);
  perDialect[dialect] = found;
  return found;
}
