// --image: start a container image under the launch contract with testcontainers, stop it afterwards.
// What works on machines without a registry, and the traps: /work/shared/CONTAINERS.md.
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { chmodSync, existsSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { hostname } from 'node:os';
import { basename, dirname } from 'node:path';
import type { Readable } from 'node:stream';
import type { GenericContainer, StartedTestContainer, WaitStrategy } from 'testcontainers';
import type { ClockDescriptor } from '../clock/clock.ts';
import { type OmikronIdentity, trustedOmikronsJson } from '../identity/identities.ts';
import type { Dialect } from '../protocol/dialect.ts';
import { killOnExit } from '../run/exit.ts';
import { UsageError } from '../run/selection.ts';
import { prepareFaketime } from './faketime.ts';
import { LaunchError, type LaunchedTarget } from './launcher.ts';

// Before testcontainers is imported: the reaper image cannot be pulled here, and without a host
// override it pulls a helper image to find the gateway (CONTAINERS.md).
process.env.TESTCONTAINERS_RYUK_DISABLED ??= 'true';
process.env.TESTCONTAINERS_HOST_OVERRIDE ??= '127.0.0.1';

export interface ImageOptions {
  readonly image: string;
  readonly identities: readonly OmikronIdentity[];
  readonly path: string;
  readonly startTimeoutMs: number;
  /** --image-env K=V extras. */
  readonly env: readonly string[];
  /** --wait-log REGEX: ready when a log line matches; otherwise ready when the path answers HTTP. */
  readonly waitLog?: string;
  /** --container-port: where the server listens inside the container (OMEGA_PORT). */
  readonly containerPort?: number;
  readonly dialect?: Dialect;
  readonly faketime: boolean;
}

export const DEFAULT_CONTAINER_PORT = 9187;
/** Every container the suite starts carries this label; leftovers are found by it. */
export const LABEL = 'omega-conformance';
const LABEL_OWNER = 'omega-conformance.owner';
const LABEL_LAUNCH = 'omega-conformance.launch';
const OUTPUT_LINES = 60;
const STOP_GRACE_MS = 3000;
/** Where the host's libfaketime and the offset file's folder appear inside the container. */
const FAKETIME_MOUNT = '/omega-faketime';
/** The launcher sets these; an --image-env cannot change them. */
const CONTRACT_KEYS = ['OMEGA_HOST', 'OMEGA_PORT', 'OMEGA_TRUSTED_OMIKRONS'];
const FAKETIME_KEYS = [
  'LD_PRELOAD',
  'FAKETIME_TIMESTAMP_FILE',
  'FAKETIME_NO_CACHE',
  'FAKETIME_DONT_FAKE_MONOTONIC',
];

/** Parse --image-env K=V values; throws a UsageError naming the bad one. */
export function parseImageEnv(
  entries: readonly string[],
  opts: { faketime: boolean; dialect?: Dialect },
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const entry of entries) {
    const eq = entry.indexOf('=');
    const key = eq < 0 ? entry : entry.slice(0, eq);
    if (eq < 0 || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) {
      throw new UsageError(
        `--image-env takes KEY=VALUE with KEY a variable name (letters, digits, _), not "${entry}"`,
      );
    }
    if (CONTRACT_KEYS.includes(key)) {
      const hint = key === 'OMEGA_PORT' ? ' (use --container-port)' : '';
      throw new UsageError(
        `--image-env ${key}: the suite sets ${key} itself under the launch contract${hint}`,
      );
    }
    if (opts.faketime && FAKETIME_KEYS.includes(key)) {
      throw new UsageError(`--image-env ${key}: --clock faketime sets ${key} itself`);
    }
    const value = entry.slice(eq + 1);
    if (key === 'OMEGA_DIALECT' && opts.dialect && value !== opts.dialect) {
      throw new UsageError(`--image-env OMEGA_DIALECT=${value} contradicts --dialect ${opts.dialect}`);
    }
    env[key] = value;
  }
  return env;
}

function compileWaitLog(source: string): RegExp {
  try {
    return new RegExp(source);
  } catch (e) {
    throw new UsageError(`--wait-log "${source}" is not a regular expression: ${(e as Error).message}`);
  }
}

