// One target's side of a differential sequence: its scenario context, what each step sent and got
// back (raw and normalised), the model's verdict at the step, and the state read back after it.
import type { OmikronSession } from '../client/session.ts';
import type { TranscriptEntry } from '../client/transcript.ts';
import { isErrorType } from '../protocol/messages.ts';
import { isInfrastructure, requirementOfRequestError } from '../properties/causes.ts';
import type { ScenarioContext } from '../scenario/context.ts';
import type { StepOutcome } from './model-adapter.ts';
import { frameId, frameType, HANDSHAKE_TYPES, normalizeFrame, Renamer } from './normalize.ts';

/** A model failure as data: the requirement it breaks and why. */
export interface Judgement {
  readonly requirement: string;
  readonly message: string;
}

/** One request and its reply as compared (normalised), or a frame nobody asked for (request null). */
export interface Exchange {
  readonly connection: string;
  readonly request: string | null;
  readonly reply: string | null;
  /** The reply's type: compared apart from its data. */
  readonly replyType: string | null;
}

/** An exchange in one line, for messages and reports. */
export const exchangeLine = (x: Exchange): string =>
  x.request === null
    ? `${x.connection} unasked: ${x.reply}`
    : `${x.connection} ${x.request} → ${x.reply ?? 'no reply'}`;

export interface SideStep {
  readonly command: string;
  /** Frames of the step as sent and received (`->`/`<-`, connection label, text). */
  readonly frames: readonly string[];
  /** Each request with its reply (none: no reply), normalised; then frames nobody asked for. */
  readonly exchanges: readonly Exchange[];
  /** get_user_data of the ids the step touched, read back on a connection of its own, normalised. */
  readonly state: readonly string[];
  readonly judgement: Judgement | null;
  /** Informational observations the model recorded at this step (requirement: message). */
  readonly notes: readonly Judgement[];
}

const READ_BACK_MAX = 40;

function judgementOf(failure: unknown): Judgement | null {
  if (failure === null || failure === undefined) return null;
  const e = failure as { requirement?: unknown; message?: unknown };
  return {
    requirement: typeof e.requirement === 'string' ? e.requirement : 'harness',
    message: String(e.message ?? failure).split('\nsteps (last')[0]!,
  };
}

export class Side {
  readonly renamer = new Renamer();
  readonly steps: SideStep[] = [];
  private reader: OmikronSession | null = null;
  private mark: TranscriptEntry | undefined;
  private checksSeen = 0;
  private issued: readonly number[] = [];

  constructor(
    readonly t: ScenarioContext,
    /** The identity slot of the read-back connection (one the model does not use). */
    private readonly readerSlot: number,
  ) {}

  beginStep(): void {
    this.mark = this.t.transcript.entries.at(-1);
    this.checksSeen = this.t.checks.length;
  }

  private stepEntries(): TranscriptEntry[] {
    const all = this.t.transcript.entries;
    const from = this.mark === undefined ? 0 : all.lastIndexOf(this.mark) + 1;
    return all.slice(from).filter((e) => e.kind === 'text' && (e.dir === 'out' || e.dir === 'in'));
  }

  /** The requests of the entries with their replies, in the order sent; frames nobody asked for last. */
  private exchanges(entries: readonly TranscriptEntry[]): Exchange[] {
    const replies = new Map<string, TranscriptEntry>();
    const unasked: TranscriptEntry[] = [];
    const sent = new Set<string>();
    for (const e of entries) {
      const id = frameId(e.head);
      if (e.dir === 'out' && id !== null) sent.add(`${e.connection} ${id}`);
    }
    for (const e of entries) {
      if (e.dir !== 'in') continue;
      const id = frameId(e.head);
      const key = `${e.connection} ${id}`;
      if (id !== null && sent.has(key) && !replies.has(key)) replies.set(key, e);
      else if (frameType(e.head) !== 'ping') unasked.push(e);
    }
    const out: Exchange[] = [];
    for (const e of entries) {
      const type = frameType(e.head);
      if (e.dir !== 'out' || HANDSHAKE_TYPES.has(type ?? '') || type === 'pong') continue;
      const id = frameId(e.head);
      const reply = id === null ? undefined : replies.get(`${e.connection} ${id}`);
      out.push({
        connection: e.connection,
        request: normalizeFrame(e.head, this.renamer),
        reply: reply ? normalizeFrame(reply.head, this.renamer) : null,
        replyType: reply ? frameType(reply.head) : null,
      });
    }
    for (const e of unasked)
      if (!HANDSHAKE_TYPES.has(frameType(e.head) ?? ''))
        out.push({
          connection: e.connection,
          request: null,
          reply: normalizeFrame(e.head, this.renamer),
          replyType: frameType(e.head),
        });
    return out;
  }

