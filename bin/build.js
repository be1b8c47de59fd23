#!/usr/bin/env node
// npm run build: tsc -b compiles the sources to dist/ incrementally, but never deletes the output of a
// source that was removed or renamed; a stale suite file there would still be run. Prune those first.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');

function prune(dir) {
  if (!existsSync(dir)) return;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      prune(path);
      continue;
    }
    const m = /^(.*)\.js(\.map)?$/.exec(entry.name);
    if (!m) continue;
    const source = join(root, relative(dist, dir), `${m[1]}.ts`);
    if (!existsSync(source)) rmSync(path);
  }
}

prune(dist);
const tsc = spawnSync(
  process.execPath,
  [join(root, 'node_modules/typescript/bin/tsc'), '-b', join(root, 'tsconfig.build.json')],
  {
    stdio: 'inherit',
  },
);
process.exit(tsc.status ?? 1);
