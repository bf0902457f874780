#!/bin/bash
# `make demo`: start the stack on its default settings, show what isolates
# containers, and stop the stack again, leaving nothing behind.
set -euo pipefail
cd "$(dirname "$0")/.."
DOCA=.venv/bin/doca
SOCK=/run/doca/doca.sock
step() { printf '\n\033[1m$ %s\033[0m\n' "$*"; "$@"; }

if [ -S "$SOCK" ] && $DOCA version >/dev/null 2>&1; then
  echo "A doca stack already runs on $SOCK: using it."
  owned=0
else
  $DOCA daemon > /tmp/doca-demo.log 2>&1 &
  daemon=$!
  owned=1
  trap 'kill -TERM $daemon 2>/dev/null; wait $daemon 2>/dev/null || true' EXIT
  for _ in $(seq 200); do $DOCA version >/dev/null 2>&1 && break; sleep 0.1; done
fi

step $DOCA images
echo; echo "# the container's processes only, its shell is PID 1:"
step $DOCA run --rm busybox sh -c 'echo "my PID is $$"; ps'
echo; echo "# its own host name (host: $(hostname)):"
step $DOCA run --rm busybox hostname
echo; echo "# its own network: lo and eth0 on the doca0 bridge:"
step $DOCA run --rm busybox ip -4 addr
step $DOCA run --rm --network none busybox ip -4 addr
echo; echo "# a memory limit of 64 MiB, seen from inside:"
step $DOCA run --rm -m 64m busybox cat /sys/fs/cgroup/memory/memory.limit_in_bytes
echo; echo "# a file written in one container is not in the next (each has its own read-write layer):"
step $DOCA run --name demo-writer busybox sh -c 'echo hello > /tmp/note; cat /tmp/note'
step $DOCA run --rm busybox sh -c 'cat /tmp/note 2>&1 || true'
step $DOCA rm demo-writer
echo; echo "# a volume outlives its containers:"
step $DOCA run --rm -v demo-data:/data busybox sh -c 'echo kept > /data/f'
step $DOCA run --rm -v demo-data:/data busybox cat /data/f
step $DOCA volume rm demo-data
step $DOCA run -d --name demo-bg busybox sleep 60
step $DOCA ps
step $DOCA rm -f demo-bg

if [ $owned = 1 ]; then
  echo; echo "# stopping the stack"
  kill -TERM $daemon; wait $daemon || true
  trap - EXIT
  echo "left behind: $(grep -c doca /proc/self/mountinfo || true) mounts, $(ip -o link show type veth | wc -l) veths"
fi
