// A verdict snapshot: per target (the reference in a dialect, a faulty variant on its base, a conformant
// alternative), the verdict of every requirement, read from the report.json of the CLI run that
// certified it (harness/mutants/cli-run.ts). Two snapshots, before and after a change, are compared
// requirement by requirement (diff.ts).
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { z } from 'zod';
import type { Job, JobResult } from '../mutants/pool.ts';

/** Stands for the requirements of a target whose run gave no report: its outcome is the run's error. */
export const NO_REPORT = '(run)';

export const snapshotSchema = z.object({
  kind: z.literal('omega-verdicts'),
  takenAt: z.string(),
  /** What the runs were: reply bounds, seed, property runs, the commit when known. */
  settings: z.record(z.string(), z.union([z.string(), z.number()])),
  /** Target → requirement → verdict (or, under NO_REPORT, why the run gave none). */
  targets: z.record(z.string(), z.record(z.string(), z.string())),
});
export type Snapshot = z.infer<typeof snapshotSchema>;
export type TargetVerdicts = Snapshot['targets'][string];

/** "reference/seed", "wrong-echo@every-alternative/seed", "ids-echoed-as-uuids/tensamin". */
export const targetName = (job: Job): string =>
  `${job.subject}${job.base ? `@${job.base}` : ''}/${job.dialect}${job.load ? ' (load)' : ''}`;

/** The verdicts one job's run gave; a run without a report is recorded as its error, not left out. */
export function verdictsOf(r: JobResult): TargetVerdicts {
  if (!r.ok) return { [NO_REPORT]: r.stalled ? 'stalled' : 'error' };
  return Object.fromEntries(r.result.requirements.map((q) => [q.id, q.verdict]));
}

/** Add the results of one pool to `targets` (a later result of one target replaces the earlier). */
export function addResults(targets: Record<string, TargetVerdicts>, results: readonly JobResult[]): void {
  for (const r of results) targets[targetName(r.job)] = verdictsOf(r);
}

/** A snapshot of one pool's results, with the settings they ran under. */
export function snapshotOf(results: readonly JobResult[], settings: object): Snapshot {
  const targets: Record<string, TargetVerdicts> = {};
  addResults(targets, results);
  const plainSettings = Object.fromEntries(
    Object.entries(settings).filter((e): e is [string, string | number] =>
      ['string', 'number'].includes(typeof e[1]),
    ),
  );
  return { kind: 'omega-verdicts', takenAt: new Date().toISOString(), settings: plainSettings, targets };
}

export function writeSnapshot(path: string, s: Snapshot): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${JSON.stringify(s, null, 2)}\n`);
}

/** Read a snapshot, checked against its schema; throws naming the file and what is wrong. */
export function readSnapshot(path: string): Snapshot {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new Error(`${path}: cannot read a verdict snapshot: ${(e as Error).message}`);
  }
  const parsed = snapshotSchema.safeParse(raw);
  if (!parsed.success) throw new Error(`${path} is not a verdict snapshot: ${parsed.error.message}`);
  return parsed.data;
}

/** Several snapshots as one (the mutants and the alternatives runs each write their part). */
export function mergeSnapshots(parts: readonly Snapshot[]): Snapshot {
  const targets: Record<string, TargetVerdicts> = {};
  const settings: Record<string, string | number> = {};
  for (const p of parts) {
    Object.assign(targets, p.targets);
    Object.assign(settings, p.settings);
  }
  return {
    kind: 'omega-verdicts',
    takenAt: parts[0]?.takenAt ?? new Date().toISOString(),
    settings,
    targets,
  };
}
