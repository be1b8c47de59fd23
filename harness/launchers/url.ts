// --url: a server someone else runs. The suite creates and deletes users there.
import type { TlsOptions } from '../client/connection.ts';
import type { ClockDescriptor } from '../clock/clock.ts';
import { LaunchError, type LaunchedTarget } from './launcher.ts';

export function urlTarget(url: string, tls: TlsOptions | undefined, clock: ClockDescriptor): LaunchedTarget {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new LaunchError(`--url "${url}" is not a URL (expected ws://HOST:PORT/PATH or wss://...)`);
  }
  if (parsed.protocol !== 'ws:' && parsed.protocol !== 'wss:') {
    throw new LaunchError(`--url must be ws:// or wss://, not ${parsed.protocol}//`);
  }
  return {
    kind: 'url',
    label: url,
    url,
    clock,
    ...(tls ? { tls } : {}),
    logs: () => '',
    stop: async () => {},
  };
}
