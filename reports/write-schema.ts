// Writes reports/report.schema.json from runReportSchema: node --import tsx reports/write-schema.ts [--check]
// --check writes nothing and exits 1 when the committed file is out of date.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { REPORT_SCHEMA_FILE, reportJsonSchemaText } from './json.ts';

const text = reportJsonSchemaText();
if (process.argv.includes('--check')) {
  const current = existsSync(REPORT_SCHEMA_FILE) ? readFileSync(REPORT_SCHEMA_FILE, 'utf8') : '';
  if (current !== text) {
    process.stderr.write(
      `${REPORT_SCHEMA_FILE} is out of date: run node --import tsx reports/write-schema.ts\n`,
    );
    process.exitCode = 1;
  }
} else {
  writeFileSync(REPORT_SCHEMA_FILE, text);
  process.stderr.write(`wrote ${REPORT_SCHEMA_FILE}\n`);
}
