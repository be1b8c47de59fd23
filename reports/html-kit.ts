// The template report.html is written with: everything interpolated into `h` is escaped unless it is
// markup the page itself wrote (Html); server text is untrusted.
import { visible } from './text.ts';

/** Markup the page itself wrote; anything else interpolated into `h` is escaped. */
export class Html {
  constructor(readonly html: string) {}
}
export type Part = Html | string | number | boolean | null | undefined | readonly Part[];

const ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Text and attribute values: HTML-escaped, control characters made visible. */
export function escapeHtml(s: string): string {
  return visible(s).replace(/[&<>"']/g, (c) => ENTITIES[c]!);
}

function part(p: Part): string {
  if (p === null || p === undefined || p === false || p === true) return '';
  if (p instanceof Html) return p.html;
  if (Array.isArray(p)) return p.map(part).join('');
  return escapeHtml(String(p));
}

export function h(strings: TemplateStringsArray, ...parts: Part[]): Html {
  let out = strings[0]!;
  parts.forEach((p, i) => {
    out += part(p) + strings[i + 1]!;
  });
  return new Html(out);
}

/** An id attribute / fragment for a requirement id (ids are data, so only safe characters survive). */
export const anchor = (prefix: string, id: string) => `${prefix}-${id.replace(/[^A-Za-z0-9_-]/g, '_')}`;
