// What the CLI's main thread loads before the suites run: never vitest's test runtime (chai, the
// runner, expect: hundreds of kilobytes of start-up), which only the suites' worker needs. A value
// import of a module that imports `vitest` (as harness/scenario/target.ts does) would pull it in.
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ROOT, tempDir } from './cli-helpers.ts';

/** Every module URL node loads while importing `entries`, through a module hook. */
function loadedBy(entries: readonly string[]): string[] {
  const dir = tempDir();
  const hooks = join(dir, 'hooks.mjs');
  writeFileSync(
    hooks,
    "export async function load(url, context, next) { process.stdout.write('LOADED ' + url + '\\n'); return next(url, context); }\n",
  );
  const script = [
    "import { register } from 'node:module';",
    `register(${JSON.stringify(pathToFileURL(hooks).href)});`,
    ...entries.map((e) => `await import(${JSON.stringify(pathToFileURL(join(ROOT, e)).href)});`),
  ].join('\n');
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  expect(r.status, r.stderr).toBe(0);
  return r.stdout
    .split('\n')
    .filter((l) => l.startsWith('LOADED '))
    .map((l) => l.slice('LOADED '.length));
}

describe("the CLI's start-up", () => {
  it('loads no part of vitest test runtime before the suites run', () => {
    const urls = loadedBy(['dist/harness/cli/main.js', 'dist/harness/cli/certify-command.js']);
    expect(urls.some((u) => u.includes('/dist/harness/cli/certify-command.js'))).toBe(true);
    const runtime = urls.filter((u) =>
      /\/node_modules\/(chai|@vitest\/(runner|expect|snapshot|spy))\//.test(u),
    );
    expect(runtime).toEqual([]);
  });

  it('loads neither the reference nor the variant catalogues before a target is launched', () => {
    const urls = loadedBy(['dist/harness/cli/main.js', 'dist/harness/cli/certify-command.js']);
    expect(urls.filter((u) => /\/dist\/fixtures\//.test(u))).toEqual([]);
  });
});
