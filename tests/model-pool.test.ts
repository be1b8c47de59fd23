// The model's session pool (harness/properties/model/pool.ts): a connection goes on to the next
// sequence only as good as fresh (what it announced withdrawn, quiet, on a target shown in order),
// and none does once the pool is off.
import { afterEach, describe, expect, it } from 'vitest';
import { ALTERNATIVES } from '../fixtures/alternatives/catalogue.ts';
import { type Behaviours, REFERENCE } from '../fixtures/reference/behaviours.ts';
import { ReferenceOmega } from '../fixtures/reference/server.ts';
import type { Anomaly } from '../harness/client/causes.ts';
import { fixtureIdentities } from '../harness/identity/identities.ts';
import { runModel } from '../harness/properties/model/commands.ts';
import { SessionPool } from '../harness/properties/model/pool.ts';
import { GetRegister } from '../harness/properties/model/registration-commands.ts';
import { Coverage, PropertyFailure } from '../harness/properties/runner.ts';
import { ScenarioContext } from '../harness/scenario/context.ts';
import type { TargetDescriptor } from '../harness/scenario/target.ts';
import { asRequirementId } from '../harness/spec/requirements.ts';

const identities = fixtureIdentities();
let omega: ReferenceOmega | undefined;

afterEach(async () => {
  await omega?.stop();
  omega = undefined;
});

/** A reference (or an alternative on it) and a scenario context on it; `seen` lists the frames it got. */
async function start(behaviours: Behaviours = REFERENCE) {
  const seen: { type?: string; data?: Record<string, unknown> }[] = [];
  omega = await ReferenceOmega.start({
    dialect: 'seed',
    trusted: identities,
    behaviours: {
      ...behaviours,
      decode: (raw: Buffer, isBinary: boolean) => {
        if (!isBinary) seen.push(JSON.parse(raw.toString('utf8')));
        return behaviours.decode(raw, isBinary);
      },
    },
  });
  const target: TargetDescriptor = {
    label: 'pool test',
    url: omega.url,
    dialect: 'seed',
    identities,
    timeoutMs: 3000,
    clock: { kind: 'none', reason: 'not needed' },
    runPrefix: 'pl',
    seed: 1,
    runs: 1,
  };
  const t = new ScenarioContext(target, 'pool', [asRequirementId('ANN-001')]);
  return { t, seen, pool: new SessionPool(t, 2) };
}

describe('the model session pool', () => {
  it('keeps a session that held, withdrawing what it left announced, and hands it out once', async () => {
    const { t, seen, pool } = await start();
    const s = await t.omikron(0);
    await s.announce('userConnected', 4242);
    await s.announce('iotaConnected', 4343);
    await pool.give(0, s, { users: [4242], iotas: [4343] });
    expect(seen).toContainEqual(
      expect.objectContaining({ type: 'user_disconnected', data: { user_id: 4242 } }),
    );
    expect(seen).toContainEqual(
      expect.objectContaining({ type: 'iota_disconnected', data: { iota_id: 4343 } }),
    );
    // The withdrawals were proven processed by a barrier before the session was kept.
    expect(seen.at(-1)?.type).toBe('ping');
    expect(pool.take(0)).toBe(s);
    expect(pool.take(0)).toBeNull();
    expect(pool.take(1)).toBeNull();
    await s.close();
  });

  it('closes a session that saw a frame matching nothing', async () => {
    const { t, pool } = await start();
    const s = await t.omikron(0);
    s.connection.anomalies.push({ kind: 'unsolicited', connection: s.label, at: 0 } as unknown as Anomaly);
    await pool.give(0, s, { users: [], iotas: [] });
    expect(pool.take(0)).toBeNull();
    expect(s.connection.isOpen).toBe(false);
  });

  it('closes a session its sequence left closed or owing a reply', async () => {
    const { t, pool } = await start();
    const closed = await t.omikron(0);
    await closed.close();
    await pool.give(0, closed, { users: [], iotas: [] });
    expect(pool.take(0)).toBeNull();
    const owing = await t.omikron(1);
    owing.connection.sendRaw('{"no id', { expectUncorrelatedReply: true });
    owing.connection.abandonUnreadable();
    owing.connection.sendRaw('{"no id', { expectUncorrelatedReply: true });
    await pool.give(1, owing, { users: [], iotas: [] });
    expect(pool.take(1)).toBeNull();
    expect(owing.connection.isOpen).toBe(false);
  });

  it('keeps nothing once off, and closes what it kept', async () => {
    const { t, pool } = await start();
    const s = await t.omikron(0);
    await pool.give(0, s, { users: [], iotas: [] });
    await pool.disable('a sequence failed');
    expect(pool.disabled).toBe('a sequence failed');
    expect(s.connection.isOpen).toBe(false);
    expect(pool.take(0)).toBeNull();
    const again = await t.omikron(0);
    await pool.give(0, again, { users: [], iotas: [] });
    expect(pool.take(0)).toBeNull();
    expect(again.connection.isOpen).toBe(false);
  });

  it('keeps nothing on a target that does not keep one connection’s order', async () => {
    const alt = ALTERNATIVES.find((a) => a.name === 'concurrent-random-delay');
    expect(alt).toBeDefined();
    const { t, pool } = await start({ ...REFERENCE, ...alt!.override(REFERENCE) });
    const s = await t.omikron(0);
    expect((await t.serverOrder())?.inOrder).toBe(false);
    await pool.give(0, s, { users: [], iotas: [] });
    expect(pool.take(0)).toBeNull();
    expect(s.connection.isOpen).toBe(false);
  });
});

