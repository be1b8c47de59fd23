#!/usr/bin/env bash
# Start or stop a local Docker engine for the container tests (/work/shared/CONTAINERS.md):
# published ports bind to 127.0.0.1 only, no iptables, no way out for containers.
#   bash .ci/docker-engine.sh start   installs docker.io if missing, starts dockerd, waits for it
#   bash .ci/docker-engine.sh stop    stops the dockerd this script started and cleans up after it
# State lives in $DOCKER_ENGINE_STATE (default /tmp/omega-dockerd): dockerd.pid, dockerd.log.
set -euo pipefail

STATE="${DOCKER_ENGINE_STATE:-/tmp/omega-dockerd}"
PIDFILE="$STATE/dockerd.pid"
LOG="$STATE/dockerd.log"
START_BOUND_S="${DOCKER_ENGINE_START_BOUND_S:-30}"
STOP_BOUND_S="${DOCKER_ENGINE_STOP_BOUND_S:-20}"

say() { echo "docker-engine: $*" >&2; }

engine_answers() { docker info >/dev/null 2>&1; }

start() {
  mkdir -p "$STATE"
  if ! command -v dockerd >/dev/null 2>&1; then
    say "dockerd missing: apt-get install -y docker.io"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends docker.io >/dev/null
  fi
  if command -v docker >/dev/null 2>&1 && engine_answers; then
    say "a Docker engine already answers; not starting another"
    return 0
  fi
  if [ -f "$PIDFILE" ] && kill -0 "$(cat "$PIDFILE")" 2>/dev/null; then
    say "dockerd $(cat "$PIDFILE") is running but does not answer yet"
  else
    dockerd --iptables=false --ip-forward=false --ip-masq=false --ip=127.0.0.1 \
      --storage-driver=overlay2 >"$LOG" 2>&1 &
    echo $! >"$PIDFILE"
    say "started dockerd (pid $(cat "$PIDFILE"), log $LOG)"
  fi
  local deadline=$((SECONDS + START_BOUND_S))
  until engine_answers; do
    if ! kill -0 "$(cat "$PIDFILE")" 2>/dev/null; then
      say "dockerd exited during start; its log:"
      tail -n 30 "$LOG" >&2 || true
      rm -f "$PIDFILE"
      return 1
    fi
    if [ "$SECONDS" -ge "$deadline" ]; then
      say "docker info did not answer within ${START_BOUND_S}s; dockerd log:"
      tail -n 30 "$LOG" >&2 || true
      return 1
    fi
    sleep 0.2
  done
  say "engine answers (docker info)"
}

stop() {
  if [ -f "$PIDFILE" ]; then
    local pid
    pid="$(cat "$PIDFILE")"
    if kill -0 "$pid" 2>/dev/null; then
      kill "$pid" 2>/dev/null || true
      local deadline=$((SECONDS + STOP_BOUND_S))
      while kill -0 "$pid" 2>/dev/null; do
        if [ "$SECONDS" -ge "$deadline" ]; then
          say "dockerd $pid did not stop within ${STOP_BOUND_S}s: SIGKILL"
          kill -9 "$pid" 2>/dev/null || true
          break
        fi
        sleep 0.2
      done
      say "stopped dockerd $pid"
    fi
    rm -f "$PIDFILE"
  else
    say "no dockerd started by this script ($PIDFILE absent)"
  fi
  # What dockerd leaves behind; each step is fine when already clean. Only when no dockerd runs
  # any more: an engine this script did not start (a CI runner's own) keeps its bridge.
  if pidof dockerd >/dev/null 2>&1; then
    say "another dockerd is running; leaving docker0 and /run/docker alone"
    return 0
  fi
  if [ -e /run/docker/netns/default ]; then
    umount /run/docker/netns/default 2>/dev/null || true
  fi
  if ip link show docker0 >/dev/null 2>&1; then
    ip link delete docker0 2>/dev/null || true
  fi
  return 0
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  *)
    echo "usage: $0 start|stop" >&2
    exit 2
    ;;
esac
