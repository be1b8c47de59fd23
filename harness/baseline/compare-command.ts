// omega-conformance compare OLD.json NEW.json: the baseline comparison offline. Text on stdout, the
// page in DIR/compare.html; exit 1 on regressions (or changed choices with --strict-baseline).
import { readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { escapeHtml } from '../../reports/html.ts';
import { EXIT } from '../run/outcome.ts';
import { failsRun, compareRuns } from './compare.ts';
import { BaselineError } from './errors.ts';
import { comparePage } from './html.ts';
import { type LoadedBaseline, parseReport } from './load.ts';
import { renderBaselineText } from './text.ts';

export const COMPARE_PAGE = 'compare.html';

function read(path: string, role: string): LoadedBaseline {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new BaselineError(`compare: the ${role} report ${path} cannot be read: ${(e as Error).message}`);
  }
  return { ...parseReport(text, `compare: the ${role} report ${path}`), file: path };
}

export interface CompareArgs {
  readonly oldFile: string;
  readonly newFile: string;
  readonly strict: boolean;
  readonly reportDir: string;
}

export async function compareCommand(a: CompareArgs, out: (s: string) => void): Promise<number> {
  const before = read(a.oldFile, 'old');
  const after = read(a.newFile, 'new');
  const notes =
    before.schemaVersion === after.schemaVersion
      ? []
      : [`the reports have schema ${before.schemaVersion} and ${after.schemaVersion}`];
  const block = compareRuns(before.run, after.run, {
    level: after.level,
    strict: a.strict,
    file: a.oldFile,
    notes,
  });
  const fails = failsRun(block);
  await mkdir(a.reportDir, { recursive: true });
  const page = join(a.reportDir, COMPARE_PAGE);
  await writeFile(page, comparePage(block, after.run, fails, escapeHtml), 'utf8');
  out(
    [
      `${after.run.label} (${after.file}) compared with ${before.file}, level ${after.level.toUpperCase()}`,
      renderBaselineText(block),
      `verdict: ${fails ? 'REGRESSED (exit code 1)' : 'no regression (exit code 0)'}`,
      `page: ${page}`,
      '',
    ].join('\n'),
  );
  return fails ? EXIT.failed : EXIT.ok;
}
