#!/usr/bin/env bash
# The whole GPU check in one go (the "GPU check" of the README), for a GPU machine where neither Java nor Maven need be
# installed. Prepare the carry on a build machine first:  bash bench/gpu-carry.sh   (writes device-carry/)
# then, on the GPU machine, from the repository root:      bash bench/gpu-check.sh  [--quick]
#
#   1. the CUDA-vs-CPU test suite (every op forward and backward, then 4 SARGAN training iterations) on the GPU
#   2. GpuCheck.java: each kernel's GB/s or GFLOP/s, the device's copy bandwidth, G forward and a training
#      iteration at 128 px, batch 8
#   3. gpu_peer.py: the same in PyTorch on the same GPU
#   4. the summary table, printed last
# Logs and TSV files go to $OUT (the device tool's output folder) or gpu-check-out/. Each step has a time limit so
# that the whole run stays under ten minutes; a failing step is reported and the next one still runs.
# EMULATOR=DIR runs steps 1-2 on the host emulator instead (a dry run of this script; times mean nothing).
set -uo pipefail
cd "$(dirname "$0")/.."
QUICK=""
[[ "${1:-}" == "--quick" ]] && QUICK="--quick"
out=${OUT:-gpu-check-out}
mkdir -p "$out"
carry=device-carry
started=$(date +%s)
log() { echo "[gpu-check $(( $(date +%s) - started ))s] $*"; }

# --- Java: the one installed, else the jlink runtime from the carry
java=""
if [[ -n "${CARRY_JRE:-}" ]]; then
  :  # CARRY_JRE=1: use the carried runtime even where Java is installed (to test it)
elif [[ -n "${JAVA_HOME:-}" && -x "$JAVA_HOME/bin/java" ]]; then
  java="$JAVA_HOME/bin/java"
elif command -v java >/dev/null 2>&1 && java -version 2>&1 | grep -qE 'version "(1[7-9]|[2-9][0-9])'; then
  java=java
fi
if [[ -z "$java" ]]; then
  runtime=${TMPDIR:-/tmp}/sargan-jre  # unpacked outside device-carry/, which must stay small enough to carry
  mkdir -p "$runtime"
  [[ -x "$runtime/jre/bin/java" ]] || tar -xzf "$carry/jre.tar.gz" -C "$runtime"
  java="$runtime/jre/bin/java"
fi
log "java: $("$java" -version 2>&1 | head -1)"
nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader 2>/dev/null | sed 's/^/[gpu] /'
cp=$(printf "%s:" "$carry"/lib/*.jar)  # an explicit list: the JUnit launcher does not expand lib/*
jvm=(--add-modules=jdk.incubator.vector -Xmx24g -Dsargan.cuda.sync=false)
if [[ -n "${EMULATOR:-}" ]]; then
  export LD_LIBRARY_PATH="$EMULATOR${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
  jvm+=(-Dsargan.cuda.emulated="$EMULATOR")
  log "EMULATOR=$EMULATOR: a dry run on the host emulator, not a GPU"
fi

# --- 1. CUDA vs CPU (sync after every launch, so a fault names its op)
log "1/4 CUDA-vs-CPU suite"
timeout 120 "$java" "${jvm[@]}" -Dsargan.cuda.sync=true -jar "$carry"/junit-console.jar execute \
  --class-path "$cp" --select-class org.sargan.kernels.CudaVsCpuTest \
  --select-class org.sargan.kernels.CudaFamiliesTest \
  --select-class org.sargan.train.CudaTrainingTest --details=tree --disable-banner \
  > "$out/suite.log" 2>&1
suite_rc=$?
grep -E 'tests (successful|failed|skipped|aborted)' "$out/suite.log" | tr -s ' ' > "$out/suite.counts"
suite="suite (exit $suite_rc): $(tr '\n' ' ' < "$out/suite.counts" | sed 's/\[ *//g; s/ *\]//g')"
log "$suite"
grep -E 'MethodSource|✘|AssertionFailed|differs' "$out/suite.log" | head -20

# --- 2. our kernels and model
log "2/4 GpuCheck.java"
timeout 200 "$java" "${jvm[@]}" -cp "$cp" org.sargan.bench.GpuCheck $QUICK --tsv "$out/java.tsv" \
  > "$out/java.log" 2>&1
java_rc=$?
cat "$out/java.log" | grep -v WARNING
log "GpuCheck exit $java_rc"

# --- 3. PyTorch on the same GPU
if [[ -n "${EMULATOR:-}" ]]; then peer_device=cpu; else peer_device=cuda; fi
log "3/4 PyTorch peer ($peer_device)"
py=${PYTHON:-python3}
timeout 150 "$py" bench/gpu_peer.py $QUICK --device "$peer_device" --tsv "$out/torch.tsv" > "$out/torch.log" 2>&1
peer_rc=$?
cat "$out/torch.log"
log "peer exit $peer_rc"

# --- 4. summary, last
log "4/4 summary"
"$py" bench/gpu_summary.py "$out/java.tsv" "$out/torch.tsv" "$suite" "GpuCheck exit $java_rc, peer exit $peer_rc" \
  "java: $("$java" -version 2>&1 | head -1)" "total $(( $(date +%s) - started )) s" | tee "$out/summary.txt"
