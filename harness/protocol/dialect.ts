// The two dialects of the protocol (PROTOCOL-NOTES.md, "The two dialects").
export const DIALECTS = ['seed', 'tensamin'] as const;
export type Dialect = (typeof DIALECTS)[number];

export function isDialect(s: string): s is Dialect {
  return (DIALECTS as readonly string[]).includes(s);
}

/** A name that may differ per dialect. */
export type PerDialect<T> = { readonly [D in Dialect]: T };

export const same = <T>(v: T): PerDialect<T> => ({ seed: v, tensamin: v });
