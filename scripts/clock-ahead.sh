#!/usr/bin/env bash
# Runs a command with the clock moved ahead, to prove that nothing depends on
# today's date: `scripts/clock-ahead.sh +365d npx vitest run`.
#
# libfaketime (Debian's `faketime`) moves the clock of the command and of every
# process it starts, except redis-server: libfaketime crashes its jemalloc
# (recursion in clock_gettime), so a `redis-server` first on the PATH starts the
# real one without it. The monotonic clock is left alone, so timers and
# timeouts run at their real pace.
set -euo pipefail

if [ $# -lt 2 ]; then
  echo "usage: $0 <offset, e.g. +365d> <command> [args...]" >&2
  exit 2
fi
offset=$1
shift

if ! command -v faketime >/dev/null 2>&1; then
  echo "faketime not found: install Debian's faketime (apt-get install -y faketime)" >&2
  exit 2
fi
real_redis=$(command -v redis-server || true)
if [ -z "$real_redis" ]; then
  echo "redis-server not found: install Debian's redis-server (apt-get install -y redis-server)" >&2
  exit 2
fi

shims=$(mktemp -d)
trap 'rm -rf "$shims"' EXIT
cat >"$shims/redis-server" <<SHIM
#!/bin/sh
unset LD_PRELOAD FAKETIME
exec "$real_redis" "\$@"
SHIM
chmod +x "$shims/redis-server"

PATH="$shims:$PATH" FAKETIME_DONT_FAKE_MONOTONIC=1 faketime -f "$offset" "$@"
