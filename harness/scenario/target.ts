// The target as scenarios see it: serializable, handed over by the launcher through vitest's provide/inject.
import { BroadcastChannel } from 'node:worker_threads';
import { inject } from 'vitest';
import type { TargetChannel, TargetDelivery, TargetRequest } from './target-channel.ts';
import type { TlsOptions } from '../client/connection.ts';
import type { ClockDescriptor } from '../clock/clock.ts';
import type { OmikronIdentity } from '../identity/identities.ts';
import type { Dialect } from '../protocol/dialect.ts';

export interface TargetDescriptor {
  /** For people: "embedded reference (seed)", "ws://host:9187/ws/omikron". */
  readonly label: string;
  readonly url: string;
  readonly dialect: Dialect;
  readonly identities: readonly OmikronIdentity[];
  /** Bound on every reply. */
  readonly timeoutMs: number;
  readonly tls?: TlsOptions;
  readonly clock: ClockDescriptor;
  /** Prefix for every name a scenario creates, so runs against a shared server never collide. */
  readonly runPrefix: string;
  /** Seed and budget of the property-based scenarios. */
  readonly seed: number;
  readonly runs: number;
  /** The command that reaches this same target again ("npx omega-conformance --url ... --dialect seed"), for replay lines. */
  readonly replayCommand?: string;
  /** Replay one property counterexample: "SEED:PATH". */
  readonly replay?: string;
  /** --only / --skip: the requirement ids the run covers; scenarios declaring none of them are not registered. All when absent. */
  readonly selected?: readonly string[];
  /** --load: the load profile's size (suites/load.test.ts registers only when present). */
  readonly load?: { readonly connections: number; readonly requests: number };
}

declare module 'vitest' {
  interface ProvidedContext {
    target: TargetDescriptor;
    targetChannel: TargetChannel;
  }
}

let received: Promise<TargetDescriptor> | undefined;
let delivered: TargetDescriptor | undefined;

/**
 * In the worker, before a file registers its scenarios (harness/scenario/target-setup.ts): waits for
 * the target on the run's channel, once per run. Without a channel, the target came with provide.
 */
export async function receiveTarget(): Promise<void> {
  const channel = inject('targetChannel') as TargetChannel | undefined;
  if (!channel) return;
  received ??= new Promise<TargetDescriptor>((resolve, reject) => {
    const bc = new BroadcastChannel(channel.name);
    const timer = setTimeout(() => {
      bc.close();
      reject(new Error(`no target reached the suite's worker within ${channel.waitMs} ms`));
    }, channel.waitMs);
    bc.onmessage = (e: unknown) => {
      const d = (e as { data: TargetDelivery }).data;
      clearTimeout(timer);
      bc.close();
      if ('target' in d) resolve(d.target);
      else reject(new Error(`the run has no target: ${d.abort}`));
    };
    bc.postMessage({ want: true } satisfies TargetRequest);
  });
  delivered = await received;
}

export function currentTarget(): TargetDescriptor {
  const t = delivered ?? (inject('target') as TargetDescriptor | undefined);
  if (!t) {
    throw new Error(
      'no target was provided: run the suites through `omega-conformance` (npm run conformance), not bare vitest',
    );
  }
  return t;
}
