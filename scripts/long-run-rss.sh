#!/usr/bin/env bash
# Benchmark, not a test: memory over a long run. 200 tiny epochs (256 train / 256 test
# images) headless and in the dashboard (a 120x40 tmux pane); VmRSS of the process is read
# from /proc when the run folder records epoch 10 and epoch 200. Flat memory means the
# dashboard's histories are bounded (downsampled) and nothing grows per epoch.
#
#   cargo build --release && scripts/long-run-rss.sh
#
# Environment: EPOCHS (200), EARLY (10), LIMIT (256), BIN, MNIST_DIR (../shared/data/mnist).
# Both runs get one epoch more than EPOCHS, so the process is still training when measured.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${BIN:-${CARGO_TARGET_DIR:-target}/release/convscope}
EPOCHS=${EPOCHS:-200}
EARLY=${EARLY:-10}
LIMIT=${LIMIT:-256}
MNIST=$(realpath "${MNIST_DIR:-../shared/data/mnist}")
TMP=$(mktemp -d)
SOCK="convscope-rss-$$"
trap 'tmux -L "$SOCK" kill-server 2>/dev/null || true; rm -rf "$TMP"' EXIT
command -v tmux >/dev/null || { echo "long-run-rss: needs tmux" >&2; exit 1; }
ARGS=(--data-dir "$MNIST" --set "data.limit_train=$LIMIT" --set "data.limit_test=$LIMIT")

rss_kb() { awk '/^VmRSS/ {print $2}' "/proc/$1/status" 2>/dev/null || echo "?"; }
epochs_done() { cat "$1"/runs/*/metrics.jsonl 2>/dev/null | grep -c '"event":"epoch"' || true; }

# measure MODE DIR PID: wait for epoch EARLY and EPOCHS, print VmRSS at each.
measure() {
  local mode=$1 dir=$2 pid=$3 early="" late=""
  local start=$SECONDS
  while [ -z "$late" ]; do
    local n; n=$(epochs_done "$dir")
    if [ -z "$early" ] && [ "$n" -ge "$EARLY" ]; then early=$(rss_kb "$pid"); fi
    if [ "$n" -ge "$EPOCHS" ]; then late=$(rss_kb "$pid"); fi
    kill -0 "$pid" 2>/dev/null || { [ -n "$late" ] || { echo "$mode: process ended at epoch $n" >&2; return 1; }; }
    sleep 0.05
  done
  printf '%-9s VmRSS at epoch %3d: %6s kB   at epoch %3d: %6s kB   (%d s)\n' \
    "$mode" "$EARLY" "$early" "$EPOCHS" "$late" $((SECONDS - start))
}

mkdir -p "$TMP/headless"
(cd "$TMP/headless" && exec "$BIN" --headless --epochs $((EPOCHS + 1)) "${ARGS[@]}" >out 2>err) &
hpid=$!
measure headless "$TMP/headless" "$hpid"
kill -INT "$hpid" 2>/dev/null || true
wait "$hpid" || true

mkdir -p "$TMP/tui"
tmux -L "$SOCK" -f /dev/null new-session -d -x 120 -y 40 \
  "cd '$TMP/tui' && sh -c 'echo \$\$ >pid; exec \"\$0\" \"\$@\"' '$BIN' --epochs $((EPOCHS + 1)) $(printf "'%s' " "${ARGS[@]}") 2>err; sleep 600"
while [ ! -s "$TMP/tui/pid" ]; do sleep 0.05; done
tpid=$(cat "$TMP/tui/pid")
measure dashboard "$TMP/tui" "$tpid"
kill -TERM "$tpid" 2>/dev/null || true
