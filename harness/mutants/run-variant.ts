// Run the conformance suites against ONE variant (or the unmodified reference) in this process and
// return a verdict per requirement. The vitest Node API is not re-entrant: one call at a time per process.
import { basename } from 'node:path';
import { ReferenceOmega } from '../../fixtures/reference/server.ts';
import { applyVariant, type FaultyVariant } from '../../fixtures/variants/variant.ts';
import { fixtureIdentities } from '../identity/identities.ts';
import { MUTANT_LOAD } from '../load/config.ts';
import { withLoadIdentities } from '../load/identities.ts';
import type { Dialect } from '../protocol/dialect.ts';
import type { CheckCollector, ScenarioResult } from '../run/collector.ts';
import { runSuites } from '../run/run-suites.ts';
import type { TargetDescriptor } from '../scenario/target.ts';
import type { CheckRecord } from '../verdict/checks.ts';
import { verdictsFor } from '../verdict/verdicts.ts';
import { MUTANT_REPLY_TIMEOUT_MS, MUTANT_RUNS, MUTANT_SEED, REFERENCE_NAME } from './config.ts';
import { isFailing, type RequirementOutcome, type RunResult, TIMEOUT_FAILURE } from './result.ts';
import { PROPERTY_SUITES, type SuiteFiles, suiteFiles } from './suite-files.ts';

export interface RunVariantOptions {
  readonly dialect: Dialect;
  readonly timeoutMs?: number;
  readonly seed?: number;
  readonly runs?: number;
  /**
   * Run the scripted suites on their own first (fresh target, property suites excluded), then the
   * property suites on another fresh target; verdicts are judged over both. Default: variant.propertyOnly.
   */
  readonly splitScripted?: boolean;
  /** 'scripted': the scripted suites only (property suites left out), one pass. Default 'all'. */
  readonly scope?: 'all' | 'scripted';
  readonly files?: SuiteFiles;
  /** Called as each scenario finishes. */
  readonly progress?: (scenario: ScenarioResult) => void;
}

const SUMMARY_MAX = 300;
const clip = (s: string): string => (s.length > SUMMARY_MAX ? `${s.slice(0, SUMMARY_MAX)}…` : s);

interface Pass {
  readonly collector: CheckCollector;
}

async function onePass(
  variant: FaultyVariant | undefined,
  options: RunVariantOptions,
  files: readonly string[] | undefined,
): Promise<Pass> {
  // loadOnly variants run with the load profile: one identity per load connection.
  const load = variant?.loadOnly ? MUTANT_LOAD : undefined;
  const identities = load ? withLoadIdentities(fixtureIdentities(), load.connections) : fixtureIdentities();
  const omega = await ReferenceOmega.start({
    dialect: options.dialect,
    trusted: identities,
    clockControl: true,
    behaviours: applyVariant(variant),
  });
  try {
    const target: TargetDescriptor = {
      label: `embedded reference Omega (${options.dialect}${variant ? `, faulty variant ${variant.name}` : ''})`,
      url: omega.url,
      dialect: options.dialect,
      identities,
      timeoutMs: options.timeoutMs ?? MUTANT_REPLY_TIMEOUT_MS,
      clock: { kind: 'control', url: omega.clockControlUrl! },
      runPrefix: `m${Math.random().toString(36).slice(2, 5)}`,
      seed: options.seed ?? MUTANT_SEED,
      runs: options.runs ?? MUTANT_RUNS,
      ...(load ? { load } : {}),
    };
    const progress = options.progress;
    const collector = await runSuites(target, {
      ...(files ? { files } : {}),
      ...(progress ? { progress: { scenarioDone: progress } } : {}),
    });
    return { collector };
  } finally {
    await omega.stop();
  }
}

interface Failing {
  readonly scenarios: Set<string>;
  readonly files: Set<string>;
  timeoutOnly: boolean;
}

/** Requirement id -> the scenarios (and their files) that recorded a failing check for it. */
function failingScenarios(passes: readonly Pass[]): Map<string, Failing> {
  const out = new Map<string, Failing>();
  for (const p of passes) {
    for (const s of p.collector.scenarios) {
      for (const c of s.checks) {
        if (c.outcome !== 'fail') continue;
        const e = out.get(c.requirement) ?? { scenarios: new Set(), files: new Set(), timeoutOnly: true };
        e.scenarios.add(s.name);
        e.files.add(basename(s.file));
        if (!TIMEOUT_FAILURE.test(c.message)) e.timeoutOnly = false;
        out.set(c.requirement, e);
      }
    }
  }
  return out;
}

function outcomes(dialect: Dialect, passes: readonly Pass[]): RequirementOutcome[] {
  const checks: CheckRecord[] = passes.flatMap((p) => p.collector.checks);
  const failing = failingScenarios(passes);
  return verdictsFor({ dialect, checks }).map((v) => {
    const f = isFailing(v.verdict) ? failing.get(v.id) : undefined;
    return {
      id: v.id,
      level: v.level,
      verdict: v.verdict,
      ...(v.verdict === 'passed' || v.verdict === 'not-applicable' ? {} : { summary: clip(v.summary) }),
      ...(f ? { scenarios: [...f.scenarios], files: [...f.files], timeoutOnly: f.timeoutOnly } : {}),
    };
  });
}

export async function runVariant(
  variant: FaultyVariant | undefined,
  options: RunVariantOptions,
): Promise<RunResult> {
  const t0 = performance.now();
  const files = options.files ?? suiteFiles();
  const scriptedOnly = options.scope === 'scripted';
  const split = !scriptedOnly && (options.splitScripted ?? variant?.propertyOnly === true);
  const passes: Pass[] = [];
  let scriptedFailed: string[] | undefined;
  if (split && files.properties.length > 0) {
    const scripted = files.scripted.length > 0 ? await onePass(variant, options, files.scripted) : undefined;
    if (scripted) passes.push(scripted);
    scriptedFailed = outcomes(options.dialect, passes)
      .filter((o) => isFailing(o.verdict))
      .map((o) => o.id);
    passes.push(await onePass(variant, options, files.properties));
  } else {
    passes.push(await onePass(variant, options, scriptedOnly ? files.scripted : undefined));
  }
  const requirements = outcomes(options.dialect, passes);
  if (split && scriptedFailed === undefined) {
    // No property suite exists: the one pass was the scripted scenarios alone.
    scriptedFailed = requirements.filter((o) => isFailing(o.verdict)).map((o) => o.id);
  }
  const scenarios = passes.flatMap((p) => p.collector.scenarios);
  const ran = [...new Set(scenarios.map((s) => basename(s.file)))].sort();
  const present = new Set(files.properties.map((f) => basename(f)));
  return {
    kind: 'mutant-run',
    subject: variant?.name ?? REFERENCE_NAME,
    dialect: options.dialect,
    files: ran,
    missingPropertySuites: PROPERTY_SUITES.filter((p) => !present.has(p)),
    requirements,
    ...(scriptedFailed ? { scriptedFailed } : {}),
    scenarios: {
      total: scenarios.length,
      failed: scenarios.filter((s) => s.state === 'failed').length,
    },
    errors: passes.flatMap((p) => p.collector.errors),
    durationMs: Math.round(performance.now() - t0),
  };
}
