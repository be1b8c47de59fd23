// report.json: the run report as it is, validated against the versioned schema, and its JSON Schema for consumers.
import { resolve } from 'node:path';
import { z } from 'zod';
import { REPORT_SCHEMA_VERSION, type RunReport, runReportSchema } from '../harness/run/report-model.ts';
import { PACKAGE_ROOT } from '../harness/run/version.ts';

/** Where reports/write-schema.ts writes the JSON Schema (committed; a unit test checks it is up to date). */
export const REPORT_SCHEMA_FILE: string = resolve(PACKAGE_ROOT, 'reports/report.schema.json');

export class InvalidReportError extends Error {
  override readonly name = 'InvalidReportError';
}

/** Validates the report with runReportSchema and returns it as pretty JSON. Throws InvalidReportError when invalid. */
export function renderJson(report: RunReport): string {
  const parsed = runReportSchema.safeParse(report);
  if (!parsed.success) {
    throw new InvalidReportError(
      `invalid run report (schema ${REPORT_SCHEMA_VERSION}):\n${z.prettifyError(parsed.error)}`,
    );
  }
  return `${JSON.stringify(parsed.data, null, 2)}\n`;
}

/** The JSON Schema of report.json, as zod 4 generates it from runReportSchema. */
export function reportJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(runReportSchema) as Record<string, unknown>;
}

/** The exact text of reports/report.schema.json. */
export function reportJsonSchemaText(): string {
  return `${JSON.stringify(reportJsonSchema(), null, 2)}\n`;
}
