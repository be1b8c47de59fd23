// (3) Startup: from the command to the certification starting ('start' event: options, launch,
// handshake, dialect) and to the first scenario running (first 'scenario' event minus its duration:
// vitest's start and the suite's modules on top).
import { BIN, median, tempDir, timedChild } from './measure.ts';

export interface Startup {
  readonly toStartMs: number;
  readonly toFirstScenarioMs: number;
  /** CPU time (user + system) of the whole run, median: less at the mercy of the machine's load. */
  readonly cpuMs: number;
  readonly runs: { toStartMs: number; toFirstScenarioMs: number; cpuMs: number }[];
}

export async function startup(runs: number): Promise<Startup> {
  const out: { toStartMs: number; toFirstScenarioMs: number; cpuMs: number }[] = [];
  for (let i = 0; i < runs; i++) {
    let toStart = Number.NaN;
    let toFirst = Number.NaN;
    const r = await timedChild(
      process.execPath,
      [BIN, '--json-lines', '--dialect', 'seed', '--only', 'UM-REG-001', '--report-dir', tempDir()],
      {
        boundMs: 120_000,
        onLine: (line, ms) => {
          let e: { event?: string; durationMs?: number };
          try {
            e = JSON.parse(line) as typeof e;
          } catch {
            return;
          }
          if (e.event === 'start' && Number.isNaN(toStart)) toStart = ms;
          if (e.event === 'scenario' && Number.isNaN(toFirst)) toFirst = ms - (e.durationMs ?? 0);
        },
      },
    );
    out.push({ toStartMs: Math.round(toStart), toFirstScenarioMs: Math.round(toFirst), cpuMs: r.cpuMs });
  }
  return {
    toStartMs: median(out.map((r) => r.toStartMs)),
    toFirstScenarioMs: median(out.map((r) => r.toFirstScenarioMs)),
    cpuMs: median(out.map((r) => r.cpuMs)),
    runs: out,
  };
}
