// What changed between two verdict snapshots, per target and requirement. Nothing else (times,
// messages) is compared: the question is whether a change moved a verdict.
import type { Snapshot } from './snapshot.ts';

export interface VerdictChange {
  readonly target: string;
  /** A requirement id, or undefined when the whole target is on one side only. */
  readonly requirement?: string;
  readonly before?: string;
  readonly after?: string;
}

const sorted = (a: Iterable<string>, b: Iterable<string>): string[] => [...new Set([...a, ...b])].sort();

/** `common`: only targets both snapshots have (one of them ran a part, --only). */
export function diffSnapshots(before: Snapshot, after: Snapshot, common = false): VerdictChange[] {
  const changes: VerdictChange[] = [];
  for (const target of sorted(Object.keys(before.targets), Object.keys(after.targets))) {
    const b = before.targets[target];
    const a = after.targets[target];
    if (b === undefined || a === undefined) {
      if (common) continue;
      changes.push({ target, ...(b ? { before: 'present' } : { after: 'present' }) });
      continue;
    }
    for (const requirement of sorted(Object.keys(b), Object.keys(a)))
      if (b[requirement] !== a[requirement])
        changes.push({
          target,
          requirement,
          ...(b[requirement] === undefined ? {} : { before: b[requirement] }),
          ...(a[requirement] === undefined ? {} : { after: a[requirement] }),
        });
  }
  return changes;
}

/** One line per change, grouped by target; a summary line last. */
export function renderDiff(
  changes: readonly VerdictChange[],
  before: Snapshot,
  after: Snapshot,
  common = false,
): string {
  const all = sorted(Object.keys(before.targets), Object.keys(after.targets));
  const targets = common ? all.filter((t) => t in before.targets && t in after.targets).length : all.length;
  const lines: string[] = [];
  let last: string | undefined;
  for (const c of changes) {
    if (c.requirement === undefined) {
      lines.push(`${c.target}: only ${c.before ? 'before' : 'after'}`);
      last = undefined;
      continue;
    }
    if (c.target !== last) lines.push(`${c.target}:`);
    last = c.target;
    lines.push(`  ${c.requirement}: ${c.before ?? '(absent)'} → ${c.after ?? '(absent)'}`);
  }
  const changedTargets = new Set(changes.map((c) => c.target)).size;
  lines.push(
    changes.length === 0
      ? `no verdict changed (${targets} targets)`
      : `${changes.length} difference(s) in ${changedTargets} of ${targets} targets`,
  );
  return lines.join('\n');
}
