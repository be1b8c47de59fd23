// Property (b): after any generated frames, arbitrary JSON and binary included, a fresh connection
// is served and the data survives (BAD-010).
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { TargetDownError } from '../harness/client/errors.ts';
import { type RawFrame, rawFrame } from '../harness/properties/arbitraries.ts';
import { PING, propertyBounds } from '../harness/properties/budget.ts';
import { Coverage, PropertyFailure, runProperty } from '../harness/properties/runner.ts';
import { describeDiff, diffRecord, freshUser, mustRead, read } from '../harness/properties/steps.ts';
import { scenario } from '../harness/scenario/scenario.ts';
import { currentTarget } from '../harness/scenario/target.ts';

const target = currentTarget();
const dialect = target.dialect;
const bounds = propertyBounds(target);

// --- (b) the server survives every generated frame ---------------------------------------------------

interface BadCase {
  readonly frames: readonly RawFrame[];
  readonly authenticated: boolean;
}

/** Anything but a dead target is the server failing to survive (BAD-010). */
async function survival<T>(what: string, step: () => Promise<T>): Promise<T> {
  try {
    return await step();
  } catch (e) {
    if (e instanceof TargetDownError) throw e;
    throw new PropertyFailure('BAD-010', `${what}: ${(e as Error).message}`);
  }
}

scenario(
  ['BAD-010'],
  'property: after any generated frames, arbitrary JSON included, a fresh connection is served and data survives',
  async (t) => {
    const setup = await t.omikron(0);
    const keeper = await freshUser(t, setup);
    const before = await mustRead(setup, keeper.userId, 'UM-REG-004', 'the user created before');
    await setup.close();
    const coverage = new Coverage();
    await runProperty(t, {
      name: 'the server survives every generated frame with its data',
      arbitrary: fc.record({
        frames: fc.array(rawFrame(dialect), { minLength: 1, maxLength: 12 }),
        authenticated: fc.boolean(),
      }),
      fallback: 'BAD-010',
      judged: ['BAD-010'],
      coverage,
      predicate: async (c: BadCase) => {
        const bad = await survival('opening the connection for the frames', () =>
          c.authenticated ? t.omikron(0) : t.open(0),
        );
        try {
          for (const f of c.frames) {
            if (!bad.connection.isOpen) break;
            if (f.kind === 'text') bad.connection.sendRaw(f.text, { expectUncorrelatedReply: false });
            else
              bad.connection.sendRaw(Buffer.from(f.bytes), { binary: true, expectUncorrelatedReply: false });
          }
          if (bad.connection.isOpen) {
            // Two pings: the replies to the frames carry ids the connection does not know, and a
            // sole outstanding request would take them for its own reply gone wrong.
            const pongs = await Promise.allSettled([
              bad.connection.request({ ...PING, id: randomUUID() }),
              bad.connection.request({ ...PING, id: randomUUID() }),
            ]);
            const answered = pongs.some((p) => p.status === 'fulfilled');
            if (!answered && bad.connection.isOpen) {
              const why = pongs
                .map((p) => (p.status === 'rejected' ? (p.reason as Error).message : ''))
                .join('; ');
              throw new PropertyFailure(
                'BAD-010',
                `after the frames, the connection neither answered a ping nor closed: ${why}`,
              );
            }
          }
        } finally {
          await bad.close();
        }
        const fresh = await survival('afterwards, a fresh connection', () => t.omikron(0));
        try {
          const { reply, record } = await survival('afterwards, reading the user created before', () =>
            read(fresh, { user_id: keeper.userId }),
          );
          if (record === null)
            throw new PropertyFailure(
              'BAD-010',
              `afterwards, the user created before (${keeper.userId}) is gone: ${reply.type}`,
              { expected: before, actual: reply.frame },
            );
          const diff = diffRecord(before, record);
          if (diff.length > 0)
            throw new PropertyFailure(
              'BAD-010',
              `afterwards, the user created before changed: ${describeDiff(diff, before, record)}`,
              { expected: before, actual: record },
            );
          coverage.hit('BAD-010');
        } finally {
          await fresh.close();
        }
      },
    });
  },
  { timeoutMs: bounds.scenario(300) },
);
