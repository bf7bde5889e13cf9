#!/usr/bin/env bash
# Runs the CUDA-vs-CPU suite and the CUDA training test on the host emulator built with AddressSanitizer, with
# device blocks of exactly the requested size (-Dsargan.cuda.exactSizes=true): a kernel that reads or writes past
# the end of a tensor stops the run with the kernel's name and source line. A developer check, not part of CI
# (about 2 minutes on 2 cores). Needs g++ with libasan, and device-carry/ (bash bench/gpu-carry.sh) for the jars.
set -euo pipefail
cd "$(dirname "$0")/../../../.."
out=kernels/target/emulator-asan
SANITIZE=address bash kernels/src/test/emulator/build.sh "$out"
cp=$(printf "%s:" device-carry/lib/*.jar)
LD_PRELOAD=$(g++ -print-file-name=libasan.so) \
ASAN_OPTIONS=detect_leaks=0:handle_segv=0:allow_user_segv_handler=1:use_sigaltstack=0 \
LD_LIBRARY_PATH="$out" \
java --add-modules=jdk.incubator.vector -Dsargan.cuda.exactSizes=true -Dsargan.cuda.sync=true \
  -Dsargan.cuda.emulated="$out" -jar device-carry/junit-console.jar execute --class-path "$cp" \
  --select-class org.sargan.kernels.CudaVsCpuTest --select-class org.sargan.kernels.CudaFamiliesTest \
  --select-class org.sargan.train.CudaTrainingTest \
  --details=summary --disable-banner
