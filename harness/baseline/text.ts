// The comparison with a baseline as console text: what got worse first, then what got better,
// what changed, what is missing on either side, and why the two runs may not be fully comparable.
import type { BaselineBlock, RequirementChange } from './model.ts';

/** Changes listed one per line at most per group; the rest are counted. */
const MAX_LISTED = 15;

const flat = (s: string, max: number): string => {
  const t = s.replace(/\s+/g, ' ').trim();
  return t.length > max ? `${t.slice(0, max - 1)}…` : t;
};

const verdictOf = (s: RequirementChange['before']): string =>
  `${s.verdict}${s.stability === 'flaky' ? ' (flaky)' : ''}`;

function group(title: string, changes: readonly RequirementChange[], withSummary: boolean): string[] {
  if (changes.length === 0) return [];
  const width = Math.max(...changes.map((c) => c.id.length));
  const out = [`  ${title} (${changes.length}):`];
  for (const c of changes.slice(0, MAX_LISTED)) {
    out.push(
      `    ${c.id.padEnd(width)}  ${c.level.padEnd(6)}  ${verdictOf(c.before)} → ${verdictOf(c.after)}${
        withSummary ? `: ${flat(c.after.summary, 110)}` : ''
      }`,
    );
  }
  if (changes.length > MAX_LISTED) out.push(`    … and ${changes.length - MAX_LISTED} more`);
  return out;
}

function ids(title: string, list: readonly string[]): string[] {
  if (list.length === 0) return [];
  const shown = list.slice(0, 20).join(', ');
  return [`  ${title} (${list.length}): ${shown}${list.length > 20 ? ', …' : ''}`];
}

export function renderBaselineText(b: BaselineBlock): string {
  const lines = [
    `since the baseline (${flat(b.label, 60)}, ${b.dialect}, ${b.startedAt}, suite ${b.suiteVersion}; ${b.file}):`,
  ];
  for (const n of b.notes) lines.push(`  note: ${n}`);
  lines.push(
    ...group('regressions', b.regressions, true),
    ...group(
      `informational choices changed${b.strict ? ' (--strict-baseline: failing)' : ''}`,
      b.choicesChanged,
      true,
    ),
    ...group('improvements', b.improvements, false),
    ...group('still failing, as in the baseline (not failing the run)', b.stillFailing, false),
    ...group('other changes', b.otherChanges, false),
    ...ids('only in the baseline', b.onlyInBaseline),
    ...ids('only in this run', b.onlyInRun),
  );
  const quiet =
    b.regressions.length + b.improvements.length + b.choicesChanged.length + b.otherChanges.length === 0;
  lines.push(
    `  ${b.regressions.length} regression(s), ${b.improvements.length} improvement(s), ${b.stillFailing.length} still failing, ${b.choicesChanged.length} choice(s) changed${
      quiet ? ': no change in the verdicts' : ''
    }`,
  );
  return lines.join('\n');
}
