// The model's state: what the harness knows of the Omega after the commands so far, with every
// outcome the seed leaves open held as a branch ('maybe', 'uncertain', candidate values) until a
// reply or a read-back shows which one the server took.
import type { OmikronSession } from '../../client/session.ts';
import type { Dialect } from '../../protocol/dialect.ts';
import type { ScenarioContext } from '../../scenario/context.ts';
import type { Coverage } from '../runner.ts';
import type { SessionPool } from './pool.ts';
import { PropertyFailure } from '../runner.ts';
import type { UserRecord } from '../steps.ts';
import type { Candidates, ChangeField } from '../values.ts';

export const ONE_HOUR_MS = 3_600_000;
/** Completions within this distance of the hour may go either way (network and clock latency). */
export const HOUR_MARGIN_MS = 60_000;

export type RegState = 'fresh' | 'user' | 'iota' | 'maybe';

export interface MReg {
  readonly n: number;
  readonly id: number;
  /** Server wall time (harness estimate: local time plus the clock moves so far) when issued. */
  readonly issuedAt: number;
  state: RegState;
  /** A completion was refused as expired: every later one must be refused too (UM-TMO-003). */
  expiredSeen: boolean;
}

export interface MIota {
  readonly n: number;
  readonly id: number;
  gone: 'no' | 'yes' | 'maybe';
}

export interface MUser {
  readonly n: number;
  readonly id: number;
  /** What each field may hold (values.ts); iota_id exactly. */
  readonly values: Record<ChangeField, Candidates> & { iota_id: number };
  token: string;
  readonly oldTokens: string[];
  /**
   * `uncertain`: its Iota was deleted (the seed does not say what happens to its users), or a request
   * it sent naming another user was answered success (the server may have acted on it, IDN-007).
   */
  fate: 'alive' | 'deleted' | 'uncertain';
  /** Why the fate is uncertain, for the log once a read settles it (default: its Iota was deleted). */
  uncertainWhy?: string;
  /** Another user got the same username (a server that allowed it): lookups by name are not judged. */
  nameShared: boolean;
  /** created_at, sub_level, sub_end as first read: they stay. */
  fixed?: UserRecord;
  /** Which requirement set each field's expected value last (blamed when a later read differs). */
  readonly writer: Record<string, string>;
}

export interface MConn {
  open: boolean;
  serial: number;
  readonly users: Set<number>;
  readonly iotas: Set<number>;
  /** Users announced here whose Iota was withdrawn here since: still identified or not (the seed is silent). */
  readonly doubtful: Set<number>;
}

export interface History {
  readonly announcedOn: Set<number>;
  readonly withdrawnOn: Set<number>;
}

export interface Model {
  readonly regs: MReg[];
  readonly iotas: MIota[];
  readonly users: MUser[];
  readonly conns: MConn[];
  readonly closedSerials: Set<number>;
  readonly history: { readonly user: Map<number, History>; readonly iota: Map<number, History> };
  readonly issued: Set<number>;
  serials: number;
  offsetMs: number;
  /**
   * Whether the server showed the clock moves (UM-TMO-005: register ids issued around a move differ
   * by about the move). Until it does, registration ages are not judged against the hour.
   */
  clock: 'unmoved' | 'shown' | 'unshown';
}

export interface ModelConfig {
  readonly t: ScenarioContext;
  readonly dialect: Dialect;
  /** Connections, each its own Omikron identity. */
  readonly slots: number;
  /** The target's clock can be moved: clock commands exist and the hour is judged. */
  readonly clock: boolean;
  readonly coverage: Coverage;
  /** INFO observations already recorded (once per scenario). */
  readonly noted: Set<string>;
  /** Sessions kept from one sequence to the next (pool.ts); without it every sequence connects afresh. */
  readonly pool?: SessionPool;
}

export interface Real {
  readonly cfg: ModelConfig;
  readonly sessions: (OmikronSession | null)[];
  failure: unknown;
  readonly log: string[];
  step: number;
  /** Whether a session came from the pool. */
  reused: boolean;
  /** The labels of the connections kept from an earlier sequence (pool.ts). */
  readonly keptLabels: string[];
}

export function emptyModel(slots: number): Model {
  return {
    regs: [],
    iotas: [],
    users: [],
    conns: Array.from({ length: slots }, () => ({
      open: false,
      serial: 0,
      users: new Set(),
      iotas: new Set(),
      doubtful: new Set(),
    })),
    closedSerials: new Set(),
    history: { user: new Map(), iota: new Map() },
    issued: new Set(),
    serials: 0,
    offsetMs: 0,
    clock: 'unmoved',
  };
}

export const serverNow = (m: Model): number => Date.now() + m.offsetMs;

export function history(m: Model, kind: 'user' | 'iota', id: number): History {
  const map = m.history[kind];
  let h = map.get(id);
  if (!h) {
    h = { announcedOn: new Set(), withdrawnOn: new Set() };
    map.set(id, h);
  }
  return h;
}

// --- shared steps ------------------------------------------------------------------------------------

export function session(r: Real, slot: number): OmikronSession {
  const s = r.sessions[slot];
  if (!s) throw new PropertyFailure('ENV-003', `model error: connection ${slot} is not open`);
  return s;
}

/** The open connection a pick lands on, or null when none is open. */
export function openSlot(m: Model, pick: number): number | null {
  const open = m.conns.map((c, i) => (c.open ? i : -1)).filter((i) => i >= 0);
  return open.length === 0 ? null : open[pick % open.length]!;
}

export const pickOf = <T>(list: readonly T[], pick: number): T | undefined =>
  list.length === 0 ? undefined : list[pick % list.length];
