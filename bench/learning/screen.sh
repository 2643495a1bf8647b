#!/usr/bin/env bash
# Screening of the trainer's stream settings with the live learning benchmark: one seed, 20 labels per class,
# 10 minutes, 1 trainer thread, Mean Teacher only (supervised-only does not use these settings), each variant alone
# on the machine, one after the other. Results: bench/results/learning-screen/, summarised in docs/benchmarks.md.
#   bench/learning/screen.sh [OUT_DIR]
# The variants name the settings that differ from the defaults of 2026-12-02 before the screening (batch 128 with 32
# labeled, consistency weight 20, one head); pass them explicitly so the script measures the same thing whatever the
# defaults are now.
set -euo pipefail
cd "$(dirname "$0")/../.."
OUT="${1:-bench/results/learning-screen}"
run() { # name, then bench-learning options
  local name="$1"; shift
  ./meanstream bench-learning --minutes 10 --labels-per-class 20 --seeds 1 --modes mean-teacher --out "$OUT" --name "$name" "$@"
}
run mt-b64-quiet --set MEANSTREAM_TRAINER_BATCH_SIZE=64 --set MEANSTREAM_TRAINER_CONSISTENCY=20 --set MEANSTREAM_TRAINER_TWO_HEADS=false
run mt-b64-c50 --set MEANSTREAM_TRAINER_BATCH_SIZE=64 --set MEANSTREAM_TRAINER_CONSISTENCY=50 --set MEANSTREAM_TRAINER_TWO_HEADS=false
run mt-b64-c100-2h-quiet --set MEANSTREAM_TRAINER_BATCH_SIZE=64 --set MEANSTREAM_TRAINER_CONSISTENCY=100 --set MEANSTREAM_TRAINER_TWO_HEADS=true
run mt-b64-c400-2h --set MEANSTREAM_TRAINER_BATCH_SIZE=64 --set MEANSTREAM_TRAINER_CONSISTENCY=400 --set MEANSTREAM_TRAINER_TWO_HEADS=true
