// The verdict comparison (npm run verdicts): snapshots per target and requirement, and their diff.
import { describe, expect, it } from 'vitest';
import type { JobResult } from '../harness/mutants/pool.ts';
import { diffSnapshots, renderDiff } from '../harness/verdicts/diff.ts';
import {
  NO_REPORT,
  type Snapshot,
  snapshotOf,
  snapshotSchema,
  targetName,
} from '../harness/verdicts/snapshot.ts';

const snap = (targets: Snapshot['targets']): Snapshot => ({
  kind: 'omega-verdicts',
  takenAt: '2026-01-01T00:00:00.000Z',
  settings: {},
  targets,
});

describe('verdict snapshots', () => {
  it('name a target by subject, base, dialect and load, and keep a run without a report as its error', () => {
    expect(targetName({ subject: 'reference', dialect: 'seed' })).toBe('reference/seed');
    expect(targetName({ subject: 'v', dialect: 'tensamin', base: 'every-alternative' })).toBe(
      'v@every-alternative/tensamin',
    );
    const ran = {
      job: { subject: 'v', dialect: 'seed' },
      ok: true,
      wallMs: 1,
      result: { requirements: [{ id: 'ENV-001', level: 'MUST', verdict: 'failed' }] },
    } as unknown as JobResult;
    const stalled: JobResult = {
      job: { subject: 'w', dialect: 'seed' },
      ok: false,
      wallMs: 1,
      error: 'stalled',
      stderrTail: '',
      stalled: true,
    };
    const s = snapshotOf([ran, stalled], { seed: 42, nested: { dropped: true } });
    expect(snapshotSchema.parse(s).targets).toEqual({
      'v/seed': { 'ENV-001': 'failed' },
      'w/seed': { [NO_REPORT]: 'stalled' },
    });
    expect(s.settings).toEqual({ seed: 42 });
  });

  it('diff lists each changed verdict per target and requirement, and nothing when none changed', () => {
    const before = snap({
      'a/seed': { 'ENV-001': 'passed', 'ENV-002': 'failed' },
      'b/seed': { 'ENV-001': 'passed' },
    });
    const after = snap({
      'a/seed': { 'ENV-001': 'failed', 'ENV-002': 'failed' },
      'c/seed': { 'ENV-001': 'passed' },
    });
    const changes = diffSnapshots(before, after);
    expect(changes).toEqual([
      { target: 'a/seed', requirement: 'ENV-001', before: 'passed', after: 'failed' },
      { target: 'b/seed', before: 'present' },
      { target: 'c/seed', after: 'present' },
    ]);
    expect(renderDiff(changes, before, after)).toBe(
      [
        'a/seed:',
        '  ENV-001: passed → failed',
        'b/seed: only before',
        'c/seed: only after',
        '3 difference(s) in 3 of 3 targets',
      ].join('\n'),
    );
    expect(diffSnapshots(before, after, true)).toHaveLength(1);
    expect(renderDiff([], before, before)).toBe('no verdict changed (2 targets)');
  });
});
