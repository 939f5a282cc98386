#!/usr/bin/env bash
# Regenerates screenshots/*.png: the dashboard mid-run, its help overlay, the finished run,
# its per-layer statistics (t), the hyperparameter editor, the test-pass view (counts, then % after saving the screen
# with x), the runs panel (two runs selected), their diff and their overlay, from a real terminal emulator (xterm under Xvfb), captured with ImageMagick's import.
# Then: the status panel's budget line mid-run and its verdict at the end (crops of the first
# two shots), a mistake's feature maps with the receptive-field outline (m), the drawing pad
# with a 7 drawn by keys (d), the flips of the two runs (f in the runs panel), the editor's
# augmentation preview (v), the architecture editor (a) with two edits, a small sweep in
# `convscope watch runs/<sweep-id>` (trials, then groups), and `convscope lr-find` live and
# with its suggestions.
# The program runs inside tmux in that xterm so the script can tell when to shoot and can
# quit cleanly with keys.
#
#   apt-get update && apt-get install -y xvfb xterm imagemagick x11-apps fonts-dejavu-core tmux
#   cargo build --release && scripts/screenshots.sh
#
# Environment: CONVSCOPE_CMD (the command to run; default: the release binary BIN on a short
# real-MNIST run, data from config.toml/$MNIST_DIR), OUT (default screenshots), COLS/ROWS
# The default command runs in a scratch folder holding a copy of config.toml, `runs` and a
# link `data/mnist` to the data, so the screens show relative paths, not this machine's.
# (default 120x40).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
OUT=${OUT:-screenshots}
COLS=${COLS:-120}
ROWS=${ROWS:-40}
BIN=${BIN:-${CARGO_TARGET_DIR:-target}/release/convscope}
case $BIN in /*) ;; *) BIN=$ROOT/$BIN ;; esac
TMP=$(mktemp -d)
SHORT="--epochs 4 --set data.limit_train=4000 --set data.limit_test=2000 --runs-dir runs"
CMD=${CONVSCOPE_CMD:-"'$BIN' $SHORT"}
WORK=$ROOT
if [ -z "${CONVSCOPE_CMD:-}" ]; then
  WORK=$TMP
  [ -f config.toml ] && cp config.toml "$TMP/"
  DATA=${MNIST_DIR:-data/mnist}
  if [ -d "$DATA" ]; then
    mkdir -p "$TMP/data"
    ln -s "$(cd "$DATA" && pwd)" "$TMP/data/mnist"
    unset MNIST_DIR
  fi
fi

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
  (cd "$WORK" && eval "'$BIN' --headless $SHORT --set train.lr=0.05") >"$TMP/earlier.log"
fi

Xvfb ":$DISPLAY_NUM" -screen 0 1920x1200x24 -nolisten tcp >"$TMP/xvfb.log" 2>&1 &
XVFB_PID=$!
export DISPLAY=":$DISPLAY_NUM"
sleep 1

printf 'set -g status off\nset -g default-terminal tmux-256color\n' >"$TMP/tmux.conf"
# The program, then its exit status; the pane stays open for the exit check below.
cat >"$TMP/prog.sh" <<PROG
#!/bin/sh
cd '$WORK'
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
wait_gone() { # wait_gone SECONDS PATTERN: until the screen no longer matches it
  local deadline=$((SECONDS + $1))
  while screen | grep -Eq -- "$2"; do
    if [ $SECONDS -gt $deadline ]; then
      echo "screenshots: timed out waiting for /$2/ to go; screen was:" >&2
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
crop_rows() { # crop_rows FROM TO ROWS: the top ROWS character rows of FROM.png into TO.png
  local size w h
  size=$(identify -format '%w %h' "$OUT/$1.png")
  w=${size% *} h=${size#* }
  convert "$OUT/$1.png" -crop "${w}x$(((h * $3 + ROWS - 1) / ROWS))+0+0" +repage "$OUT/$2.png"
  echo "wrote $OUT/$2.png"
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
keys Escape
wait_gone 10 'back to the list' # an Esc with a key right behind it reads as Alt and that key
keys Enter
wait_gone 10 'in history'
sleep 1
shoot overlay
# The budget in the status panel: mid-run, then the verdict of the finished run.
crop_rows dashboard-running budget-running "${BUDGET_ROWS:-5}"
crop_rows dashboard-finished budget-finished "${BUDGET_ROWS:-5}"
# A mistake's feature maps; the unit moved to row 6, column 10 of Conv2d-5 (RF 5, outlined).
keys i
wait_for 10 'most confident mistakes'
keys m
wait_for 60 'mistake 1 of'
keys Down Down l l l l l l l l l l j j j j j j
wait_for 10 '▸ Conv2d-5'
wait_for 10 'sees rows 6–10, cols 10–14'
shoot feature-maps
keys Escape
wait_gone 10 'mistake 1 of'
keys i
wait_gone 10 'most confident mistakes'
# The drawing pad: a 7 drawn with the keys (top bar, then the diagonal), and its prediction.
keys d
wait_for 10 'draw a digit'
seven=()
for _ in $(seq 8); do seven+=(Up); done
for _ in $(seq 6); do seven+=(Left); done
for _ in $(seq 12); do seven+=(Space Right); done
for i in $(seq 18); do
  seven+=(Space Down)
  if [ $((i % 2)) -eq 0 ]; then seven+=(Left); fi
done
keys "${seven[@]}" Space
wait_for 60 'prediction: [0-9]'
shoot drawing-pad
keys Escape
wait_gone 10 'drawing pad'
# The flips of the two runs still selected in the runs panel.
keys r
wait_for 10 'runs · 2 in history'
keys f
wait_for 60 'flipped digits'
shoot runs-flips
keys Escape
wait_for 10 'f flips'
keys Escape
wait_gone 10 'in history'
# The editor's augmentation preview of the next run's first batch.
keys h
wait_for 10 'hyperparameters for run 2'
keys v
wait_for 60 "the next run's first batch"
shoot augment-preview
keys v
wait_gone 10 "the next run's first batch"
keys Escape
wait_gone 10 'hyperparameters for run 2'
# The architecture editor: conv 5 one channel wider, then a conv block inserted after ReLU-4
# (params over the budget, the max-pool's RF 6 -> 8), edited rows marked.
keys a
wait_for 30 'architecture: model-3'
keys Down Down Down Down Right
wait_for 10 'params 7,826 / 8,000'
keys Up b
wait_for 10 'params 8,746 / 8,000'
shoot arch-editor
keys Escape
wait_gone 10 'architecture: model-3'
tmux -L "$SOCK" send-keys -t shot q
sleep 1
if screen | grep -q 'quit?'; then keys y; fi
for _ in $(seq 100); do [ -s "$TMP/exit" ] && break; sleep 0.1; done
cat "$TMP/exit" 2>/dev/null || echo "screenshots: the program did not exit after q" >&2
if [ -z "${CONVSCOPE_CMD:-}" ]; then
  # A small sweep (3 lrs × 2 seeds, headless), then `convscope watch runs/<sweep-id>`: the
  # trials, then the groups over seeds with their mean ± std band.
  (cd "$WORK" && "$BIN" sweep --sweep train.lr=0.02,0.05,0.2 --seeds 2 --epochs 3 \
    --set data.limit_train=2000 --set data.limit_test=1000 --jobs 2) >"$TMP/sweep.log" 2>&1 ||
    { echo "screenshots: the sweep failed:" >&2; cat "$TMP/sweep.log" >&2; exit 1; }
  SWEEP=$(cd "$WORK" && dirname runs/*/sweep.toml)
  cat >"$TMP/sweep.sh" <<SW
#!/bin/sh
cd '$WORK'
'$BIN' watch '$SWEEP'
sleep 600
SW
  tmux -L "$SOCK" respawn-pane -k -t shot "sh $TMP/sweep.sh"
  wait_for 60 '6 trials: 6 finished'
  shoot sweep-view
  keys g
  wait_for 10 'groups: mean ± std'
  shoot sweep-groups
  keys q
  wait_gone 30 '6 trials: 6 finished'
  # `convscope lr-find` on the terminal: the live chart, then the suggestions marked.
  cat >"$TMP/lr.sh" <<LR
#!/bin/sh
cd '$WORK'
'$BIN' lr-find --batches 60 --set data.limit_train=4000
sleep 600
LR
  tmux -L "$SOCK" respawn-pane -k -t shot "sh $TMP/lr.sh"
  wait_for 300 'lr-find · batch (3[0-9]|4[0-9])'
  shoot lr-find-live
  wait_for 300 'minimum/10: '
  shoot lr-find
  keys q
  wait_for 30 'suggested max lr: '
fi
