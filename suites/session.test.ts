// The Omikron handshake: the challenge, the right and wrong answers, unknown Omikrons, requests
// before authentication, and ping before and after (SPEC.md SES, section 3). Where the server has a
// choice (close or keep the connection open, which error type) every reading is accepted and recorded.
import { randomInt } from 'node:crypto';
import type { Reply } from '../harness/client/connection.ts';
import type { OmikronSession } from '../harness/client/session.ts';
import {
  decryptChallenge,
  privateKeyFromRaw,
  publicKeyFromRaw,
  X448_KEY_BYTES,
} from '../harness/crypto/x448.ts';
import { generateIdentity } from '../harness/identity/identities.ts';
import { describeReply, type ScenarioContext } from '../harness/scenario/context.ts';
import { completeUserRequest, newIota, registerIdOf } from '../harness/scenario/fixtures.ts';
import { scenario } from '../harness/scenario/scenario.ts';
import type { RequirementId } from '../harness/spec/requirements.ts';
import {
  closedWithin,
  describeClose,
  describeOutcome,
  outcomeCause,
  expectRefused,
  type Outcome,
  outcomeOf,
  stillOpen,
} from '../harness/scenario/steps-outcomes.ts';
import { expectNoUser, pendingUser } from '../harness/scenario/steps-users.ts';

const isBase64 = (s: string): boolean => s.length > 0 && Buffer.from(s, 'base64').toString('base64') === s;

/** The challenge reply's data, checked under SES-001. */
function challengeData(t: ScenarioContext, reply: Reply): { publicKey: string; challenge: string } {
  t.check('SES-001', reply.type === 'challenge', 'identification is answered with a challenge', {
    expected: 'challenge',
    actual: reply.frame,
  });
  const d = (reply.data ?? {}) as { public_key?: unknown; challenge?: unknown };
  t.check('SES-001', typeof d.public_key === 'string', 'data.public_key is a string', {
    expected: 'a string',
    actual: d.public_key,
  });
  t.check('SES-001', typeof d.challenge === 'string', 'data.challenge is a string', {
    expected: 'a string',
    actual: d.challenge,
  });
  return { publicKey: d.public_key as string, challenge: d.challenge as string };
}

/**
 * After a refused handshake step: nothing is served on that connection. A get_register gets an
 * error reply or a close (never a get_register). Records whether the server closed (SES-008).
 */
async function expectNotServed(
  t: ScenarioContext,
  req: RequirementId,
  s: OmikronSession,
  refusal: Outcome,
  after: string,
): Promise<void> {
  if (refusal.kind === 'close' || !s.connection.isOpen) {
    const c = await closedWithin(s.connection);
    t.info('SES-008', `after ${after}: the server closed the connection${c ? ` (${describeClose(c)})` : ''}`);
    t.pass(req, `after ${after}: nothing can be served on a closed connection`);
    return;
  }
  const next = await outcomeOf(s.call('getRegister', {}));
  if (next.kind === 'reply' && next.reply.type === 'get_register' && registerIdOf(next.reply) !== undefined) {
    t.fail(req, `after ${after}, get_register on that connection was served`, {
      expected: 'an error reply or a close: the connection is not authenticated',
      actual: next.reply.frame,
    });
  }
  expectRefused(t, req, next, `after ${after}, get_register on that connection`);
  t.info(
    'SES-008',
    `after ${after}: the server ${next.kind === 'close' ? `closed the connection when get_register came (${describeClose(next.close)})` : `kept the connection open and refused get_register with ${describeOutcome(next)}`}`,
  );
}