/** The last lines the container printed (stdout and stderr interleaved, as Docker gives them). */
class LogTail {
  private lines: string[] = [];
  private partial = '';
  readonly ended: Promise<void>;
  private end!: () => void;
  constructor() {
    this.ended = new Promise((resolve) => {
      this.end = resolve;
    });
  }
  follow(stream: Readable): void {
    stream.on('data', (chunk: Buffer | string) => this.push(chunk.toString()));
    stream.on('end', () => this.end());
    stream.on('error', () => this.end());
  }
  private push(text: string): void {
    const parts = (this.partial + text).split('\n');
    this.partial = parts.pop() ?? '';
    this.lines.push(...parts.map((l) => l.replace(/\r$/, '')));
    if (this.lines.length > OUTPUT_LINES) this.lines = this.lines.slice(-OUTPUT_LINES);
  }
  text(): string {
    return [...this.lines, ...(this.partial ? [this.partial] : [])].join('\n');
  }
}

/**
 * Ready when the mapped port answers an HTTP request on the path with anything at all (a WebSocket
 * server answers a plain GET: 400, 404, 426 ...). A bare TCP connect is not enough: Docker's port
 * proxy accepts on the host before the server listens, then closes. Runs on the host, so it needs
 * nothing in the image (testcontainers' port wait execs /bin/sh inside, which shell-less images lack).
 */
function httpAnswers(host: string, port: number, path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    let settled = false;
    const done = (ok: boolean) => {
      if (settled) return;
      settled = true;
      clearTimeout(held);
      socket.destroy();
      resolve(ok);
    };
    // Accepted and held open without an answer: a server that ignores plain GETs is still listening
    // (the port proxy closes at once when nothing listens behind it).
    const held = setTimeout(() => done(true), 1500);
    socket.once('connect', () => {
      socket.write(`GET ${path} HTTP/1.1\r\nHost: ${host}:${port}\r\nConnection: close\r\n\r\n`);
    });
    socket.once('data', () => done(true));
    socket.once('end', () => done(false));
    socket.once('close', () => done(false));
    socket.once('error', () => done(false));
  });
}

