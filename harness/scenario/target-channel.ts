// How a suite run begun before its target (harness/run/run-suites.ts) hands the target to its worker
// (harness/scenario/target.ts). Nothing here imports vitest: the CLI's main thread loads it.
import type { TargetDescriptor } from './target.ts';

/** A begun run's channel (harness/run/run-suites.ts): its worker asks there for the target. */
export interface TargetChannel {
  readonly name: string;
  /** How long the worker waits for the answer. */
  readonly waitMs: number;
}
export const TARGET_CHANNEL_PREFIX = 'omega-conformance-target-';
export type TargetRequest = { readonly want: true };
export type TargetDelivery = { readonly target: TargetDescriptor } | { readonly abort: string };
