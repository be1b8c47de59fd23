// The property-based layer's generators agree with the message table they come from: every valid
// request parses with the table's schema, near-valid ones are mostly refused, every field kind has a
// generator its schema accepts. And a model counterexample replays from SEED:PATH alone.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { publicKeyFromRaw } from '../harness/crypto/x448.ts';
import {
  anyNearValidRequest,
  arbitraryFor,
  breakOptions,
  type GeneratedRequest,
  knownTypes,
  nearValidRequest,
  publicKeyPool,
  rawFrame,
  textWithin,
  unknownType,
  validDataFew,
  validRequest,
} from '../harness/properties/arbitraries.ts';
import { allRanReplayPath, parseReplay, replayCommand } from '../harness/properties/runner.ts';
import { uniqueLike } from '../harness/properties/steps.ts';
import { DIALECTS, type Dialect } from '../harness/protocol/dialect.ts';
import { type FieldKind, LIMITS, zodFor } from '../harness/protocol/fields.ts';
import { OPERATIONS, operationSpec, operationsOf, resolveOperation } from '../harness/protocol/messages.ts';
import { requestDataSchema } from '../harness/protocol/schemas.ts';
import type { ScenarioContext } from '../harness/scenario/context.ts';

/** Whether the little-endian u-coordinate is on Curve448 (v² = u³ + 156326u² + u has a root), not its twist. */
function onCurve448(raw: Buffer): boolean {
  const p = 2n ** 448n - 2n ** 224n - 1n;
  const u = BigInt(`0x${Buffer.from(raw).reverse().toString('hex')}`) % p;
  const rhs = (((u * u) % p) * u + 156326n * ((u * u) % p) + u) % p;
  let [base, e, acc] = [rhs, (p - 1n) / 2n, 1n];
  for (; e > 0n; e >>= 1n, base = (base * base) % p) if (e & 1n) acc = (acc * base) % p;
  return rhs === 0n || acc === 1n;
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Every field kind the table uses, in both dialects, requests and replies. */
function tableKinds(): FieldKind[] {
  const seen = new Map<string, FieldKind>();
  for (const spec of Object.values(OPERATIONS)) {
    for (const dialect of DIALECTS) {
      for (const fields of [spec.requestFields[dialect], spec.replyFields[dialect]]) {
        for (const f of Object.values(fields)) seen.set(JSON.stringify(f.kind), f.kind);
      }
    }
  }
  return [...seen.values()];
}

/** One of each kind, so a kind the table does not use yet is covered too. */
const ALL_KINDS: FieldKind[] = [
  { kind: 'id' },
  { kind: 'text', min: 0, max: 5 },
  { kind: 'text', min: 1, max: LIMITS.username },
  { kind: 'base64' },
  { kind: 'base64', max: LIMITS.about },
  { kind: 'publicKey' },
  { kind: 'token' },
  { kind: 'timestamp' },
  { kind: 'int' },
  { kind: 'bool' },
  { kind: 'idList' },
  { kind: 'anyText' },
];

/** Whether the Omega must read the request as refused by the table (resolving the seed's shared types). */
function refusedByTable(r: GeneratedRequest): boolean {
  const data = r.data === undefined ? {} : r.data;
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return true;
  const op = resolveOperation(r.dialect, r.type, data as Record<string, unknown>);
  return op === undefined || !requestDataSchema(op, r.dialect).safeParse(data).success;
}

describe('field kinds', () => {
  it.each([...tableKinds(), ...ALL_KINDS].map((k) => [JSON.stringify(k), k] as const))(
    'arbitraryFor(%s) generates values zodFor accepts',
    (_name, kind) => {
      fc.assert(
        fc.property(arbitraryFor(kind), (v) => zodFor(kind).safeParse(v).success),
        { numRuns: 300 },
      );
      fc.assert(
        fc.property(arbitraryFor(kind, { ascii: true }), (v) => zodFor(kind).safeParse(v).success),
        { numRuns: 100 },
      );
    },
  );

  it.each(ALL_KINDS.map((k) => [JSON.stringify(k), k] as const))(
    'breaking a %s field gives a value zodFor refuses (unicode aside)',
    (_name, kind) => {
      for (const option of breakOptions(kind).filter((o) => o.cls !== 'unicode')) {
        fc.assert(
          fc.property(option.arb, (b) => !zodFor(kind).safeParse(b.value).success),
          { numRuns: 100 },
        );
      }
    },
  );

  it('text stays within its limit, well-formed, and reaches the limit', () => {
    const lengths = new Set<number>();
    fc.assert(
      fc.property(textWithin(1, LIMITS.username), (s) => {
        lengths.add(s.length);
        return s.length >= 1 && s.length <= LIMITS.username && !LONE_SURROGATE.test(s);
      }),
      { numRuns: 500 },
    );
    expect(lengths.has(LIMITS.username)).toBe(true);
  });

  it('public keys are 64 distinct real X448 keys', () => {
    const pool = publicKeyPool();
    expect(new Set(pool).size).toBe(64);
    for (const k of pool) {
      expect(Buffer.from(k, 'base64').length).toBe(56);
      expect(() => publicKeyFromRaw(k)).not.toThrow();
      expect(onCurve448(Buffer.from(k, 'base64'))).toBe(true);
    }
    // The check itself tells the curve from its twist: about half of all 56-byte strings are not keys.
    const random = Array.from({ length: 64 }, (_, i) => Buffer.alloc(56, i + 7));
    expect(random.some((u) => !onCurve448(u))).toBe(true);
  });
});

describe.each(DIALECTS)('requests from the message table (%s)', (dialect: Dialect) => {
  it.each(operationsOf(dialect))('every valid %s request parses and resolves to its operation', (op) => {
    const schema = requestDataSchema(op, dialect);
    const check = (data: Record<string, unknown>) =>
      schema.safeParse(data).success &&
      resolveOperation(dialect, operationSpec(op).request[dialect]!, data) === op;
    fc.assert(
      fc.property(validRequest(op, dialect), (r) => check(r.data as Record<string, unknown>)),
      { numRuns: 200 },
    );
    fc.assert(fc.property(validDataFew(op, dialect), check), { numRuns: 100 });
  });

  it('near-valid requests are mostly refused by the table', () => {
    const sample = fc.sample(anyNearValidRequest(dialect), { numRuns: 3000, seed: 7 });
    const refused = sample.filter(refusedByTable).length / sample.length;
    expect(refused).toBeGreaterThan(0.75);
  });

  it.each(operationsOf(dialect))(
    'a near-valid %s with a field of another JSON type is always refused',
    (op) => {
      fc.assert(
        // An operation without fields (get_register) has nothing to mistype: its data is replaced instead.
        fc.property(
          nearValidRequest(op, dialect, {}, ['mistyped']),
          (r) => r.mutation?.cls !== 'mistyped' || refusedByTable(r),
        ),
        { numRuns: 150 },
      );
    },
  );

  it.each(operationsOf(dialect))(
    'a near-valid %s without a required field is refused by its own schema',
    (op) => {
      fc.assert(
        fc.property(nearValidRequest(op, dialect, {}, ['missing']), (r) => {
          const field = r.mutation?.field;
          const required = field !== undefined && operationSpec(op).requestFields[dialect][field]?.required;
          return !required || !requestDataSchema(op, dialect).safeParse(r.data).success;
        }),
        { numRuns: 150 },
      );
    },
  );

  it('unknown types are never a type the dialect knows', () => {
    const own = new Set([...knownTypes()].filter((t) => t !== 'delet_profile' || dialect === 'seed'));
    const mine = new Set(operationsOf(dialect).map((op) => operationSpec(op).request[dialect]));
    fc.assert(
      fc.property(
        unknownType(dialect),
        (t) => !mine.has(t) && !['ping', 'pong', 'identification'].includes(t),
      ),
      { numRuns: 500 },
    );
    expect(own.size).toBeGreaterThan(0);
  });

  it('raw frames are text or binary, and the arbitrary JSON ones parse', () => {
    fc.assert(
      fc.property(rawFrame(dialect), (f) => {
        if (f.kind === 'binary') return f.bytes instanceof Uint8Array;
        if (f.what.startsWith('arbitrary JSON')) JSON.parse(f.text);
        return typeof f.text === 'string';
      }),
      { numRuns: 300 },
    );
  });
});

describe('names and replay', () => {
  it('uniqueLike never repeats a name, keeps the generated length, and stays within the limit', () => {
    let n = 0;
    const t = { uniqueName: () => `rp${(n++).toString(36)}`.slice(0, 15) } as unknown as ScenarioContext;
    const seen = new Set<string>();
    fc.assert(
      fc.property(textWithin(1, LIMITS.username), (g) => {
        const name = uniqueLike(t, g);
        const fresh = !seen.has(name);
        seen.add(name);
        return fresh && name.length <= Math.max(g.length, 15) && !LONE_SURROGATE.test(name);
      }),
      { numRuns: 2000 },
    );
  });

  it('parses SEED:PATH and writes the replay command', () => {
    expect(parseReplay('-12:3:0:1')).toEqual({ seed: -12, path: '3:0:1' });
    expect(parseReplay(undefined)).toBeNull();
    expect(() => parseReplay('abc')).toThrow(/SEED:PATH/);
    expect(replayCommand(5, '1:2', 'UM-CHG-004')).toBe(
      'npx omega-conformance --replay 5:1:2 --only UM-CHG-004',
    );
  });

  it('a model counterexample replays from SEED:PATH alone when every command runs', async () => {
    // A toy model in the shape of harness/properties/model.ts: check() is always true, a failure
    // is remembered and the commands after it do nothing, the failure is thrown at the end.
    interface Real {
      value: number;
      failure: Error | null;
    }
    class Add implements fc.AsyncCommand<object, Real> {
      constructor(readonly n: number) {}
      check = () => true;
      async run(_m: object, r: Real) {
        if (r.failure) return;
        r.value += this.n;
        if (r.value > 12) r.failure = new Error(`value ${r.value} > 12`);
      }
      toString = () => `add(${this.n})`;
    }
    const commands = (replayPath?: string) =>
      fc.commands([fc.integer({ min: 1, max: 5 }).map((n) => new Add(n))], {
        disableReplayLog: true,
        ...(replayPath ? { replayPath } : {}),
      });
    const predicate = async (cmds: Iterable<fc.AsyncCommand<object, Real>>) => {
      const real: Real = { value: 0, failure: null };
      await fc.asyncModelRun(() => ({ model: {}, real }), cmds);
      if (real.failure) throw real.failure;
    };
    const first = await fc.check(fc.asyncProperty(commands(), predicate), { seed: 42, numRuns: 100 });
    expect(first.failed).toBe(true);
    const again = await fc.check(fc.asyncProperty(commands(allRanReplayPath()), predicate), {
      seed: first.seed,
      path: first.counterexamplePath ?? '',
      endOnFailure: true,
    });
    expect(again.failed).toBe(true);
    expect(fc.stringify(again.counterexample)).toBe(fc.stringify(first.counterexample));
  });
});
