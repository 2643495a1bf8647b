#!/usr/bin/env bash
# The live learning benchmark at the targets' settings: 10 minutes, 50 images/s, 1 trainer thread, 3 seeds,
# Mean Teacher and supervised-only one after the other, 20 and then 5 labels per class (2 x 3 x 2 runs, about 2 hours).
#   bench/learning/targets.sh [OUT_DIR]
set -euo pipefail
cd "$(dirname "$0")/../.."
OUT="${1:-bench/results}"
./meanstream bench-learning --minutes 10 --labels-per-class 20 --seeds 1,2,3 --out "$OUT" --name learning-20-per-class
# 50 labels: training starts at the 10th label, whatever its class (one of each class takes most of the run).
./meanstream bench-learning --minutes 10 --labels-per-class 5 --seeds 1,2,3 --set MEANSTREAM_TRAINER_MIN_LABELS=10 \
  --set MEANSTREAM_TRAINER_MIN_LABELS_PER_CLASS=0 --out "$OUT" --name learning-5-per-class
