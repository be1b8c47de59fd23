// What the load acknowledged: the users every connection registered and changed, as they must read back.
import { registerIdOf } from '../scenario/fixtures.ts';
import type { Reply } from '../client/connection.ts';
import { type Finding, finding } from './findings.ts';

export interface LoadUser {
  readonly userId: number;
  readonly username: string;
  /** Index of the connection (and lane) that owns it: only its owner changes it. */
  readonly connection: number;
  readonly lane: number;
  iotaId: number;
  resetToken: string;
  /** Fields an acknowledged change set (unset ones are not demanded). */
  status?: string;
  display?: string;
  announced: boolean;
  deleted: boolean;
  /** A request about it ended without a reply: its state is unknown and nothing is demanded of it. */
  uncertain: boolean;
  /** Acknowledged Iota changes (its iota_id is then demanded under UM-IOTA-001). */
  iotaChanges: number;
}

/** Every user of the run and every register id issued, shared by all connections. */
export class Registry {
  readonly users: LoadUser[] = [];
  /** Field changes and Iota changes acknowledged with success. */
  readonly acknowledged = { changes: 0, iotaChanges: 0 };
  private readonly registerIds = new Map<number, string>();

  add(u: LoadUser): void {
    this.users.push(u);
  }

  /** A user some other lane owns (read by others: realistic, and a check on misattributed replies). */
  other(connection: number, lane: number, rnd: number): LoadUser | undefined {
    const others = this.users.filter((u) => !u.deleted && (u.connection !== connection || u.lane !== lane));
    return others.length === 0 ? undefined : others[Math.floor(rnd * others.length)];
  }

  /** Record a register id; issued before (on any connection) is a finding. */
  registerId(reply: Reply, label: string, findings: Finding[]): number | undefined {
    const id = registerIdOf(reply);
    if (id === undefined) return undefined;
    const first = this.registerIds.get(id);
    if (first !== undefined) {
      findings.push(
        finding(
          'register-id',
          label,
          `get_register issued register id ${id} again (first to ${first})`,
          JSON.stringify(reply.frame),
        ),
      );
      return undefined;
    }
    this.registerIds.set(id, label);
    return id;
  }
}
