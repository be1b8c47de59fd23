// Bounds and constants the property suites share, from the target's budget.
import type { TargetDescriptor } from '../scenario/target.ts';

export interface PropertyBounds {
  /** Whole-scenario bound: generous per run, since every wait inside has its own bound. */
  readonly scenario: (perRunMs: number) => number;
  /** Bound on one reply of a request sent in flight. */
  readonly flight: number;
}

export function propertyBounds(target: Pick<TargetDescriptor, 'runs' | 'timeoutMs'>): PropertyBounds {
  return {
    scenario: (perRunMs) => Math.max(60_000, 30_000 + target.runs * perRunMs + 20 * target.timeoutMs),
    flight: target.timeoutMs * 4,
  };
}

export const PING = { type: 'ping', data: { last_ping: -1 } } as const;

export const isUuid = (s: string): boolean =>
  /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(s);
