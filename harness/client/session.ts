// An Omikron's session with the Omega: the handshake, the operations of the message table, announcements.
import { randomUUID } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import { privateKeyFromRaw, publicKeyFromRaw, decryptChallenge } from '../crypto/x448.ts';
import type { Dialect } from '../protocol/dialect.ts';
import {
  ANNOUNCEMENTS,
  type Announcement,
  isErrorType,
  type OperationName,
  operationSpec,
} from '../protocol/messages.ts';
import { Connection, type ConnectionOptions, type Envelope, type Reply } from './connection.ts';
import { frameHead } from './causes.ts';
import { HarnessError } from './errors.ts';
import type { OmikronIdentity } from '../identity/identities.ts';

export class HandshakeError extends HarnessError {
  override name = 'HandshakeError';
  constructor(
    readonly step: 'identification' | 'challenge' | 'challenge_response',
    message: string,
    readonly reply?: Reply,
    connection = '',
  ) {
    super(message, {
      kind: 'handshake',
      connection,
      step,
      ...(reply === undefined ? {} : { frame: frameHead(JSON.stringify(reply.frame)) }),
    });
  }
}

export interface SessionTarget {
  readonly url: string;
  readonly dialect: Dialect;
  readonly connection: Omit<ConnectionOptions, 'label'>;
}

export interface CallOptions {
  /** The envelope's `sender`: the principal the request acts for. */
  readonly sender?: number;
  readonly receiver?: number;
  readonly id?: string;
  readonly timeoutMs?: number;
}

export class OmikronSession {
  /** Whether the handshake succeeded: such a session must keep answering (the sweep's barrier). */
  authenticated = false;

  private constructor(
    readonly connection: Connection,
    readonly identity: OmikronIdentity,
    readonly dialect: Dialect,
  ) {}

  static async open(
    target: SessionTarget,
    identity: OmikronIdentity,
    label: string,
  ): Promise<OmikronSession> {
    const connection = await Connection.open(target.url, { ...target.connection, label });
    return new OmikronSession(connection, identity, target.dialect);
  }

  /** Open and authenticate. */
  static async connect(
    target: SessionTarget,
    identity: OmikronIdentity,
    label: string,
  ): Promise<OmikronSession> {
    const s = await OmikronSession.open(target, identity, label);
    try {
      await s.handshake();
    } catch (e) {
      await s.close();
      throw e;
    }
    return s;
  }

  get label(): string {
    return this.connection.label;
  }

  /** Step 1: identification. Returns the challenge reply as it came. */
  identify(omikronId = this.identity.id): Promise<Reply> {
    return this.connection.request({ type: 'identification', data: { omikron: omikronId } });
  }

  /** Decrypt a challenge with this identity's key and the Omega key it carries. */
  solve(challenge: Reply): string {
    const data = challenge.data as { public_key?: unknown; challenge?: unknown } | undefined;
    if (
      challenge.type !== 'challenge' ||
      typeof data?.public_key !== 'string' ||
      typeof data.challenge !== 'string'
    ) {
      throw new HandshakeError(
        'challenge',
        `${this.label}: identification answered with ${JSON.stringify(challenge.frame).slice(0, 200)}, not a challenge with data.public_key and data.challenge`,
        challenge,
        this.label,
      );
    }
    try {
      return decryptChallenge(
        data.challenge,
        privateKeyFromRaw(this.identity.privateKey),
        publicKeyFromRaw(data.public_key),
      );
    } catch (e) {
      throw new HandshakeError(
        'challenge',
        `${this.label}: cannot decrypt the challenge: ${(e as Error).message}`,
        challenge,
        this.label,
      );
    }
  }

  respond(plaintext: string, id?: string): Promise<Reply> {
    return this.connection.request({
      type: 'challenge_response',
      ...(id ? { id } : {}),
      data: { challenge: plaintext },
    });
  }

  async handshake(): Promise<void> {
    const challenge = await this.identify();
    if (isErrorType(challenge.type)) {
      throw new HandshakeError(
        'identification',
        `${this.label}: Omikron ${this.identity.id} refused at identification with ${JSON.stringify(challenge.frame).slice(0, 200)} (is it in the Omega's trusted Omikrons?)`,
        challenge,
        this.label,
      );
    }
    const plaintext = this.solve(challenge);
    // The public Omikron answers under the challenge's id; so do we.
    let answer = await this.respond(plaintext, challenge.id);
    // A server that doubles its replies: the challenge's copy, read after the answer went out under
    // its id, is no answer (a challenge never is one): a second reply, and the answer still awaited.
    if (
      challenge.id !== undefined &&
      answer.type === 'challenge' &&
      isDeepStrictEqual(answer.frame, challenge.frame)
    ) {
      answer = await this.connection.waitAgain(challenge.id, answer, 'challenge_response');
    }
    const accepted = (answer.data as { accepted?: unknown } | undefined)?.accepted;
    if (answer.type !== 'identification_response' || accepted !== true) {
      throw new HandshakeError(
        'challenge_response',
        `${this.label}: right challenge answer not accepted: ${JSON.stringify(answer.frame).slice(0, 200)}`,
        answer,
        this.label,
      );
    }
    this.authenticated = true;
  }

  /** Wire type of an operation in this session's dialect. */
  wireType(op: OperationName): string {
    const type = operationSpec(op).request[this.dialect];
    if (type === null) throw new HarnessError(`${op} does not exist in the ${this.dialect} dialect`);
    return type;
  }

  call(op: OperationName, data: Record<string, unknown>, opts?: CallOptions): Promise<Reply> {
    // The id is set here, so the request sends this envelope as it is (no copy to add one).
    const envelope = this.envelope(this.wireType(op), data, opts, opts?.id || randomUUID());
    return this.connection.request(
      envelope,
      opts?.timeoutMs === undefined ? undefined : { timeoutMs: opts.timeoutMs },
    );
  }

  envelope(
    type: string,
    data: Record<string, unknown> | undefined,
    opts?: CallOptions,
    id: string | undefined = opts?.id || undefined,
  ): Envelope {
    // Built field by field (the hot path of every call): type, id, sender, receiver, data.
    const e: { -readonly [K in keyof Envelope]: Envelope[K] } = { type };
    if (id !== undefined) e.id = id;
    if (opts?.sender !== undefined) e.sender = opts.sender;
    if (opts?.receiver !== undefined) e.receiver = opts.receiver;
    if (data !== undefined) e.data = data;
    return e;
  }

  /**
   * Announce or withdraw a principal. Returns its reply, or null when none came (announcements may
   * go unanswered; SPEC.md ANN-001). "None" is proven by a barrier on a target that keeps order, and
   * by a barrier and the settle window on one that does not (Connection.settle).
   */
  async announce(kind: Announcement, principal: number): Promise<Reply | null> {
    const field = kind.startsWith('user') ? 'user_id' : 'iota_id';
    const id = crypto.randomUUID();
    const pending = this.connection.request(
      { type: ANNOUNCEMENTS[kind], id, data: { [field]: principal } },
      { timeoutMs: 60_000 },
    );
    pending.catch(() => {});
    await this.connection.barrier();
    return this.connection.settle(id, pending);
  }

  ping(): Promise<Reply> {
    return this.connection.request({ type: 'ping', data: { last_ping: -1 } });
  }

  close(): Promise<void> {
    return this.connection.close();
  }
}
