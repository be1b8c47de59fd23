// --only / --skip: by requirement id, area or level.
import { AREAS, REQUIREMENTS, type Requirement } from '../spec/requirements.ts';

export class UsageError extends Error {
  override name = 'UsageError';
}

function matches(q: Requirement, token: string): boolean {
  const t = token.trim();
  if (t === '') return false;
  if (q.id === t) return true;
  if (q.area === t) return true;
  return q.level === t.toUpperCase();
}

function known(token: string): boolean {
  const t = token.trim();
  return (
    REQUIREMENTS.some((q) => q.id === t) ||
    t in AREAS ||
    ['MUST', 'SHOULD', 'MAY', 'INFO'].includes(t.toUpperCase())
  );
}

/** The requirement ids a run covers. Unknown tokens are a usage error naming them. */
export function selectRequirements(only: readonly string[], skip: readonly string[]): Set<string> {
  const tokens = [...only, ...skip].flatMap((s) => s.split(',')).filter((s) => s.trim() !== '');
  const unknown = tokens.filter((t) => !known(t));
  if (unknown.length > 0) {
    throw new UsageError(`unknown requirement id, area or level: ${unknown.join(', ')} (see --list)`);
  }
  const onlyTokens = only.flatMap((s) => s.split(','));
  const skipTokens = skip.flatMap((s) => s.split(','));
  return new Set(
    REQUIREMENTS.filter((q) => onlyTokens.length === 0 || onlyTokens.some((t) => matches(q, t)))
      .filter((q) => !skipTokens.some((t) => matches(q, t)))
      .map((q) => q.id),
  );
}
