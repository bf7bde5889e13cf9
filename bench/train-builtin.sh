#!/usr/bin/env bash
# Reproduces the built-in pretrained generator shipped in sargan/src/main/resources/org/sargan/pretrained/:
# SARGAN at 64 px, conv_dim 64 (G and D), lr 2e-4, batch 8, seed 1234, on 100 built-in identities (renderer seeds
# 1..100; the demo and eval show identities from seed 3,000,001 on, which training never sees). ITERS defaults to
# what the shipped model was trained for (see sargan-builtin.json beside it); the run can be stopped with Ctrl-C
# at any time, which writes a checkpoint, and continued with --resume.
#   bash bench/train-builtin.sh [WORKDIR]      (about 0.85 it/s on 2 cores, so about 20 minutes per 1,000 iterations)
set -euo pipefail
cd "$(dirname "$0")/.."
work="${1:-runs/builtin}"
iters="${ITERS:-4000}"
sargan=(java --add-modules=jdk.incubator.vector -jar sargan/target/sargan.jar)
[[ -f sargan/target/sargan.jar ]] || mvn -B -q package -DskipTests
"${sargan[@]}" data synth --out "$work/data" --identities 100 --size 64
"${sargan[@]}" train --data "$work/data" --size 64 --batch 8 --iters "$iters" --conv-dim 64 --lr 2e-4 --seed 1234 \
  --sample-every 250 --checkpoint-every 250 --out "$work/run"
"${sargan[@]}" export --checkpoint "$work/run/checkpoint.safetensors" --half --out "$work/sargan-builtin.safetensors"
echo "model: $work/sargan-builtin.safetensors (copy it to sargan/src/main/resources/org/sargan/pretrained/)"
