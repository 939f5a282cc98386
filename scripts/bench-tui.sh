#!/usr/bin/env bash
# Benchmark, not a test: training throughput with the dashboard against `--headless` on the
# same run, and the UI's CPU share (main thread + input thread) while training and while the
# finished dashboard sits idle. The dashboard runs in a 120x40 tmux pane.
#
#   cargo build --release && scripts/bench-tui.sh
#
# Runs REPEAT pairs, alternating which mode goes first (H T, T H, H T, ...), so a machine that
# speeds up or slows down over the benchmark does not favour one side; prints every pair and the
# median of the per-pair ratios.
#
# Environment: REPEAT (3), EPOCHS (3), LIMIT (data.limit_train, 20000), LIMIT_TEST
# (data.limit_test, 2000), IDLE (seconds idle, 10), BIN. The first epoch of each run is left out
# of its throughput (warm-up).
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${BIN:-${CARGO_TARGET_DIR:-target}/release/convscope}
REPEAT=${REPEAT:-3}
EPOCHS=${EPOCHS:-3}
LIMIT=${LIMIT:-20000}
LIMIT_TEST=${LIMIT_TEST:-2000}
IDLE=${IDLE:-10}
ARGS="--epochs $EPOCHS --set data.limit_train=$LIMIT --set data.limit_test=$LIMIT_TEST"
TMP=$(mktemp -d)
SOCK="convscope-bench-$$"
trap 'tmux -L "$SOCK" kill-server 2>/dev/null || true; rm -f "${TMUX_TMPDIR:-/tmp}/tmux-$(id -u)/$SOCK"; rm -rf "$TMP"' EXIT
command -v tmux >/dev/null || { echo "bench-tui: needs tmux" >&2; exit 1; }
command -v python3 >/dev/null || { echo "bench-tui: needs python3" >&2; exit 1; }

# Images/s over the epochs after the first, from a run folder's metrics.jsonl.
throughput() {
  python3 - "$1" <<'PY'
import glob, json, sys
(path,) = glob.glob(f"{sys.argv[1]}/*/metrics.jsonl")
epochs = [e for e in map(json.loads, open(path)) if e.get("event") == "epoch"]
steady = epochs[1:] or epochs  # the first epoch holds the warm-up
print(sum(e["train_total"] for e in steady) / sum(e["train_seconds"] for e in steady))
PY
}

# CPU ticks of the UI threads (main thread + "convscope-input") and of all live threads.
sample() {
  python3 - "$1" <<'PY'
import os, sys, time
pid = sys.argv[1]
ui = total = 0
for t in os.listdir(f"/proc/{pid}/task"):
    try:
        comm = open(f"/proc/{pid}/task/{t}/comm").read().strip()
        f = open(f"/proc/{pid}/task/{t}/stat").read().rsplit(")", 1)[1].split()
    except OSError:
        continue
    ticks = int(f[11]) + int(f[12])
    total += ticks
    # The main thread (task id == pid) draws; whatever the binary is called, its comm is
    # the binary's name, so it is found by id, not by name.
    if t == pid or comm == "convscope-input":
        ui += ticks
print(f"{time.time()} {ui} {total}")
PY
}

# Both modes are watched the same way, through their run folder (a file test and a 0.5 s sleep),
# never by capturing the screen, which would cost CPU on the dashboard's side only.
wait_for() { until compgen -G "$1" >/dev/null; do sleep 0.5; done; }

headless() {
  # shellcheck disable=SC2086
  "$BIN" --headless $ARGS --runs-dir "$TMP/h$1" >"$TMP/h$1.log" &
  wait_for "$TMP/h$1/*/summary.json"
  wait
  throughput "$TMP/h$1" >"$TMP/h$1.ips"
}

dashboard() {
  local s="d$1" pid s0 s1 s2
  tmux -L "$SOCK" -f /dev/null new-session -d -s "$s" -x 120 -y 40 \
    "exec '$BIN' $ARGS --runs-dir '$TMP/$s'"
  pid=$(tmux -L "$SOCK" display-message -p -t "$s" '#{pane_pid}')
  wait_for "$TMP/$s/*/metrics.jsonl"
  s0=$(sample "$pid")
  wait_for "$TMP/$s/*/summary.json"
  sleep 1 # the final epoch's redraw
  s1=$(sample "$pid")
  if [ "$1" = 1 ]; then sleep "$IDLE"; fi
  s2=$(sample "$pid")
  tmux -L "$SOCK" send-keys -t "$s" q
  sleep 1
  echo "$s0 $s1 $s2" >"$TMP/$s.cpu"
  throughput "$TMP/$s" >"$TMP/$s.ips"
}

echo "headless:  $BIN --headless $ARGS"
echo "dashboard: $BIN $ARGS (tmux 120x40)"
for i in $(seq 1 "$REPEAT"); do
  if [ $((i % 2)) = 1 ]; then headless "$i"; dashboard "$i"; else dashboard "$i"; headless "$i"; fi
  printf 'pair %d (%s first): headless %.0f img/s, dashboard %.0f img/s\n' "$i" \
    "$([ $((i % 2)) = 1 ] && echo headless || echo dashboard)" "$(cat "$TMP/h$i.ips")" "$(cat "$TMP/d$i.ips")"
done

python3 - "$TMP" "$REPEAT" "$IDLE" "$(getconf CLK_TCK)" <<'PY'
import statistics, sys
tmp, n, idle, hz = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4])
read = lambda p: float(open(f"{tmp}/{p}").read())
ratios = [read(f"d{i}.ips") / read(f"h{i}.ips") for i in range(1, n + 1)]
h = statistics.median(read(f"h{i}.ips") for i in range(1, n + 1))
d = statistics.median(read(f"d{i}.ips") for i in range(1, n + 1))
print(f"median training throughput: headless {h:,.0f} img/s, dashboard {d:,.0f} img/s")
print("per-pair dashboard/headless: " + ", ".join(f"{100 * (r - 1):+.1f}%" for r in ratios)
      + f"; median {100 * (statistics.median(ratios) - 1):+.1f}%")
shares = []
for i in range(1, n + 1):
    s0, s1, s2 = (list(map(float, x)) for x in zip(*[iter(open(f"{tmp}/d{i}.cpu").read().split())] * 3))
    shares.append(100.0 * (s1[1] - s0[1]) / hz / (s1[0] - s0[0]))
    if i == 1:
        idle_share = 100.0 * (s2[1] - s1[1]) / hz / (s2[0] - s1[0])
print(f"UI threads' CPU while training: median {statistics.median(shares):.2f}% of one core")
print(f"UI threads' CPU while idle after the run ({idle:.0f} s): {idle_share:.2f}% of one core")
PY
