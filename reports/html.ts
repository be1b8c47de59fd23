// report.html: one self-contained page (inline CSS, one tiny inline script, no network) a vendor reads to see why.
// Everything from the server is untrusted: every interpolation goes through the `h` template, which escapes it,
// and a Content-Security-Policy allows no network and no script but the page's own (by hash).
import { createHash } from 'node:crypto';
import type { RequirementResult, RunReport } from '../harness/run/report-model.ts';
import { VERDICTS } from '../harness/verdict/verdicts.ts';
import { baselineSection } from '../harness/baseline/html.ts';
import {
  areaTitle,
  byArea,
  closingLine,
  evidence,
  formatDate,
  formatDuration,
  LEVEL_ORDER,
  type Standing,
  standing,
  visible,
} from './text.ts';

// ---- escaping -------------------------------------------------------------------------------------------------

/** Markup the page itself wrote; anything else interpolated into `h` is escaped. */
class Html {
  constructor(readonly html: string) {}
}
type Part = Html | string | number | boolean | null | undefined | readonly Part[];

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

function h(strings: TemplateStringsArray, ...parts: Part[]): Html {
  let out = strings[0]!;
  parts.forEach((p, i) => {
    out += part(p) + strings[i + 1]!;
  });
  return new Html(out);
}

/** An id attribute / fragment for a requirement id (ids are data, so only safe characters survive). */
const anchor = (prefix: string, id: string) => `${prefix}-${id.replace(/[^A-Za-z0-9_-]/g, '_')}`;

// ---- words ----------------------------------------------------------------------------------------------------

const VERDICT_WORD: Record<string, string> = {
  passed: 'passed',
  failed: 'failed',
  'non-strict': 'non-strict',
  informational: 'informational',
  'not-verified': 'not verified',
  'expected-failure': 'expected failure',
  'not-applicable': 'not applicable',
  'not-observed': 'not observed',
  inconclusive: 'inconclusive',
};
const word = (v: string) => VERDICT_WORD[v] ?? v;

const GLOSSARY: [string, string][] = [
  ['passed', 'every check of the requirement passed.'],
  ['failed', 'a MUST requirement was violated.'],
  ['non-strict', 'a SHOULD requirement was missed; it fails the run only at --level should.'],
  [
    'informational',
    'an observation where the specification leaves the server a choice (MAY, INFO); never fails.',
  ],
  ['not verified', 'could not be checked against this target (for example no clock control); not a pass.'],
  ['expected failure', 'failed, but listed with a reason in the expected-failures file.'],
  ['not applicable', 'belongs to the other dialect.'],
  ['not observed', 'check-trace: the trace never exercised it; not a pass.'],
  ['inconclusive', 'check-trace: the trace cannot tell (history before its first frame); not a pass.'],
  ['flaky', 'repeated runs (--repeat) disagreed; never a pass.'],
];

// ---- the page -------------------------------------------------------------------------------------------------

/** Progressive enhancement only: shows the filter form and filters rows; the page is complete without it. */
const SCRIPT = `(function () {
  var form = document.getElementById('filters');
  if (!form) return;
  var verdict = form.elements.namedItem('verdict');
  var level = form.elements.namedItem('level');
  var q = form.elements.namedItem('q');
  var shown = document.getElementById('shown');
  var groups = document.querySelectorAll('tbody.area');
  var total = document.querySelectorAll('tr.req').length;
  function apply() {
    var v = verdict.value, l = level.value, t = q.value.trim().toLowerCase(), n = 0;
    for (var i = 0; i < groups.length; i++) {
      var rows = groups[i].querySelectorAll('tr.req'), any = false;
      for (var j = 0; j < rows.length; j++) {
        var d = rows[j].dataset;
        var ok = (!v || d.verdict === v || (v === 'flaky' && d.stability === 'flaky')) &&
          (!l || d.level === l) && (!t || d.text.indexOf(t) >= 0);
        rows[j].hidden = !ok;
        if (ok) { any = true; n++; }
      }
      groups[i].hidden = !any;
    }
    shown.textContent = n === total ? 'all ' + total + ' shown' : n + ' of ' + total + ' shown';
  }
  form.addEventListener('input', apply);
  form.addEventListener('change', apply);
  form.addEventListener('submit', function (e) { e.preventDefault(); });
  form.hidden = false;
  apply();
})();`;

