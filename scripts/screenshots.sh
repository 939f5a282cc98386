#!/usr/bin/env bash
# Regenerates screenshots/*.png: the dashboard mid-run, its help overlay, the finished run,
# its per-layer statistics (t), the hyperparameter editor, the test-pass view (counts, then % after saving the screen
# with x), the runs panel (two runs selected), their diff and their overlay, from a real terminal emulator (xterm under Xvfb), captured with ImageMagick's import.
# The program runs inside tmux in that xterm so the script can tell when to shoot and can
# quit cleanly with keys.
#
#   apt-get update && apt-get install -y xvfb xterm imagemagick x11-apps fonts-dejavu-core tmux
#   cargo build --release && scripts/screenshots.sh
#
# Environment: CONVSCOPE_CMD (the command to run; default: the release binary BIN on a short
# real-MNIST run, data from config.toml/$MNIST_DIR), OUT (default screenshots), COLS/ROWS
# (default 120x40).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
OUT=${OUT:-screenshots}
COLS=${COLS:-120}
ROWS=${ROWS:-40}
BIN=${BIN:-${CARGO_TARGET_DIR:-target}/release/convscope}
TMP=$(mktemp -d)
SHORT="--epochs 4 --set data.limit_train=4000 --set data.limit_test=2000 --runs-dir '$TMP/runs'"
CMD=${CONVSCOPE_CMD:-"'$BIN' $SHORT"}

for tool in Xvfb xterm import tmux; do
  command -v "$tool" >/dev/null || {
    echo "screenshots: '$tool' is missing (apt-get install xvfb xterm imagemagick x11-apps tmux)" >&2
    exit 1
  }
done

SOCK="convscope-shots-$$"
DISPLAY_NUM=${DISPLAY_NUM:-$((90 + $$ % 100))}
cleanup() {
  tmux -L "$SOCK" kill-server 2>/dev/null || true
  rm -f "${TMUX_TMPDIR:-/tmp}/tmux-$(id -u)/$SOCK"
  [ -n "${XTERM_PID:-}" ] && kill "$XTERM_PID" 2>/dev/null || true
  [ -n "${XVFB_PID:-}" ] && kill "$XVFB_PID" 2>/dev/null || true
  rm -rf "$TMP"
}
trap cleanup EXIT

# An earlier run with another lr, so the runs panel has two runs to overlay and diff.
if [ -z "${CONVSCOPE_CMD:-}" ]; then
  eval "'$BIN' --headless $SHORT --set train.lr=0.05" >"$TMP/earlier.log"
fi

Xvfb ":$DISPLAY_NUM" -screen 0 1920x1200x24 -nolisten tcp >"$TMP/xvfb.log" 2>&1 &
XVFB_PID=$!
export DISPLAY=":$DISPLAY_NUM"
sleep 1

printf 'set -g status off\nset -g default-terminal tmux-256color\n' >"$TMP/tmux.conf"
# The program, then its exit status; the pane stays open for the exit check below.
cat >"$TMP/prog.sh" <<PROG
#!/bin/sh
cd '$ROOT'
$CMD
echo "exit=\$?" >'$TMP/exit'
sleep 600
PROG
cat >"$TMP/xterm.sh" <<XT
#!/bin/sh
echo "\$WINDOWID" >'$TMP/wid'
exec tmux -L '$SOCK' -f '$TMP/tmux.conf' new-session -s shot -x $COLS -y $ROWS 'sh $TMP/prog.sh'
XT
xterm -geometry "${COLS}x${ROWS}+0+0" -fa 'DejaVu Sans Mono' -fs 11 -bg '#101418' -fg '#d8dee9' \
  -T convscope -e sh "$TMP/xterm.sh" &
XTERM_PID=$!

screen() { tmux -L "$SOCK" capture-pane -p -t shot 2>/dev/null || true; }
wait_for() { # wait_for SECONDS PATTERN: until the screen matches the extended regex
  local deadline=$((SECONDS + $1))
  until screen | grep -Eq -- "$2"; do
    if [ $SECONDS -gt $deadline ]; then
      echo "screenshots: timed out waiting for /$2/; screen was:" >&2
      screen >&2
      exit 1
    fi
    sleep 0.2
  done
}
shoot() {
  sleep 0.6 # let one more frame land
  import -window "$(cat "$TMP/wid")" "$OUT/$1.png"
  echo "wrote $OUT/$1.png"
}

mkdir -p "$OUT"
for _ in $(seq 100); do [ -s "$TMP/wid" ] && break; sleep 0.1; done
wait_for 900 'epoch 3/'           # mid-run: two epochs' accuracy and gap are in
wait_for 60 'batch [1-9][0-9]*/'
shoot dashboard-running
tmux -L "$SOCK" send-keys -t shot '?'
wait_for 10 'this help'
shoot help
tmux -L "$SOCK" send-keys -t shot Escape
wait_for 900 '● (finished|stopped|failed)'
shoot dashboard-finished
# The layer table's per-layer statistics (t), four epochs of sparklines.
tmux -L "$SOCK" send-keys -t shot t
wait_for 10 'layer stats 1'
shoot layer-stats
tmux -L "$SOCK" send-keys -t shot t
wait_for 10 'layers 1'
# The editor: lr one step up (row 4), dropout one step up (row 9), both shown as changed.
keys() { tmux -L "$SOCK" send-keys -t shot "$@"; }
keys h
wait_for 10 'hyperparameters for run 2'
keys Home Down Down Down Right
wait_for 10 'train\.lr .* was '
keys Down Down Down Down Down Right
wait_for 10 'train\.dropout .* was '
shoot editor
keys Escape
tmux -L "$SOCK" send-keys -t shot i
wait_for 10 'most confident mistakes'
shoot test-pass
tmux -L "$SOCK" send-keys -t shot c
wait_for 10 '% of row'
tmux -L "$SOCK" send-keys -t shot x
wait_for 10 'screen saved'
shoot test-pass-percent
keys i
# The runs panel: both runs selected, their diff, then both overlaid on the charts.
keys r
wait_for 10 'runs · 2 in history'
keys Home Space Down Space
wait_for 10 '\[2\]'
shoot runs
keys d
wait_for 10 'train\.lr'
shoot runs-diff
keys Escape Enter
sleep 1
shoot overlay
tmux -L "$SOCK" send-keys -t shot q
for _ in $(seq 100); do [ -s "$TMP/exit" ] && break; sleep 0.1; done
cat "$TMP/exit" 2>/dev/null || echo "screenshots: the program did not exit after q" >&2
