#!/usr/bin/env python3
"""The seed's Python TelemetryLogger (qmlhc.callbacks.telemetry), for bench_logger to measure beside
the C++ logger in the same run. _record and _flush are the seed's code unchanged; the loop calls
on_step_end with three numeric metrics like the C++ benchmark.

usage: seed_logger_peer.py OUT_DIR CALLS SUSTAINED_RECORDS [MEMORY_DIR]
prints one JSON line: {"median_ns": .., "p99_ns": .., "records_per_s": .., "cpu_ns_per_record": ..,
"memory_records_per_s": ..} (the last one with MEMORY_DIR, a tmpfs folder)
"""

import json
import os
import sys
import time
from pathlib import Path


class TelemetryLogger:
    def __init__(self, path="telemetry.jsonl", flush_interval=1):
        self._path = Path(path)
        self._flush_every = max(1, int(flush_interval))
        self._buffer = []
        self._last_flush = time.time()

    def _record(self, tag, payload):
        entry = {"ts": time.time(), "tag": tag, **payload}
        self._buffer.append(entry)
        now = time.time()
        if len(self._buffer) >= self._flush_every or (now - self._last_flush) > 5.0:
            self._flush()
            self._last_flush = now

    def _flush(self):
        if not self._buffer:
            return
        self._path.parent.mkdir(parents=True, exist_ok=True)
        with self._path.open("a", encoding="utf-8") as f:
            for entry in self._buffer:
                f.write(json.dumps(entry) + "\n")
        self._buffer.clear()

    def on_step_end(self, step, context):
        self._record("step_end", {"step": int(step), "context": dict(context)})


def main():
    out_dir, calls, sustained = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    clock = time.perf_counter_ns

    path = os.path.join(out_dir, "seed_calls.jsonl")
    log = TelemetryLogger(path, flush_interval=100)
    costs = []
    for i in range(calls):
        loss, lr, acc = 1.0 / (i + 1), 1e-3 * (1 + i % 7), i * 1e-6
        t0 = clock()
        log.on_step_end(i, {"loss": loss, "lr": lr, "acc": acc})
        costs.append(clock() - t0)
    log._flush()
    os.remove(path)
    costs.sort()

    def sustained_run(folder):
        path = os.path.join(folder, "seed_sustained.jsonl")
        log = TelemetryLogger(path, flush_interval=100)
        t0 = clock()
        cpu0 = time.process_time_ns()
        for i in range(sustained):
            log.on_step_end(i, {"loss": 1.0 / (i + 1), "lr": 1e-3 * (1 + i % 7), "acc": i * 1e-6})
        log._flush()
        seconds = (clock() - t0) / 1e9
        cpu = time.process_time_ns() - cpu0
        os.remove(path)
        return sustained / seconds, cpu / sustained

    records_per_s, cpu_ns_per_record = sustained_run(out_dir)
    memory_records_per_s = sustained_run(sys.argv[4])[0] if len(sys.argv) > 4 else 0.0

    print(json.dumps({
        "median_ns": costs[len(costs) // 2],
        "p99_ns": costs[len(costs) * 99 // 100],
        "records_per_s": records_per_s,
        "cpu_ns_per_record": cpu_ns_per_record,
        "memory_records_per_s": memory_records_per_s,
    }))


if __name__ == "__main__":
    main()