scenario(['SES-001'], 'identification is answered with a challenge the Omikron can decrypt', async (t) => {
  const s = await t.open(0);
  const reply = await s.identify();
  const { publicKey, challenge } = challengeData(t, reply);
  const raw = Buffer.from(publicKey, 'base64');
  t.check(
    'SES-001',
    isBase64(publicKey) && raw.length === X448_KEY_BYTES,
    'data.public_key is base64 of a raw 56-byte X448 key',
    { expected: `base64 (standard, padded) of ${X448_KEY_BYTES} bytes`, actual: publicKey },
  );
  const sealed = Buffer.from(challenge, 'base64');
  t.check(
    'SES-001',
    isBase64(challenge) && sealed.length > 12 + 16,
    'data.challenge is base64 of nonce (12) || ciphertext || tag (16)',
    { expected: 'base64 of more than 28 bytes', actual: `${challenge} (${sealed.length} bytes)` },
  );
  let plaintext: string;
  try {
    plaintext = decryptChallenge(
      challenge,
      privateKeyFromRaw(s.identity.privateKey),
      publicKeyFromRaw(publicKey),
    );
  } catch (e) {
    return t.fail('SES-001', 'the challenge decrypts with the Omikron key and the Omega key it carries', {
      expected: 'AES-256-GCM under SHA-256 of the X448 shared secret opens it',
      actual: (e as Error).message,
    });
  }
  t.pass('SES-001', 'the challenge decrypts with the Omikron key and the Omega key it carries');
  t.info(
    'SES-001',
    `challenge plaintext: ${plaintext.length} characters${/^[A-Za-z0-9]+$/.test(plaintext) ? ', alphanumeric' : ''}`,
  );
});

scenario(
  ['SES-002', 'SES-001'],
  'the right challenge answer is accepted and the connection is then served',
  async (t) => {
    const s = await t.open(0);
    const challenge = await s.identify();
    challengeData(t, challenge);
    const answer = await s.respond(s.solve(challenge), challenge.id);
    t.expectEqual('SES-002', 'reply type to the right answer', answer.type, 'identification_response');
    t.expectEqual(
      'SES-002',
      'data.accepted (the boolean true)',
      (answer.data as { accepted?: unknown } | undefined)?.accepted,
      true,
    );
    const reg = await s.call('getRegister', {});
    t.expectSuccess('SES-002', 'getRegister', reg, 'get_register on the authenticated connection');
  },
);

scenario(
  ['SES-003', 'SES-008'],
  'a wrong challenge answer is refused and nothing is served on that connection afterwards',
  async (t) => {
    const s = await t.open(0);
    const challenge = await s.identify();
    const right = s.solve(challenge);
    // The right answer with its first character changed: plausible, and certainly wrong.
    const wrong = `${right[0] === 'A' ? 'B' : 'A'}${right.slice(1)}`;
    const refusal = await outcomeOf(s.respond(wrong, challenge.id));
    if (
      refusal.kind === 'reply' &&
      (refusal.reply.data as { accepted?: unknown } | undefined)?.accepted === true
    ) {
      t.fail('SES-003', 'the wrong challenge answer was accepted', {
        expected: 'an error reply or a close',
        actual: refusal.reply.frame,
      });
    }
    expectRefused(t, 'SES-003', refusal, 'a wrong challenge answer');
    await expectNotServed(t, 'SES-003', s, refusal, 'a wrong challenge answer');
  },
);

/** An Omikron id the run does not trust: not one of the target's identities. */
function unknownOmikronId(t: ScenarioContext): number {
  const known = new Set(t.target.identities.map((i) => i.id));
  let id = 900_000_000 + randomInt(1_000_000);
  while (known.has(id)) id++;
  return id;
}

scenario(['SES-004', 'SES-008'], 'an unknown Omikron id is refused and not served', async (t) => {
  const stranger = generateIdentity(unknownOmikronId(t));
  const s = await t.open(0);
  let refusal = await outcomeOf(s.identify(stranger.id));
  if (refusal.kind === 'reply' && refusal.reply.type === 'challenge') {
    // A server may answer every identification with a challenge and refuse at the answer instead.
    t.info('SES-008', `identification of unknown Omikron ${stranger.id}: answered with a challenge`);
    const d = (refusal.reply.data ?? {}) as { public_key?: unknown; challenge?: unknown };
    let answer = 'A'.repeat(32);
    try {
      answer = decryptChallenge(
        String(d.challenge),
        privateKeyFromRaw(stranger.private_key),
        publicKeyFromRaw(String(d.public_key)),
      );
    } catch {
      // Not encrypted for any key the stranger holds: answer anything.
    }
    refusal = await outcomeOf(s.respond(answer, refusal.reply.id));
    if (
      refusal.kind === 'reply' &&
      (refusal.reply.data as { accepted?: unknown } | undefined)?.accepted === true
    ) {
      t.fail('SES-004', `unknown Omikron ${stranger.id} was accepted`, {
        expected: 'an error reply or a close',
        actual: refusal.reply.frame,
      });
    }
  }
  expectRefused(t, 'SES-004', refusal, `identification of unknown Omikron ${stranger.id}`);
  await expectNotServed(t, 'SES-004', s, refusal, `the refusal of unknown Omikron ${stranger.id}`);
});

