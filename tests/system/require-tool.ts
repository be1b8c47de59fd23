// System tests fail loudly, naming the package to install, when their tool is missing.
import { existsSync } from 'node:fs';
import { findLibfaketime } from '../../harness/launchers/faketime.ts';

export function requireLibfaketime(): string {
  const lib = findLibfaketime();
  if (!lib) throw new Error('libfaketime is missing: apt-get install -y faketime (.ci/run installs it)');
  return lib;
}

export function requireChromium(): string {
  const path = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p));
  if (!path) throw new Error('Chromium is missing: apt-get install -y chromium (.ci/run installs it)');
  return path;
}
