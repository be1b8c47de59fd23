// N connections need N identities: targets the suite starts get the missing ones generated for the run.
import { generateRawKeyPair } from '../crypto/x448.ts';
import type { OmikronIdentity } from '../identity/identities.ts';

/** The given identities, followed by fresh in-memory ones (ids after the highest given) up to `count`. */
export function withLoadIdentities(given: readonly OmikronIdentity[], count: number): OmikronIdentity[] {
  const out = [...given];
  let next = Math.max(0, ...given.map((i) => i.id)) + 1;
  while (out.length < count) {
    const keys = generateRawKeyPair();
    out.push({ id: next++, privateKey: keys.privateKey, publicKey: keys.publicKey });
  }
  return out;
}
