#!/usr/bin/env bash
# bench-streams with the streams-app's at-least-once latency profile (docs/benchmarks.md, "ALO profile"):
# no transactions, commits every 5 s, 5 ms batch and fetch waits. Extra VAR=value arguments are passed on, e.g.
#   bench/streams-latency-profile.sh MEANSTREAM_KAFKA_POLL_MS=100
set -euo pipefail
cd "$(dirname "$0")/.."
exec env MEANSTREAM_STREAMS_PROCESSING_GUARANTEE=at_least_once MEANSTREAM_STREAMS_COMMIT_INTERVAL=5s \
    MEANSTREAM_STREAMS_BATCH_WAIT=5ms MEANSTREAM_KAFKA_CONSUMER_FETCH_MAX_WAIT_MS=5 "$@" \
    "${MEANSTREAM:-./meanstream}" bench-streams --warm-up 40000 --backlog 40000 --seconds 30 --load-warm-up 90 --batch-size 32
