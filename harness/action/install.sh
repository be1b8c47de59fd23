#!/usr/bin/env bash
# GitHub Action (action.yml), step "install": the suite's npm packages, and libfaketime when the
# run moves the server's clock with it. Inputs come as INPUT_* variables, as in run.sh.
set -euo pipefail
root="${OMEGA_SUITE_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}"

# The clock the run will use: as given, else faketime for the targets the suite starts.
clock="${INPUT_CLOCK:-}"
if [[ -z "$clock" && ( -n "${INPUT_IMAGE:-}" || -n "${INPUT_COMMAND:-}" ) ]]; then clock=faketime; fi

has_faketime() {
  local f
  for f in /usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1 /usr/lib/aarch64-linux-gnu/faketime/libfaketime.so.1 \
    /usr/lib/faketime/libfaketime.so.1 /usr/local/lib/faketime/libfaketime.so.1; do
    [[ -e "$f" ]] && return 0
  done
  return 1
}

if [[ "$clock" == faketime ]] && ! has_faketime; then
  if command -v apt-get >/dev/null; then
    sudo=""
    [[ "$(id -u)" != 0 ]] && sudo="sudo"
    echo "installing libfaketime (apt-get install faketime)"
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends faketime >/dev/null
  else
    echo "::warning::--clock faketime needs libfaketime and this runner has no apt-get: install it first, or the timeout requirements are not verified"
  fi
fi

if [[ ! -d "$root/node_modules" ]]; then
  echo "installing the suite (npm ci in $root)"
  npm ci --prefix "$root" --no-audit --no-fund --loglevel=error
fi
