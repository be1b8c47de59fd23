// Writes report.json, junit.xml and report.html into one directory.
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { RunReport } from '../harness/run/report-model.ts';
import { renderHtml } from './html.ts';
import { renderJson } from './json.ts';
import { renderJunit } from './junit.ts';
import { REPORT_FILES } from './text.ts';

export interface WrittenReports {
  readonly json: string;
  readonly junit: string;
  readonly html: string;
}

/** Renders all three first (an invalid report throws and writes nothing), then writes each file whole. */
export async function writeReports(report: RunReport, dir: string): Promise<WrittenReports> {
  const texts = { json: renderJson(report), junit: renderJunit(report), html: renderHtml(report) };
  await mkdir(dir, { recursive: true });
  const paths: WrittenReports = {
    json: join(dir, REPORT_FILES.json),
    junit: join(dir, REPORT_FILES.junit),
    html: join(dir, REPORT_FILES.html),
  };
  await Promise.all(
    (['json', 'junit', 'html'] as const).map(async (k) => {
      const tmp = `${paths[k]}.${process.pid}.tmp`;
      await writeFile(tmp, texts[k], 'utf8');
      await rename(tmp, paths[k]);
    }),
  );
  return paths;
}

/** The same, synchronously: for a signal handler, which must finish before the process exits. */
export function writeReportsSync(report: RunReport, dir: string): WrittenReports {
  const texts = { json: renderJson(report), junit: renderJunit(report), html: renderHtml(report) };
  mkdirSync(dir, { recursive: true });
  const paths: WrittenReports = {
    json: join(dir, REPORT_FILES.json),
    junit: join(dir, REPORT_FILES.junit),
    html: join(dir, REPORT_FILES.html),
  };
  for (const k of ['json', 'junit', 'html'] as const) {
    const tmp = `${paths[k]}.${process.pid}.tmp`;
    writeFileSync(tmp, texts[k], 'utf8');
    renameSync(tmp, paths[k]);
  }
  return paths;
}
