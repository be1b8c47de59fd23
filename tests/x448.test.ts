// The challenge scheme with its keys kept between handshakes: the same answers as fresh keys, and a
// challenge for another key pair still fails to decrypt.
import { describe, expect, it } from 'vitest';
import {
  decryptChallenge,
  encryptChallenge,
  generateRawKeyPair,
  privateKeyFromRaw,
  publicKeyFromRaw,
} from '../harness/crypto/x448.ts';

describe('X448 challenge', () => {
  const omega = generateRawKeyPair();
  const omikron = generateRawKeyPair();
  const stranger = generateRawKeyPair();

  it('round-trips, again and again with the kept keys', () => {
    for (let i = 0; i < 3; i++) {
      const plain = `challenge ${i}`;
      const sealed = encryptChallenge(
        plain,
        privateKeyFromRaw(omega.privateKey),
        publicKeyFromRaw(omikron.publicKey),
      );
      expect(
        decryptChallenge(sealed, privateKeyFromRaw(omikron.privateKey), publicKeyFromRaw(omega.publicKey)),
      ).toBe(plain);
    }
    expect(privateKeyFromRaw(omikron.privateKey)).toBe(privateKeyFromRaw(omikron.privateKey));
  });

  it('a challenge sealed for another Omikron, or by another Omega, does not decrypt', () => {
    const forStranger = encryptChallenge(
      'x',
      privateKeyFromRaw(omega.privateKey),
      publicKeyFromRaw(stranger.publicKey),
    );
    expect(() =>
      decryptChallenge(forStranger, privateKeyFromRaw(omikron.privateKey), publicKeyFromRaw(omega.publicKey)),
    ).toThrow();
    const byStranger = encryptChallenge(
      'x',
      privateKeyFromRaw(stranger.privateKey),
      publicKeyFromRaw(omikron.publicKey),
    );
    expect(() =>
      decryptChallenge(byStranger, privateKeyFromRaw(omikron.privateKey), publicKeyFromRaw(omega.publicKey)),
    ).toThrow();
  });

  it('a key that is not 56 raw bytes is still refused, kept keys or not', () => {
    expect(() => publicKeyFromRaw(Buffer.alloc(32).toString('base64'))).toThrow(/56-byte/);
    expect(() => privateKeyFromRaw('not base64!')).toThrow(/56-byte/);
  });
});
