// Whether the target still answers. Shared by all scenarios of a run (one worker, isolate: false),
// so that once it is dead or silent the remaining checks end at once instead of each waiting out its bound.
import { TargetDownError } from '../client/errors.ts';
import { OmikronSession, type SessionTarget } from '../client/session.ts';
import type { OmikronIdentity } from '../identity/identities.ts';

let down: string | null = null;

export function markTargetDown(reason: string): void {
  down ??= reason;
}

export function assertTargetUp(): void {
  if (down !== null)
    throw new TargetDownError(`the target stopped answering earlier in this run: ${down}`, down);
}

/** A fresh connection and a ping, briefly bounded: no answer marks the target down, naming `cause`. */
export async function probeHealth(
  target: SessionTarget,
  identity: OmikronIdentity,
  cause: string,
): Promise<void> {
  const bound = Math.min(target.connection.timeoutMs, 3000);
  try {
    const s = await OmikronSession.open(
      { ...target, connection: { ...target.connection, timeoutMs: bound } },
      identity,
      'health-probe',
    );
    try {
      await s.ping();
    } finally {
      await s.close();
    }
  } catch (probe) {
    markTargetDown(`${cause}; then a fresh connection got no pong: ${(probe as Error).message}`);
  }
}
