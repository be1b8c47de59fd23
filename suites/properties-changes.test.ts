// Properties (c) and (d): a change acknowledged with success is what a later get_user_data returns;
// a request answered with an error changes nothing observable.
import fc from 'fast-check';
import { type GeneratedRequest, nearValidRequest } from '../harness/properties/arbitraries.ts';
import { propertyBounds } from '../harness/properties/budget.ts';
import { Coverage, exchange, isError, PropertyFailure, runProperty } from '../harness/properties/runner.ts';
import { bind, freshIota, mustRead, read, setup, uniqueLike } from '../harness/properties/steps.ts';
import { afterError, afterSuccess, subject, validChange } from '../harness/properties/subject.ts';
import type { OperationName } from '../harness/protocol/messages.ts';
import { show } from '../harness/scenario/context.ts';
import { registerId } from '../harness/scenario/fixtures.ts';
import { scenario } from '../harness/scenario/scenario.ts';
import { currentTarget } from '../harness/scenario/target.ts';

const target = currentTarget();
const dialect = target.dialect;
const bounds = propertyBounds(target);

// --- (c) and (d) what success and error replies mean for the data ----------------------------------

const validChangeArb = validChange(dialect);

scenario(
  ['UM-CHG-004', 'UM-CHG-003', 'BAD-005'],
  'property: a change acknowledged with success is what a later get_user_data returns',
  async (t) => {
    const coverage = new Coverage();
    await runProperty(t, {
      name: 'a change acknowledged with success reads back',
      arbitrary: fc.noBias(fc.array(validChangeArb, { minLength: 1, maxLength: 6 })),
      fallback: 'UM-CHG-004',
      judged: ['UM-CHG-004', 'UM-CHG-003'],
      coverage,
      predicate: async (changes) => {
        const s = await subject(t);
        try {
          for (const [i, change] of changes.entries()) {
            const g = change.data as Record<string, unknown>;
            const data = bind(g, {
              user_id: s.userId,
              username: typeof g.username === 'string' ? uniqueLike(t, g.username) : undefined,
            }) as Record<string, unknown>;
            const what = `change #${i + 1} ${show(data)}`;
            const reply = await exchange(s.o, { type: change.type, data, sender: s.userId });
            if (isError(reply)) await afterError(s, reply, what, coverage);
            else await afterSuccess(dialect, s, data, what, coverage);
          }
        } finally {
          await s.o.close();
        }
      },
    });
  },
  { timeoutMs: bounds.scenario(300) },
);

type Faulty =
  | { readonly kind: 'change' | 'delete' | 'iota' | 'complete' | 'get'; readonly req: GeneratedRequest }
  | { readonly kind: 'valid'; readonly req: GeneratedRequest };

const near = (op: OperationName) => nearValidRequest(op, dialect);
const faulty: fc.Arbitrary<Faulty> = fc.oneof(
  { weight: 6, arbitrary: near('changeUser').map((req) => ({ kind: 'change' as const, req })) },
  { weight: 1, arbitrary: validChangeArb.map((req) => ({ kind: 'valid' as const, req })) },
  { weight: 1, arbitrary: near('deleteUser').map((req) => ({ kind: 'delete' as const, req })) },
  { weight: 2, arbitrary: near('changeIota').map((req) => ({ kind: 'iota' as const, req })) },
  { weight: 2, arbitrary: near('completeUser').map((req) => ({ kind: 'complete' as const, req })) },
  { weight: 1, arbitrary: near('getUser').map((req) => ({ kind: 'get' as const, req })) },
);

scenario(
  ['BAD-005', 'UM-CHG-004', 'UM-IOTA-001', 'UM-REG-004'],
  'property: a request answered with an error changes nothing observable',
  async (t) => {
    const coverage = new Coverage();
    await runProperty(t, {
      name: 'an error reply changes nothing',
      arbitrary: fc.array(faulty, { minLength: 1, maxLength: 4 }),
      fallback: 'BAD-005',
      judged: ['BAD-005', 'UM-CHG-004'],
      coverage,
      predicate: async (steps) => {
        const s = await subject(t);
        try {
          const home = await freshIota(s.o);
          await s.o.announce('iotaConnected', home.iotaId);
          for (const [i, step] of steps.entries()) {
            const r = step.req;
            const except = r.mutation?.field;
            const g = (typeof r.data === 'object' && r.data !== null ? r.data : {}) as Record<
              string,
              unknown
            >;
            const username = typeof g.username === 'string' ? uniqueLike(t, g.username) : undefined;
            let data: unknown;
            let sender: number | undefined = s.userId;
            let regId: number | undefined;
            switch (step.kind) {
              case 'change':
              case 'valid':
              case 'delete':
              case 'get':
                data = bind(r.data, { user_id: s.userId, username }, except);
                break;
              case 'iota':
                sender = home.iotaId;
                data = bind(
                  r.data,
                  {
                    user_id: s.userId,
                    iota_id: home.iotaId,
                    reset_token: s.resetToken,
                    new_token: t.token(),
                  },
                  except,
                );
                break;
              case 'complete':
                regId = await setup('UM-REG-001', () => registerId(s.o));
                data = bind(r.data, { user_id: regId, username, reset_token: t.token() }, except);
                break;
            }
            const what = `${r.validity} ${r.type} #${i + 1} (${r.mutation ? `${r.mutation.field ?? 'data'}: ${r.mutation.how}` : 'valid'}) ${show(data)}`;
            const reply = await exchange(s.o, {
              type: r.type,
              ...(data === undefined ? {} : { data }),
              ...(sender === undefined ? {} : { sender }),
            });
            if (isError(reply)) {
              await afterError(s, reply, what, coverage);
              if (step.kind === 'complete' && regId !== undefined) {
                const byId = await read(s.o, { user_id: regId });
                const name = (data as { username?: unknown } | null | undefined)?.username;
                const byName = typeof name === 'string' ? await read(s.o, { username: name }) : null;
                // A mutated username ("\u0000", say) may belong to a user an earlier run created: a user
                // found by name is evidence only when it has this register id or this run's own name.
                const foundByName =
                  byName?.record != null && (byName.record.user_id === regId || name === username);
                if (byId.record !== null || foundByName)
                  throw new PropertyFailure(
                    'BAD-005',
                    `${what} answered the error ${reply.type}, yet a user was created`,
                    { actual: (byId.record ?? byName?.record) as unknown },
                  );
              }
              continue;
            }
            // Accepted: a lenient server may take some near-valid requests; then they must hold.
            if (step.kind === 'delete') return; // the subject is gone; nothing more to compare
            if (step.kind === 'change' || step.kind === 'valid')
              await afterSuccess(dialect, s, data as Record<string, unknown>, what, coverage);
            else if (step.kind === 'iota') {
              const d = data as { new_token?: unknown };
              const now = await mustRead(s.o, s.userId, 'UM-IOTA-001', `${what} answered success, then`);
              if (now.iota_id !== home.iotaId && now.iota_id !== s.record.iota_id)
                throw new PropertyFailure(
                  'UM-IOTA-001',
                  `${what} answered success, and iota_id reads ${show(now.iota_id)}`,
                  { expected: home.iotaId, actual: now },
                );
              if (now.iota_id === home.iotaId && typeof d.new_token === 'string') s.resetToken = d.new_token;
              s.record = now;
            }
          }
        } finally {
          await s.o.close();
        }
      },
    });
  },
  { timeoutMs: bounds.scenario(400) },
);