const SCRIPT_HASH = createHash('sha256').update(SCRIPT, 'utf8').digest('base64');

/** No network at all; styles inline; the one script above, by its hash. */
export const CONTENT_SECURITY_POLICY = `default-src 'none'; style-src 'unsafe-inline'; script-src 'sha256-${SCRIPT_HASH}'; img-src data:; base-uri 'none'; form-action 'none'`;

const CSS = `
:root{--bg:#fff;--fg:#1f2328;--muted:#59636e;--line:#d8dee4;--card:#f6f8fa;--code:#f1f3f5;
--pass:#1a7f37;--fail:#cf222e;--warn:#9a6700;--info:#0969da;--nv:#8250df;--na:#6e7781;--xf:#1b7c83;--flaky:#bf3989}
@media (prefers-color-scheme:dark){:root{--bg:#0d1117;--fg:#e6edf3;--muted:#9198a1;--line:#30363d;--card:#161b22;
--code:#1c2128;--pass:#3fb950;--fail:#f85149;--warn:#d29922;--info:#4493f8;--nv:#ab7df8;--na:#9198a1;--xf:#39c5cf;--flaky:#db61a2}}
*{box-sizing:border-box}
[hidden]{display:none!important}
body{margin:0;background:var(--bg);color:var(--fg);font:14px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif}
main{max-width:1200px;margin:0 auto;padding:4px 24px 48px;overflow-wrap:break-word}
.card,.problems,.banner{overflow-wrap:anywhere}
h2{font-size:19px;margin:32px 0 10px;padding-bottom:4px;border-bottom:1px solid var(--line)}
h3{font-size:15px;margin:0}
a{color:var(--info)}
code,pre,.mono{font-family:ui-monospace,SFMono-Regular,"SF Mono",Menlo,Consolas,"Liberation Mono",monospace}
pre{background:var(--code);border:1px solid var(--line);border-radius:6px;padding:8px 10px;margin:4px 0 10px;font-size:12px;
line-height:1.45;overflow:auto;white-space:pre-wrap;overflow-wrap:anywhere}
pre.transcript,pre.logs{white-space:pre;overflow-wrap:normal;max-height:28em}
.muted{color:var(--muted)}
.v-passed{--c:var(--pass)}.v-failed{--c:var(--fail)}.v-non-strict{--c:var(--warn)}.v-informational{--c:var(--info)}
.v-not-verified{--c:var(--nv)}.v-expected-failure{--c:var(--xf)}.v-not-applicable{--c:var(--na)}.v-flaky{--c:var(--flaky)}
.o-passed{--c:var(--pass)}.o-failed{--c:var(--fail)}.o-partial{--c:var(--warn)}.o-error{--c:var(--fail)}
.banner{margin:24px 0 8px;padding:18px 22px;background:var(--card);border:1px solid var(--line);border-left:10px solid var(--c);border-radius:8px}
.banner .top{display:flex;flex-wrap:wrap;align-items:baseline;gap:6px 18px}
.outcome{font-size:34px;font-weight:800;letter-spacing:.05em;color:var(--c)}
.target{font-size:20px;font-weight:600}
.headline{font-size:15px;margin:6px 0 10px}
.meta{display:grid;grid-template-columns:repeat(auto-fill,minmax(260px,1fr));gap:2px 24px;margin:0 0 12px;font-size:13px}
.meta div{display:flex;gap:8px;min-width:0}.meta dt{color:var(--muted);flex:none}.meta dd{margin:0;overflow-wrap:anywhere}
.chips{display:flex;flex-wrap:wrap;gap:6px;margin:0;padding:0;list-style:none}
.chip{border:1px solid var(--c);border-radius:14px;padding:1px 10px;font-size:13px;color:var(--fg)}
.chip b{color:var(--c)}.chip.zero{opacity:.45}
.badge{display:inline-block;min-width:64px;text-align:center;padding:0 8px;border-radius:10px;font-size:12px;font-weight:600;
color:#fff;background:var(--c);white-space:nowrap}
.lvl{display:inline-block;font-size:11px;font-weight:700;padding:0 6px;border:1px solid var(--line);border-radius:4px;color:var(--muted)}
.problems{border:1px solid var(--c);border-radius:8px;padding:8px 16px;margin:12px 0}
.problems h2{border:0;margin:4px 0;font-size:16px;color:var(--c)}
.problems ul{margin:4px 0 8px;padding-left:20px}.problems li{margin:3px 0}
.card{border:1px solid var(--line);border-left:6px solid var(--c);border-radius:8px;padding:12px 16px;margin:14px 0;background:var(--bg)}
.card header{display:flex;flex-wrap:wrap;align-items:center;gap:8px}
.card .summary{font-size:14px;margin:8px 0 4px;font-weight:500}
.check{border-top:1px dashed var(--line);margin-top:10px;padding-top:8px}
.check p{margin:2px 0 6px}
.diff{display:grid;grid-template-columns:1fr 1fr;gap:12px}
.diff h4,.check h4{margin:6px 0 0;font-size:12px;text-transform:uppercase;letter-spacing:.04em;color:var(--muted)}
.diff .exp pre{border-left:3px solid var(--pass)}.diff .act pre{border-left:3px solid var(--fail)}
details>summary{cursor:pointer;color:var(--muted);font-size:12px;text-transform:uppercase;letter-spacing:.04em;margin-top:6px}
.filters{display:flex;flex-wrap:wrap;gap:8px 16px;align-items:center;margin:8px 0 10px;padding:8px 12px;background:var(--card);
border:1px solid var(--line);border-radius:8px;font-size:13px}
.filters select,.filters input{font:inherit;padding:3px 6px;border:1px solid var(--line);border-radius:4px;background:var(--bg);color:var(--fg)}
.filters input{width:240px}
table{width:100%;border-collapse:collapse;font-size:13px}
th,td{text-align:left;padding:5px 8px;border-bottom:1px solid var(--line);vertical-align:top}
thead th{position:sticky;top:0;background:var(--bg);font-size:12px;color:var(--muted);border-bottom:2px solid var(--line)}
tr.area-row th{background:var(--card);font-size:14px;padding-top:10px}
tr.area-row .muted{font-weight:400;font-size:12px;margin-left:8px}
td.id{white-space:nowrap;font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:12px}
td.num,th.num{text-align:right;white-space:nowrap}
td .sum{color:var(--muted);font-size:12px;overflow-wrap:anywhere;display:-webkit-box;-webkit-box-orient:vertical;
-webkit-line-clamp:3;line-clamp:3;overflow:hidden}
tr:hover .sum,td .sum:focus{-webkit-line-clamp:unset;line-clamp:unset;overflow:visible}
tr.s-failure td,tr.s-flaky td{background:color-mix(in srgb,var(--fail) 7%,transparent)}
tr.s-non-strict td{background:color-mix(in srgb,var(--warn) 8%,transparent)}
tr.s-skipped td{background:color-mix(in srgb,var(--nv) 6%,transparent)}
.st-flaky{color:var(--flaky);font-weight:600}.st-broken{color:var(--muted)}.st-stable{color:var(--muted)}
.chart{fill:var(--info)}.chart text{fill:var(--muted);font:11px system-ui,sans-serif}.chart .axis{stroke:var(--line)}
dl.kv{display:flex;flex-wrap:wrap;gap:4px 20px;font-size:13px}dl.kv dt{color:var(--muted)}dl.kv dd{margin:0 0 0 -14px}
.glossary{display:grid;grid-template-columns:max-content 1fr;gap:2px 12px;font-size:13px}.glossary dd{margin:0}
footer{margin-top:32px;font-size:12px;color:var(--muted)}
table.baseline td{width:40%}table.baseline td.id{width:20%}.notes{color:var(--warn)}
@media (max-width:760px){.diff{grid-template-columns:1fr}}
@media print{td .sum{-webkit-line-clamp:unset;line-clamp:unset}pre.transcript,pre.logs{max-height:none;white-space:pre-wrap}.filters{display:none}thead th{position:static}}
`;