describe('a model sequence on kept connections', () => {
  // A server whose fault shows only on a connection that has served more than 12 frames: a sequence
  // of five get_register passes on a fresh connection (2 handshake frames + 5) and fails on one an
  // earlier sequence used.
  const wornOut: Behaviours = {
    ...REFERENCE,
    operations: {
      ...REFERENCE.operations,
      getRegister: (ctx, req) =>
        ctx.conn.frames > 12
          ? REFERENCE.error(ctx, req, 'error_internal', 'worn out')
          : REFERENCE.operations.getRegister(ctx, req),
    },
  };
  // A server that closes a connection it has served more than 12 frames: its choice, not a fault.
  const closesLongServed: Behaviours = {
    ...REFERENCE,
    operations: {
      ...REFERENCE.operations,
      getRegister: (ctx, req) =>
        ctx.conn.frames > 12
          ? ctx.close(1000, 'served long enough')
          : REFERENCE.operations.getRegister(ctx, req),
    },
  };
  const five = () => Array.from({ length: 5 }, () => new GetRegister(0));
  const config = (t: Awaited<ReturnType<typeof start>>['t'], pool: SessionPool) => ({
    t,
    dialect: 'seed' as const,
    slots: 1,
    clock: false,
    coverage: new Coverage(),
    noted: new Set<string>(),
    pool,
  });

  it('judges a failure on kept connections like any other, its steps saying they were kept', async () => {
    const { t, pool } = await start(wornOut);
    const cfg = config(t, pool);
    await runModel(cfg, five());
    expect(pool.disabled).toBeNull();
    // Fails on the kept connection (frames 9 to 13): judged, though a fresh one would hold.
    const failure = await runModel(cfg, five()).then(
      () => null,
      (e: unknown) => e,
    );
    expect(failure).toBeInstanceOf(PropertyFailure);
    expect((failure as PropertyFailure).requirement).toBe('UM-REG-001');
    expect((failure as PropertyFailure).message).toContain('connections kept from an earlier sequence');
    expect(pool.disabled).toBe('a sequence failed on kept connections');
    // From then on every sequence runs on fresh connections, as a replay does: this one holds.
    await runModel(cfg, five());
  });

  it('excuses a kept connection the server closed: the sequence runs again on fresh ones', async () => {
    const { t, pool } = await start(closesLongServed);
    const cfg = config(t, pool);
    await runModel(cfg, five());
    expect(pool.disabled).toBeNull();
    await runModel(cfg, five());
    expect(pool.disabled).toBe('a kept connection was closed by the server');
    expect(t.transcript.render()).toContain(
      'closed by the server; the sequence runs again on fresh connections',
    );
    await runModel(cfg, five());
  });
});
