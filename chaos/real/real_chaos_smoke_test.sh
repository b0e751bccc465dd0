#!/usr/bin/env bash
# A short real-host chaos campaign (chaos/real/README.md): ten kill points
# of each command, then ENOSPC cases and storms for about 15 s; fails on any
# leak or invariant violation. Args: the real_chaos binary, the runbox
# binary.
set -euo pipefail
chaos=$1
runbox=$2
if [[ $(id -u) != 0 ]]; then
  echo "SKIPPED: real_chaos_smoke_test needs root (real containers, cgroups, mounts)"
  exit 0
fi
if [[ ! -x /bin/busybox ]]; then
  echo "SKIPPED: /bin/busybox missing (apt-get install busybox-static)"
  exit 0
fi
log=${TEST_TMPDIR:-/tmp}/real_chaos_smoke.log
status=0
"$chaos" --runbox "$runbox" --minutes 0.25 --batch 10 --stride 5 --seed 1 \
  --work "${TEST_TMPDIR:-/tmp}/real-chaos-smoke" | tee "$log" || status=$?
last=$(tail -n 1 "$log")
if [[ $status != 0 || ! $last =~ ^real\ chaos:\ [0-9]+\ runs,\ 0\ leaks$ ]]; then
  echo "FAIL: real_chaos exited $status; last line: $last" >&2
  exit 1
fi
echo "PASS"
