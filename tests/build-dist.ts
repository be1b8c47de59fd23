// vitest globalSetup: the tests run the bin, which runs the compiled suite (dist/): bring it up to
// date with the sources first (tsc -b: a no-op when nothing changed).
import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';

export default function setup(): void {
  const root = resolve(import.meta.dirname, '..');
  const tsc = join(root, 'node_modules/typescript/bin/tsc');
  const r = spawnSync(process.execPath, [tsc, '-b', 'tsconfig.build.json'], { cwd: root, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`building dist/ failed (npm run build):\n${r.stdout}${r.stderr}`);
}
