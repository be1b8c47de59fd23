// X448 + SHA-256 + AES-256-GCM, the Omikron challenge scheme (PROTOCOL-NOTES.md), on Node's crypto alone.
import {
  createCipheriv,
  createDecipheriv,
  createHash,
  createPrivateKey,
  createPublicKey,
  diffieHellman,
  type KeyObject,
  randomBytes,
} from 'node:crypto';

export const X448_KEY_BYTES = 56;
const NONCE_BYTES = 12;
const TAG_BYTES = 16;

const b64url = (b: Buffer): string => b.toString('base64url');

/** A raw 56-byte X448 key, given as standard base64, checked for length. */
export function decodeRawKey(base64: string, what: string): Buffer {
  const raw = Buffer.from(base64, 'base64');
  if (raw.length !== X448_KEY_BYTES || raw.toString('base64') !== base64) {
    throw new Error(`${what} is not base64 of a raw ${X448_KEY_BYTES}-byte X448 key`);
  }
  return raw;
}

// Building a KeyObject from raw bytes costs more than the handshake's decryption: each raw key is
// made into one once (the suite's identities, a server's key), a bounded number kept.
const KEPT_KEYS = 512;
const publicKeys = new Map<string, KeyObject>();
const privateKeys = new Map<string, KeyObject>();

function kept(cache: Map<string, KeyObject>, base64: string, make: () => KeyObject): KeyObject {
  let key = cache.get(base64);
  if (key === undefined) {
    key = make();
    if (cache.size >= KEPT_KEYS) cache.clear();
    cache.set(base64, key);
  }
  return key;
}

export function publicKeyFromRaw(base64: string): KeyObject {
  return kept(publicKeys, base64, () => {
    const x = decodeRawKey(base64, 'public key');
    return createPublicKey({ key: { kty: 'OKP', crv: 'X448', x: b64url(x) }, format: 'jwk' });
  });
}

// PKCS#8 wrapper for a raw X448 private key (RFC 8410): SEQUENCE { 0, id-X448, OCTET STRING { key } }.
const PKCS8_X448_PREFIX = Buffer.from('3046020100300506032b656f043a0438', 'hex');

const importPrivate = (d: Buffer): KeyObject =>
  createPrivateKey({ key: Buffer.concat([PKCS8_X448_PREFIX, d]), format: 'der', type: 'pkcs8' });

export function privateKeyFromRaw(base64: string): KeyObject {
  return kept(privateKeys, base64, () => importPrivate(decodeRawKey(base64, 'private key')));
}

// Keys are made and read without node:crypto's key generation jobs or JWK export: on Node 20 a
// generateKeyPairSync job finalized by a GC that runs inside KeyObject.export({format: 'jwk'}) of its
// own key locks the mutex the export holds, and the thread deadlocks in native code (seen as a rare
// stall of the suite's worker that no timer can end, and a process.exit that never returns).
// A raw private key is any 56 bytes (RFC 7748 clamps it); its public key is X448(k, 5), computed by
// an X448 exchange with the base point.
const BASE_POINT = (() => {
  const u = Buffer.alloc(X448_KEY_BYTES);
  u[0] = 5;
  return createPublicKey({ key: { kty: 'OKP', crv: 'X448', x: b64url(u) }, format: 'jwk' });
})();

/** The raw public key (base64) of a private key. */
export function rawPublicKey(privateKey: KeyObject): string {
  return diffieHellman({ privateKey, publicKey: BASE_POINT }).toString('base64');
}

export interface RawKeyPair {
  publicKey: string;
  privateKey: string;
}

/** A fresh pair (not kept: the cache above is for keys used again). */
export function generateRawKeyPair(): RawKeyPair {
  const d = randomBytes(X448_KEY_BYTES);
  return { publicKey: rawPublicKey(importPrivate(d)), privateKey: d.toString('base64') };
}

// The same two keys always agree on the same secret: an Omikron that connects again to the same
// Omega (and the Omega answering it) derives it once. Kept per pair of KeyObjects, which the caches
// above make one object per raw key, and dropped with them.
const sharedKeys = new WeakMap<KeyObject, WeakMap<KeyObject, Buffer>>();

function sharedAesKey(privateKey: KeyObject, publicKey: KeyObject): Buffer {
  let byPublic = sharedKeys.get(privateKey);
  if (byPublic === undefined) {
    byPublic = new WeakMap();
    sharedKeys.set(privateKey, byPublic);
  }
  let key = byPublic.get(publicKey);
  if (key === undefined) {
    key = createHash('sha256').update(diffieHellman({ privateKey, publicKey })).digest();
    byPublic.set(publicKey, key);
  }
  return key;
}

/** base64(nonce || ciphertext || tag), as the Omega sends a challenge. */
export function encryptChallenge(plaintext: string, ownPrivate: KeyObject, peerPublic: KeyObject): string {
  const nonce = randomBytes(NONCE_BYTES);
  const cipher = createCipheriv('aes-256-gcm', sharedAesKey(ownPrivate, peerPublic), nonce);
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return Buffer.concat([nonce, body, cipher.getAuthTag()]).toString('base64');
}

export function decryptChallenge(ciphertext: string, ownPrivate: KeyObject, peerPublic: KeyObject): string {
  const all = Buffer.from(ciphertext, 'base64');
  if (all.length < NONCE_BYTES + TAG_BYTES) {
    throw new Error(
      `challenge is ${all.length} bytes, shorter than nonce and tag (${NONCE_BYTES + TAG_BYTES})`,
    );
  }
  const nonce = all.subarray(0, NONCE_BYTES);
  const tag = all.subarray(all.length - TAG_BYTES);
  const body = all.subarray(NONCE_BYTES, all.length - TAG_BYTES);
  const decipher = createDecipheriv('aes-256-gcm', sharedAesKey(ownPrivate, peerPublic), nonce);
  decipher.setAuthTag(tag);
  return Buffer.concat([decipher.update(body), decipher.final()]).toString('utf8');
}

const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

export function randomAlphanumeric(length: number): string {
  const bytes = randomBytes(length);
  let out = '';
  for (const b of bytes) out += ALPHANUMERIC[b % ALPHANUMERIC.length];
  return out;
}
