// The one-hour registration timeout (SPEC.md UM-TMO), with the server's clock moved forward: never
// real waiting. The clock only moves forward and stays moved for the rest of the run, so every
// registration here is requested right before the move it is judged by.
//
// Register ids are Unix timestamps (seed): one issued before the move and one after show whether
// the server's wall clock moved (UM-TMO-005). When they cannot show it (ids that are not
// timestamps), the timeout requirements are "not verified", never failed; what the server did is
// still recorded. The exact instant of one hour is not tested: 59 and 61 minutes.
import type { OmikronSession } from '../harness/client/session.ts';
import type { ScenarioContext } from '../harness/scenario/context.ts';
import { freshPublicKey, newIota, registerId } from '../harness/scenario/fixtures.ts';
import { scenario } from '../harness/scenario/scenario.ts';
import type { RequirementId } from '../harness/spec/requirements.ts';
import {
  clockMoveShown,
  completeUser,
  expectNoUser,
  pendingUser,
  readBack,
  userExists,
} from '../harness/scenario/steps-users.ts';

const MINUTE = 60_000;

/**
 * Move the server's clock by `ms` after `before` was issued; a register id issued after the move
 * says whether the server saw it (recorded under UM-TMO-005). The scenario goes on on the fresh
 * connection returned: a server whose monotonic clock moved too (libfaketime moves both) sees its
 * timers fire at the jump and may drop the connections it now thinks idle, which is its right.
 */
async function advanceAndConfirm(
  t: ScenarioContext,
  old: OmikronSession,
  before: number,
  ms: number,
): Promise<{ shown: boolean; reason: string; o: OmikronSession }> {
  const started = performance.now();
  await t.clock!.advance(ms);
  await old.close();
  const o = await t.omikron();
  const after = await registerId(o);
  const move = clockMoveShown(before, after, ms, performance.now() - started + 1000);
  t.info(
    'UM-TMO-005',
    `${move.shown ? 'the clock move shows' : 'the clock move does NOT show'}: ${move.reason}`,
  );
  return { ...move, o };
}

/** Without a visible move the requirements cannot be judged: not verified, with the observation. */
function unverifiable(
  t: ScenarioContext,
  reqs: readonly RequirementId[],
  reason: string,
  observed: string,
): void {
  for (const req of reqs) {
    t.notVerified(req, `not verified: ${reason}; the server's clock move cannot be confirmed`);
    t.info(req, `observed anyway: ${observed}`);
  }
}

scenario(
  ['UM-TMO-001', 'UM-TMO-005'],
  'complete_register_user 59 minutes after get_register succeeds',
  async (t) => {
    const first = await t.omikron();
    const iota = await newIota(first);
    const u = pendingUser(t, await registerId(first), iota);
    const move = await advanceAndConfirm(t, first, u.userId, 59 * MINUTE);
    const o = move.o;
    const reply = await completeUser(o, u);
    if (!move.shown) {
      return unverifiable(t, ['UM-TMO-001'], move.reason, `completion 59 minutes on answered ${reply.type}`);
    }
    t.expectSuccess(
      'UM-TMO-001',
      'completeUser',
      reply,
      'complete_register_user 59 minutes after get_register',
    );
    const d = await readBack(t, o, 'UM-TMO-001', { user_id: u.userId }, 'the user completed at 59 minutes');
    t.expectEqual('UM-TMO-001', 'the user reads back with the username given', d.username, u.username);
  },
  { needsClock: true },
);

scenario(
  ['UM-TMO-002', 'UM-TMO-003', 'UM-TMO-005', 'ENV-002'],
  'complete_register_user 61 minutes after get_register fails, and the expired id stays unusable',
  async (t) => {
    const first = await t.omikron();
    const iota = await newIota(first);
    const u = pendingUser(t, await registerId(first), iota);
    const move = await advanceAndConfirm(t, first, u.userId, 61 * MINUTE);
    const o = move.o;
    const reply = await completeUser(o, u);
    if (!move.shown) {
      const found = await userExists(o, { user_id: u.userId });
      return unverifiable(
        t,
        ['UM-TMO-002', 'UM-TMO-003'],
        move.reason,
        `completion 61 minutes on answered ${reply.type}; the user ${found ? 'exists' : 'does not exist'} afterwards`,
      );
    }
    t.expectError('UM-TMO-002', reply, 'complete_register_user 61 minutes after get_register');
    await expectNoUser(t, o, 'UM-TMO-002', { user_id: u.userId }, 'no user has the expired register id');
    await expectNoUser(t, o, 'UM-TMO-002', { username: u.username }, 'no user has the username given');

    const again = pendingUser(t, u.userId, iota);
    const r2 = await completeUser(o, again);
    t.expectError('UM-TMO-003', r2, 'a second completion with the expired register id (another username)');
    await expectNoUser(
      t,
      o,
      'UM-TMO-003',
      { user_id: u.userId },
      'still no user has the expired register id',
    );
    await expectNoUser(t, o, 'UM-TMO-003', { username: again.username }, 'no user has the second username');
  },
  { needsClock: true },
);

scenario(
  ['UM-TMO-004', 'UM-TMO-005'],
  'complete_register_iota 61 minutes after get_register (recorded)',
  async (t) => {
    const first = await t.omikron();
    const iotaId = await registerId(first);
    const move = await advanceAndConfirm(t, first, iotaId, 61 * MINUTE);
    const o = move.o;
    const reply = await o.call('completeIota', { iota_id: iotaId, public_key: freshPublicKey() });
    const verdict = t.isError(reply) ? `refused (${reply.type})` : `accepted (${reply.type})`;
    t.info(
      'UM-TMO-004',
      `an Iota registration completed 61 minutes after get_register was ${verdict}${move.shown ? '' : ` (the clock move could not be confirmed: ${move.reason})`}`,
      reply.frame,
    );
  },
  { needsClock: true },
);
