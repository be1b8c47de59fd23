// The AsyncAPI documents: valid for the AsyncAPI parser, complete against the message table, and
// every requirement id they name leads to the catalogue.
import { Parser } from '@asyncapi/parser';
import { describe, expect, it } from 'vitest';
import { asyncApiDocument, wireTypesOf } from '../harness/asyncapi/document.ts';
import { DIALECTS } from '../harness/protocol/dialect.ts';
import { OPERATION_NAMES, operationSpec } from '../harness/protocol/messages.ts';
import { appliesTo, isRequirementId, REQUIREMENTS } from '../harness/spec/requirements.ts';
import { runCli } from './cli-helpers.ts';

type Json = Record<string, unknown>;

/** Every x-omega-requirements list anywhere in the document. */
function requirementIds(node: unknown, out = new Set<string>()): Set<string> {
  if (Array.isArray(node)) for (const n of node) requirementIds(n, out);
  else if (typeof node === 'object' && node !== null) {
    for (const [k, v] of Object.entries(node)) {
      if (k === 'x-omega-requirements') for (const id of v as string[]) out.add(id);
      else requirementIds(v, out);
    }
  }
  return out;
}

describe.each(DIALECTS)('the AsyncAPI document, %s dialect', (dialect) => {
  const doc = asyncApiDocument({ dialect });

  it('is a valid AsyncAPI 3.0 document for @asyncapi/parser (no error, no warning)', async () => {
    const { document, diagnostics } = await new Parser().parse(JSON.stringify(doc));
    const serious = diagnostics.filter((d) => d.severity <= 1);
    expect(serious.map((d) => `${d.code} at ${d.path.join('.')}: ${d.message}`)).toEqual([]);
    expect(document?.version()).toBe('3.0.0');
  });

  it('is refused by the parser once a reference is broken (the check can fail)', async () => {
    const broken = structuredClone(doc) as Json;
    delete ((broken.channels as Record<string, Json>).omikron!.messages as Json).error;
    const { diagnostics } = await new Parser().parse(JSON.stringify(broken));
    expect(diagnostics.some((d) => d.severity === 0)).toBe(true);
  });

  it('has every message type of the table, requests and replies, and an error reply', async () => {
    const { document } = await new Parser().parse(JSON.stringify(doc));
    const names = new Set(
      document!
        .allMessages()
        .all()
        .map((m) => m.name()),
    );
    for (const type of wireTypesOf(dialect)) expect(names, type).toContain(type);
    expect(names).toContain('error');
    // Each operation of the dialect is one operation of the document, its reply listing its reply types.
    const operations = doc.operations as Record<string, Json>;
    for (const op of OPERATION_NAMES) {
      const spec = operationSpec(op);
      if (spec.request[dialect] === null) {
        expect(operations[op], op).toBeUndefined();
        continue;
      }
      const replyRefs = ((operations[op]!.reply as Json).messages as { $ref: string }[]).map((r) => r.$ref);
      expect(replyRefs.length, op).toBe(spec.reply[dialect].length + 1);
    }
  });

  it('gives each message its JSON Schema from the zod definitions', () => {
    const messages = (doc.channels as Record<string, Json>).omikron!.messages as Record<string, Json>;
    const [, getUserReply] = Object.entries(messages).find(([key]) => key.startsWith('getUserReply'))!;
    const data = ((getUserReply.payload as Json).properties as Record<string, Json>).data!;
    expect(data.required).toEqual(
      expect.arrayContaining(['user_id', 'iota_id', 'username', 'public_key', 'sub_level', 'sub_end']),
    );
    const username = (data.properties as Record<string, Json>).username!;
    expect(username).toMatchObject({ type: 'string', minLength: 1, maxLength: 15 });
  });

  it('describes the handshake as an operation sequence', () => {
    const operations = doc.operations as Record<string, Json>;
    expect(doc['x-omega-handshake']).toEqual(['identify', 'answerChallenge']);
    expect(operations.identify!['x-omega-handshake-step']).toBe(1);
    expect(operations.answerChallenge!['x-omega-handshake-step']).toBe(2);
  });

  it('names requirements of the catalogue only, and every requirement of the dialect somewhere', () => {
    const ids = requirementIds(doc);
    for (const id of ids) expect(isRequirementId(id), id).toBe(true);
    const missing = REQUIREMENTS.filter((q) => appliesTo(q, dialect) && !ids.has(q.id)).map((q) => q.id);
    expect(missing).toEqual([]);
  });
});

describe('omega-conformance asyncapi', () => {
  it('prints the document of the dialect asked for, and needs a dialect', async () => {
    const r = await runCli(['asyncapi', '--dialect', 'tensamin']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual(asyncApiDocument({ dialect: 'tensamin' }));
    const none = await runCli(['asyncapi']);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/asyncapi needs --dialect seed or --dialect tensamin/);
  });
});
