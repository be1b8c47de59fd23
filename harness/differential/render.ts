// A differential run for people: console text (per diverging sequence, the first step that differs
// and its replay line) and one self-contained HTML page with both transcripts side by side.
import type { Divergence } from './lockstep.ts';
import type { DifferentialReport, SequenceReport } from './run.ts';
import type { SideStep } from './side.ts';

/** Diverging sequences listed on the console at most; the rest are in the page. */
const MAX_LISTED = 10;

const flat = (s: string, max: number): string => {
  const t = s.replace(/\s+/g, ' ').trim();
  return t.length > max ? `${t.slice(0, max - 1)}…` : t;
};

function divergenceLines(s: SequenceReport, d: Divergence): string[] {
  return [
    `  ${d.kind === 'judged' ? '✗ judged' : 'i informational'}  sequence ${s.replay}, step ${d.step} of ${s.steps}: ${flat(d.command, 90)}`,
    `      ${flat(d.summary, 220)}`,
    ...(d.requirement ? [`      requirement: ${d.requirement}`] : []),
    ...(shrinkLine(s) ? [`      ${shrinkLine(s)}`] : []),
  ];
}

/** How the sequence shown was shrunk, or why it was not; '' for sequences not shrunk. */
export function shrinkLine(s: SequenceReport): string {
  if (s.notReproduced)
    return 'not shrunk: run once more to shrink it, it did not diverge that way again (shown as first found)';
  if (!s.shrunk) return '';
  const { from, fromSteps, shrinks, budgetSpent } = s.shrunk;
  return `shrunk from ${from} (${fromSteps} steps) in ${shrinks} step(s)${budgetSpent ? '; shrinking stopped at its time budget' : ''}`;
}

export function renderDifferentialText(r: DifferentialReport): string {
  const [a, b] = r.targets;
  const lines = [
    `differential run: ${a.label}  vs  ${b.label}`,
    `  ${r.sequences} model sequences (seed ${r.seed}, at most ${r.maxCommands} commands, ${r.steps} steps), ${r.dialect} dialect, clock ${r.clock ? 'moved on both' : 'not moved'}, ${(r.durationMs / 1000).toFixed(1)} s`,
  ];
  if (r.stopped !== undefined)
    lines.push(`stopped: ${r.stopped}; the ${r.sequences} sequence(s) that ran to their end are reported`);
  const judged = r.diverged.filter((s) => s.divergences.some((d) => d.kind === 'judged'));
  const info = r.diverged.filter((s) => !s.divergences.some((d) => d.kind === 'judged'));
  if (judged.length > 0) lines.push(`differences in judged behaviour (${judged.length} sequence(s)):`);
  for (const s of judged.slice(0, MAX_LISTED)) {
    const d = s.divergences.find((x) => x.kind === 'judged')!;
    lines.push(...divergenceLines(s, d), `      replay: ${s.replayCommand}`);
  }
  if (judged.length > MAX_LISTED)
    lines.push(`  … and ${judged.length - MAX_LISTED} more in differential.html`);
  const infoAll = r.diverged.filter((s) => s.divergences.some((d) => d.kind === 'informational'));
  if (infoAll.length > 0)
    lines.push(`differences in informational choices, both allowed (${infoAll.length} sequence(s)):`);
  for (const s of (info.length > 0 ? info : infoAll).slice(0, MAX_LISTED)) {
    const d = s.divergences.find((x) => x.kind === 'informational')!;
    lines.push(...divergenceLines(s, d));
  }
  if (infoAll.length > MAX_LISTED)
    lines.push(`  … and ${infoAll.length - MAX_LISTED} more in differential.html`);
  if (r.inputsDiffered.length > 0)
    lines.push(
      `  ${r.inputsDiffered.length} sequence(s) were compared on the models' verdicts only from the step where the two targets stopped being sent the same requests (e.g. ${r.inputsDiffered[0]!.replay} at step ${r.inputsDiffered[0]!.step})`,
    );
  lines.push(
    r.stopped !== undefined
      ? `run stopped before its sequences ended: ${r.counts.judged} sequence(s) so far differ in judged behaviour, ${r.counts.informational} in informational choices (exit code ${r.exitCode})`
      : r.diverged.length === 0
        ? `no divergence: both targets behaved the same in all ${r.sequences} sequences`
        : `${r.counts.judged} sequence(s) differ in judged behaviour, ${r.counts.informational} in informational choices (exit code ${r.exitCode})`,
  );
  return lines.join('\n');
}

// ---- HTML ---------------------------------------------------------------------------------------

type Esc = (s: string) => string;

function stepCell(s: SideStep | undefined, esc: Esc, mark: boolean): string {
  if (!s) return '<td class="muted">(no step)</td>';
  const judgement = s.judgement
    ? `<p class="broke">broke ${esc(s.judgement.requirement)}: ${esc(s.judgement.message)}</p>`
    : '';
  const notes = s.notes.map((n) => `<p class="note">${esc(n.requirement)}: ${esc(n.message)}</p>`).join('');
  const state =
    s.state.length > 0
      ? `<details><summary>state read back</summary><pre>${esc(s.state.join('\n'))}</pre></details>`
      : '';
  return `<td class="${mark ? 'here' : ''}">${judgement}${notes}<pre>${esc(s.frames.join('\n') || '(no frames)')}</pre>${state}</td>`;
}

