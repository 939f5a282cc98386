#!/usr/bin/env bash
# convscope vs stock candle vs PyTorch on this machine, side by side, for the README's speed
# table. Model-2, batch 128, 2 threads, f32, real MNIST.
#
#   MNIST_DIR=../shared/data/mnist bench/compare.sh
#
# Env: BIN (convscope binary; default: cargo build --release), PYTHON (a python with torch
# and numpy; default python3), REPEAT (alternating rounds, default 3), EPOCH=0 to skip the
# full-epoch runs, THREADS (default 2).
# Each round runs, in turn: `convscope bench` (fast kernels; stock candle too in round 1),
# `bench/pytorch_epoch.py --steps`, then (EPOCH=1) one full headless epoch of each, whose peak
# RSS is the process's maximum resident set (GNU time). Prints each run and the medians.
set -euo pipefail
cd "$(dirname "$0")/.."
: "${MNIST_DIR:?set MNIST_DIR to the folder with the MNIST IDX files}"
PYTHON=${PYTHON:-python3}
REPEAT=${REPEAT:-3}
EPOCH=${EPOCH:-1}
THREADS=${THREADS:-2}
STEPS=${STEPS:-30}
if [ -z "${BIN:-}" ]; then
    cargo build --release --locked -q
    BIN=target/release/convscope
fi
"$PYTHON" -c 'import torch, numpy' 2>/dev/null || {
    echo "compare.sh: $PYTHON cannot import torch and numpy (pip install torch numpy, or set PYTHON)" >&2
    exit 2
}
[ -x /usr/bin/time ] || { echo "compare.sh: needs GNU time (/usr/bin/time, Debian package 'time')" >&2; exit 2; }
export RAYON_NUM_THREADS=$THREADS MNIST_DIR
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
set_args=(--config /dev/null --set model=model-2)
# The epoch runs train as PyTorch's does: no augmentation (convscope's runs on a third thread).
epoch_args=(--set train.rotate_degrees=0 --set train.translate_px=0)

