// Zod schemas generated from the message table (messages.ts).
import { z } from 'zod';
import type { Dialect } from './dialect.ts';
import { zodFor } from './fields.ts';
import { type Fields, type OperationName, operationSpec } from './messages.ts';

export function dataSchema(fields: Fields): z.ZodObject {
  const shape: Record<string, z.ZodType> = {};
  for (const [name, spec] of Object.entries(fields)) {
    shape[name] = spec.required ? zodFor(spec.kind) : zodFor(spec.kind).optional();
  }
  // Extra fields are allowed: the seed does not forbid them (SPEC.md, decisions).
  return z.looseObject(shape);
}

/** Any frame from the Omega: a JSON object with a string type. */
export const incomingFrame = z.looseObject({
  type: z.string(),
  // A reply to a frame that had no id may carry "id": null; that is "no id", not a protocol error.
  id: z.string().nullable().optional(),
  data: z.unknown().optional(),
});
export type IncomingFrame = z.infer<typeof incomingFrame>;

/** One schema per operation, dialect and direction, built on first use (no key built per lookup). */
type SchemaCache = { [O in OperationName]?: { [D in Dialect]?: z.ZodObject } };
const replies: SchemaCache = {};
const requests: SchemaCache = {};

function cached(cache: SchemaCache, op: OperationName, dialect: Dialect, fields: () => Fields): z.ZodObject {
  const perDialect = cache[op] ?? {};
  cache[op] = perDialect;
  const schema = perDialect[dialect] ?? dataSchema(fields());
  perDialect[dialect] = schema;
  return schema;
}

export function replyDataSchema(op: OperationName, dialect: Dialect): z.ZodObject {
  return replies[op]?.[dialect] ?? cached(replies, op, dialect, () => operationSpec(op).replyFields[dialect]);
}

export function requestDataSchema(op: OperationName, dialect: Dialect): z.ZodObject {
  return (
    requests[op]?.[dialect] ?? cached(requests, op, dialect, () => operationSpec(op).requestFields[dialect])
  );
}

/** A one-line reason from a zod error, for reports. */
export function describeIssues(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
}
