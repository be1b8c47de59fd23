// The suite's own scenarios through the proxy, against the reference or one of its faulty variants.
import { join } from 'node:path';
import { variantByName } from '../fixtures/variants/catalogue.ts';
import { applyVariant } from '../fixtures/variants/variant.ts';
import { ReferenceOmega } from '../fixtures/reference/server.ts';
import { fixtureIdentities } from '../harness/identity/identities.ts';
import { startProxy } from '../harness/proxy/cli.ts';
import type { Dialect } from '../harness/protocol/dialect.ts';
import type { RunReport } from '../harness/run/report-model.ts';
import { type CliRun, runCli, tempDir } from './cli-helpers.ts';

export interface ProxiedRun {
  readonly suite: CliRun;
  /** The proxy's own report of the traffic. */
  readonly live: RunReport;
  readonly proxyExit: number;
  readonly tracePath: string;
}

export async function throughProxy(o: {
  variant?: string;
  dialect: Dialect;
  args: readonly string[];
  /** The live check's reply bound (default 10 s; below the suite's 5 s wait to see a hang). */
  replyBoundMs?: number;
}): Promise<ProxiedRun> {
  const identities = fixtureIdentities();
  const omega = await ReferenceOmega.start({
    dialect: o.dialect,
    trusted: identities.map((i) => ({ id: i.id, publicKey: i.publicKey })),
    behaviours: applyVariant(o.variant ? variantByName(o.variant) : undefined),
  });
  const dir = tempDir();
  const tracePath = join(dir, 'trace.jsonl');
  const proxy = await startProxy({
    host: '127.0.0.1',
    port: 0,
    upstream: omega.url,
    insecure: false,
    tracePath,
    reportDir: dir,
    reportEveryMs: 60_000,
    check: {
      dialect: o.dialect,
      fromStart: true,
      replyBoundMs: o.replyBoundMs ?? 10_000,
      identities,
      level: 'must',
    },
  });
  try {
    const suite = await runCli(
      ['--url', `${proxy.url}/ws/omikron`, '--dialect', o.dialect, '--quiet', ...o.args],
      {
        timeoutMs: 240_000,
      },
    );
    const proxyExit = await proxy.stop();
    return { suite, live: proxy.live.report(), proxyExit, tracePath };
  } finally {
    await proxy.stop();
    await omega.stop();
  }
}

export const verdict = (r: RunReport, id: string) => r.requirements.find((q) => q.id === id)?.verdict;
export const failedIds = (r: RunReport) =>
  r.requirements.filter((q) => q.verdict === 'failed' || q.verdict === 'non-strict').map((q) => q.id);
