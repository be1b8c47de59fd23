// Handshake order (SES-*), announcements (ANN-*) and the identification checks (IDN-*), from the wire.
import { decryptChallenge, privateKeyFromRaw, publicKeyFromRaw } from '../../crypto/x448.ts';
import type { OmikronIdentity } from '../../identity/identities.ts';
import type { CheckContext, Conn, Reply, Req, Rules } from './types.ts';
import { principalOf } from './types.ts';
import type { Op } from './wire.ts';

const GUARDED: Partial<Record<Op, { key: string; kind: 'user' | 'iota'; field: 'user_id' | 'iota_id' }>> = {
  changeUser: { key: 'CHG', kind: 'user', field: 'user_id' },
  changeIota: { key: 'IOTA', kind: 'iota', field: 'iota_id' },
  deleteUser: { key: 'DELU', kind: 'user', field: 'user_id' },
  deleteIota: { key: 'DELI', kind: 'iota', field: 'iota_id' },
};

const ANNOUNCE: Partial<Record<Op, { kind: 'user' | 'iota'; on: boolean }>> = {
  userConnected: { kind: 'user', on: true },
  userDisconnected: { kind: 'user', on: false },
  iotaConnected: { kind: 'iota', on: true },
  iotaDisconnected: { kind: 'iota', on: false },
};

const CONDITION_TEXT: Record<string, string> = {
  '001': 'was never announced on this connection nor on any traced one',
  '002': 'was announced on this connection and then withdrawn',
  '003': 'was announced only on a connection that has since closed',
  '004': 'is announced on another connection only',
  '005': 'is announced here, but sender names someone else',
  '006': 'is announced on this connection, with sender the principal',
};

interface GuardNote {
  readonly key: string;
  readonly principal: string;
  readonly condition: string | 'unknown';
  readonly senderOk: boolean;
}

export interface Existence {
  exists(principal: string): boolean;
  markExists(principal: string): void;
}

export class SessionRules implements Rules {
  private readonly keys = new Map<number, string>();
  existence?: Existence;

  constructor(identities: readonly OmikronIdentity[]) {
    for (const i of identities) this.keys.set(i.id, i.privateKey);
  }

  onRequest(req: Req, ctx: CheckContext): void {
    const c = req.conn;
    const d = req.data;
    if (req.op === 'identification') {
      if (typeof d.omikron === 'number') c.omikron = d.omikron;
      c.handshake = 'none';
      c.expectedAnswer = undefined;
      return;
    }
    if (req.op === 'challengeResponse') {
      if (c.handshake === 'challenged' || c.handshake === 'none') c.handshake = 'answered';
      if (c.expectedAnswer !== undefined) c.answerRight = d.challenge === c.expectedAnswer;
      return;
    }
    const ann = ANNOUNCE[req.op];
    if (ann) {
      const p = principalOf(ann.kind, d[`${ann.kind}_id`]);
      if (!p) return;
      req.notes.principal = p;
      req.notes.exists = this.existence?.exists(p) ?? false;
      if (!req.beforeAuth && !req.afterRefusal) c.announced.set(p, ann.on ? 'on' : 'off');
      return;
    }
    const g = GUARDED[req.op];
    if (!g) return;
    const p = principalOf(g.kind, d[g.field]);
    if (!p) return;
    const here = c.announced.get(p);
    const senderOk = req.sender === d[g.field];
    let condition: string;
    if (here === 'on') condition = senderOk ? '006' : '005';
    else if (here === 'off') condition = '002';
    else if (!c.openSeen) condition = 'unknown';
    else {
      let live = false;
      let closed = false;
      for (const o of ctx.conns.values()) {
        if (o === c || o.announced.get(p) !== 'on') continue;
        if (o.closed) closed = true;
        else live = true;
      }
      condition = live ? '004' : closed ? '003' : '001';
    }
    req.notes.guard = { key: g.key, principal: p, condition, senderOk } satisfies GuardNote;
  }

  onReply(req: Req, reply: Reply, ctx: CheckContext): void {
    const c = req.conn;
    const where = { conn: c, at: reply.at };
    switch (req.op) {
      case 'identification':
        return this.challenge(req, reply, ctx);
      case 'challengeResponse':
        return this.accepted(req, reply, ctx);
      case 'ping': {
        const id = req.beforeAuth ? 'SES-006' : 'SES-007';
        if (req.afterRefusal) return;
        ctx.observe(
          id,
          reply.type === 'pong' ? 'pass' : 'fail',
          `ping ${req.beforeAuth ? 'before' : 'after'} authentication got ${reply.type}`,
          where,
          { expected: 'pong with its id', actual: reply.type },
        );
        return;
      }
      default:
    }
    if (req.beforeAuth) {
      ctx.observe(
        'SES-005',
        reply.error ? 'pass' : 'fail',
        `${req.type} sent before the handshake got ${reply.type}`,
        where,
        { expected: 'an error reply (or a close); not served' },
      );
      return;
    }
    if (req.afterRefusal) {
      const why =
        req.afterRefusal === 'SES-003'
          ? 'the challenge answer was refused'
          : 'the identification was refused';
      ctx.observe(
        req.afterRefusal,
        reply.error ? 'pass' : 'fail',
        `${req.type} sent after ${why} got ${reply.type}`,
        where,
        { expected: 'an error reply (or a close): nothing further is served' },
      );
      return;
    }
    if (ANNOUNCE[req.op]) return this.announcement(req, reply, ctx);
    const g = req.notes.guard as GuardNote | undefined;
    if (g) this.guarded(req, reply, g, ctx);
  }

