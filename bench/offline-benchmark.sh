#!/usr/bin/env bash
# The offline benchmark of the Mean Teacher engine (docs/benchmarks.md): supervised-only vs Mean Teacher
# on Fashion-MNIST at the same step budget, for each label count and seed. One JSON line per run goes to
# bench/results/<name>.jsonl; bench/summarize.py turns them into the table of docs/benchmarks.md.
#
#   bench/offline-benchmark.sh [--steps N] [--labels "100 25"] [--seeds "1 2 3"] [--modes "supervised mean-teacher"]
#                              [--mt-options "options for Mean Teacher runs only"] [-- extra train-offline options for every run]
set -euo pipefail
cd "$(dirname "$0")/.."

STEPS=4000
LABELS="100 25"
SEEDS="1 2 3"
MODES="supervised mean-teacher"
MT_OPTIONS=""
NAME="offline-$(date +%Y%m%d-%H%M%S)"
while [[ $# -gt 0 ]]; do
  case "$1" in
    --steps) STEPS="$2"; shift 2 ;;
    --labels) LABELS="$2"; shift 2 ;;
    --seeds) SEEDS="$2"; shift 2 ;;
    --modes) MODES="$2"; shift 2 ;;
    --name) NAME="$2"; shift 2 ;;
    --mt-options) MT_OPTIONS="$2"; shift 2 ;;
    --) shift; break ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
mkdir -p bench/results
OUT="bench/results/$NAME.jsonl"
for labels in $LABELS; do
  for seed in $SEEDS; do
    for mode in $MODES; do
      extra=()
      if [[ "$mode" == mean-teacher && -n "$MT_OPTIONS" ]]; then
        read -r -a extra <<< "$MT_OPTIONS"
      fi
      echo "== $mode, $labels labels per class, seed $seed, $STEPS steps ${extra[*]} $*" >&2
      "${MEANSTREAM:-./meanstream}" train-offline --dataset fashion-mnist --labels-per-class "$labels" --steps "$STEPS" \
          --mode "$mode" --seed "$seed" --log-every 1000 "${extra[@]}" "$@" | tail -1 >> "$OUT"
    done
  done
done
echo "results: $OUT" >&2
python3 bench/summarize.py "$OUT"