scenario(['SES-005', 'SES-008'], 'get_register before the handshake is refused', async (t) => {
  const s = await t.open(0);
  const refusal = await outcomeOf(s.call('getRegister', {}));
  if (refusal.kind === 'reply' && refusal.reply.type === 'get_register') {
    t.fail('SES-005', 'get_register before the handshake was served', {
      expected: 'an error reply or a close',
      actual: refusal.reply.frame,
    });
  }
  expectRefused(t, 'SES-005', refusal, 'get_register before the handshake');
  t.info('SES-008', `after a request before the handshake, the server ${await stillOpen(s.connection)}`);
});

scenario(
  ['SES-005', 'SES-008'],
  'complete_register_user before the handshake is refused and not executed',
  async (t) => {
    const a = await t.omikron(0);
    const iota = await newIota(a);
    const reg = await a.call('getRegister', {});
    const regId = registerIdOf(reg);
    if (regId === undefined) {
      return t.fail('SES-005', 'setup: get_register on the authenticated connection', {
        expected: 'an integer register id',
        actual: reg.frame,
      });
    }
    const u = pendingUser(t, regId, iota);
    const s = await t.open(1);
    const refusal = await outcomeOf(s.call('completeUser', completeUserRequest(u)));
    if (refusal.kind === 'reply' && refusal.reply.type === 'success') {
      t.fail('SES-005', 'complete_register_user before the handshake was served', {
        expected: 'an error reply or a close',
        actual: refusal.reply.frame,
      });
    }
    expectRefused(t, 'SES-005', refusal, 'complete_register_user before the handshake');
    t.info('SES-008', `after a request before the handshake, the server ${await stillOpen(s.connection)}`);
    await expectNoUser(t, a, 'SES-005', { user_id: u.userId }, 'no user was created under the register id');
    await expectNoUser(t, a, 'SES-005', { username: u.username }, 'no user was created with the username');
  },
);

scenario(['SES-006'], 'a ping before authentication gets its pong; the handshake then works', async (t) => {
  const s = await t.open(0);
  const o = await outcomeOf(s.ping());
  if (o.kind !== 'reply') {
    return t.fail('SES-006', `ping before authentication: ${describeOutcome(o)}`, {
      expected: 'pong with the ping id',
      actual: describeOutcome(o),
      ...outcomeCause(o),
    });
  }
  t.check('SES-006', o.reply.type === 'pong', 'ping before authentication is answered with pong', {
    expected: 'pong',
    actual: describeReply(o.reply),
  });
  await s.handshake();
  t.pass('SES-006', 'after the ping, the handshake succeeds');
});

scenario(['SES-007'], 'a ping after authentication gets its pong', async (t) => {
  const s = await t.omikron(0);
  for (let i = 0; i < 3; i++) {
    const o = await outcomeOf(s.ping());
    if (o.kind !== 'reply') {
      return t.fail('SES-007', `ping after authentication: ${describeOutcome(o)}`, {
        expected: 'pong with the ping id',
        actual: describeOutcome(o),
        ...outcomeCause(o),
      });
    }
    t.check('SES-007', o.reply.type === 'pong', 'ping after authentication is answered with pong', {
      expected: 'pong',
      actual: describeReply(o.reply),
    });
  }
});