  private async reading(): Promise<OmikronSession> {
    this.reader ??= await this.t.omikron(this.readerSlot);
    return this.reader;
  }

  /** get_user_data by user_id for each id, normalised with this side's names. */
  async readBack(ids: readonly number[]): Promise<string[]> {
    const o = await this.reading();
    const out: string[] = [];
    for (const id of ids.slice(0, READ_BACK_MAX)) {
      const reply = await o.call('getUser', { user_id: id });
      const name = this.renamer.id(id);
      out.push(
        isErrorType(reply.type)
          ? `${name}: ${reply.type}`
          : `${name}: ${normalizeFrame(JSON.stringify({ type: reply.type, data: reply.data }), this.renamer)}`,
      );
    }
    return out;
  }

  async endStep(command: string, outcome: StepOutcome): Promise<SideStep> {
    const entries = this.stepEntries().filter(
      (e) => this.reader === null || e.connection !== this.reader.label,
    );
    this.issued = outcome.issued;
    const exchanges = this.exchanges(entries);
    // The ids the step's frames name, among those the target issued: their records, read back.
    const text = entries.map((e) => e.head).join('\n');
    const touched = this.issued.filter((id) => new RegExp(`[:,\\[]\\s*${id}\\b`).test(text));
    let state: string[] = [];
    let readFailure: Judgement | null = null;
    if (touched.length > 0)
      try {
        state = await this.readBack(touched);
      } catch (e) {
        readFailure = this.readBackFailure(e);
        state = [`read back failed: ${readFailure.message}`];
      }
    const notes = this.t.checks
      .slice(this.checksSeen)
      .filter((c) => c.outcome === 'info')
      .map((c) => ({ requirement: c.requirement, message: c.message }));
    const step: SideStep = {
      command,
      frames: entries.map((e) => `${e.dir === 'out' ? '->' : '<-'} ${e.connection} ${e.head}`),
      exchanges,
      state,
      judgement: judgementOf(outcome.failure) ?? readFailure,
      notes,
    };
    this.steps.push(step);
    return step;
  }

  /**
   * A read-back that failed on the target's account (no reply with its id, a closed connection): a
   * judgement of the requirement it breaks, so the other side's run goes on and the difference
   * shows at this step. Anything else (the target cannot be reached, a harness fault) ends the run.
   */
  private readBackFailure(e: unknown): Judgement {
    if (isInfrastructure(e)) throw e;
    const req = requirementOfRequestError(e);
    if (req === null) throw e;
    // The reader may be unusable now: the next read-back opens a fresh one.
    const reader = this.reader;
    this.reader = null;
    void reader?.close().catch(() => {});
    return { requirement: req, message: `reading the state back: ${(e as Error).message}` };
  }

  /** Every id issued in the sequence, read back at its end; a failure on the target's account as a judgement. */
  async finalState(): Promise<{ readonly state: string[]; readonly failure: Judgement | null }> {
    try {
      return { state: await this.readBack(this.issued), failure: null };
    } catch (e) {
      const failure = this.readBackFailure(e);
      return { state: [`read back failed: ${failure.message}`], failure };
    }
  }

  async close(): Promise<void> {
    await this.reader?.close().catch(() => {});
    this.reader = null;
  }
}