  onClose(c: Conn, at: number, by: string | undefined, code: number | undefined, ctx: CheckContext): void {
    if ((c.handshake === 'refused' || c.handshake === 'refused-id') && by === 'omega')
      ctx.observe('SES-008', 'info', `closes the connection after a refused handshake (code ${code})`, {
        at,
      });
  }

  private challenge(req: Req, reply: Reply, ctx: CheckContext): void {
    const c = req.conn;
    const where = { conn: c, at: reply.at };
    if (reply.error) {
      c.handshake = 'refused-id';
      return;
    }
    const key =
      typeof reply.data?.public_key === 'string' ? Buffer.from(reply.data.public_key, 'base64') : undefined;
    const box =
      typeof reply.data?.challenge === 'string' ? Buffer.from(reply.data.challenge, 'base64') : undefined;
    const problem =
      reply.type !== 'challenge'
        ? `identification was answered with ${reply.type}`
        : key?.length !== 56
          ? 'data.public_key is not the base64 of a 56-byte X448 key'
          : box === undefined || box.length < 12 + 16 + 1
            ? 'data.challenge is not base64 of nonce, ciphertext and tag'
            : undefined;
    if (problem) {
      ctx.observe('SES-001', 'fail', problem, where, { expected: 'challenge {public_key, challenge}' });
      return;
    }
    c.handshake = 'challenged';
    const own = c.omikron !== undefined ? this.keys.get(c.omikron) : undefined;
    if (own) {
      try {
        c.expectedAnswer = decryptChallenge(
          reply.data?.challenge as string,
          privateKeyFromRaw(own),
          publicKeyFromRaw(reply.data?.public_key as string),
        );
        ctx.observe('SES-001', 'pass', `the challenge to Omikron ${c.omikron} decrypts`, where);
      } catch (e) {
        ctx.observe(
          'SES-001',
          'inconclusive',
          `the challenge to Omikron ${c.omikron} does not decrypt with the key given (${(e as Error).message}); is it the key the Omega has on record?`,
          where,
        );
      }
    } else
      ctx.observe(
        'SES-001',
        'pass',
        'the challenge has the right form (give --omikron-key to decrypt it)',
        where,
      );
  }

  private accepted(req: Req, reply: Reply, ctx: CheckContext): void {
    const c = req.conn;
    const where = { conn: c, at: reply.at };
    const ok = reply.type === 'identification_response' && reply.data?.accepted === true;
    c.handshake = ok ? 'accepted' : 'refused';
    if (c.answerRight === undefined) return; // without the Omikron's key the answer cannot be judged
    if (c.answerRight)
      ctx.observe(
        'SES-002',
        ok ? 'pass' : 'fail',
        `the right challenge answer got ${reply.type}${reply.data?.accepted !== undefined ? ` accepted=${JSON.stringify(reply.data.accepted)}` : ''}`,
        where,
        { expected: 'identification_response accepted=true' },
      );
    else
      ctx.observe(
        'SES-003',
        ok ? 'fail' : 'pass',
        `a wrong challenge answer got ${reply.type}${ok ? ' accepted=true' : ''}`,
        where,
        { expected: 'an error reply or a close' },
      );
  }

  private announcement(req: Req, reply: Reply, ctx: CheckContext): void {
    const where = { conn: req.conn, at: reply.at };
    const p = req.notes.principal as string | undefined;
    if (!reply.error) {
      ctx.observe('ANN-001', 'pass', `${req.type} got one ${reply.type} with its id`, where);
      if (p) this.existence?.markExists(p);
      if (req.op === 'iotaConnected')
        ctx.observe(
          'ANN-002',
          'info',
          `iota_connected answered with ${reply.type}${Array.isArray(reply.data?.user_ids) ? " listing the Iota's users" : ''}`,
          where,
        );
      return;
    }
    if (req.notes.exists === true)
      ctx.observe('ANN-001', 'fail', `${req.type} for ${p}, which exists, got ${reply.type}`, where, {
        expected: 'no reply, or one non-error reply',
      });
  }

  private guarded(req: Req, reply: Reply, g: GuardNote, ctx: CheckContext): void {
    const where = { conn: req.conn, at: reply.at };
    if (g.condition === 'unknown') {
      if (!reply.error && g.senderOk)
        ctx.observe(
          `IDN-${g.key}-001`,
          'inconclusive',
          `${req.type} for ${g.principal} was acknowledged on a connection that began before the trace: it may have been announced there`,
          where,
        );
      else if (!reply.error)
        ctx.observe(
          `IDN-${g.key}-005`,
          'fail',
          `${req.type} for ${g.principal} was acknowledged with sender ${JSON.stringify(req.sender)}`,
          where,
          { expected: 'an error reply: sender must be the principal' },
        );
      return;
    }
    const id = `IDN-${g.key}-${g.condition}`;
    const text = `${req.type} for ${g.principal}, which ${CONDITION_TEXT[g.condition]}, got ${reply.type}`;
    if (g.condition === '006') {
      if (!reply.error) ctx.observe(id, 'pass', text, where);
      return;
    }
    ctx.observe(
      id,
      reply.error ? 'pass' : 'fail',
      text,
      where,
      reply.error ? {} : { expected: 'an error reply; nothing changed' },
    );
  }
}
