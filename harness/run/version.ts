// The suite's version and folders, read once from package.json (cheap: no vitest import).
import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Where this build's code lives: the repository root when run from sources, `dist/` when compiled. */
export const CODE_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
/** The package's folder (package.json, SPEC.md, data files): CODE_ROOT, or its parent for `dist/`. */
export const PACKAGE_ROOT = existsSync(resolve(CODE_ROOT, 'package.json')) ? CODE_ROOT : dirname(CODE_ROOT);
/** Whether this is the compiled build (`dist/`, JavaScript) rather than the TypeScript sources. */
export const COMPILED = CODE_ROOT !== PACKAGE_ROOT;
export const SUITE_VERSION: string = (
  JSON.parse(readFileSync(resolve(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version: string }
).version;
