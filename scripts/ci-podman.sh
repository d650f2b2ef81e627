#!/usr/bin/env bash
# Container engine for CI (and a dev machine without Docker): Podman's Docker-compatible API on
# a Unix socket, configured the way FIELD-NOTES.md "Containers" says works on these kernels
# (runc instead of crun, bounded ulimits), and the sandbox image built from busybox-static.
# Idempotent: a second run finds podman installed, the service answering and the image present.
# Prints the DOCKER_HOST to export; exits non-zero only when the engine cannot be brought up.
set -euo pipefail

socket_path="${IRONCLAW_PODMAN_SOCKET:-/run/podman/podman.sock}"
repo="$(cd "$(dirname "$0")/.." && pwd)"

if ! command -v podman >/dev/null || ! command -v runc >/dev/null || [ ! -x /bin/busybox ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq podman runc busybox-static >/dev/null
fi

mkdir -p /etc/containers
if ! grep -q 'runtime = "runc"' /etc/containers/containers.conf 2>/dev/null; then
  cat >/etc/containers/containers.conf <<'EOF'
[containers]
default_ulimits = ["nofile=1024:1024","nproc=1024:1024"]

[engine]
runtime = "runc"
EOF
fi

# `--restart` (what .ci/run passes): stop a service left over from an earlier run first. A
# service whose earlier clients were killed mid-attach can stay up but fail every container start
# ("preparing container … for attach: write child: broken pipe"); a fresh one does not.
if [ "${1:-}" = "--restart" ]; then
  pkill -f "podman system service" 2>/dev/null || true
  for _ in $(seq 1 50); do
    pgrep -f "podman system service" >/dev/null || break
    sleep 0.1
  done
fi

answers() {
  curl -sf --max-time 2 --unix-socket "$socket_path" http://d/_ping >/dev/null 2>&1
}

if ! answers; then
  mkdir -p "$(dirname "$socket_path")"
  rm -f "$socket_path"
  nohup podman system service --time=0 "unix://$socket_path" >/tmp/ironclaw-podman-service.log 2>&1 &
  for _ in $(seq 1 100); do
    answers && break
    sleep 0.2
  done
  if ! answers; then
    echo "ci-podman: podman system service did not answer on $socket_path" >&2
    tail -20 /tmp/ironclaw-podman-service.log >&2 || true
    exit 1
  fi
fi

export DOCKER_HOST="unix://$socket_path"
cd "$repo"
bun_bin="$repo/node_modules/.bin/bun"
[ -x "$bun_bin" ] || bun_bin=bun
"$bun_bin" src/main.ts sandbox build
echo "DOCKER_HOST=$DOCKER_HOST"
