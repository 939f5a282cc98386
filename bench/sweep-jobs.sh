#!/usr/bin/env bash
# Does `convscope sweep --jobs 2` finish a sweep sooner than `--jobs 1` on this machine?
# The same 4-trial sweep (train.lr=0.05,0.1 × seeds 1,2, built-in config) is run with each,
# in alternating order (round 1: jobs 1 then 2; round 2: jobs 2 then 1; …), each into a fresh
# runs folder; the wall time of the whole `convscope sweep` command is measured. Prints each
# run, each round's ratio jobs2/jobs1 (below 1: --jobs 2 is faster) and the median ratio.
#
#   MNIST_DIR=../shared/data/mnist bench/sweep-jobs.sh
#
# Env: BIN (convscope binary; default: cargo build --release), REPEAT (rounds, default 2),
# LIMIT_TRAIN (training images a trial, default 20000), LIMIT_TEST (test images, default
# 5000), EPOCHS (default 2). With the defaults one round took a few minutes on 2 cores.
# RAYON_NUM_THREADS, when set, is the core count `--jobs` splits (else all the machine's).
set -euo pipefail
cd "$(dirname "$0")/.."
: "${MNIST_DIR:?set MNIST_DIR to the folder with the MNIST IDX files}"
REPEAT=${REPEAT:-2}
LIMIT_TRAIN=${LIMIT_TRAIN:-20000}
LIMIT_TEST=${LIMIT_TEST:-5000}
EPOCHS=${EPOCHS:-2}
if [ -z "${BIN:-}" ]; then
    cargo build --release --locked -q
    BIN=target/release/convscope
fi
BIN=$(realpath "$BIN")
MNIST_DIR=$(realpath "$MNIST_DIR")
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
sweep_args=(--sweep train.lr=0.05,0.1 --seeds 2 --epochs "$EPOCHS"
    --set "data.limit_train=$LIMIT_TRAIN" --set "data.limit_test=$LIMIT_TEST"
    --data-dir "$MNIST_DIR")
echo "sweep-jobs: 4 trials × $EPOCHS epoch(s) of $LIMIT_TRAIN/$LIMIT_TEST images, $REPEAT round(s), $(nproc) cores"

# One sweep with `--jobs $1` in a fresh folder (round $2): its wall seconds on stdout.
one() {
    local jobs=$1 round=$2 dir="$out/r$2-j$1" start end
    mkdir -p "$dir"
    start=$(date +%s.%N)
    if ! (cd "$dir" && "$BIN" sweep --jobs "$jobs" "${sweep_args[@]}" > sweep.log 2>&1); then
        echo "sweep-jobs: round $round --jobs $jobs failed; its output:" >&2
        cat "$dir/sweep.log" >&2
        exit 1
    fi
    end=$(date +%s.%N)
    local finished
    finished=$(cat "$dir"/runs/*/*/metrics.jsonl | grep -c '"event":"finished"' || true)
    if [ "$finished" != 4 ]; then
        echo "sweep-jobs: round $round --jobs $jobs: $finished of 4 trials finished" >&2
        exit 1
    fi
    rm -rf "$dir/runs"
    awk -v a="$end" -v b="$start" 'BEGIN { print a - b }'
}

ratios=()
for r in $(seq "$REPEAT"); do
    if [ $((r % 2)) = 1 ]; then order=(1 2); else order=(2 1); fi
    declare -A t=()
    for j in "${order[@]}"; do
        t[$j]=$(one "$j" "$r")
        printf 'round %d  --jobs %d  %8.1f s\n' "$r" "$j" "${t[$j]}"
    done
    ratio=$(awk -v a="${t[2]}" -v b="${t[1]}" 'BEGIN { printf "%.4f", a / b }')
    printf 'round %d  jobs2/jobs1 = %.3f\n' "$r" "$ratio"
    ratios+=("$ratio")
    unset t
done
median=$(printf '%s\n' "${ratios[@]}" | sort -g | awk '{a[NR]=$1} END {
    if (NR % 2) print a[(NR + 1) / 2]; else print (a[NR / 2] + a[NR / 2 + 1]) / 2 }')
printf 'median jobs2/jobs1 over %d round(s): %.3f (below 1: --jobs 2 is faster)\n' "$REPEAT" "$median"
