#!/usr/bin/env bash
# Screening of the trainer's stream settings with the live learning benchmark: one seed, 20 labels per class,
# 10 minutes, 1 trainer thread, each variant alone on the machine, one after the other.
#   bench/learning/screen.sh [OUT_DIR]
set -euo pipefail
cd "$(dirname "$0")/../.."
OUT="${1:-bench/results/learning-screen}"
run() { # name, then bench-learning options
  local name="$1"; shift
  ./meanstream bench-learning --minutes 10 --labels-per-class 20 --seeds 1 --out "$OUT" --name "$name" "$@"
}
run supervised --modes supervised
run mt-defaults --modes mean-teacher
run mt-batch64 --modes mean-teacher --set MEANSTREAM_TRAINER_BATCH_SIZE=64
run mt-recipe --modes mean-teacher --set MEANSTREAM_TRAINER_TWO_HEADS=true --set MEANSTREAM_TRAINER_CONSISTENCY=100 \
  --set MEANSTREAM_TRAINER_EMA_DECAY_AFTER_RAMPUP=0.999
