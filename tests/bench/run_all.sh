#!/usr/bin/env bash
# Runs every benchmark of a build tree, one after the other, each printing its own table.
set -uo pipefail
BUILD=${1:?usage: run_all.sh BUILD_DIR}
HERE=$(cd "$(dirname "$0")" && pwd)
BENCH=$BUILD/bench
export HERE BUILD BENCH
status=0
run() {
    echo
    echo "=== $* ==="
    "$@" || { echo "benchmark failed: $*" >&2; status=1; }
}
# logger
run "$BENCH/bench_logger"
# numerics
run "$BENCH/bench_decimation"
# reading
run "$BENCH/bench_reader"
# loading and live
run "$BENCH/bench_load"
run "$BENCH/bench_reopen"
run "$BENCH/bench_live"
run "$BENCH/bench_live_models"
run "$BENCH/bench_memory"
# ui
run "$BENCH/bench_chart_frame"
run "$BENCH/bench_bundle_draw"
run "$BENCH/bench_gui_thread"
run "$BENCH/bench_live_burst"
# comparing runs
run "$BENCH/bench_runs_table"
run "$BENCH/bench_legend_hover"
run "$BENCH/bench_remote"
run "$BENCH/bench_many_keys"
run "$BENCH/bench_many_runs"
exit $status
