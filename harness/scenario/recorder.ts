// Recording checks: pass, fail (MUST failures stop the scenario), info, not verified, and charging a
// cause to the requirement the cause table names, once.
import { isDeepStrictEqual } from 'node:util';
import type { Cause } from '../client/causes.ts';
import type { Transcript } from '../client/transcript.ts';
import { type RequirementId, requirement } from '../spec/requirements.ts';
import { requirementOf } from '../verdict/cause-table.ts';
import type { CheckRecord } from '../verdict/checks.ts';

/** A failed check: stops the scenario (MUST level). */
export class CheckFailure extends Error {
  override name = 'CheckFailure';
}

export const show = (v: unknown): string => {
  if (typeof v === 'string') return JSON.stringify(v);
  try {
    const s = JSON.stringify(v);
    return s === undefined ? String(v) : s.length > 300 ? `${s.slice(0, 300)}…` : s;
  } catch {
    return String(v);
  }
};

export interface CheckDetail {
  readonly expected?: unknown;
  readonly actual?: unknown;
  /** What the target did, as data; each cause given here counts as charged (the sweep skips it). */
  readonly causes?: readonly Cause[];
  /** Why the check failed, as data, recorded on it but not charged (its frames are left to the sweep). */
  readonly cause?: Cause;
}

export class Recorder {
  readonly checks: CheckRecord[] = [];
  /** Causes already charged to a requirement: the same frame is never charged twice. */
  private readonly charged = new Set<Cause>();

  constructor(
    readonly scenario: string,
    readonly transcript: Transcript,
  ) {}

  private record(c: Omit<CheckRecord, 'scenario'>): void {
    this.checks.push({ ...c, scenario: this.scenario });
  }

  pass(req: RequirementId, message: string): void {
    requirement(req);
    // A loop, not .some(): a pass is recorded after every reply (no closure per call).
    for (const c of this.checks) {
      if (c.requirement === req && c.outcome === 'pass' && c.message === message) return;
    }
    this.record({ requirement: req, outcome: 'pass', message });
  }

  /** Record a failure. MUST failures stop the scenario; SHOULD failures are noted and it goes on. */
  fail(req: RequirementId, message: string, detail: CheckDetail = {}): void {
    const q = requirement(req);
    for (const c of detail.causes ?? []) this.markCharged(c);
    const cause = detail.causes?.[0] ?? detail.cause;
    this.record({
      requirement: req,
      outcome: 'fail',
      message,
      ...(detail.expected === undefined
        ? {}
        : { expected: typeof detail.expected === 'string' ? detail.expected : show(detail.expected) }),
      ...(detail.actual === undefined
        ? {}
        : { actual: typeof detail.actual === 'string' ? detail.actual : show(detail.actual) }),
      transcript: this.transcript.render(60),
      ...(cause === undefined ? {} : { cause }),
    });
    if (q.level === 'MUST') throw new CheckFailure(`${req}: ${message}`);
  }

  check(req: RequirementId, ok: boolean, message: string, detail: CheckDetail = {}): void {
    if (ok) this.pass(req, message);
    else this.fail(req, message, detail);
  }

  /** Compare a value read back with the one expected (deep, structurally; key order does not matter). */
  expectEqual(req: RequirementId, what: string, actual: unknown, expected: unknown): void {
    this.check(req, isDeepStrictEqual(actual, expected), what, { expected, actual });
  }

  info(req: RequirementId, message: string, actual?: unknown): void {
    requirement(req);
    this.record({
      requirement: req,
      outcome: 'info',
      message,
      ...(actual === undefined ? {} : { actual: show(actual) }),
    });
  }

  notVerified(req: RequirementId, reason: string): void {
    requirement(req);
    this.record({ requirement: req, outcome: 'not-verified', message: reason });
  }

  /** A cause counts as charged with the frames it carries (the reply gone wrong, the strays seen meanwhile). */
  private markCharged(cause: Cause): void {
    this.charged.add(cause);
    if (cause.kind === 'wrong-reply') this.charged.add(cause.anomaly);
    if (cause.kind === 'timeout') for (const a of cause.strays) this.charged.add(a);
  }

  isCharged(cause: Cause): boolean {
    return this.charged.has(cause);
  }

  /**
   * Fail the requirement the cause table names for `cause` (unless already charged), with the
   * cause on the record. Returns that requirement, or null when the table names none.
   * Never throws: attribution and the sweep charge every cause they hold.
   */
  charge(cause: Cause, message: string, actual?: unknown): RequirementId | null {
    const req = requirementOf(cause);
    if (req === null || this.charged.has(cause)) return req;
    try {
      this.fail(req, message, { causes: [cause], ...(actual === undefined ? {} : { actual }) });
    } catch (e) {
      if (!(e instanceof CheckFailure)) throw e;
    }
    return req;
  }
}
