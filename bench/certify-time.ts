// (1) The full default certification of the embedded reference (both dialects, property budget
// included), as a user runs it: wall time of the command, median of several runs.
import { BIN, median, tempDir, timedChild } from './measure.ts';

export interface CertifyTime {
  readonly runsMs: number[];
  readonly medianMs: number;
  /** CPU time (user + system, all threads) of each run: less at the mercy of the machine's load. */
  readonly cpuMs: number[];
  readonly medianCpuMs: number;
  readonly exitCodes: (number | null)[];
}

export async function certifyTime(runs: number): Promise<CertifyTime> {
  const runsMs: number[] = [];
  const cpuMs: number[] = [];
  const exitCodes: (number | null)[] = [];
  for (let i = 0; i < runs; i++) {
    const r = await timedChild(process.execPath, [BIN, '--quiet', '--report-dir', tempDir()], {
      boundMs: 600_000,
    });
    runsMs.push(Math.round(r.ms));
    cpuMs.push(Math.round(r.cpuMs));
    exitCodes.push(r.code);
  }
  return { runsMs, medianMs: median(runsMs), cpuMs, medianCpuMs: median(cpuMs), exitCodes };
}
