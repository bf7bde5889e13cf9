#!/usr/bin/env bash
# Compiles every kernels/src/main/cuda/*.cu into <out>/<name>.fatbin: SASS for sm_90 (H100/H200) plus compute_90
# PTX that the driver JIT-compiles for newer GPUs. Run by Maven (generate-resources); NVCC overrides the compiler.
# No nvcc, or one that cannot build them (too old for sm_90, broken install): say why and succeed, so that the
# build works everywhere; the reason goes into NO_KERNELS, which the CUDA backend reports ("sargan info").
# SARGAN_KERNELS_STRICT=1 (for kernel developers and the GPU check) makes a kernel that does not compile fail the build.
set -euo pipefail
out=${1:?usage: build.sh OUTPUT_DIR}
src=$(cd "$(dirname "$0")" && pwd)
nvcc=${NVCC:-nvcc}
mkdir -p "$out"

# without_kernels REASON: build on without compiled kernels, or fail in strict mode
without_kernels() {
  if [[ "${SARGAN_KERNELS_STRICT:-0}" == 1 ]]; then
    echo "[kernels] $1" >&2
    exit 1
  fi
  echo "[kernels] WARNING: $1; building without compiled CUDA kernels (set SARGAN_KERNELS_STRICT=1 to fail instead)" >&2
  rm -f "$out"/*.fatbin
  echo "$1" > "$out/NO_KERNELS"
  exit 0
}

# first_error LOG: the first line that says error or fatal, else the first line
first_error() {
  local line
  line=$(grep -m 1 -i -e error -e fatal <<<"$1" || true)
  if [[ -n "$line" ]]; then echo "$line"; else head -n 1 <<<"$1"; fi
}

if ! command -v "$nvcc" >/dev/null 2>&1; then
  without_kernels "nvcc not found on the build machine"
fi
if ! version=$("$nvcc" --version 2>&1); then
  without_kernels "$nvcc does not run: $(first_error "$version")"
fi
version=$(printf '%s\n' "$version" | grep -o 'release [0-9.]*' | head -n 1 || true)
rm -f "$out/NO_KERNELS"
for cu in "$src"/*.cu; do
  name=$(basename "$cu" .cu)
  target="$out/$name.fatbin"
  # up to date: newer than its source and every header
  if [[ -f "$target" && "$target" -nt "$cu" ]] && ! find "$src" -name '*.cuh' -newer "$target" | grep -q .; then
    continue
  fi
  echo "[kernels] nvcc $name.cu"
  if ! log=$("$nvcc" -fatbin -O3 -std=c++17 -Werror all-warnings -I "$src" \
      -gencode arch=compute_90,code=sm_90 -gencode arch=compute_90,code=compute_90 \
      -o "$target" "$cu" 2>&1); then
    rm -f "$target"
    without_kernels "nvcc ${version:-of unknown version} failed on $name.cu: $(first_error "$log")"
  fi
  [[ -z "$log" ]] || printf '%s\n' "$log" >&2
done