for r in $(seq "$REPEAT"); do
    stock=()
    [ "$r" = 1 ] && stock=(--compare-stock)
    "$BIN" bench "${set_args[@]}" --steps "$STEPS" "${stock[@]}" | tee -a "$out/convscope.txt"
    "$PYTHON" bench/pytorch_epoch.py --data "$MNIST_DIR" --threads "$THREADS" --steps "$STEPS" \
        | tee -a "$out/pytorch.txt"
    if [ "$EPOCH" = 1 ]; then
        rm -rf "$out/runs"
        /usr/bin/time -f "peak RSS %M kB" -o "$out/time.txt" \
            "$BIN" --headless "${set_args[@]}" "${epoch_args[@]}" --epochs 1 --runs-dir "$out/runs" > /dev/null
        grep -h '"event":"epoch"' "$out"/runs/*/metrics.jsonl | tee -a "$out/convscope-epoch.txt"
        tee -a "$out/convscope-rss.txt" < "$out/time.txt"
        "$PYTHON" bench/pytorch_epoch.py --data "$MNIST_DIR" --threads "$THREADS" \
            | tail -1 | tee -a "$out/pytorch-epoch.txt"
    fi
done

"$PYTHON" - "$out" "$EPOCH" <<'PY'
import json, re, statistics as st, sys
out, epoch = sys.argv[1], sys.argv[2] == "1"
def rows(path, name):
    """[train img/s, step, fwd, bwd, opt ms, eval img/s] of each table row named `name`
    (convscope's table has a `norms ms` column before eval img/s; PyTorch's does not)."""
    cols = []
    for line in open(path):
        f = line.split()
        if len(f) >= 7 and f[0] == name:
            try:
                cols.append([float(v) for v in f[1:6]] + [float(f[-1])])
            except ValueError:
                continue
    return cols
def med(rs, i):
    return st.median(r[i] for r in rs)
fast, stock = rows(f"{out}/convscope.txt", "fast"), rows(f"{out}/convscope.txt", "stock")
torch = rows(f"{out}/pytorch.txt", "pytorch")
# convscope's compute lines: MFLOP per training image and the measured fp32 peak (GFLOP/s).
text = open(f"{out}/convscope.txt").read()
mflop = float(re.search(r"^compute\s+([\d.]+) MFLOP", text, re.M).group(1))
peaks = [float(v) for v in re.findall(r"^peak\s+([\d.]+) GFLOP/s", text, re.M)]
isa = re.findall(r"^peak .*\((.*) probe\)", text, re.M)
peak = st.median(peaks) if peaks else None
print("\n## medians (model-2, batch 128, steps; eval img/s at batch 250)\n")
print("| | train img/s | step ms | forward ms | backward ms | optimizer ms | eval img/s | GFLOP/s | % of peak |")
print("|---|---|---|---|---|---|---|---|---|")
for name, rs in [("convscope (fast kernels)", fast), ("stock candle 0.11", stock), ("PyTorch", torch)]:
    if rs:
        gf = med(rs, 0) * mflop / 1e3
        pct = f"{100 * gf / peak:.1f}%" if peak else "-"
        print(f"| {name} ({len(rs)} runs) | {med(rs,0):,.0f} | {med(rs,1):.1f} | {med(rs,2):.1f} | {med(rs,3):.1f} | {med(rs,4):.2f} | {med(rs,5):,.0f} | {gf:.1f} | {pct} |")
print(f"\nGFLOP/s = train img/s x {mflop:.2f} MFLOP per training image (convolutions, forward + "
      f"backward; src/arch/flops.rs)" + (f"; measured fp32 peak {peak:.1f} GFLOP/s "
      f"({isa[0] if isa else '?'} probe, median of {len(peaks)})" if peak else ""))
print(f"\nconvscope / PyTorch: train {med(fast,0)/med(torch,0):.2f}x, eval {med(fast,5)/med(torch,5):.2f}x "
      f"(per round: train " + ", ".join(f"{a[0]/b[0]:.2f}x" for a, b in zip(fast, torch)) + ")")
if stock:
    print(f"convscope / stock candle: train {med(fast,0)/med(stock,0):.2f}x, eval {med(fast,5)/med(stock,5):.2f}x")
if epoch:
    ep = [json.loads(l.split(":", 1)[1]) if not l.startswith("{") else json.loads(l) for l in open(f"{out}/convscope-epoch.txt")]
    rss = [int(re.search(r"(\d+) kB", l).group(1)) for l in open(f"{out}/convscope-rss.txt")]
    pt = [l for l in open(f"{out}/pytorch-epoch.txt")]
    num = lambda pat, l: float(re.search(pat, l).group(1))
    print("\n## one full epoch (60,000 train images, then the 10,000 test images)\n")
    print("| | train s/epoch | train img/s | eval img/s | test acc | peak RSS |")
    print("|---|---|---|---|---|---|")
    s = [e["train_seconds"] for e in ep]
    print(f"| convscope ({len(ep)} runs) | {st.median(s):.1f} | {60000/st.median(s):,.0f} | "
          f"{st.median(e['test_total']/e['eval_seconds'] for e in ep):,.0f} | "
          f"{st.median(e['test_correct']/e['test_total'] for e in ep):.4f} | {st.median(rss)/1024:.0f} MB |")
    ps = [num(r"train s/epoch ([\d.]+)", l) for l in pt]
    p_eval = st.median(num(r"eval img/s (\d+)", l) for l in pt)
    p_acc = st.median(num(r"test acc ([\d.]+)", l) for l in pt)
    p_rss = st.median(num(r"peak RSS (\d+) MB", l) for l in pt)
    print(f"| PyTorch ({len(pt)} runs) | {st.median(ps):.1f} | {60000/st.median(ps):,.0f} | "
          f"{p_eval:,.0f} | {p_acc:.4f} | {p_rss:.0f} MB |")
    print(f"\nepoch time PyTorch / convscope: {st.median(ps)/st.median(s):.2f}x (per round: "
          + ", ".join(f"{p/c:.2f}x" for p, c in zip(ps, s)) + ")")
PY
