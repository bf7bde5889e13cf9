#!/usr/bin/env bash
# Compiles every kernels/src/main/cuda/*.cu into <out>/<name>.fatbin: SASS for sm_90 (H100/H200) plus compute_90
# PTX that the driver JIT-compiles for newer GPUs. Run by Maven (generate-resources); NVCC overrides the compiler.
# No nvcc: say so and succeed, so that the build works everywhere (the backend then reports "no compiled kernels").
# A kernel that does not compile fails the build.
set -euo pipefail
out=${1:?usage: build.sh OUTPUT_DIR}
src=$(cd "$(dirname "$0")" && pwd)
nvcc=${NVCC:-nvcc}
mkdir -p "$out"
if ! command -v "$nvcc" >/dev/null 2>&1; then
  echo "[kernels] nvcc not found: building without compiled CUDA kernels" >&2
  echo "nvcc not found on the build machine" > "$out/NO_KERNELS"
  exit 0
fi
rm -f "$out/NO_KERNELS"
for cu in "$src"/*.cu; do
  name=$(basename "$cu" .cu)
  target="$out/$name.fatbin"
  # up to date: newer than its source and every header
  if [[ -f "$target" && "$target" -nt "$cu" ]] && ! find "$src" -name '*.cuh' -newer "$target" | grep -q .; then
    continue
  fi
  echo "[kernels] nvcc $name.cu"
  "$nvcc" -fatbin -O3 -std=c++17 -Werror all-warnings -I "$src" \
    -gencode arch=compute_90,code=sm_90 -gencode arch=compute_90,code=compute_90 \
    -o "$target" "$cu"
done
