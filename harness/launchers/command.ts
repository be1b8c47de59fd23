// --command: start a server under the launch contract, wait for its port, stop it afterwards.
import { type ChildProcess, spawn } from 'node:child_process';
import { createServer, connect } from 'node:net';
import type { TlsOptions } from '../client/connection.ts';
import type { ClockDescriptor } from '../clock/clock.ts';
import { type OmikronIdentity, trustedOmikronsJson } from '../identity/identities.ts';
import type { Dialect } from '../protocol/dialect.ts';
import { prepareFaketime } from './faketime.ts';
import { LaunchError, type LaunchedTarget } from './launcher.ts';
import { killOnExit } from '../run/exit.ts';
import { generateCertificate } from './tls.ts';

export interface CommandOptions {
  readonly command: string;
  readonly identities: readonly OmikronIdentity[];
  readonly path: string;
  readonly startTimeoutMs: number;
  readonly dialect?: Dialect;
  readonly tls: boolean;
  readonly clock: 'faketime' | 'none' | { readonly controlUrl: string };
  readonly env?: Readonly<Record<string, string>>;
}

const OUTPUT_LINES = 40;
/** SIGTERM to SIGKILL: short, so a stopped run has ended everything within 5 s. */
const STOP_GRACE_MS = 2000;

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.setTimeout(500);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(false));
  });
}

/** The last lines a process printed, kept for reports. */
class OutputTail {
  private lines: string[] = [];
  private partial = '';
  push(chunk: Buffer, stream: string): void {
    const text = this.partial + chunk.toString('utf8');
    const parts = text.split('\n');
    this.partial = parts.pop() ?? '';
    for (const p of parts) this.lines.push(`[${stream}] ${p}`);
    if (this.lines.length > OUTPUT_LINES) this.lines = this.lines.slice(-OUTPUT_LINES);
  }
  text(): string {
    return [...this.lines, ...(this.partial ? [this.partial] : [])].join('\n');
  }
}

export async function launchCommand(o: CommandOptions): Promise<LaunchedTarget> {
  const port = await freePort();
  const env: Record<string, string> = {
    ...(process.env as Record<string, string>),
    ...o.env,
    OMEGA_HOST: '127.0.0.1',
    OMEGA_PORT: String(port),
    OMEGA_TRUSTED_OMIKRONS: trustedOmikronsJson(o.identities),
    ...(o.dialect ? { OMEGA_DIALECT: o.dialect } : {}),
  };
  let tls: TlsOptions | undefined;
  if (o.tls) {
    const cert = await generateCertificate();
    env.OMEGA_TLS_CERT = cert.certFile;
    env.OMEGA_TLS_KEY = cert.keyFile;
    tls = { caFile: cert.certFile };
  }
  let clock: ClockDescriptor;
  if (o.clock === 'faketime') {
    const ft = prepareFaketime();
    Object.assign(env, ft.env);
    clock = { kind: 'faketime', file: ft.file };
  } else if (o.clock === 'none') {
    clock = {
      kind: 'none',
      reason: 'no clock control for this target (use --clock faketime or --clock control:URL)',
    };
  } else {
    clock = { kind: 'control', url: o.clock.controlUrl };
  }

  const tail = new OutputTail();
  // Its own process group, so stopping it stops whatever the shell started.
  const child: ChildProcess = spawn('/bin/sh', ['-c', o.command], {
    env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // However this process ends, the server's whole group goes with it.
  const unregister =
    child.pid === undefined ? () => {} : killOnExit(() => process.kill(-child.pid!, 'SIGKILL'));
  child.stdout?.on('data', (c: Buffer) => tail.push(c, 'out'));
  child.stderr?.on('data', (c: Buffer) => tail.push(c, 'err'));
  let exited: string | null = null;
  const died = new Promise<string>((resolve) => {
    child.once('exit', (code, signal) => {
      exited = signal ? `killed by ${signal}` : `exited with status ${code}`;
      resolve(exited);
    });
    child.once('error', (e) => {
      exited = `could not be started: ${e.message}`;
      resolve(exited);
    });
  });

  const signalGroup = (signal: NodeJS.Signals): boolean => {
    try {
      process.kill(-child.pid!, signal);
      return true;
    } catch {
      return false; // the group is gone
    }
  };
  // SIGTERM, SIGKILL after a grace; the group again at the end, for what the shell left behind.
  const kill = async (): Promise<void> => {
    if (child.pid === undefined) return;
    if (exited === null && signalGroup('SIGTERM')) {
      const hard = setTimeout(() => signalGroup('SIGKILL'), STOP_GRACE_MS);
      await died;
      clearTimeout(hard);
    }
    signalGroup('SIGKILL');
    unregister();
  };

  const deadline = Date.now() + o.startTimeoutMs;
  while (!(await portOpen(port))) {
    if (exited !== null) {
      throw new LaunchError(
        `the server command ${exited} before listening on port ${port}. Its last output:\n${tail.text() || '(none)'}`,
      );
    }
    if (Date.now() > deadline) {
      await kill();
      throw new LaunchError(
        `the server command did not listen on 127.0.0.1:${port} within ${o.startTimeoutMs} ms. Its last output:\n${tail.text() || '(none)'}`,
      );
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    kind: 'command',
    label: `command: ${o.command}`,
    url: `${o.tls ? 'wss' : 'ws'}://127.0.0.1:${port}${o.path}`,
    clock,
    ...(tls ? { tls } : {}),
    ...(o.dialect ? { dialect: o.dialect } : {}),
    died,
    logs: () => tail.text(),
    stop: kill,
  };
}
