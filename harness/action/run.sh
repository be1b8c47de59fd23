#!/usr/bin/env bash
# GitHub Action (action.yml), step "certify": builds the command line from the INPUT_* variables,
# runs the suite, and sets the step outputs (verdict, exit-code, report paths) in $GITHUB_OUTPUT.
# It exits with the suite's exit code: 0 conformant, 1 a requirement failed, 2 the run could not start.
set -uo pipefail
root="${OMEGA_SUITE_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}"
# The suite's command (tests replace it with a stub).
read -r -a cli <<<"${OMEGA_CONFORMANCE_CLI:-node $root/bin/omega-conformance.js}"

report_dir="${INPUT_REPORT_DIR:-omega-conformance-reports}"
args=()
[[ -n "${INPUT_IMAGE:-}" ]] && args+=(--image "$INPUT_IMAGE")
[[ -n "${INPUT_COMMAND:-}" ]] && args+=(--command "$INPUT_COMMAND")
[[ -n "${INPUT_URL:-}" ]] && args+=(--url "$INPUT_URL")
[[ -n "${INPUT_DIALECT:-}" && "${INPUT_DIALECT}" != auto ]] && args+=(--dialect "$INPUT_DIALECT")
[[ -n "${INPUT_LEVEL:-}" ]] && args+=(--level "$INPUT_LEVEL")
clock="${INPUT_CLOCK:-}"
if [[ -z "$clock" && ( -n "${INPUT_IMAGE:-}" || -n "${INPUT_COMMAND:-}" ) ]]; then clock=faketime; fi
[[ -n "$clock" ]] && args+=(--clock "$clock")
[[ -n "${INPUT_BASELINE:-}" ]] && args+=(--baseline "$INPUT_BASELINE")
args+=(--report-dir "$report_dir")
# Further options, as shell words (quotes respected, nothing expanded).
if [[ -n "${INPUT_ARGS:-}" ]]; then
  mapfile -t extra < <(printf '%s' "$INPUT_ARGS" | xargs -n1 printf '%s\n')
  args+=("${extra[@]}")
fi

echo "omega-conformance ${args[*]}"
"${cli[@]}" "${args[@]}"
code=$?

# The verdict from report.json: one directory, or one per dialect (the embedded reference, both dialects).
verdict="$(node - "$report_dir" <<'JS'
const { existsSync, readFileSync } = require('node:fs');
const { join } = require('node:path');
const dir = process.argv[2];
const files = [join(dir, 'report.json'), join(dir, 'seed', 'report.json'), join(dir, 'tensamin', 'report.json')].filter(existsSync);
const rank = ['passed', 'partial', 'failed', 'error'];
let worst = files.length === 0 ? 'error' : 'passed';
for (const f of files) {
  let o = 'error';
  try { o = JSON.parse(readFileSync(f, 'utf8')).outcome; } catch {}
  if (!rank.includes(o)) o = 'error';
  if (rank.indexOf(o) > rank.indexOf(worst)) worst = o;
}
process.stdout.write(worst);
JS
)" || verdict=error

json="$report_dir/report.json"
[[ -f "$json" || ! -f "$report_dir/seed/report.json" ]] || json="$report_dir/seed/report.json"
base="$(dirname "$json")"
{
  echo "verdict=$verdict"
  echo "exit-code=$code"
  echo "report-dir=$report_dir"
  echo "report-json=$json"
  echo "junit=$base/junit.xml"
  echo "html=$base/report.html"
} >>"${GITHUB_OUTPUT:-/dev/null}"

if [[ -n "${GITHUB_STEP_SUMMARY:-}" ]]; then
  {
    echo "### Omega conformance: ${verdict^^} (exit code $code)"
    echo ""
    echo "Reports: \`$base/report.html\`, \`$base/junit.xml\`, \`$json\`"
  } >>"$GITHUB_STEP_SUMMARY"
fi
exit "$code"
