// One actor on a load connection: registers Iotas and users, reads its own and others' users,
// announces and withdraws, changes fields and Iotas of announced users, deletes some. Sequential;
// a connection runs several lanes at once, each owning its own principals.
import { isErrorType } from '../protocol/messages.ts';
import { freshPublicKey } from '../scenario/fixtures.ts';
import type { LoadChannel } from './channel.ts';
import type { Finding } from './findings.ts';
import type { LoadUser, Registry } from './model.ts';
import { compareRecord } from './readback.ts';
import { judgeReply, recordMatches } from './replies.ts';

export interface LaneEnv {
  readonly registry: Registry;
  readonly findings: Finding[];
  /** No operation starts after this (Date.now() ms). */
  readonly deadline: number;
  readonly uniqueName: () => string;
  readonly token: () => string;
  /** Uniform in [0, 1), seeded. */
  readonly random: () => number;
}

interface LaneIota {
  readonly iotaId: number;
  announced: boolean;
}

type Step = { readonly weight: number; readonly cost: number; readonly run: () => Promise<void> };

export class Lane {
  private readonly iotas: LaneIota[] = [];
  private readonly users: LoadUser[] = [];
  private changes = 0;

  constructor(
    private readonly ch: LoadChannel,
    readonly index: number,
    private readonly env: LaneEnv,
  ) {}

  async run(): Promise<void> {
    while (this.ch.remaining > 0 && this.ch.isOpen && Date.now() < this.env.deadline) {
      const step = this.choose();
      if (step.cost > 0 && !this.ch.take(step.cost)) {
        if (!this.ch.take(1)) return;
        await this.getRegister();
        continue;
      }
      await step.run();
    }
  }

  private pick<T>(xs: readonly T[]): T | undefined {
    return xs.length === 0 ? undefined : xs[Math.floor(this.env.random() * xs.length)];
  }

  private choose(): Step {
    if (this.iotas.length === 0)
      return { weight: 1, cost: 2, run: async () => void (await this.registerIota()) };
    if (this.users.length < 2) return { weight: 1, cost: 2, run: () => this.registerUser() };
    const announced = this.users.filter((u) => u.announced);
    const steps: Step[] = [
      { weight: 4, cost: 1, run: () => this.readOwn('id') },
      { weight: 3, cost: 1, run: () => this.readOwn('name') },
      { weight: 2, cost: 1, run: () => this.readOther() },
      { weight: 1, cost: 1, run: async () => void (await this.getRegister()) },
      { weight: 5, cost: 1, run: () => this.changeUser() },
      { weight: 1, cost: 1, run: () => this.changeIota() },
      { weight: this.users.length < 6 ? 2 : 0, cost: 2, run: () => this.registerUser() },
      { weight: this.users.length > announced.length ? 2 : 0, cost: 0, run: () => this.announceSome() },
      { weight: announced.length > 1 ? 1 : 0, cost: 0, run: () => this.withdrawSome() },
      { weight: this.users.length > 2 ? 1 : 0, cost: 1, run: () => this.deleteUser() },
    ];
    const total = steps.reduce((s, x) => s + x.weight, 0);
    let r = this.env.random() * total;
    for (const s of steps) {
      r -= s.weight;
      if (r < 0) return s;
    }
    return steps[0]!;
  }

  // --- registration -------------------------------------------------------------------------------

  private async getRegister(): Promise<number | undefined> {
    const j = judgeReply(this.ch, await this.ch.call('getRegister', {}), 'getRegister', this.env.findings);
    return j.kind === 'ok'
      ? this.env.registry.registerId(j.reply, this.ch.label, this.env.findings)
      : undefined;
  }

  private async registerIota(): Promise<LaneIota | undefined> {
    const id = await this.getRegister();
    if (id === undefined) return undefined;
    const r = await this.ch.call('completeIota', { iota_id: id, public_key: freshPublicKey() });
    if (judgeReply(this.ch, r, 'completeIota', this.env.findings).kind !== 'ok') return undefined;
    const iota = { iotaId: id, announced: false };
    this.iotas.push(iota);
    return iota;
  }

  private async registerUser(): Promise<void> {
    const id = await this.getRegister();
    const iota = this.pick(this.iotas);
    if (id === undefined || iota === undefined) return;
    const u: LoadUser = {
      userId: id,
      username: this.env.uniqueName(),
      connection: this.ch.index,
      lane: this.index,
      iotaId: iota.iotaId,
      resetToken: this.env.token(),
      announced: false,
      deleted: false,
      uncertain: false,
      iotaChanges: 0,
    };
    const r = await this.ch.call('completeUser', {
      user_id: u.userId,
      username: u.username,
      public_key: freshPublicKey(),
      iota_id: u.iotaId,
      reset_token: u.resetToken,
    });
    if (judgeReply(this.ch, r, 'completeUser', this.env.findings).kind !== 'ok') return;
    this.users.push(u);
    this.env.registry.add(u);
  }

  // --- reads ----------------------------------------------------------------------------------------

