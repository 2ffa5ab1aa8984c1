#!/usr/bin/env bash
# usage: tests/fuzz/run_fuzzers.sh SOURCE_DIR BUILD_DIR [SECONDS]   (what `./dev fuzz` runs)
# Builds the libFuzzer targets with clang-14 in BUILD_DIR, then for each target replays the
# committed corpus (tests/fuzz/corpus/<target>) and fuzzes it for SECONDS (default 60; 0: replay
# only) with a working corpus in BUILD_DIR/corpus/<target> (seeded from the committed one; the
# repository is never written). Findings go to BUILD_DIR/artifacts/, logs to BUILD_DIR/fuzz-logs/.
# Prints each target's executions and exits non-zero if any target found something.
set -euo pipefail
src=$1
dir=$2
seconds=${3:-60}
case "$seconds" in
    '' | *[!0-9]*) echo "fuzz: SECONDS must be a whole number, got '$seconds'" >&2; exit 2 ;;
esac
targets=(fuzz_reader fuzz_line_assembler fuzz_logger_round_trip fuzz_run_cache)

extra=()
[ "${CI:-}" = "true" ] && extra+=(-DTELEMETRY_WERROR=ON)
CC=clang-14 CXX=clang++-14 cmake -S "$src" -B "$dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DTELEMETRY_BUILD_FUZZERS=ON -DTELEMETRY_BUILD_TESTS=OFF -DTELEMETRY_BUILD_BENCHMARKS=OFF \
    "${extra[@]}" >/dev/null
cmake --build "$dir" --parallel "$(nproc)" --target "${targets[@]}"

mkdir -p "$dir/artifacts" "$dir/fuzz-logs"
failed=()
for t in "${targets[@]}"; do
    bin=$dir/fuzz/$t
    seeds=$src/tests/fuzz/corpus/$t
    log=$dir/fuzz-logs/$t.log
    common=(-max_len=65536 -timeout=10 -print_final_stats=1 "-artifact_prefix=$dir/artifacts/$t-")
    echo "== $t: replaying $(find "$seeds" -type f | wc -l) committed inputs"
    if ! "$bin" "${common[@]}" -runs=0 "$seeds" >"$log.replay" 2>&1; then
        tail -n 30 "$log.replay" >&2
        echo "== $t: FAILED on the committed corpus (log: $log.replay)" >&2
        failed+=("$t")
        continue
    fi
    [ "$seconds" -eq 0 ] && continue
    mkdir -p "$dir/corpus/$t"
    cp -n "$seeds"/* "$dir/corpus/$t"/
    echo "== $t: fuzzing for ${seconds}s"
    status=0
    "$bin" "${common[@]}" "-dict=$src/tests/fuzz/json.dict" "-max_total_time=$seconds" \
        "$dir/corpus/$t" >"$log" 2>&1 || status=$?
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
    rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -n 1)
    if [ "$status" -ne 0 ]; then
        grep -E "ERROR|invariant broken|SUMMARY|Test unit written" "$log" | head -n 20 >&2 || true
        echo "== $t: FINDING after ${runs:-?} executions (exit $status, log: $log)" >&2
        failed+=("$t")
    else
        echo "== $t: ${runs:-?} executions, ${rate:-?} exec/s, no finding"
    fi
done

if [ ${#failed[@]} -ne 0 ]; then
    echo "fuzz: findings in: ${failed[*]} (inputs in $dir/artifacts/)" >&2
    exit 1
fi
echo "fuzz: no findings"