function countsOf(report: RunReport): [string, number][] {
  const computed = (k: string) =>
    k === 'flaky'
      ? report.requirements.filter((r) => r.stability === 'flaky').length
      : report.requirements.filter((r) => r.verdict === k).length;
  return [...VERDICTS, 'flaky'].map((k) => [k, report.counts[k] ?? computed(k)]);
}

function headline(report: RunReport, notVerified: readonly RequirementResult[]): string {
  const lvl = report.level.toUpperCase();
  if (report.outcome === 'passed') {
    return `Passed at level ${lvl}: no requirement failed, and every MUST and SHOULD requirement of this run was verified.`;
  }
  if (report.outcome === 'partial') {
    return `Partial: nothing failed at level ${lvl}, but ${notVerified.length} MUST/SHOULD requirement(s) could not be verified against this target.`;
  }
  if (report.error) {
    return `The run ended early (exit code ${report.exitCode}): ${report.error.message}. ${
      report.requirements.length === 0
        ? 'No requirement was judged.'
        : 'What it checked before is judged below; what it did not reach is not verified.'
    }`;
  }
  const n = report.problems.length;
  return `Failed at level ${lvl}: ${n} problem${n === 1 ? '' : 's'}, listed below.`;
}

function banner(report: RunReport, notVerified: readonly RequirementResult[]): Html {
  const t = report.target;
  const meta: [string, Part][] = [
    ['Dialect', `${report.dialect.name} (${report.dialect.how})`],
    ['Level', `${report.level.toUpperCase()} · exit code ${report.exitCode}`],
    ['Started', formatDate(report.startedAt)],
    ['Took', formatDuration(report.durationMs)],
    ['Target', `${t.url} (${t.kind})`],
    ['Clock', t.clock],
    ['Seed', `${report.seed} · ${report.runs} runs per property · repeat ${report.repeat}`],
    ['Config hash', h`<span class="mono">${t.configHash}</span>`],
    ['Suite', `${report.suite.name} ${report.suite.version} · report schema ${report.schemaVersion}`],
  ];
  return h`<header class="banner o-${report.outcome}" id="top">
<div class="top"><span class="outcome">${report.outcome.toUpperCase()}</span><span class="target">${t.label}</span>
<span class="muted">${closingLine(report)}</span></div>
<p class="headline">${headline(report, notVerified)}</p>
<dl class="meta">${meta.map(([k, v]) => h`<div><dt>${k}</dt><dd>${v}</dd></div>`)}</dl>
<ul class="chips">${countsOf(report).map(([k, n]) => h`<li class="chip v-${k}${n === 0 ? ' zero' : ''}"><b>${n}</b> ${word(k)}</li>`)}</ul>
</header>`;
}

