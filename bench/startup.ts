// (3) Startup: from the command to the certification starting ('start' event: options, launch,
// handshake, dialect) and to the first scenario running (first 'scenario' event minus its duration:
// vitest's start and the suite's modules on top).
import { BIN, median, tempDir, timedChild } from './measure.ts';

export interface Startup {
  readonly toStartMs: number;
  readonly toFirstScenarioMs: number;
  readonly runs: { toStartMs: number; toFirstScenarioMs: number }[];
}

export async function startup(runs: number): Promise<Startup> {
  const out: { toStartMs: number; toFirstScenarioMs: number }[] = [];
  for (let i = 0; i < runs; i++) {
    let toStart = Number.NaN;
    let toFirst = Number.NaN;
    await timedChild(
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
    out.push({ toStartMs: Math.round(toStart), toFirstScenarioMs: Math.round(toFirst) });
  }
  return {
    toStartMs: median(out.map((r) => r.toStartMs)),
    toFirstScenarioMs: median(out.map((r) => r.toFirstScenarioMs)),
    runs: out,
  };
}
