// Model-based conformance: random command sequences over every operation, announcements,
// connections and the clock, checked against a model of the Omega's state that holds every outcome
// the seed allows (harness/properties/model/). Seed and budget: target.seed / target.runs.
import fc from 'fast-check';
import {
  type Model,
  type ModelConfig,
  modelCommands,
  type Real,
  runModel,
} from '../harness/properties/model/commands.ts';
import { SessionPool } from '../harness/properties/model/pool.ts';
import { allRanReplayPath, Coverage, parseReplay, runProperty } from '../harness/properties/runner.ts';
import { scenario } from '../harness/scenario/scenario.ts';
import { currentTarget } from '../harness/scenario/target.ts';
import { asRequirementId, type RequirementId } from '../harness/spec/requirements.ts';

const target = currentTarget();
const SLOTS = Math.min(3, target.identities.length);
const CLOCK = target.clock.kind !== 'none';
const TIMEOUT_REQUIREMENTS = ['UM-TMO-001', 'UM-TMO-002', 'UM-TMO-003'] as const;

const IDN = ['CHG', 'IOTA', 'DELU', 'DELI'].flatMap((op) =>
  ['001', '002', '003', '004', '005', '006'].map((n) => `IDN-${op}-${n}`),
);

/** What the model judges; a failure names the most specific of them. */
const JUDGED = [
  'UM-REG-004',
  'UM-REG-001',
  'UM-REG-002',
  'UM-REG-005',
  'UM-REG-006',
  'UM-REG-007',
  'UM-GET-001',
  'UM-GET-002',
  'UM-GET-003',
  'UM-CHG-001',
  'UM-CHG-002',
  'UM-CHG-003',
  'UM-CHG-004',
  'UM-IOTA-001',
  'UM-IOTA-002',
  'UM-IOTA-003',
  'UM-DEL-001',
  'UM-DEL-002',
  'UM-DEL-003',
  ...IDN,
  'ANN-001',
  'BAD-005',
  ...(CLOCK ? TIMEOUT_REQUIREMENTS : []),
];

const maxCommands = 60;

scenario(
  [
    ...(JUDGED.map(asRequirementId) as [RequirementId, ...RequirementId[]]),
    ...(CLOCK ? [] : TIMEOUT_REQUIREMENTS),
    'UM-REG-008',
    'UM-REG-009',
    'UM-TMO-004',
  ],
  'model: random command sequences over every operation, announcements, connections and the clock',
  async (t) => {
    if (!CLOCK) {
      const reason = target.clock.kind === 'none' ? target.clock.reason : 'no clock control';
      for (const id of TIMEOUT_REQUIREMENTS)
        t.notVerified(id, `model: the one-hour timeout is not exercised without clock control (${reason})`);
    }
    const coverage = new Coverage();
    // Connections kept from one sequence to the next where that changes nothing the model sees.
    const pool = new SessionPool(t, SLOTS);
    const cfg: ModelConfig = {
      t,
      dialect: target.dialect,
      slots: SLOTS,
      clock: CLOCK,
      coverage,
      noted: new Set(),
      pool,
    };
    const replayPath = parseReplay(target.replay) ? allRanReplayPath() : undefined;
    try {
      await runProperty(t, {
        name: 'the Omega behaves like the model',
        arbitrary: fc.commands(modelCommands(target.dialect, CLOCK), {
          maxCommands,
          size: 'medium',
          disableReplayLog: true,
          ...(replayPath === undefined ? {} : { replayPath }),
        }) as fc.Arbitrary<Iterable<fc.AsyncCommand<Model, Real>>>,
        fallback: 'UM-REG-004',
        judged: JUDGED,
        coverage,
        predicate: (cmds) => runModel(cfg, cmds),
        onFailure: () => pool.disable('a sequence failed'),
      });
    } finally {
      await pool.disable('the property ended');
    }
  },
  { timeoutMs: Math.max(120_000, 60_000 + target.runs * 3000 + 40 * target.timeoutMs) },
);