/** Does the requirement get a card in the failures section? */
function hasCard(r: RequirementResult, level: RunReport['level']): boolean {
  const s = standing(r, level);
  return s === 'failure' || s === 'flaky' || s === 'non-strict' || r.verdict === 'expected-failure';
}

/** A problem sentence with each requirement id it names linked to that requirement's card or row. */
function linkIds(text: string, report: RunReport): Html {
  const byId = new Map(report.requirements.map((r) => [r.id, r]));
  const out: Part[] = [];
  let from = 0;
  for (const m of text.matchAll(/[A-Z]+(?:-[A-Z]+)*-\d+/g)) {
    const r = byId.get(m[0]);
    if (!r) continue;
    const href = `#${anchor(hasCard(r, report.level) ? 'req' : 'row', r.id)}`;
    out.push(text.slice(from, m.index), h`<a href="${href}">${r.id}</a>`);
    from = m.index + m[0].length;
  }
  out.push(text.slice(from));
  return h`${out}`;
}

function problems(report: RunReport, notVerified: readonly RequirementResult[]): Html | null {
  if (report.outcome === 'passed' && report.problems.length === 0) return null;
  const items: Part[] = report.problems.map((p) => h`<li>${linkIds(p, report)}</li>`);
  if (report.outcome === 'partial' || (notVerified.length > 0 && report.problems.length === 0)) {
    items.push(
      notVerified.map(
        (r) =>
          h`<li><a href="#${anchor('row', r.id)}">${r.id}</a> <span class="lvl">${r.level}</span> not verified: ${r.summary}</li>`,
      ),
    );
  }
  const title = report.outcome === 'failed' ? 'Why the run failed' : 'Why the run is not a full pass';
  if (report.error && report.requirements.length === 0) return runError(report.error);
  // A stopped run judged what it reached: the reason (id "problems"), then its problems.
  const id = report.error ? 'run-problems' : 'problems';
  const list = h`<section class="problems o-${report.outcome}" id="${id}"><h2>${title}</h2><ul>${items}</ul></section>`;
  return report.error ? h`${runError(report.error)}${list}` : list;
}

