// What a scenario holds: the target, its Omikron sessions, and the checks it records.
import { randomBytes } from 'node:crypto';
import type { Reply } from '../client/connection.ts';
import {
  ConnectError,
  ConnectionClosedError,
  HarnessError,
  ProtocolViolation,
  ReplyTimeoutError,
  TargetDownError,
} from '../client/errors.ts';
import { HandshakeError, OmikronSession, type SessionTarget } from '../client/session.ts';
import { Transcript } from '../client/transcript.ts';
import { type Clock, clockFrom } from '../clock/clock.ts';
import { isErrorType, type OperationName, operationSpec } from '../protocol/messages.ts';
import { describeIssues, replyDataSchema } from '../protocol/schemas.ts';
import { type RequirementId, requirement } from '../spec/requirements.ts';
import type { CheckRecord } from '../verdict/checks.ts';
import { assertTargetUp, markTargetDown } from './health.ts';
import type { TargetDescriptor } from './target.ts';

/** A failed check: stops the scenario (MUST level). */
export class CheckFailure extends Error {
  override name = 'CheckFailure';
}

/** A step the scenario needed (registering a user, say) did not work. */
export class SetupError extends HarnessError {
  override name = 'SetupError';
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

export const describeReply = (r: Reply): string => {
  const errorText = (r.data as { error_type?: unknown } | undefined)?.error_type;
  return `${r.type}${typeof errorText === 'string' ? ` ("${errorText}")` : ''}`;
};

let nameCounter = 0;

export class ScenarioContext {
  readonly checks: CheckRecord[] = [];
  /** Informational figures for the report (RunReport.figures, merged by key), e.g. `load`. */
  readonly figures: Record<string, unknown> = {};
  readonly transcript = new Transcript();
  readonly clock: Clock | null;
  private readonly sessions: OmikronSession[] = [];

  constructor(
    readonly target: TargetDescriptor,
    readonly scenario: string,
    readonly requirements: readonly RequirementId[],
  ) {
    this.clock = clockFrom(target.clock);
    for (const id of requirements) requirement(id); // unknown ids fail loudly
  }

  get dialect() {
    return this.target.dialect;
  }

  private get sessionTarget(): SessionTarget {
    return {
      url: this.target.url,
      dialect: this.target.dialect,
      connection: {
        timeoutMs: this.target.timeoutMs,
        transcript: this.transcript,
        ...(this.target.tls ? { tls: this.target.tls } : {}),
      },
    };
  }

  identity(index: number) {
    const id = this.target.identities[index];
    if (!id) {
      throw new HarnessError(
        `this scenario needs ${index + 1} Omikron identities; the run has ${this.target.identities.length} (add --omikron-key)`,
      );
    }
    return id;
  }

  /** An open, not yet authenticated session for identity `index`. */
  async open(index = 0): Promise<OmikronSession> {
    assertTargetUp();
    const s = await OmikronSession.open(
      this.sessionTarget,
      this.identity(index),
      `omikron-${this.identity(index).id}#${this.sessions.length + 1}`,
    );
    this.sessions.push(s);
    return s;
  }

  /** An authenticated session for identity `index` (concurrent sessions use distinct identities). */
  async omikron(index = 0): Promise<OmikronSession> {
    const s = await this.open(index);
    await s.handshake();
    return s;
  }

  /** A username no other scenario or run uses (at most 15 characters). */
  uniqueName(): string {
    nameCounter++;
    return `${this.target.runPrefix}${nameCounter.toString(36)}`.slice(0, 15);
  }

  token(): string {
    return randomBytes(24).toString('base64');
  }

  // --- recording -----------------------------------------------------------------------------

  private record(c: Omit<CheckRecord, 'scenario'>): void {
    this.checks.push({ ...c, scenario: this.scenario });
  }

  pass(req: RequirementId, message: string): void {
    requirement(req);
    if (this.checks.some((c) => c.requirement === req && c.outcome === 'pass' && c.message === message))
      return;
    this.record({ requirement: req, outcome: 'pass', message });
  }

