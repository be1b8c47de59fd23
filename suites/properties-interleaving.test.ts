// Interleavings: concurrent requests on several connections, released in an order fast-check's
// scheduler picks and all kept in flight, keep ids (ENV-001..006) and identification (IDN-CHG-*).
// The server may answer and apply overlapping requests in any order: the outcome is judged by
// linearizability (harness/properties/linearizability.ts), never by reply order.
import fc from 'fast-check';
import { propertyBounds } from '../harness/properties/budget.ts';
import { runInterleaving, step } from '../harness/properties/interleaving-run.ts';
import { Coverage, runProperty } from '../harness/properties/runner.ts';
import { scenario } from '../harness/scenario/scenario.ts';
import { currentTarget } from '../harness/scenario/target.ts';

const target = currentTarget();
const bounds = propertyBounds(target);
const CONNECTIONS = Math.min(3, target.identities.length);

/** What the interleaving property judges; also the scenario's requirement ids. */
const INTERLEAVED = [
  'ENV-006',
  'ENV-005',
  'ENV-001',
  'ENV-002',
  'ENV-003',
  'IDN-CHG-001',
  'IDN-CHG-002',
  'IDN-CHG-004',
  'IDN-CHG-005',
  'IDN-CHG-006',
  'UM-REG-002',
  'UM-CHG-004',
] as const;

scenario(
  INTERLEAVED,
  'property: concurrent requests on several connections, interleaved by a scheduler, keep ids and identification (linearizable)',
  async (t) => {
    if (CONNECTIONS < 2)
      t.notVerified('ENV-006', 'needs two Omikron identities; the run has one (add --omikron-key)');
    const coverage = new Coverage();
    const run = { t, coverage, connections: CONNECTIONS, flightMs: bounds.flight };
    await runProperty(t, {
      name: 'interleaved requests on several connections',
      arbitrary: fc.record({
        scheduler: fc.scheduler(),
        // Unbiased lengths: fast-check keeps early runs small, and races need long plans.
        plans: fc.array(fc.noBias(fc.array(step, { maxLength: 40, size: 'medium' })), {
          minLength: CONNECTIONS,
          maxLength: CONNECTIONS,
        }),
      }),
      fallback: 'ENV-006',
      judged: [...INTERLEAVED],
      coverage,
      predicate: ({ scheduler, plans }) => runInterleaving(run, scheduler, plans),
    });
  },
  { timeoutMs: bounds.scenario(600) },
);
