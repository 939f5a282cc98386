#!/usr/bin/env bash
# Instructions (and simulated branch mispredictions) per training step of model-2, batch 128,
# counted by valgrind's callgrind: a measure of the work a kernel change saves that, unlike
# wall time, does not move when other processes share the machine. One thread, so the count
# is deterministic and holds no barrier spinning.
#
#   MNIST_DIR=../shared/data/mnist bench/count.sh [BIN...]
#
# Each binary (default target/release/convscope) runs `bench --steps A` and `--steps B`
# under callgrind; per step = the difference / (B - A), so start-up, data loading and the
# evaluation batches cancel. The peak probe runs for a fixed wall time, so its count varies
# (by some 20 M instructions under valgrind); its inclusive count is subtracted when
# callgrind names the function. Valgrind reports no AVX-512, so the counts are of the AVX2
# paths. Under load one run of 5 steps took ~30 min here. Env: A (default 2), B (default
# 7), OUT (keep the callgrind files there).
set -euo pipefail
cd "$(dirname "$0")/.."
: "${MNIST_DIR:?set MNIST_DIR to the folder with the MNIST IDX files}"
command -v valgrind > /dev/null || { echo "count.sh: needs valgrind" >&2; exit 2; }
A=${A:-2}
B=${B:-7}
out=${OUT:-$(mktemp -d)}
mkdir -p "$out"
[ "$#" -gt 0 ] || set -- target/release/convscope
export RAYON_NUM_THREADS=1 MNIST_DIR

# "Ir Bcm Bim" of one run: totals minus the peak probe's inclusive cost.
run() {
    local bin=$1 steps=$2 f
    f="$out/cg.$(basename "$bin").$steps"
    valgrind --tool=callgrind --branch-sim=yes --callgrind-out-file="$f" \
        "$bin" bench --config /dev/null --set model=model-2 --steps "$steps" --eval-batches 1 \
        > "$f.log" 2>&1
    python3 - "$f" <<'PY'
import re, subprocess, sys
ann = subprocess.run(["callgrind_annotate", "--inclusive=yes", sys.argv[1]],
                     capture_output=True, text=True, check=True).stdout
def nums(line, k):
    """The first k counts of an annotate line (each maybe followed by a percentage), rest."""
    out, rest = [], line.strip()
    for _ in range(k):
        m = re.match(r"([\d,]+)\s*(?:\([^)]*\)\s*)?", rest)
        if not m:
            return None, line
        out.append(int(m.group(1).replace(",", "")))
        rest = rest[m.end():]
    return out, rest
events = next(l for l in ann.splitlines() if l.startswith("Events shown:")).split(":", 1)[1].split()
total, probe = None, [0] * len(events)
for line in ann.splitlines():
    vals, rest = nums(line, len(events))
    if vals is None:
        continue
    if "PROGRAM TOTALS" in rest:
        total = vals
    elif re.search(r"kernels::peak::probe(\s|$)", rest):
        probe = [max(a, b) for a, b in zip(probe, vals)]
print(" ".join(str(total[events.index(e)] - probe[events.index(e)]) for e in ["Ir", "Bcm", "Bim"]))
PY
}

for bin in "$@"; do
    read -r ia ca ma <<< "$(run "$bin" "$A")"
    read -r ib cb mb <<< "$(run "$bin" "$B")"
    python3 - "$bin" "$A" "$B" "$ia" "$ib" "$ca" "$cb" "$ma" "$mb" <<'PY'
import sys
bin, a, b, ia, ib, ca, cb, ma, mb = sys.argv[1], *map(int, sys.argv[2:])
n = b - a
print(f"{bin}: per step {(ib - ia) / n / 1e6:,.1f} M instructions, "
      f"{(cb - ca) / n / 1e3:,.0f} k mispredicted conditional branches, "
      f"{(mb - ma) / n / 1e3:,.1f} k mispredicted indirect branches")
PY
done