/** Why the run could not start or was stopped: the plain words, what to try, the raw error, how far it got. */
function runError(e: NonNullable<RunReport['error']>): Html {
  const rows: [string, Part][] = [
    ['Reason', h`<span class="mono">${e.reason.kind}</span>`],
    ['Reached', e.reached],
    ...(e.hint !== undefined ? ([['Try', e.hint]] as [string, Part][]) : []),
  ];
  return h`<section class="problems o-error" id="problems"><h2>Why the run could not complete</h2>
<p><b>${e.message}</b></p>
<dl class="kv">${rows.map(([k, v]) => h`<dt>${k}</dt><dd>${v}</dd>`)}</dl>
${e.raw !== undefined ? h`<details open><summary>Raw error</summary><pre>${e.raw}</pre></details>` : null}
<details><summary>Reason as data</summary><pre>${JSON.stringify(e.reason, null, 2)}</pre></details>
</section>`;
}

function checkBlock(c: RequirementResult['checks'][number], i: number, n: number, seen: Set<string>): Html {
  const transcript =
    c.transcript === undefined || c.transcript === ''
      ? null
      : seen.has(c.transcript)
        ? h`<p class="muted">Wire transcript: the same as above.</p>`
        : h`<details open><summary>Wire transcript (${c.transcript.split('\n').length} lines, last frames)</summary><pre class="transcript">${c.transcript}</pre></details>`;
  if (c.transcript) seen.add(c.transcript);
  const diff =
    c.expected !== undefined || c.actual !== undefined
      ? h`<div class="diff"><div class="exp"><h4>Expected</h4><pre>${c.expected ?? '(not recorded)'}</pre></div><div class="act"><h4>Actual</h4><pre>${c.actual ?? '(not recorded)'}</pre></div></div>`
      : null;
  return h`<div class="check">
<p>${n > 1 ? h`<span class="muted">Check ${i + 1} of ${n} · </span>` : null}<span class="badge v-${c.outcome === 'fail' ? 'failed' : c.outcome === 'info' ? 'informational' : c.outcome}">${c.outcome}</span> ${c.message}</p>
<p class="muted">Scenario: ${c.scenario}</p>
${diff}
${c.replay !== undefined ? h`<h4>Replay</h4><pre class="replay">${c.replay}</pre>` : null}
${transcript}
</div>`;
}

function card(r: RequirementResult, s: Standing): Html {
  const checks = evidence(r);
  const seen = new Set<string>();
  const cls = s === 'flaky' ? 'v-flaky' : `v-${r.verdict}`;
  return h`<article class="card ${cls}" id="${anchor('req', r.id)}">
<header><span class="badge ${cls}">${s === 'flaky' ? `flaky · ${word(r.verdict)}` : word(r.verdict)}</span><span class="lvl">${r.level}</span>
<h3><a href="#${anchor('row', r.id)}">${r.id}</a> ${r.title}</h3><span class="muted">${areaTitle(r.area)} · ${r.stability} · ${formatDuration(r.durationMs)}</span></header>
<p class="summary">${r.summary}</p>
${r.expectedFailure !== undefined ? h`<p>Expected failure: ${r.expectedFailure}</p>` : null}
${s === 'non-strict' ? h`<p class="muted">A SHOULD missed: reported, but it does not fail a run at level MUST.</p>` : null}
${checks.map((c, i) => checkBlock(c, i, checks.length, seen))}
</article>`;
}

