// report.html's fixed parts: its style, its one script and the policy that allows only that script,
// and the glossary of verdict words.
import { createHash } from 'node:crypto';

export const GLOSSARY: [string, string][] = [
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

/** Progressive enhancement only: shows the filter form and filters rows; the page is complete without it. */
export const SCRIPT = `(function () {
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

export const CSS = `
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
