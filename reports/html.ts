// report.html: one self-contained page (inline CSS, one tiny inline script, no network) a vendor reads to see why.
// Everything from the server is untrusted: every interpolation goes through the `h` template, which escapes it,
// and a Content-Security-Policy allows no network and no script but the page's own (by hash).
import type { RequirementResult, RunReport } from '../harness/run/report-model.ts';
import { VERDICTS } from '../harness/verdict/verdicts.ts';
import { baselineSection } from '../harness/baseline/html.ts';
import { CONTENT_SECURITY_POLICY, CSS, GLOSSARY, SCRIPT } from './html-assets.ts';
import { anchor, escapeHtml, Html, h, type Part } from './html-kit.ts';
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
} from './text.ts';

export { CONTENT_SECURITY_POLICY, escapeHtml };

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

// ---- the page -------------------------------------------------------------------------------------------------

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
