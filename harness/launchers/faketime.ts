// libfaketime for --command targets (CLOCKS.md): only the wall clock moves, through a file we own.
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FaketimeClock } from '../clock/clock.ts';
import { LaunchError } from './launcher.ts';

const CANDIDATES = [
  '/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1',
  '/usr/lib/aarch64-linux-gnu/faketime/libfaketime.so.1',
  '/usr/lib/faketime/libfaketime.so.1',
  '/usr/local/lib/faketime/libfaketime.so.1',
];

export function findLibfaketime(): string | undefined {
  return CANDIDATES.find((p) => existsSync(p));
}

export interface FaketimeSetup {
  readonly env: Record<string, string>;
  readonly file: string;
  readonly library: string;
}

export function prepareFaketime(): FaketimeSetup {
  const library = findLibfaketime();
  if (!library) {
    throw new LaunchError(
      '--clock faketime needs libfaketime, which is not installed: apt-get install -y faketime',
    );
  }
  const dir = mkdtempSync(join(tmpdir(), 'omega-faketime-'));
  const file = join(dir, 'offset');
  FaketimeClock.writeOffset(file, 0);
  return {
    library,
    file,
    env: {
      LD_PRELOAD: library,
      FAKETIME_TIMESTAMP_FILE: file,
      FAKETIME_NO_CACHE: '1',
      // Keep the monotonic clock real: otherwise every pending timer fires at once (CLOCKS.md).
      FAKETIME_DONT_FAKE_MONOTONIC: '1',
    },
  };
}
