#!/usr/bin/env bash
# Benchmark, not a test: training throughput with the dashboard against `--headless` on the
# same run, and the UI's CPU share (main thread + input thread) while training and while the
# finished dashboard sits idle. The dashboard runs in a 120x40 tmux pane.
#
#   cargo build --release && scripts/bench-tui.sh
#
# Environment: EPOCHS (3), LIMIT (data.limit_train, 20000), LIMIT_TEST (data.limit_test,
# 2000), IDLE (seconds idle, 10), BIN. The first epoch is left out of the throughput (warm-up).
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${BIN:-${CARGO_TARGET_DIR:-target}/release/convscope}
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

echo "headless: $BIN --headless $ARGS"
# shellcheck disable=SC2086
"$BIN" --headless $ARGS --runs-dir "$TMP/headless" >"$TMP/headless.log"

echo "dashboard: $BIN $ARGS (tmux 120x40)"
tmux -L "$SOCK" -f /dev/null new-session -d -s b -x 120 -y 40 \
  "exec '$BIN' $ARGS --runs-dir '$TMP/tui'"
PID=$(tmux -L "$SOCK" display-message -p -t b '#{pane_pid}')
screen() { tmux -L "$SOCK" capture-pane -p -t b 2>/dev/null || true; }
until screen | grep -q '● running'; do sleep 0.2; done
# Per-thread CPU ticks of the UI (main "convscope" + "convscope-input") and of the process.
sample() {
  python3 - "$PID" <<'PY'
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
    if comm in ("convscope", "convscope-input"):
        ui += ticks
print(f"{time.time()} {ui} {total}")
PY
}
S0=$(sample)
until screen | grep -Eq '● (finished|stopped|failed)'; do sleep 0.2; done
S1=$(sample)
sleep "$IDLE"
S2=$(sample)
tmux -L "$SOCK" send-keys -t b q
sleep 1

python3 - "$TMP" "$S0" "$S1" "$S2" "$(getconf CLK_TCK)" <<'PY'
import glob, json, sys
tmp, s0, s1, s2, hz = sys.argv[1], *[list(map(float, s.split())) for s in sys.argv[2:5]], float(sys.argv[5])

def throughput(root):
    (path,) = glob.glob(f"{tmp}/{root}/*/metrics.jsonl")
    epochs = [e for e in map(json.loads, open(path)) if e.get("event") == "epoch"]
    steady = epochs[1:] or epochs  # the first epoch holds the warm-up
    return sum(e["train_total"] for e in steady) / sum(e["train_seconds"] for e in steady)

h, t = throughput("headless"), throughput("tui")
def share(a, b):
    return 100.0 * (b[1] - a[1]) / hz / (b[0] - a[0])
print(f"training throughput (epochs after the first): headless {h:,.0f} img/s, "
      f"dashboard {t:,.0f} img/s ({100.0 * (t - h) / h:+.1f}%)")
whole = 100.0 * (s1[2] - s0[2]) / hz / (s1[0] - s0[0])
print(f"UI threads' CPU while training: {share(s0, s1):.2f}% of one core "
      f"(whole process {whole:.0f}%)")
print(f"UI threads' CPU while idle after the run: {share(s1, s2):.2f}% of one core")
PY