/** testcontainers' WaitStrategy, polling from the host within the start bound. */
class HostHttpWait implements WaitStrategy {
  private timeoutMs = 20_000;
  constructor(
    private readonly host: string,
    private readonly containerPort: number,
    private readonly path: string,
  ) {}
  withStartupTimeout(ms: number): this {
    this.timeoutMs = ms;
    return this;
  }
  isStartupTimeoutSet(): boolean {
    return true;
  }
  getStartupTimeout(): number {
    return this.timeoutMs;
  }
  async waitUntilReady(
    container: { inspect(): Promise<{ State: { Running: boolean; Status: string; ExitCode: number } }> },
    boundPorts: { getBinding(port: number): number },
  ): Promise<void> {
    const hostPort = boundPorts.getBinding(this.containerPort);
    const deadline = Date.now() + this.timeoutMs;
    for (;;) {
      const state = (await container.inspect()).State;
      if (!state.Running) throw new ContainerExited(`exited with status ${state.ExitCode}`);
      if (await httpAnswers(this.host, hostPort, this.path)) return;
      if (Date.now() > deadline) {
        throw new Error(
          `nothing answered on container port ${this.containerPort} (${this.host}:${hostPort}) within ${this.timeoutMs} ms`,
        );
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

class ContainerExited extends Error {}

type Testcontainers = typeof import('testcontainers');
type RuntimeClient = Awaited<ReturnType<Testcontainers['getContainerRuntimeClient']>>;

function dockerWhere(): string {
  return process.env.DOCKER_HOST ?? '/var/run/docker.sock';
}

const NO_ENGINE_HINT = 'install docker.io and start dockerd (see README; .ci/docker-engine.sh start)';

async function runtimeClient(tc: Testcontainers): Promise<RuntimeClient> {
  if (!process.env.DOCKER_HOST && !existsSync('/var/run/docker.sock')) {
    throw new LaunchError(
      `no Docker engine answers at /var/run/docker.sock (it does not exist): ${NO_ENGINE_HINT}`,
    );
  }
  try {
    return await tc.getContainerRuntimeClient();
  } catch (e) {
    throw new LaunchError(
      `no Docker engine answers at ${dockerWhere()} (${(e as Error).message}): ${NO_ENGINE_HINT}`,
    );
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Remove containers of the suite's label: every one of `launch` when given (this launch's own),
 * otherwise leftovers of crashed runs (stopped ones, or owned by a process of this host that is gone).
 * Containers of other runs still going are left alone.
 */
async function removeLabelled(client: RuntimeClient, launch?: string): Promise<number> {
  const docker = client.container.dockerode;
  let removed = 0;
  try {
    const list = await docker.listContainers({
      all: true,
      filters: { label: [launch ? `${LABEL_LAUNCH}=${launch}` : `${LABEL}=1`] },
    });
    const me = hostname();
    for (const c of list) {
      if (!launch) {
        const [host, pid] = (c.Labels[LABEL_OWNER] ?? '').split(':');
        const ownerGone = host === me && pid !== undefined && !processAlive(Number(pid));
        if (c.State === 'running' && !ownerGone) continue;
      }
      try {
        await docker.getContainer(c.Id).remove({ force: true, v: true });
        removed++;
      } catch {
        // already gone
      }
    }
  } catch {
    // Cleanup is best effort: a failure here must not hide the launch's own outcome.
  }
  return removed;
}

/** A GenericContainer whose published ports bind to one host address (127.0.0.1). */
function boundTo(tc: Testcontainers, hostIp: string): typeof GenericContainer {
  return class extends tc.GenericContainer {
    protected override async beforeContainerCreated(): Promise<void> {
      const bindings = (this.hostConfig.PortBindings ?? {}) as Record<
        string,
        { HostIp?: string; HostPort?: string }[]
      >;
      for (const list of Object.values(bindings)) for (const b of list) b.HostIp = hostIp;
    }
  };
}

function removeFolder(folder: string | undefined): void {
  if (folder) rmSync(folder, { recursive: true, force: true });
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host.startsWith('127.');
}

export async function launchImage(o: ImageOptions): Promise<LaunchedTarget> {
  const containerPort = o.containerPort ?? DEFAULT_CONTAINER_PORT;
  const extra = parseImageEnv(o.env, { faketime: o.faketime, ...(o.dialect ? { dialect: o.dialect } : {}) });
  const waitLog = o.waitLog !== undefined ? compileWaitLog(o.waitLog) : undefined;

  const tc: Testcontainers = await import('testcontainers');
  const client = await runtimeClient(tc);
  const host = client.info.containerRuntime.host;
  let exists: boolean;
  try {
    exists = await client.image.exists(tc.ImageName.fromString(o.image));
  } catch (e) {
    throw new LaunchError(
      `cannot look up image ${o.image} in the Docker engine at ${dockerWhere()}: ${(e as Error).message}`,
    );
  }
  if (!exists) {
    throw new LaunchError(
      `image ${o.image} is not in the local images of the Docker engine at ${dockerWhere()}: build or load it first (docker build -t ${o.image} . / docker pull ${o.image}); the suite never pulls`,
    );
  }
  await removeLabelled(client);

  const env: Record<string, string> = {
    ...extra,
    OMEGA_HOST: '0.0.0.0',
    OMEGA_PORT: String(containerPort),
    OMEGA_TRUSTED_OMIKRONS: trustedOmikronsJson(o.identities),
    ...(o.dialect ? { OMEGA_DIALECT: o.dialect } : {}),
  };
  const bindMounts: { source: string; target: string; mode: 'ro' }[] = [];
  let clockFolder: string | undefined;
  let clock: ClockDescriptor;
  if (o.faketime) {
    // The host's libfaketime, and the offset file's folder (not the file: FaketimeClock replaces the
    // file by rename, which a single-file bind mount would not see). Readable by any container user.
    const ft = prepareFaketime();
    const folder = dirname(ft.file);
    clockFolder = folder;
    chmodSync(folder, 0o755);
    chmodSync(ft.file, 0o644);
    bindMounts.push({ source: ft.library, target: `${FAKETIME_MOUNT}/${basename(ft.library)}`, mode: 'ro' });
    bindMounts.push({ source: folder, target: `${FAKETIME_MOUNT}/clock`, mode: 'ro' });
    Object.assign(env, {
      LD_PRELOAD: `${FAKETIME_MOUNT}/${basename(ft.library)}`,
      FAKETIME_TIMESTAMP_FILE: `${FAKETIME_MOUNT}/clock/${basename(ft.file)}`,
      FAKETIME_NO_CACHE: '1',
      // Whether the monotonic clock moves is faketime.ts's decision (it does: issue 11).
      FAKETIME_DONT_FAKE_MONOTONIC: ft.env.FAKETIME_DONT_FAKE_MONOTONIC,
    });
    clock = { kind: 'faketime', file: ft.file };
  } else {
    clock = { kind: 'none', reason: "the suite cannot move this container's clock (pass --clock faketime)" };
  }

  const launch = randomUUID();
  const tail = new LogTail();
  const Container = isLoopback(host) ? boundTo(tc, '127.0.0.1') : tc.GenericContainer;
  const wait = waitLog ? tc.Wait.forLogMessage(waitLog) : new HostHttpWait(host, containerPort, o.path);
  const definition = new Container(o.image)
    .withEnvironment(env)
    .withExposedPorts(containerPort)
    .withLabels({ [LABEL]: '1', [LABEL_OWNER]: `${hostname()}:${process.pid}`, [LABEL_LAUNCH]: launch })
    .withLogConsumer((stream) => tail.follow(stream))
    .withWaitStrategy(wait)
    .withStartupTimeout(o.startTimeoutMs);
  if (bindMounts.length > 0) definition.withBindMounts(bindMounts);

  let started: StartedTestContainer;
  try {
    started = await definition.start();
  } catch (e) {
    // testcontainers removes a container that failed its wait; this removes one that never started.
    await removeLabelled(client, launch);
    removeFolder(clockFolder);
    await Promise.race([tail.ended, new Promise((r) => setTimeout(r, 1000))]);
    const output = `Its last output:\n${tail.text() || '(none)'}`;
    const cause = (e as Error).message;
    if (e instanceof ContainerExited) {
      throw new LaunchError(
        `image ${o.image}: the container ${cause} before answering on port ${containerPort}. ${output}`,
      );
    }
    if (waitLog && /not received after|Log stream ended/.test(cause)) {
      throw new LaunchError(
        `image ${o.image}: no log line matched --wait-log ${waitLog} within ${o.startTimeoutMs} ms (${cause}). ${output}`,
      );
    }
    throw new LaunchError(`image ${o.image} did not start: ${cause.split('\n')[0]}. ${output}`);
  }

  const id = started.getId();
  let stopping = false;
  const died = new Promise<string>((resolve) => {
    client.container
      .getById(id)
      .wait()
      .then(
        (r: { StatusCode?: number }) => {
          if (!stopping) resolve(`container ${id.slice(0, 12)} exited with status ${r.StatusCode ?? '?'}`);
        },
        () => {
          // The engine went away or the container was removed from outside.
          if (!stopping) resolve(`container ${id.slice(0, 12)} vanished`);
        },
      );
  });

  // A run that ends before stop() finished (its deadline's last bound) removes the container on the
  // way out, synchronously, with the docker client where there is one; otherwise the next launch's
  // sweep of labelled leftovers does (removeLabelled).
  const unregister = killOnExit(() => {
    spawnSync('docker', ['rm', '-f', '-v', id], { stdio: 'ignore', timeout: 10_000 });
  });
  let stopped: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopped ??= (async () => {
      stopping = true;
      try {
        await started.stop({ timeout: STOP_GRACE_MS, remove: true, removeVolumes: true });
      } catch {
        // already stopped or removed: the sweep below makes sure
      }
      await removeLabelled(client, launch);
      removeFolder(clockFolder);
      unregister();
    })();
    return stopped;
  };

  return {
    kind: 'image',
    label: `image: ${o.image}`,
    url: `ws://${host}:${started.getMappedPort(containerPort)}${o.path}`,
    clock,
    ...(o.dialect ? { dialect: o.dialect } : {}),
    died,
    logs: () => tail.text(),
    stop,
  };
}
