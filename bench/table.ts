// The bench's compact table: figure, value, target, note.

export type Row = readonly [figure: string, value: string, target: string, note: string];

export function renderTable(rows: readonly Row[]): string {
  const head: Row = ['figure', 'value', 'target', 'note'];
  const all = [head, ...rows];
  const widths = [0, 1, 2].map((i) => Math.max(...all.map((r) => r[i]!.length)));
  const line = (r: Row) =>
    [r[0].padEnd(widths[0]!), r[1].padStart(widths[1]!), r[2].padEnd(widths[2]!), r[3]].join('  ').trimEnd();
  return [line(head), widths.map((w) => '-'.repeat(w)).join('  ') + '  ----', ...rows.map(line)].join('\n');
}

export const secs = (ms: number): string => (Number.isFinite(ms) ? `${(ms / 1000).toFixed(1)} s` : 'n/a');
export const perS = (n: number, unit = '/s'): string =>
  Number.isFinite(n) ? `${Math.round(n).toLocaleString('en-US')}${unit}` : 'n/a';
export const ms = (n: number): string =>
  Number.isFinite(n) ? `${n < 10 ? n.toFixed(2) : Math.round(n)} ms` : 'n/a';
