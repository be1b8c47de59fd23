#!/usr/bin/env node
// omega-conformance: the compiled CLI (dist/, which `npm run build` writes; npm ci and npm pack run it),
// plain JavaScript with source maps for stack traces. The run bounds itself (--deadline-ms, and each
// scenario's own bound: harness/run/watch.ts) and exits when it is done.
import { existsSync } from 'node:fs';

const entry = new URL('../dist/harness/cli/run.js', import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write(
    'omega-conformance: the compiled suite (dist/) is missing: run `npm run build` (npm ci runs it)\n',
  );
  process.exit(2);
}
process.setSourceMapsEnabled(true);
await import(entry.href);
