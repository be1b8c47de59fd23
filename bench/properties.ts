// (4) The property-based suites' speed: model-based sequences per second (suites/model.test.ts) and
// requests per second the property suites send (frames the reference receives), at the default
// budget against an in-process reference: the median of several passes (each a fresh reference and
// vitest run), with the CPU time of each pass. Skipped while harness/properties is absent.
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
  /** CPU time of the whole pass (every thread: vitest's start, the suites, the in-process reference). */
  readonly cpuMs: number;
  readonly figures?: Record<string, unknown>;
}

/** The median pass (by cases per second), with every pass's figure and CPU time beside it. */
export type SuiteSpeeds = SuiteSpeed & {
  readonly passes: readonly {
    readonly casesPerS: number;
    readonly framesPerS: number;
    readonly cpuMs: number;
  }[];
};

export type PropertiesBench =
  | { readonly runs: number; readonly model?: SuiteSpeeds; readonly properties?: SuiteSpeeds }
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
    const cpu0 = process.cpuUsage();
    const c = await runSuites(target, { files: files.map((f) => join(ROOT, 'suites', f)) });
    // A stopped run measured nothing: the bench fails naming the stall (stall counts rely on it).
    if (c.stopped) throw new Error(`the property bench was stopped: ${describeStop(c.stopped)}`);
    const ms = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
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
      cpuMs: Math.round((cpu.user + cpu.system) / 1000),
      ...(figures ? { figures } : {}),
    };
  } finally {
    await omega.stop();
  }
}

/** `passes` passes of the files; the median one by cases per second. */
async function speedsOf(files: readonly string[], runs: number, passes: number): Promise<SuiteSpeeds> {
  const all: SuiteSpeed[] = [];
  for (let i = 0; i < passes; i++) all.push(await speedOf(files, runs));
  const median = [...all].sort((a, b) => a.casesPerS - b.casesPerS)[Math.floor((all.length - 1) / 2)]!;
  return {
    ...median,
    passes: all.map((p) => ({ casesPerS: p.casesPerS, framesPerS: p.framesPerS, cpuMs: p.cpuMs })),
  };
}

/** Sequences of the steady-state figure: enough that the one-time costs (order probe, first compilation) fade. */
export const STEADY_SEQUENCES = 200;

/** The model's rate over STEADY_SEQUENCES sequences (what a larger --runs gets per sequence). */
export async function modelSteadyBench(passes = 1): Promise<SuiteSpeeds | undefined> {
  if (!existsSync(join(ROOT, 'suites', 'model.test.ts'))) return undefined;
  return speedsOf(['model.test.ts'], STEADY_SEQUENCES, passes);
}

export async function propertiesBench(runs = 25, passes = 1): Promise<PropertiesBench> {
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
    ...(present('model.test.ts') ? { model: await speedsOf(['model.test.ts'], runs, passes) } : {}),
    ...(properties.length > 0 ? { properties: await speedsOf(properties, runs, passes) } : {}),
  };
}
