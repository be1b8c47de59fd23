// The load profile (--load): many Omikron connections, each with its own identity, run a realistic
// mix while announcements come and go. Checks that no reply is lost, misattributed or crossed to
// another connection, and that everything acknowledged reads back; latency goes to figures.load.
// Registered only when the run asked for it.
import { loadScenarioBoundMs } from '../harness/load/config.ts';
import { loadFigures } from '../harness/load/figures.ts';
import { LOAD_REQUIREMENTS, recordLoadChecks } from '../harness/load/judge.ts';
import { runLoad } from '../harness/load/profile.ts';
import { scenario } from '../harness/scenario/scenario.ts';
import { currentTarget } from '../harness/scenario/target.ts';

const target = currentTarget();
const size = target.load
  ? `${target.load.connections} connections × ${target.load.requests} requests`
  : 'not requested';

scenario(
  [...LOAD_REQUIREMENTS],
  `load profile (${size}): no reply lost, misattributed or crossed; everything acknowledged reads back`,
  async (t) => {
    const result = await runLoad({
      target: t.target,
      config: t.target.load!,
      uniqueName: () => t.uniqueName(),
      token: () => t.token(),
    });
    t.figures.load = loadFigures(result);
    recordLoadChecks(t, result);
  },
  { needsLoad: true, timeoutMs: loadScenarioBoundMs(target.timeoutMs) },
);
