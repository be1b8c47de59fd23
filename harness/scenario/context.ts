// What a scenario holds: the target, its Omikron sessions, and the checks it records. The jobs live
// beside it: recording (recorder.ts), reply checks (reply-checks.ts), error attribution and the
// sweep (attribution.ts), the target's health (health.ts); the `t.` API suites use is kept here.
import { randomBytes } from 'node:crypto';
import type { Reply } from '../client/connection.ts';
import { HarnessError } from '../client/errors.ts';
import {
  describeOrder,
  OrderKnowledge,
  orderKnowledge,
  probeOrder,
  type ServerOrder,
} from '../client/order.ts';
import { OmikronSession, type SessionTarget } from '../client/session.ts';
import { Transcript } from '../client/transcript.ts';
import { type Clock, clockFrom } from '../clock/clock.ts';
import { isErrorType, type OperationName } from '../protocol/messages.ts';
import { type RequirementId, requirement } from '../spec/requirements.ts';
import { attribute, sweep } from './attribution.ts';
import { assertTargetUp, probeHealth } from './health.ts';
import { CheckFailure, Recorder } from './recorder.ts';
import { describeReply, expectError, expectSuccess } from './reply-checks.ts';
import type { TargetDescriptor } from './target.ts';

export { CheckFailure, show } from './recorder.ts';
export { describeReply };

/** A step the scenario needed (registering a user, say) did not work. */
export class SetupError extends HarnessError {
  override name = 'SetupError';
  constructor(message: string) {
    super(message, { kind: 'setup', step: message });
  }
}

let nameCounter = 0;

/** An id no get_register hands out in a run (the probe reads it; nothing is written). */
const PROBE_USER_ID = 2 ** 50 + 7;

export class ScenarioContext extends Recorder {
  /** Informational figures for the report (RunReport.figures, merged by key), e.g. `load`, `order`. */
  readonly figures: Record<string, unknown> = {};
  override readonly transcript: Transcript;
  readonly clock: Clock | null;
  private readonly sessions: OmikronSession[] = [];
  private readonly order: OrderKnowledge;

  constructor(
    readonly target: TargetDescriptor,
    scenario: string,
    readonly requirements: readonly RequirementId[],
  ) {
    const transcript = new Transcript();
    super(scenario, transcript);
    this.transcript = transcript;
    this.clock = clockFrom(target.clock);
    this.order = orderKnowledge(target.url);
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
        order: this.order,
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

  /** Sessions being opened: sessions opened at the same time get numbers of their own. */
  private opening = 0;

  /** An open, not yet authenticated session for identity `index`. */
  async open(index = 0): Promise<OmikronSession> {
    assertTargetUp();
    const label = `omikron-${this.identity(index).id}#${this.sessions.length + this.opening + 1}`;
    this.opening++;
    try {
      const s = await OmikronSession.open(this.sessionTarget, this.identity(index), label);
      this.sessions.push(s);
      return s;
    } finally {
      this.opening--;
    }
  }

  /** An authenticated session for identity `index` (concurrent sessions use distinct identities). */
  async omikron(index = 0): Promise<OmikronSession> {
    await this.serverOrder();
    const s = await this.open(index);
    await s.handshake();
    return s;
  }

  /**
   * Whether the target keeps one connection's order, probed once per run on a connection of its own
   * (recorded under ENV-007 and as figures.order by the scenario that probed).
   */
  async serverOrder(): Promise<ServerOrder | undefined> {
    if (this.order.value) return this.order.value;
    if (this.order.probing) return this.order.probing;
    assertTargetUp();
    this.order.probing = (async (): Promise<ServerOrder> => {
      let s: OmikronSession | undefined;
      try {
        s = await OmikronSession.connect(
          {
            ...this.sessionTarget,
            connection: { ...this.sessionTarget.connection, order: new OrderKnowledge() },
          },
          this.identity(0),
          'order-probe',
        );
        return await probeOrder(s.connection, PROBE_USER_ID);
      } catch (e) {
        // No probe, no claim: the old assumption (in order) stands, and the report says so.
        return {
          inOrder: true,
          settleMs: 0,
          requests: 0,
          overtaken: 0,
          maxLagMs: 0,
          failure: (e as Error).message,
        };
      } finally {
        await s?.close();
      }
    })();
    const found = await this.order.probing;
    this.order.value = found;
    this.figures.order = { ...found };
    this.info('ENV-007', `order probe: ${describeOrder(found)}`);
    return found;
  }

  /** A username no other scenario or run uses (at most 15 characters). */
  uniqueName(): string {
    nameCounter++;
    return `${this.target.runPrefix}${nameCounter.toString(36)}`.slice(0, 15);
  }

  token(): string {
    return randomBytes(24).toString('base64');
  }

  // --- replies (reply-checks.ts) -----------------------------------------------------------------

  expectSuccess(req: RequirementId, op: OperationName, reply: Reply, what: string): Record<string, unknown> {
    return expectSuccess(this, this.dialect, req, op, reply, what);
  }

  expectError(req: RequirementId, reply: Reply, what: string): void {
    expectError(this, req, reply, what);
  }

  /** Whether the reply is an error. */
  isError(reply: Reply): boolean {
    return isErrorType(reply.type);
  }

  // --- ending (attribution.ts, health.ts) ----------------------------------------------------------

  /** After a scenario: every session answers a barrier, and every frame no check charged is charged. */
  sweep(): Promise<void> {
    return sweep(this, this.sessions);
  }

  async closeAll(): Promise<void> {
    await Promise.all(this.sessions.map((s) => s.close().catch(() => {})));
  }

  /**
   * Turn an error that ended the scenario into checks through the cause table, naming the cause.
   * Also decides whether the target is dead, so later scenarios end at once.
   */
  async attribute(e: unknown): Promise<void> {
    if (e instanceof CheckFailure) return;
    const cause = attribute(this, this.requirements, e);
    if (cause.kind === 'timeout' || cause.kind === 'closed' || cause.kind === 'connect-failed') {
      await probeHealth(this.sessionTarget, this.identity(0), (e as Error).message);
    }
  }
}
