// Checks as a trace yields them, aggregated per requirement so a proxy running for days stays bounded:
// counts, the first few failures and inconclusive cases with their evidence, the recorded observations.
import type { CheckRecord } from '../../verdict/checks.ts';

export type TraceOutcome = 'pass' | 'fail' | 'inconclusive' | 'info';

export interface Observation {
  readonly requirement: string;
  readonly outcome: TraceOutcome;
  readonly message: string;
  readonly expected?: string;
  readonly actual?: string;
  /** Where in the trace: connection and time. */
  readonly where: string;
  /** The connection's latest frames, for failures. */
  readonly evidence?: () => string;
}

const KEEP = 5;

interface Tally {
  pass: number;
  fail: number;
  inconclusive: number;
  firstPass?: Observation;
  fails: CheckRecord[];
  inconclusives: CheckRecord[];
  infos: Map<string, number>;
}

export class CheckSink {
  private readonly byReq = new Map<string, Tally>();

  record(o: Observation): void {
    let t = this.byReq.get(o.requirement);
    if (!t) {
      t = { pass: 0, fail: 0, inconclusive: 0, fails: [], inconclusives: [], infos: new Map() };
      this.byReq.set(o.requirement, t);
    }
    if (o.outcome === 'pass') {
      t.pass++;
      t.firstPass ??= o;
    } else if (o.outcome === 'fail') {
      t.fail++;
      if (t.fails.length < KEEP) t.fails.push(toCheck(o, true));
    } else if (o.outcome === 'inconclusive') {
      t.inconclusive++;
      if (t.inconclusives.length < KEEP) t.inconclusives.push(toCheck(o, false));
    } else if (t.infos.size < 20 || t.infos.has(o.message)) {
      t.infos.set(o.message, (t.infos.get(o.message) ?? 0) + 1);
    }
  }

  /** Counts a pass when the requirement has one already (true); false: record it in full. */
  countPass(requirement: string): boolean {
    const t = this.byReq.get(requirement);
    if (!t?.firstPass) return false;
    t.pass++;
    return true;
  }

  failures(requirement: string): number {
    return this.byReq.get(requirement)?.fail ?? 0;
  }

  counts(): Record<string, { pass: number; fail: number; inconclusive: number }> {
    return Object.fromEntries(
      [...this.byReq].map(([id, t]) => [id, { pass: t.pass, fail: t.fail, inconclusive: t.inconclusive }]),
    );
  }

  /** CheckRecords for the verdict model: failures first, then one line per kind of observation. */
  checks(): CheckRecord[] {
    const out: CheckRecord[] = [];
    for (const [id, t] of this.byReq) {
      out.push(...t.fails);
      if (t.fail > t.fails.length)
        out.push({ ...t.fails[0]!, message: `${t.fail - t.fails.length} more failure(s) like these` });
      if (t.pass > 0 && t.firstPass)
        out.push({
          requirement: id,
          outcome: 'pass',
          message: `${t.pass} observation(s) in the trace conform, e.g. ${t.firstPass.message}`,
          scenario: `trace ${t.firstPass.where}`,
        });
      for (const c of t.inconclusives) out.push(c);
      if (t.inconclusive > t.inconclusives.length)
        out.push({
          ...t.inconclusives[0]!,
          message: `${t.inconclusive - t.inconclusives.length} more inconclusive observation(s)`,
        });
      for (const [message, n] of t.infos)
        out.push({
          requirement: id,
          outcome: 'info',
          message: n > 1 ? `${message} (${n}×)` : message,
          scenario: 'trace',
        });
    }
    return out;
  }
}

function toCheck(o: Observation, withEvidence: boolean): CheckRecord {
  return {
    requirement: o.requirement,
    outcome: o.outcome === 'inconclusive' ? 'inconclusive' : (o.outcome as 'fail'),
    message: o.message,
    ...(o.expected !== undefined ? { expected: o.expected } : {}),
    ...(o.actual !== undefined ? { actual: o.actual } : {}),
    scenario: `trace ${o.where}`,
    ...(withEvidence && o.evidence ? { transcript: o.evidence() } : {}),
  };
}