function failures(report: RunReport): Html | null {
  const ranked = report.requirements
    .filter((r) => hasCard(r, report.level))
    .map((r) => ({ r, s: standing(r, report.level) }));
  if (ranked.length === 0) return null;
  const rank = (x: { r: RequirementResult; s: Standing }) =>
    x.s === 'failure' || x.s === 'flaky' ? 0 : x.s === 'non-strict' ? 1 : 2;
  ranked.sort((a, b) => rank(a) - rank(b));
  return h`<section id="failures"><h2>Failures and their evidence <span class="muted">(${ranked.length})</span></h2>
${ranked.map(({ r, s }) => card(r, s))}
</section>`;
}

function table(report: RunReport): Html {
  const levelRank = (l: string) => LEVEL_ORDER.indexOf(l as (typeof LEVEL_ORDER)[number]);
  const present = countsOf(report).filter(([, n]) => n > 0);
  const groups = byArea(report.requirements).map(([area, reqs]) => {
    const sorted = [...reqs].sort((a, b) => levelRank(a.level) - levelRank(b.level));
    const bad = reqs.filter((r) => ['failure', 'flaky'].includes(standing(r, report.level))).length;
    const rows = sorted.map((r) => {
      const s = standing(r, report.level);
      const carded = hasCard(r, report.level);
      const text = `${r.id} ${r.title} ${r.summary} ${word(r.verdict)} ${r.level} ${area}`.toLowerCase();
      return h`<tr class="req s-${s}" id="${anchor('row', r.id)}" data-verdict="${r.verdict}" data-level="${r.level}" data-stability="${r.stability}" data-text="${text}">
<td class="id">${carded ? h`<a href="#${anchor('req', r.id)}">${r.id}</a>` : r.id}</td><td><span class="lvl">${r.level}</span></td>
<td>${r.title}<div class="sum" tabindex="0">${r.summary}</div></td><td><span class="badge v-${r.verdict}">${word(r.verdict)}</span></td>
<td class="st-${r.stability}">${r.stability}</td><td class="num">${formatDuration(r.durationMs)}</td></tr>`;
    });
    return h`<tbody class="area"><tr class="area-row"><th colspan="6">${area} · ${areaTitle(area)}<span class="muted">${reqs.length} requirement${reqs.length === 1 ? '' : 's'}${bad > 0 ? ` · ${bad} failed` : ''}</span></th></tr>
${rows}</tbody>`;
  });
  return h`<section id="requirements"><h2>All requirements <span class="muted">(${report.requirements.length}, by area and level)</span></h2>
<form id="filters" class="filters" hidden>
<label>Verdict <select name="verdict"><option value="">all</option>${present.map(([k, n]) => h`<option value="${k}">${word(k)} (${n})</option>`)}</select></label>
<label>Level <select name="level"><option value="">all</option>${LEVEL_ORDER.map((l) => h`<option>${l}</option>`)}</select></label>
<label>Search <input type="search" name="q" placeholder="id, title, summary…" autocomplete="off"></label>
<output id="shown" class="muted"></output>
</form>
<table class="reqs"><thead><tr><th>Id</th><th>Level</th><th>Title and summary</th><th>Verdict</th><th>Stability</th><th class="num">Duration</th></tr></thead>
${groups}
</table></section>`;
}

const isRecord = (x: unknown): x is Record<string, unknown> =>
  typeof x === 'object' && x !== null && !Array.isArray(x);
const finite = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);

