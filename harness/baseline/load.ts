// Reading a baseline: report.json of an earlier run (or a reports directory holding one per dialect).
// Only what a comparison needs is required, so reports of other suite and schema versions still compare.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import type { ComparableRun } from './compare.ts';

import { BaselineError } from './errors.ts';

export { BaselineError };

const checkSchema = z.looseObject({
  outcome: z.string(),
  message: z.string(),
  expected: z.string().optional(),
  actual: z.string().optional(),
  replay: z.string().optional(),
});

const reportSchema = z.looseObject({
  schemaVersion: z.string(),
  suite: z.looseObject({ name: z.literal('omega-conformance'), version: z.string() }),
  startedAt: z.string(),
  target: z.looseObject({ label: z.string() }),
  dialect: z.looseObject({ name: z.string() }),
  level: z.enum(['must', 'should']).default('must'),
  requirements: z.array(
    z.looseObject({
      id: z.string(),
      level: z.string(),
      title: z.string(),
      verdict: z.string(),
      summary: z.string(),
      stability: z.string().default('stable'),
      checks: z.array(checkSchema).default([]),
    }),
  ),
});

export interface LoadedBaseline {
  readonly file: string;
  readonly run: ComparableRun;
  readonly schemaVersion: string;
  /** The level the run was judged at. */
  readonly level: 'must' | 'should';
}

/** A report.json as a comparable run; `what` names it in messages (e.g. "--baseline FILE"). */
export function parseReport(text: string, what: string): LoadedBaseline & { file: '' } {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new BaselineError(`${what} is not JSON: ${(e as Error).message}`);
  }
  const parsed = reportSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue ? issue.path.join('.') || '(top level)' : '';
    throw new BaselineError(
      `${what} is not a report.json of omega-conformance: ${where}: ${issue?.message ?? 'invalid'}`,
    );
  }
  const r = parsed.data;
  return {
    file: '',
    schemaVersion: r.schemaVersion,
    level: r.level,
    run: {
      label: r.target.label,
      startedAt: r.startedAt,
      suiteVersion: r.suite.version,
      dialect: r.dialect.name,
      requirements: r.requirements,
    },
  };
}

/**
 * The baseline for a run in `dialect`: FILE itself, or in a reports directory DIR/<dialect>/report.json
 * (a run of both dialects) or DIR/report.json.
 */
export function resolveBaselineFile(path: string, dialect: string): string {
  if (!existsSync(path)) throw new BaselineError(`--baseline ${path}: no such file or directory`);
  if (!statSync(path).isDirectory()) return path;
  for (const candidate of [join(path, dialect, 'report.json'), join(path, 'report.json')])
    if (existsSync(candidate)) return candidate;
  throw new BaselineError(
    `--baseline ${path} is a directory without report.json (nor ${dialect}/report.json in it)`,
  );
}

export function loadBaseline(path: string, dialect: string): LoadedBaseline {
  const file = resolveBaselineFile(path, dialect);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new BaselineError(`--baseline ${file} cannot be read: ${(e as Error).message}`);
  }
  return { ...parseReport(text, `--baseline ${file}`), file };
}

/** Before anything starts: the baseline exists and (when a file) reads as a report; throws BaselineError. */
export function checkBaseline(path: string): void {
  if (!existsSync(path)) throw new BaselineError(`--baseline ${path}: no such file or directory`);
  if (!statSync(path).isDirectory()) {
    loadBaseline(path, 'seed');
    return;
  }
  const any = ['report.json', 'seed/report.json', 'tensamin/report.json'].some((f) =>
    existsSync(join(path, f)),
  );
  if (!any) throw new BaselineError(`--baseline ${path} is a directory without a report.json`);
}