  private async readOwn(by: 'id' | 'name'): Promise<void> {
    const u = this.pick(this.users);
    if (!u) return;
    const query = by === 'id' ? { user_id: u.userId } : { username: u.username };
    const j = judgeReply(this.ch, await this.ch.call('getUser', query), 'getUser', this.env.findings);
    if (j.kind === 'none' || u.uncertain) return;
    if (j.kind === 'refused') {
      this.env.findings.push({
        kind: 'read-back',
        requirement: 'UM-REG-004',
        connection: this.ch.label,
        message: `under load: user ${u.userId} ("${u.username}"), registered and not deleted, is not found by ${by} (${j.reply.type})`,
        frame: JSON.stringify(j.reply.frame),
      });
      return;
    }
    const d = recordMatches(this.ch, j.reply, query, this.env.findings);
    if (d) this.env.findings.push(...compareRecord(this.ch, u, d, j.reply, 'under load'));
  }

  private async readOther(): Promise<void> {
    const u = this.env.registry.other(this.ch.index, this.index, this.env.random());
    if (!u) return this.readOwn('id');
    const query = this.env.random() < 0.5 ? { user_id: u.userId } : { username: u.username };
    const j = judgeReply(this.ch, await this.ch.call('getUser', query), 'getUser', this.env.findings);
    // Another lane may be deleting it right now: an error is fine, a record must be the one asked for.
    if (j.kind === 'ok') recordMatches(this.ch, j.reply, query, this.env.findings);
  }

  // --- announcements ------------------------------------------------------------------------------

  private async announceUser(u: LoadUser, on: boolean): Promise<boolean> {
    const kind = on ? 'userConnected' : 'userDisconnected';
    const { barrier, reply } = await this.ch.announce(kind, u.userId);
    if (reply && isErrorType(reply.type)) this.ch.noteRefused(kind, reply.type);
    if (barrier.kind !== 'reply') return false;
    u.announced = on;
    return true;
  }

  private async announceIota(iota: LaneIota, on: boolean): Promise<boolean> {
    const kind = on ? 'iotaConnected' : 'iotaDisconnected';
    const { barrier, reply } = await this.ch.announce(kind, iota.iotaId);
    if (reply && isErrorType(reply.type)) this.ch.noteRefused(kind, reply.type);
    if (barrier.kind !== 'reply') return false;
    iota.announced = on;
    return true;
  }

  private announceSome(): Promise<void> {
    const u = this.pick(this.users.filter((x) => !x.announced));
    return u ? this.announceUser(u, true).then(() => {}) : Promise.resolve();
  }

  private async withdrawSome(): Promise<void> {
    const u = this.pick(this.users.filter((x) => x.announced));
    if (u) await this.announceUser(u, false);
    const iota = this.pick(this.iotas.filter((x) => x.announced));
    if (iota && this.env.random() < 0.5) await this.announceIota(iota, false);
  }

  // --- changes --------------------------------------------------------------------------------------

  private async changeUser(): Promise<void> {
    const u = this.pick(this.users);
    if (!u || (!u.announced && !(await this.announceUser(u, true)))) return;
    const field = this.env.random() < 0.5 ? 'status' : 'display';
    const value = `L${this.ch.index}.${this.index}.${++this.changes}`;
    const r = await this.ch.call('changeUser', { user_id: u.userId, [field]: value }, { sender: u.userId });
    const j = judgeReply(this.ch, r, 'changeUser', this.env.findings);
    if (j.kind === 'ok') {
      u[field] = value;
      this.env.registry.acknowledged.changes++;
    }
    if (j.kind === 'none') u.uncertain = true;
  }

  /** The user moves to another of this lane's Iotas, announced here, sent for it (SPEC.md UM-IOTA). */
  private async changeIota(): Promise<void> {
    const u = this.pick(this.users);
    if (!u) return;
    const to = this.pick(this.iotas.filter((i) => i.iotaId !== u.iotaId));
    if (!to) {
      // A second Iota first: the request reserved and one more, if the budget has it.
      if (this.ch.take(1)) await this.registerIota();
      else await this.getRegister();
      return;
    }
    if (!to.announced && !(await this.announceIota(to, true))) return;
    const newToken = this.env.token();
    const data =
      this.ch.session.dialect === 'seed'
        ? { iota_id: to.iotaId, reset_token: u.resetToken, new_token: newToken }
        : { user_id: u.userId, iota_id: to.iotaId, reset_token: u.resetToken, new_token: newToken };
    const j = judgeReply(
      this.ch,
      await this.ch.call('changeIota', data, { sender: to.iotaId }),
      'changeIota',
      this.env.findings,
    );
    if (j.kind === 'ok') {
      u.iotaId = to.iotaId;
      u.resetToken = newToken;
      u.iotaChanges++;
      this.env.registry.acknowledged.iotaChanges++;
    }
    if (j.kind === 'none') u.uncertain = true;
  }

  private async deleteUser(): Promise<void> {
    const u = this.pick(this.users);
    if (!u || (!u.announced && !(await this.announceUser(u, true)))) return;
    const r = await this.ch.call('deleteUser', { user_id: u.userId }, { sender: u.userId });
    const j = judgeReply(this.ch, r, 'deleteUser', this.env.findings);
    if (j.kind === 'refused') return;
    if (j.kind === 'ok') u.deleted = true;
    else u.uncertain = true;
    this.users.splice(this.users.indexOf(u), 1);
  }
}