  /** Record a failure. MUST failures stop the scenario; SHOULD failures are noted and it goes on. */
  fail(req: RequirementId, message: string, detail: { expected?: unknown; actual?: unknown } = {}): void {
    const q = requirement(req);
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
    });
    if (q.level === 'MUST') throw new CheckFailure(`${req}: ${message}`);
  }

  check(
    req: RequirementId,
    ok: boolean,
    message: string,
    detail: { expected?: unknown; actual?: unknown } = {},
  ): void {
    if (ok) this.pass(req, message);
    else this.fail(req, message, detail);
  }

  /** Compare a value read back with the one expected (deep, JSON-wise). */
  expectEqual(req: RequirementId, what: string, actual: unknown, expected: unknown): void {
    this.check(req, show(actual) === show(expected), what, { expected, actual });
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

  // --- replies ---------------------------------------------------------------------------------

  /**
   * A non-error reply of the operation's reply type whose data matches the message table.
   * A reply that reached us was matched by id, so the id was echoed (ENV-001).
   */
  expectSuccess(req: RequirementId, op: OperationName, reply: Reply, what: string): Record<string, unknown> {
    const accepted = operationSpec(op).reply[this.dialect];
    if (isErrorType(reply.type)) {
      this.fail(req, `${what}: expected ${accepted.join(' or ')}, got the error ${describeReply(reply)}`, {
        expected: accepted.join(' or '),
        actual: reply.frame,
      });
    }
    this.pass('ENV-001', 'success replies carry the request id');
    if (!accepted.includes(reply.type)) {
      const other = this.dialect === 'seed' ? 'tensamin' : 'seed';
      const otherDialect = operationSpec(op).reply[other].includes(reply.type)
        ? ` (that is the ${other} dialect's reply type)`
        : '';
      this.fail(
        req,
        `${what}: reply type "${reply.type}"${otherDialect}, expected ${accepted.join(' or ')}`,
        {
          expected: accepted.join(' or '),
          actual: reply.frame,
        },
      );
    }
    if (reply.type === 'success') {
      this.pass(req, what);
      return {};
    }
    const data = reply.data === undefined ? {} : reply.data;
    const parsed = replyDataSchema(op, this.dialect).safeParse(data);
    if (!parsed.success) {
      this.fail(
        req,
        `${what}: reply data does not match the message table: ${describeIssues(parsed.error)}`,
        {
          actual: reply.frame,
        },
      );
    }
    this.pass(req, what);
    return data as Record<string, unknown>;
  }

  /** An error reply (any error* type, recorded) carrying the request id (ENV-002). */
  expectError(req: RequirementId, reply: Reply, what: string): void {
    if (!isErrorType(reply.type)) {
      this.fail(req, `${what}: expected an error reply, got ${reply.type}`, {
        expected: 'a reply of type error*',
        actual: reply.frame,
      });
    }
    this.pass('ENV-002', 'error replies carry the request id');
    this.info('ENV-008', `${what}: ${describeReply(reply)}`);
    this.pass(req, what);
  }

  /** Whether the reply is an error, recording its type. */
  isError(reply: Reply): boolean {
    return isErrorType(reply.type);
  }

  // --- ending ------------------------------------------------------------------------------------

  /** After a scenario: every session answers a barrier and saw no stray frame (ENV-003, ENV-004). */
  async sweep(): Promise<void> {
    for (const s of this.sessions) {
      if (!s.connection.isOpen) continue;
      try {
        await s.connection.barrier();
      } catch (e) {
        // A session the scenario left refused or closing owes no pong; an authenticated open one does:
        // without it nothing proves its replies are all in, and the anomaly sweep below cannot run.
        if (!s.authenticated || e instanceof ConnectionClosedError || !s.connection.isOpen) continue;
        this.fail(
          'ENV-003',
          `after the scenario, ${s.label} did not answer the barrier ping: ${(e as Error).message}`,
        );
        continue;
      }
      for (const a of s.connection.anomalies) {
        if (a.kind === 'unsolicited')
          this.fail('ENV-003', `${s.label}: a frame carried id "${a.id}", which no request had`, {
            actual: a.frame,
          });
        if (a.kind === 'duplicate')
          this.fail('ENV-003', `${s.label}: a second reply to id "${a.id}"`, { actual: a.frame });
        if (a.kind === 'no-id')
          this.fail('ENV-003', `${s.label}: a reply without an id`, { actual: a.frame });
        if (a.kind === 'not-json')
          this.fail('ENV-004', `${s.label}: a frame that is not a JSON object with a string type`, {
            actual: a.frame,
          });
        if (a.kind === 'binary') this.fail('ENV-004', `${s.label}: a binary frame of ${a.length} bytes`);
      }
      if (s.connection.serverPings.length > 0)
        this.info('SES-008', `the server sent heartbeat pings (${s.connection.serverPings.length} seen)`);
    }
    this.pass('ENV-003', 'no reply was missing, doubled or stray');
  }

  async closeAll(): Promise<void> {
    await Promise.all(this.sessions.map((s) => s.close().catch(() => {})));
  }

  /**
   * Turn an error that ended the scenario into failed checks against its requirements, naming the cause.
   * Also decides whether the target is dead, so later scenarios end at once.
   */
  async attribute(e: unknown): Promise<void> {
    if (e instanceof CheckFailure) return;
    const err = e instanceof Error ? e : new Error(String(e));
    const reqs = new Set<RequirementId>(this.requirements);
    if (err instanceof ReplyTimeoutError) reqs.add('ENV-003');
    if (err instanceof HandshakeError) reqs.add(err.step === 'challenge_response' ? 'SES-002' : 'SES-001');
    if (err instanceof ProtocolViolation) {
      const frame = /[{[].*$/.exec(err.message)?.[0] ?? '';
      reqs.add(/"type"\s*:\s*"error/.test(frame) ? 'ENV-002' : 'ENV-001');
    }
    const message = err instanceof HarnessError ? err.message : `harness error: ${err.stack ?? err.message}`;
    for (const req of reqs) {
      this.checks.push({
        requirement: req,
        outcome: 'fail',
        message: `${this.scenario} could not complete: ${message}`,
        transcript: this.transcript.render(60),
        scenario: this.scenario,
      });
    }
    if (err instanceof TargetDownError) return;
    if (
      err instanceof ReplyTimeoutError ||
      err instanceof ConnectionClosedError ||
      err instanceof ConnectError
    ) {
      await this.probeHealth(message);
    }
  }

  /** A fresh connection and a ping, briefly bounded: no answer means the target is down. */
  private async probeHealth(cause: string): Promise<void> {
    const bound = Math.min(this.target.timeoutMs, 3000);
    try {
      const s = await OmikronSession.open(
        { ...this.sessionTarget, connection: { ...this.sessionTarget.connection, timeoutMs: bound } },
        this.identity(0),
        'health-probe',
      );
      try {
        await s.ping();
      } finally {
        await s.close();
      }
    } catch (probe) {
      markTargetDown(`${cause}; then a fresh connection got no pong: ${(probe as Error).message}`);
    }
  }
}
