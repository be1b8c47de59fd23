// Writes report.json, junit.xml and report.html into one directory.
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