function divergenceHtml(
  s: SequenceReport,
  d: Divergence,
  names: readonly [string, string],
  esc: Esc,
): string {
  const [ta, tb] = d.transcripts;
  const n = Math.max(ta.length, tb.length);
  const first = d.step - n; // steps shown are the last n up to the divergence
  const rows: string[] = [];
  for (let i = 0; i < n; i++) {
    const here = first + i + 1 === d.step;
    rows.push(
      `<tr><th class="step">${first + i + 1}${here ? ' ◀' : ''}<div class="muted">${esc((ta[i] ?? tb[i])?.command ?? '')}</div></th>${stepCell(ta[i], esc, here)}${stepCell(tb[i], esc, here)}</tr>`,
    );
  }
  const ids = d.ids
    .filter(([, x, y]) => x !== null || y !== null)
    .map(([k, x, y]) => `${k} = ${x ?? '–'} / ${y ?? '–'}`)
    .join(' · ');
  return `<article class="card ${d.kind}">
<h3>${d.kind === 'judged' ? 'Judged behaviour differs' : 'An informational choice differs'} · sequence ${esc(s.replay)} · step ${d.step} of ${s.steps}</h3>
<p><b>${esc(d.command)}</b></p>
<p>${esc(d.summary)}</p>
<p class="muted">What differs: ${esc(d.aspects.join(', '))}${d.requirement ? ` · requirement ${esc(d.requirement)}` : ''}</p>
<p class="muted">Replay: <code>${esc(s.replayCommand)}</code>${shrinkLine(s) ? ` · ${esc(shrinkLine(s))}` : ''}</p>
${ids ? `<details><summary>ids mapped between the targets</summary><p class="mono">${esc(ids)}</p></details>` : ''}
<table class="side"><thead><tr><th>Step</th><th>${esc(names[0])}</th><th>${esc(names[1])}</th></tr></thead><tbody>
${rows.join('\n')}
</tbody></table></article>`;
}

const CSS = `body{font:14px/1.5 system-ui,sans-serif;margin:0 auto;max-width:1400px;padding:12px 24px;color:#1f2328}
table{width:100%;border-collapse:collapse;font-size:12px;table-layout:fixed}th,td{border-bottom:1px solid #d8dee4;padding:4px 6px;vertical-align:top;text-align:left}
th.step{width:14%}pre{white-space:pre-wrap;overflow-wrap:anywhere;font-size:11px;background:#f6f8fa;padding:4px;margin:2px 0}
td.here{background:#fff8c5}.card{border:1px solid #d8dee4;border-left:6px solid #0969da;border-radius:8px;padding:8px 14px;margin:14px 0}
.card.judged{border-left-color:#cf222e}.broke{color:#cf222e;font-weight:600}.note{color:#0969da}.muted{color:#59636e;font-size:12px}
.mono,code{font-family:ui-monospace,Menlo,Consolas,monospace}.outcome{font-size:26px;font-weight:800}.fail{color:#cf222e}.pass{color:#1a7f37}`;

export const DIFFERENTIAL_CSP =
  "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'";

export function renderDifferentialHtml(r: DifferentialReport, esc: Esc): string {
  const names = [r.targets[0].label, r.targets[1].label] as const;
  const section = (kind: 'judged' | 'informational', title: string) => {
    const list = r.diverged.flatMap((s) =>
      s.divergences.filter((d) => d.kind === kind).map((d) => divergenceHtml(s, d, names, esc)),
    );
    return list.length === 0 ? '' : `<h2>${title} (${list.length})</h2>\n${list.join('\n')}`;
  };
  const verdict =
    r.stopped !== undefined
      ? `STOPPED: ${r.stopped}`
      : r.counts.judged > 0
        ? 'JUDGED BEHAVIOUR DIFFERS'
        : r.diverged.length > 0
          ? 'ONLY INFORMATIONAL DIFFERENCES'
          : 'NO DIVERGENCE';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${DIFFERENTIAL_CSP}">
<title>Omega differential run: ${esc(names[0])} vs ${esc(names[1])}</title><style>${CSS}</style></head>
<body><main>
<p class="outcome ${r.counts.judged > 0 || r.stopped !== undefined ? 'fail' : 'pass'}">${esc(verdict)}</p>
<p><b>${esc(names[0])}</b> (${esc(r.targets[0].url)}) vs <b>${esc(names[1])}</b> (${esc(r.targets[1].url)})</p>
<p class="muted">${r.sequences} model sequences · seed ${r.seed} · at most ${r.maxCommands} commands · ${r.steps} steps · ${esc(r.dialect)} dialect · clock ${r.clock ? 'moved on both' : 'not moved'} · ${(r.durationMs / 1000).toFixed(1)} s · exit code ${r.exitCode}</p>
<p class="muted">Compared per step: the reply types, the reply data once what legitimately differs is taken out (request ids, times, the ids each server issues, mapped by order of appearance, and the values the suite makes up for each target; error texts), the model's verdict, and the users the step touched, read back on a connection of their own.</p>
${section('judged', 'Differences in judged behaviour')}
${section('informational', 'Differences in informational choices (both allowed)')}
${r.diverged.length === 0 ? '<p>Both targets behaved the same in every sequence.</p>' : ''}
${
  r.inputsDiffered.length === 0
    ? ''
    : `<h2>Compared on verdicts only (${r.inputsDiffered.length})</h2><p class="muted">From these steps on, the two targets were not sent the same requests (the model derives some values from the ids a server issues), so only the models' verdicts were compared.</p><ul>${r.inputsDiffered
        .map(
          (c) =>
            `<li>sequence ${esc(c.replay)}, step ${c.step}: <span class="mono">${esc(c.detail)}</span></li>`,
        )
        .join('')}</ul>`
}
</main></body></html>
`;
}
