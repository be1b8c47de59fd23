// Which suite files exist, split into scripted scenarios and property-based ones.
import { existsSync, readdirSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { PACKAGE_ROOT } from '../run/version.ts';

export const SUITES_DIR = resolve(PACKAGE_ROOT, 'suites');

/** The property-based suites (they read target.seed and target.runs). They may not exist yet. */
export const PROPERTY_SUITES: readonly string[] = [
  'properties-ids.test.ts',
  'properties-survival.test.ts',
  'properties-changes.test.ts',
  'properties-interleaving.test.ts',
  'model.test.ts',
];

export interface SuiteFiles {
  /** Absolute paths: vitest matches an absolute filter by prefix, so these select exactly one file. */
  readonly scripted: readonly string[];
  readonly properties: readonly string[];
}

export const isPropertySuite = (file: string): boolean => PROPERTY_SUITES.includes(basename(file));

export function suiteFiles(dir = SUITES_DIR): SuiteFiles {
  if (!existsSync(dir)) return { scripted: [], properties: [] };
  const all = readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.test.ts'))
    .map((f) => join(dir, f))
    .sort();
  return { scripted: all.filter((f) => !isPropertySuite(f)), properties: all.filter(isPropertySuite) };
}
