// libfaketime for --command and --image targets (CLOCKS.md): the server's clocks move through a file
// we own. Both the wall clock and the monotonic clock move: the seed names no clock, so a server
// that measures the hour on a monotonic clock is judged on the clock it uses (issue 11). Its timers
// then fire at the jump and it may drop connections it now thinks idle: the timeout scenarios go
// on on a fresh connection after every move.
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
      // The monotonic clock moves too (no FAKETIME_DONT_FAKE_MONOTONIC): see the note above.
      FAKETIME_DONT_FAKE_MONOTONIC: '0',
    },
  };
}
