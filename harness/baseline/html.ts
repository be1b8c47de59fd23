// The comparison with a baseline as HTML: a section for report.html ("Since the baseline", both
// verdicts side by side with the new evidence) and the whole page `omega-conformance compare` writes.
// Every text is escaped by the caller's `esc` (reports/html.ts escapeHtml): it all comes from reports.
import type { BaselineBlock, RequirementChange } from './model.ts';

type Esc = (s: string) => string;

const KIND: Record<string, string> = {
  regressions: 'Regressions',
  choicesChanged: 'Informational choices changed',
  improvements: 'Improvements',
  stillFailing: 'Still failing, as in the baseline',
  otherChanges: 'Other changes',
};

function row(c: RequirementChange, esc: Esc, withEvidence: boolean): string {
  const cell = (s: RequirementChange['before']) =>
    `<td><span class="badge v-${esc(s.verdict)}">${esc(s.verdict)}${s.stability === 'flaky' ? ' · flaky' : ''}</span><div class="sum">${esc(s.summary)}</div></td>`;
  const evidence =
    withEvidence && c.evidence !== undefined
      ? `<tr class="evidence"><td></td><td colspan="3"><details open><summary>New evidence</summary><pre>${esc(c.evidence)}</pre></details></td></tr>`
      : '';
  return `<tr><td class="id">${esc(c.id)} <span class="lvl">${esc(c.level)}</span><div class="sum">${esc(c.title)}</div></td>${cell(c.before)}${cell(c.after)}</tr>${evidence}`;
}

function table(
  key: keyof typeof KIND,
  list: readonly RequirementChange[],
  esc: Esc,
  strict: boolean,
): string {
  if (list.length === 0) return '';
  const note =
    key === 'regressions'
      ? ' <span class="muted">(these fail the run)</span>'
      : key === 'choicesChanged'
        ? ` <span class="muted">(${strict ? 'failing the run: --strict-baseline' : 'not failing the run without --strict-baseline'})</span>`
        : key === 'stillFailing'
          ? ' <span class="muted">(not failing the run)</span>'
          : '';
  return `<h3 id="baseline-${key}">${KIND[key]} (${list.length})${note}</h3>
<table class="baseline"><thead><tr><th>Requirement</th><th>Baseline</th><th>This run</th></tr></thead><tbody>
${list.map((c) => row(c, esc, key === 'regressions')).join('\n')}
</tbody></table>`;
}

/** The "Since the baseline" section. */
export function baselineSection(b: BaselineBlock, esc: Esc, title = 'Since the baseline'): string {
  const ids = (label: string, list: readonly string[]) =>
    list.length === 0
      ? ''
      : `<p><b>${label} (${list.length}):</b> <span class="mono">${esc(list.join(', '))}</span></p>`;
  return `<section id="baseline"><h2>${esc(title)} <span class="muted">(${b.regressions.length} regression(s), ${b.improvements.length} improvement(s))</span></h2>
<p class="muted">Baseline: ${esc(b.label)} · ${esc(b.dialect)} dialect · ${esc(b.startedAt)} · suite ${esc(b.suiteVersion)} · <span class="mono">${esc(b.file)}</span> · ${b.shared} requirements compared</p>
${b.notes.length > 0 ? `<ul class="notes">${b.notes.map((n) => `<li>${esc(n)}</li>`).join('')}</ul>` : ''}
${(['regressions', 'choicesChanged', 'improvements', 'stillFailing', 'otherChanges'] as const)
  .map((k) => table(k, b[k], esc, b.strict))
  .join('\n')}
${ids('Only in the baseline', b.onlyInBaseline)}
${ids('Only in this run', b.onlyInRun)}
${b.regressions.length + b.improvements.length + b.choicesChanged.length + b.otherChanges.length === 0 ? '<p>No verdict changed.</p>' : ''}
</section>`;
}

const CSS = `body{font:14px/1.5 system-ui,sans-serif;margin:0 auto;max-width:1200px;padding:12px 24px;color:#1f2328}
h2{border-bottom:1px solid #d8dee4}table{width:100%;border-collapse:collapse;font-size:13px}
th,td{text-align:left;padding:5px 8px;border-bottom:1px solid #d8dee4;vertical-align:top}
.sum,.muted{color:#59636e;font-size:12px}.mono,.id,pre{font-family:ui-monospace,Menlo,Consolas,monospace}
pre{background:#f1f3f5;padding:8px;white-space:pre-wrap;font-size:12px}
.lvl{font-size:11px;border:1px solid #d8dee4;border-radius:4px;padding:0 5px;color:#59636e}
.badge{display:inline-block;padding:0 8px;border-radius:10px;font-size:12px;font-weight:600;color:#fff;background:#6e7781}
.v-passed{background:#1a7f37}.v-failed{background:#cf222e}.v-non-strict{background:#9a6700}.v-informational{background:#0969da}
.v-not-verified{background:#8250df}.v-expected-failure{background:#1b7c83}
.outcome{font-size:28px;font-weight:800}.fail{color:#cf222e}.pass{color:#1a7f37}`;

export const COMPARE_CSP =
  "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'";

/** The page `omega-conformance compare` writes: self-contained, no script, no network. */
export function comparePage(
  b: BaselineBlock,
  current: { label: string; startedAt: string },
  fails: boolean,
  esc: Esc,
): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${COMPARE_CSP}">
<title>Omega conformance: comparison · ${esc(current.label)}</title><style>${CSS}</style></head>
<body><main>
<p class="outcome ${fails ? 'fail' : 'pass'}">${fails ? 'REGRESSED' : 'NO REGRESSION'}</p>
<p>${esc(current.label)} · ${esc(current.startedAt)}, compared with its baseline.</p>
${baselineSection(b, esc, 'Since the baseline')}
</main></body></html>
`;
}
