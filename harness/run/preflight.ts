// Before the scenarios: can we authenticate at all (else exit 2), and which dialect does it speak?
import { OmikronSession, type SessionTarget } from '../client/session.ts';
import { generateRawKeyPair } from '../crypto/x448.ts';
import type { OmikronIdentity } from '../identity/identities.ts';
import type { Dialect } from '../protocol/dialect.ts';
import { LaunchError } from '../launchers/launcher.ts';

export async function authenticateOnce(target: SessionTarget, identity: OmikronIdentity): Promise<void> {
  let s: OmikronSession | undefined;
  try {
    s = await OmikronSession.connect(target, identity, 'preflight');
  } catch (e) {
    throw new LaunchError(`cannot authenticate with the target: ${(e as Error).message}`, { cause: e });
  } finally {
    await s?.close();
  }
}

/**
 * Probe the dialect by registering a throwaway user and reading it back: the reply type of
 * get_user_data is `get_user` in the seed dialect and `get_user_data` in the tensamin one.
 */
export async function probeDialect(
  target: Omit<SessionTarget, 'dialect'>,
  identity: OmikronIdentity,
  username: string,
): Promise<{ dialect: Dialect; how: string }> {
  // The scenario steps pull in vitest's runtime: loaded only when a dialect is probed.
  const { registerIdOf } = await import('../scenario/fixtures.ts');
  const s = await OmikronSession.connect({ ...target, dialect: 'seed' }, identity, 'dialect-probe');
  try {
    const iotaReg = await s.call('getRegister', {});
    const iotaId = registerIdOf(iotaReg);
    const userReg = await s.call('getRegister', {});
    const userId = registerIdOf(userReg);
    if (iotaId === undefined || userId === undefined) {
      throw new LaunchError(
        `dialect probe: get_register answered ${JSON.stringify(iotaReg.frame).slice(0, 200)}; pass --dialect`,
      );
    }
    await s.call('completeIota', { iota_id: iotaId, public_key: generateRawKeyPair().publicKey });
    await s.call('completeUser', {
      user_id: userId,
      username,
      public_key: generateRawKeyPair().publicKey,
      iota_id: iotaId,
      reset_token: Buffer.from(crypto.getRandomValues(new Uint8Array(24))).toString('base64'),
    });
    const reply = await s.call('getUser', { user_id: userId });
    if (reply.type === 'get_user')
      return { dialect: 'seed', how: 'probed: get_user_data was answered with get_user' };
    if (reply.type === 'get_user_data')
      return { dialect: 'tensamin', how: 'probed: get_user_data was answered with get_user_data' };
    throw new LaunchError(
      `dialect probe: get_user_data answered ${JSON.stringify(reply.frame).slice(0, 200)}, which names no dialect; pass --dialect seed or --dialect tensamin`,
    );
  } finally {
    await s.close();
  }
}
