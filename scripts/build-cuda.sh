#!/usr/bin/env bash
# Build convscope with `--features cuda` on a machine with no CUDA toolkit and no GPU.
#
# It installs a pinned CUDA 13.0 toolkit from PyPI (nvcc, headers, cuBLAS, cuRAND, NVRTC,
# the runtime) into a virtualenv under a cache folder, makes the link-time pieces pip does
# not ship (unversioned .so links, and a stub libcuda.so: the real one comes with the
# driver), exports what candle-kernels' and cudarc's build scripts need, and runs
# `cargo build --release --locked --features cuda`. The default build and CI never use it.
#
#   scripts/build-cuda.sh [extra cargo build args]      e.g. --bin convscope
#
# Environment:
#   CONVSCOPE_CUDA_CACHE  toolkit cache (default ${XDG_CACHE_HOME:-$HOME/.cache}/convscope-cuda)
#   CUDA_COMPUTE_CAP      GPU generation to compile for (default 90: H100/H200). candle's PTX
#                         is JIT-compiled forward by the driver, so 80 also runs on 90.
#   CARGO_TARGET_DIR      (default target/cuda, so the CPU build's binary is not replaced)
#   PYTHON                python3 used to make the virtualenv (default python3)
#
# The binary links libcuda.so.1 (driver) and libcudart.so.13, libcublas.so.13,
# libcublasLt.so.13, libcurand.so.10, libnvrtc.so.13 (toolkit): the GPU machine needs a
# CUDA 13 driver (>= 580) and those libraries on the loader's path (see README, "CUDA").
set -euo pipefail
cd "$(dirname "$0")/.."

CACHE="${CONVSCOPE_CUDA_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/convscope-cuda}"
VENV="$CACHE/venv"
# CUDA 13.0 to match the oldest CUDA 13 driver (580): newer nvcc writes PTX it cannot load.
PINS=(
  nvidia-cuda-nvcc==13.0.88
  nvidia-nvvm==13.0.88
  nvidia-cuda-crt==13.0.88
  nvidia-cuda-cccl==13.0.85
  nvidia-cuda-runtime==13.0.96
  nvidia-cuda-nvrtc==13.0.88
  nvidia-cublas==13.0.2.14
  nvidia-curand==10.4.0.35
)

log() { echo "build-cuda: $*" >&2; }

mkdir -p "$CACHE"
if [[ ! -x "$VENV/bin/python" ]]; then
  log "creating $VENV"
  "${PYTHON:-python3}" -m venv "$VENV"
fi
if [[ "$(cat "$VENV/.convscope-pins" 2>/dev/null)" != "${PINS[*]}" ]]; then
  log "installing the CUDA 13.0 toolkit wheels (about 1.3 GB on disk, once)"
  "$VENV/bin/python" -m pip install -q --disable-pip-version-check "${PINS[@]}"
  echo "${PINS[*]}" >"$VENV/.convscope-pins"
fi
TK="$("$VENV/bin/python" -c 'import nvidia, os; print(os.path.join(nvidia.__path__[0], "cu13"))')"
[[ -x "$TK/bin/nvcc" ]] || { log "no nvcc at $TK/bin/nvcc"; exit 1; }

# The linker wants lib*.so; the wheels ship only lib*.so.N. And libcuda.so is the
# driver's: link against a stub that exports every cu* entry point of this cuda.h (the
# real libcuda.so.1 is found at run time). Rebuilt when the toolkit changes.
LINK="$CACHE/link"
if [[ ! -f "$LINK/.done" || "$LINK/.done" -ot "$VENV/.convscope-pins" ]]; then
  rm -rf "$LINK"
  mkdir -p "$LINK/lib"
  ln -s "$TK"/lib/lib*.so.* "$LINK/lib/" # what the libraries' own DT_NEEDED name
  for so in cudart cublas cublasLt curand nvrtc; do
    real="$(cd "$TK/lib" && ls lib$so.so.* | grep -E "^lib$so\.so\.[0-9]+$" | head -1)"
    ln -s "$TK/lib/$real" "$LINK/lib/lib$so.so"
  done
  # Both spellings of each API (cuda.h maps cuFoo to cuFoo_v2 unless told not to).
  {
    cc -E -P -I"$TK/include" -x c "$TK/include/cuda.h"
    cc -E -P -D__CUDA_API_VERSION_INTERNAL -I"$TK/include" -x c "$TK/include/cuda.h"
  } | grep -oE '\bcu[A-Z][A-Za-z0-9_]*[[:space:]]*\(' | tr -d '( \t' | sort -u |
    sed 's/.*/void &(void) {}/' >"$LINK/cuda_stub.c"
  cc -shared -fPIC -Wl,-soname,libcuda.so.1 -o "$LINK/lib/libcuda.so" "$LINK/cuda_stub.c"
  log "stub libcuda.so: $(grep -c . "$LINK/cuda_stub.c") entry points"
  touch "$LINK/.done"
fi

export PATH="$TK/bin:$PATH"
export CUDA_ROOT="$LINK"                     # cudarc: link search path (lib/)
export CUDARC_CUDA_VERSION=13000             # cudarc: the driver API level
export CUDA_COMPUTE_CAP="${CUDA_COMPUTE_CAP:-90}" # candle-kernels: no GPU here to ask
export LIBRARY_PATH="$LINK/lib${LIBRARY_PATH:+:$LIBRARY_PATH}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-target/cuda}"
log "nvcc $(nvcc --version | sed -n 's/.*release \([0-9.]*\).*/\1/p'), compute cap $CUDA_COMPUTE_CAP, target dir $CARGO_TARGET_DIR"

start=$SECONDS
cargo build --release --locked --features cuda "$@"
bin="$CARGO_TARGET_DIR/release/convscope"
log "built $bin in $((SECONDS - start)) s; it needs at run time:"
readelf -d "$bin" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/  \1/p' | grep -E 'cu|nvrtc' >&2 || true