/** figures.load.histogram ({leMs, count}[]) as a small inline SVG bar chart; null when there is none. */
export function histogramSvg(figures: RunReport['figures']): Html | null {
  const load = figures?.load;
  if (!isRecord(load) || !Array.isArray(load.histogram)) return null;
  const buckets = load.histogram
    .filter(
      (b): b is { leMs: number; count: number } =>
        isRecord(b) && finite(b.leMs) && finite(b.count) && b.count >= 0,
    )
    .sort((a, b) => a.leMs - b.leMs);
  if (buckets.length === 0) return null;
  const n = buckets.length;
  const barW = Math.max(8, Math.min(48, Math.floor(640 / n)));
  const left = 10;
  const top = 18;
  const plotH = 120;
  const width = left * 2 + n * barW;
  const height = top + plotH + 30;
  const max = Math.max(1, ...buckets.map((b) => b.count));
  const every = Math.max(1, Math.ceil(n / Math.max(1, Math.floor((n * barW) / 44))));
  const num = (x: number) => (Number.isInteger(x) ? String(x) : x.toFixed(1));
  const bars = buckets.map((b, i) => {
    const bh = Math.round((b.count / max) * plotH);
    const x = left + i * barW;
    const y = top + plotH - bh;
    return h`<g><title>≤ ${num(b.leMs)} ms: ${b.count}</title><rect x="${x + 1}" y="${y}" width="${barW - 2}" height="${bh}" rx="2"></rect>${
      barW >= 22 && b.count > 0
        ? h`<text x="${x + barW / 2}" y="${y - 4}" text-anchor="middle">${b.count}</text>`
        : null
    }${i % every === 0 ? h`<text x="${x + barW / 2}" y="${top + plotH + 14}" text-anchor="middle">≤${num(b.leMs)}</text>` : null}</g>`;
  });
  const scalars = Object.entries(load).filter(
    ([k, v]) => k !== 'histogram' && (typeof v === 'string' || typeof v === 'boolean' || finite(v)),
  );
  return h`<section id="load"><h2>Latency under load</h2>
${scalars.length > 0 ? h`<dl class="kv">${scalars.map(([k, v]) => h`<dt>${k}</dt><dd>${String(v)}</dd>`)}</dl>` : null}
<svg class="chart" role="img" aria-label="Latency histogram: requests per latency bucket (ms)" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">
<title>Latency histogram: requests per latency bucket (ms)</title>
<line class="axis" x1="${left}" y1="${top + plotH + 0.5}" x2="${width - left}" y2="${top + plotH + 0.5}"></line>
${bars}
<text x="${left}" y="${height - 2}">latency bucket (ms, upper bound) · bar height: requests</text>
</svg></section>`;
}

function scenarios(report: RunReport): Html | null {
  if (report.scenarios.length === 0) return null;
  const isFailed = (state: string) => state === 'failed' || state === 'fail';
  const failed = report.scenarios.filter((s) => isFailed(s.state)).length;
  return h`<section id="scenarios"><h2>Scenarios <span class="muted">(${report.scenarios.length}${failed > 0 ? `, ${failed} failed` : ''})</span></h2>
<table><thead><tr><th>Scenario</th><th>File</th><th>State</th><th class="num">Duration</th></tr></thead><tbody>
${report.scenarios.map(
  (s) =>
    h`<tr${isFailed(s.state) ? h` class="s-failure"` : null}><td>${s.name}</td><td class="mono muted">${s.file}</td><td>${s.state}</td><td class="num">${formatDuration(s.durationMs)}</td></tr>`,
)}
</tbody></table></section>`;
}

/** The whole report as one self-contained HTML page. */
export function renderHtml(report: RunReport): string {
  const notVerified = report.requirements.filter(
    (r) => r.verdict === 'not-verified' && (r.level === 'MUST' || r.level === 'SHOULD'),
  );
  const title = `Omega conformance: ${report.outcome.toUpperCase()} · ${report.target.label} (${report.dialect.name})`;
  const logs =
    report.target.logs !== undefined && report.target.logs !== ''
      ? h`<section id="logs"><h2>Target output</h2><pre class="logs">${report.target.logs}</pre></section>`
      : null;
  const page = h`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${CONTENT_SECURITY_POLICY}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="${report.suite.name} ${report.suite.version}">
<link rel="icon" href="data:,">
<title>${title}</title>
<style>${new Html(CSS)}</style>
</head>
<body>
<main>
${banner(report, notVerified)}
${problems(report, notVerified)}
${report.baseline ? new Html(baselineSection(report.baseline, escapeHtml)) : null}
${failures(report)}
${table(report)}
${histogramSvg(report.figures)}
${logs}
${scenarios(report)}
<footer>
<h2>What the verdicts mean</h2>
<dl class="glossary">${GLOSSARY.map(([k, v]) => h`<dt><b>${k}</b></dt><dd>${v}</dd>`)}</dl>
<p>Generated by ${report.suite.name} ${report.suite.version} (report schema ${report.schemaVersion}). This page is self-contained and loads nothing; report.json holds the same data.</p>
</footer>
</main>
<script>${new Html(SCRIPT)}</script>
</body>
</html>
`;
  return page.html;
}
