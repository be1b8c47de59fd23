// Property (a): every generated request, valid or near-valid, gets exactly one reply carrying its
// id (ENV-001..004, BAD-004..006). Requests are generated from the message table
// (harness/properties/arbitraries.ts); every run has its own connection and its own fresh user.
// Seed and budget: target.seed / target.runs; target.replay replays one case.
import fc from 'fast-check';
import type { Envelope } from '../harness/client/connection.ts';
import {
  anyNearValidRequest,
  anyValidRequest,
  arbitraryFor,
  type EnvelopeMutation,
  envelopeMutation,
  type GeneratedRequest,
  requestId,
} from '../harness/properties/arbitraries.ts';
import { isUuid, PING, propertyBounds } from '../harness/properties/budget.ts';
import { mustRefuse } from '../harness/properties/refusals.ts';
import { Coverage, runProperty } from '../harness/properties/runner.ts';
import {
  type InFlight,
  idProblems,
  type Problem,
  sendInFlight,
  settle,
  throwFirst,
} from '../harness/properties/flights.ts';
import { bind, freshUser, uniqueLike } from '../harness/properties/steps.ts';
import { field } from '../harness/protocol/fields.ts';
import { isErrorType } from '../harness/protocol/messages.ts';
import { show } from '../harness/scenario/context.ts';
import { scenario } from '../harness/scenario/scenario.ts';
import { currentTarget } from '../harness/scenario/target.ts';

const target = currentTarget();
const dialect = target.dialect;
const bounds = propertyBounds(target);

// --- (a) every request gets exactly one reply carrying its id --------------------------------------

interface EnvItem {
  readonly req: GeneratedRequest | 'ping';
  readonly id: string;
  readonly sender: 'none' | 'self' | number;
  /** Point the request's ids and token at the run's own user, so guarded operations can succeed. */
  readonly bindToUser: boolean;
  readonly envelope: EnvelopeMutation | null;
}

const envItem: fc.Arbitrary<EnvItem> = fc.record({
  req: fc.oneof(
    { weight: 4, arbitrary: anyValidRequest(dialect) },
    { weight: 4, arbitrary: anyNearValidRequest(dialect) },
    { weight: 1, arbitrary: fc.constant('ping' as const) },
  ),
  id: requestId,
  sender: fc.oneof(
    fc.constant('none' as const),
    fc.constant('self' as const),
    arbitraryFor(field.id()) as fc.Arbitrary<number>,
  ),
  bindToUser: fc.boolean(),
  // One request in six has its envelope broken (unknown type, sender not an integer id).
  envelope: fc.oneof(
    { weight: 5, arbitrary: fc.constant(null) },
    { weight: 1, arbitrary: envelopeMutation(dialect) },
  ),
});

scenario(
  ['ENV-003', 'ENV-001', 'ENV-002', 'ENV-004', 'BAD-004', 'BAD-005', 'BAD-006'],
  'property: every generated request, valid or near-valid, gets exactly one reply carrying its id',
  async (t) => {
    const coverage = new Coverage();
    await runProperty(t, {
      name: 'exactly one reply per request, carrying its id',
      arbitrary: fc.noBias(fc.array(envItem, { minLength: 1, maxLength: 40, size: 'medium' })),
      fallback: 'ENV-003',
      judged: ['ENV-001', 'ENV-002', 'ENV-003', 'ENV-004', 'BAD-004', 'BAD-005', 'BAD-006'],
      coverage,
      predicate: async (items) => {
        const o = await t.omikron(0);
        try {
          const u = await freshUser(t, o);
          await o.announce('userConnected', u.userId);
          const ids = new Set<string>();
          const sent: { item: EnvItem; flight: InFlight; sender: unknown }[] = [];
          items.forEach((item, i) => {
            const id = ids.has(item.id) ? `${item.id}#${i}` : item.id;
            ids.add(id);
            let type: string;
            let data: unknown;
            let label: string;
            if (item.req === 'ping') {
              type = PING.type;
              data = PING.data;
              label = `ping #${i}`;
            } else {
              const r = item.req;
              type = r.type;
              const generatedName = (r.data as { username?: unknown } | null | undefined)?.username;
              data = item.bindToUser
                ? bind(
                    r.data,
                    {
                      user_id: u.userId,
                      iota_id: u.iotaId,
                      reset_token: u.resetToken,
                      new_token: t.token(),
                      username:
                        r.op === 'getUser'
                          ? u.username
                          : typeof generatedName === 'string'
                            ? uniqueLike(t, generatedName)
                            : undefined,
                    },
                    r.mutation?.field,
                  )
                : r.data;
              label = `${r.validity} ${type} #${i}${r.mutation ? ` (${r.mutation.field ?? 'data'}: ${r.mutation.how})` : ''}`;
            }
            const sender =
              item.sender === 'none' ? undefined : item.sender === 'self' ? u.userId : item.sender;
            const envelope: Record<string, unknown> = {
              type: item.envelope?.type ?? type,
              id,
              ...(sender === undefined ? {} : { sender }),
              ...(data === undefined ? {} : { data }),
            };
            if (item.envelope && 'sender' in item.envelope) envelope.sender = item.envelope.sender;
            if (item.envelope) label += ` with ${item.envelope.how}`;
            const specific =
              item.envelope?.type !== undefined ? 'BAD-004' : isUuid(id) ? undefined : 'BAD-006';
            const flight = sendInFlight(
              o,
              envelope as unknown as Envelope & { id: string },
              label,
              bounds.flight,
              {
                ...(specific === undefined ? {} : { specific }),
              },
            );
            sent.push({ item, flight, sender: envelope.sender });
          });
          await settle(
            o,
            sent.map((s) => s.flight),
          );
          const problems: Problem[] = idProblems(
            o,
            sent.map((s) => s.flight),
          );
          // A server that rewrote a non-UUID id shows as a reply with an unknown id and a missing one.
          if (o.connection.anomalies.some((a) => a.kind === 'unsolicited')) {
            for (const p of problems) if (p.req === 'BAD-006') Object.assign(p, { rank: 0 });
          }
          for (const { item, flight, sender } of sent) {
            const reply = flight.reply;
            if (reply === undefined) continue;
            coverage.hit(isErrorType(reply.type) ? 'ENV-002' : 'ENV-001');
            if (!isUuid(flight.id)) coverage.hit('BAD-006');
            if (item.envelope?.type !== undefined) {
              coverage.hit('BAD-004');
              if (!isErrorType(reply.type))
                problems.push({
                  req: 'BAD-004',
                  rank: 1,
                  text: `${flight.label} was answered ${reply.type}, not an error reply`,
                });
            } else if (item.req !== 'ping' && item.envelope === null && mustRefuse(item.req, sender)) {
              coverage.hit('BAD-005');
              if (!isErrorType(reply.type))
                problems.push({
                  req: 'BAD-005',
                  rank: 1,
                  text: `${flight.label}, data ${show(item.req.data)}, was answered ${reply.type}, not an error reply`,
                });
            }
          }
          throwFirst(problems, `${items.length} requests sent in flight on one connection`);
          coverage.hit('ENV-003');
          coverage.hit('ENV-004');
        } finally {
          await o.close();
        }
      },
    });
  },
  { timeoutMs: bounds.scenario(400) },
);
