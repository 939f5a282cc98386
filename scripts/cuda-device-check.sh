#!/usr/bin/env bash
# The GPU check of a cuda build, on a machine with a GPU and the CUDA 13 libraries but no
# Rust: DIR holds `convscope` (or `convscope.xz`, stripped and compressed to travel) and
# `mnist/` with the four .gz files. Prints the numbers the README's CUDA section quotes.
#   bash scripts/cuda-device-check.sh DIR
cd "${1:?usage: cuda-device-check.sh DIR}"
OUT="${OUT:-/tmp}"
nvidia-smi -L
nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader
[ -f convscope.xz ] && { xz -dkf convscope.xz 2>/dev/null || python3 -c "import lzma,shutil;shutil.copyfileobj(lzma.open('convscope.xz'),open('convscope','wb'))"; }
chmod +x convscope
# The toolkit libraries the binary links (cuBLAS, cuRAND, NVRTC, runtime), wherever the image keeps them.
LD=""
for l in libcudart.so.13 libcublas.so.13 libcublasLt.so.13 libcurand.so.10 libnvrtc.so.13; do
  f=$(find /usr/local /opt /usr/lib -name "$l" 2>/dev/null | head -1)
  echo "$l -> $f"
  [ -n "$f" ] && LD="$LD:$(dirname "$f")"
done
export LD_LIBRARY_PATH="${LD#:}${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
ldd ./convscope | grep -E 'not found|cu|nvrtc'
M="--data-dir mnist"
echo "== 1. no visible GPU"
CUDA_VISIBLE_DEVICES= timeout 60 ./convscope --headless --device cuda $M --epochs 1 --runs-dir /tmp/r0; echo "exit $?"
echo "== 2. auto"
timeout 60 ./convscope --headless --device auto $M --epochs 1 --set data.limit_train=2048 --set data.limit_test=1000 --runs-dir /tmp/r1 | grep -E 'device|Test set'; echo "exit $?"
echo "== 3. bench cuda"
timeout 60 ./convscope bench --device cuda $M; echo "exit $?"
echo "== 4. three epochs cuda"
timeout 200 ./convscope --headless --device cuda $M --epochs 3 --runs-dir /tmp/r; echo "exit $?"
cp /tmp/r/*/metrics.jsonl "$OUT/metrics-cuda.jsonl" 2>/dev/null
echo "== 5. bench cpu"
timeout 45 ./convscope bench --device cpu $M; echo "exit $?"
echo "== 6. one epoch cpu"
timeout 60 ./convscope --headless --device cpu $M --epochs 1 --runs-dir /tmp/rc | grep -E 'Test set|Gap|run '; echo "exit $?"
nproc
