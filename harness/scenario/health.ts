// Whether the target still answers. Shared by all scenarios of a run (one worker, isolate: false),
// so that once it is dead or silent the remaining checks end at once instead of each waiting out its bound.
import { TargetDownError } from '../client/errors.ts';

let down: string | null = null;

export function markTargetDown(reason: string): void {
  down ??= reason;
}

export function targetDownReason(): string | null {
  return down;
}

export function assertTargetUp(): void {
  if (down !== null) throw new TargetDownError(`the target stopped answering earlier in this run: ${down}`);
}

/** For the project's own tests, which run several targets in one process. */
export function resetTargetHealth(): void {
  down = null;
}
