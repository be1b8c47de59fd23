// (4) The property-based suites' speed: model-based sequences per second (suites/model.test.ts) and
// requests per second the property suites send (frames the reference receives), one pass each at
// the default budget against an in-process reference. Skipped while harness/properties is absent.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { REFERENCE } from '../fixtures/reference/behaviours.ts';
import { ReferenceOmega } from '../fixtures/reference/server.ts';
import { fixtureIdentities } from '../harness/identity/identities.ts';
import { mergedFigures } from '../harness/run/collector.ts';
import { runSuites } from '../harness/run/run-suites.ts';
import { describeStop } from '../harness/run/watch.ts';
import type { TargetDescriptor } from '../harness/scenario/target.ts';
import { ROOT } from './measure.ts';

export interface SuiteSpeed {
  readonly file: string;
  readonly scenarios: number;
  /** From vitest's start to its end. */
  readonly ms: number;
  /** The scenarios' own durations, summed: the sequences' time without vitest's start. */
  readonly scenarioMs: number;
  /** runs × scenarios: the sequences (model) or cases (properties) generated. */
  readonly cases: number;
  readonly casesPerS: number;
  /** Frames the reference received (requests, announcements, handshakes, pings). */
  readonly frames: number;
  readonly framesPerS: number;
  readonly figures?: Record<string, unknown>;
}

export type PropertiesBench =
  | { readonly runs: number; readonly model?: SuiteSpeed; readonly properties?: SuiteSpeed }
  | { readonly skipped: string };

async function speedOf(files: readonly string[], runs: number): Promise<SuiteSpeed> {
  let frames = 0;
  const behaviours = {
    ...REFERENCE,
    decode: (raw: Buffer, isBinary: boolean) => {
      frames++;
      return REFERENCE.decode(raw, isBinary);
    },
  };
  const identities = fixtureIdentities();
  const omega = await ReferenceOmega.start({
    dialect: 'seed',
    trusted: identities,
    clockControl: true,
    behaviours,
  });
  try {
    const target: TargetDescriptor = {
      label: 'bench: embedded reference (seed)',
      url: omega.url,
      dialect: 'seed',
      identities,
      timeoutMs: 5000,
      clock: { kind: 'control', url: omega.clockControlUrl! },
      runPrefix: `b${Math.random().toString(36).slice(2, 5)}`,
      seed: 42,
      runs,
    };
    const t0 = performance.now();
    const c = await runSuites(target, { files: files.map((f) => join(ROOT, 'suites', f)) });
    // A stopped run measured nothing: the bench fails naming the stall (stall counts rely on it).
    if (c.stopped) throw new Error(`the property bench was stopped: ${describeStop(c.stopped)}`);
    const ms = performance.now() - t0;
    const scenarios = c.scenarios.length;
    const scenarioMs = c.scenarios.reduce((sum, s) => sum + s.durationMs, 0);
    const figures = mergedFigures(c.scenarios);
    return {
      file: files.join(', '),
      scenarios,
      ms: Math.round(ms),
      scenarioMs: Math.round(scenarioMs),
      cases: runs * scenarios,
      casesPerS: Math.round((runs * scenarios) / (scenarioMs / 1000)),
      frames,
      framesPerS: Math.round(frames / (scenarioMs / 1000)),
      ...(figures ? { figures } : {}),
    };
  } finally {
    await omega.stop();
  }
}

export async function propertiesBench(runs = 25): Promise<PropertiesBench> {
  if (!existsSync(join(ROOT, 'harness/properties')))
    return { skipped: 'harness/properties does not exist yet' };
  const present = (f: string) => existsSync(join(ROOT, 'suites', f));
  const properties = readdirSync(join(ROOT, 'suites'))
    .filter((f) => /^properties-.*\.test\.ts$/.test(f))
    .sort();
  if (!present('model.test.ts') && properties.length === 0)
    return { skipped: 'no property suite (suites/model.test.ts, suites/properties-*.test.ts) yet' };
  return {
    runs,
    ...(present('model.test.ts') ? { model: await speedOf(['model.test.ts'], runs) } : {}),
    ...(properties.length > 0 ? { properties: await speedOf(properties, runs) } : {}),
  };
}
