#!/usr/bin/env python3
"""Writes python_logger_sample.jsonl exactly as the Python TelemetryLogger of the seed does:
entry = {"ts": time.time(), "tag": tag, **payload}; f.write(json.dumps(entry) + "\n").
json.dumps defaults: ", " and ": " separators, non-ASCII escaped as \\uXXXX, NaN/Infinity/-Infinity
as bare tokens. Time is simulated (deterministic), so the file is the same on every run.

Content (2 epochs x 5 steps): step_begin/step_end with nested context (metrics/acc, loss_before
.total), a NaN loss, +Infinity and -Infinity grad norms, a non-ASCII key and message, a string
"loss is NaN" that must stay text, an error record, epoch_begin/epoch_end with val metrics.

With --seed-run, writes instead a file shaped like the seed's real runs/*.jsonl (docs/bad-inputs.md V17; the
real file is not available): 4 runs appended with no marker between them, each of 3 epochs in which
every step is reported 9 times (steps restart at 0 on each pass), a context with a nested
loss_before group, an effective lr and a string, a NaN loss now and then, 6 errors per epoch:
26,448 lines, every one a valid record for the viewer (Python's NaN tokens included).
"""
import json
import math
import sys


class FakeClock:
    def __init__(self):
        self.t = 1732800000.0

    def time(self):
        self.t += 0.25
        return self.t


class TelemetryLogger:  # the seed's _record/_flush, with flush_interval = 1
    def __init__(self, path, clock):
        self._path = path
        self._clock = clock

    def _record(self, tag, payload):
        entry = {"ts": self._clock.time(), "tag": tag, **payload}
        with open(self._path, "a", encoding="utf-8") as f:
            f.write(json.dumps(entry) + "\n")

    def on_step_begin(self, step, context):
        self._record("step_begin", {"step": int(step)})

    def on_step_end(self, step, context):
        self._record("step_end", {"step": int(step), "context": dict(context)})

    def on_epoch_begin(self, epoch, context):
        self._record("epoch_begin", {"epoch": int(epoch)})

    def on_epoch_end(self, epoch, context):
        self._record("epoch_end", {"epoch": int(epoch), "context": dict(context)})

    def on_error(self, error, context):
        self._record("error", {"type": type(error).__name__, "message": str(error)})


def main(path):
    open(path, "w").close()
    log = TelemetryLogger(path, FakeClock())
    step = 0
    for epoch in range(2):
        log.on_epoch_begin(epoch, {})
        for i in range(5):
            log.on_step_begin(step, {})
            loss = 2.0 / (step + 1)
            context = {
                "loss": float("nan") if step == 3 else loss,
                "lr": 0.001,
                "metrics": {"acc": 0.1 * step, "grad_norm": math.inf if step == 4 else -math.inf if step == 6 else 1.5},
                "loss_before": {"total": loss + 1, "parts": [1, 2]},
                "pr\u00e9cision": 0.5,
                "note": "loss is NaN" if step == 3 else "ok",
                "converged": False,
            }
            log.on_step_end(step, context)
            if step == 7:
                log.on_error(RuntimeError("CUDA out of memory \u2013 tried 2.00 GiB"), {})
            step += 1
        log.on_epoch_end(epoch, {"val_loss": 1.0 / (epoch + 1), "val_acc": 0.5 + 0.1 * epoch})


SEED_RUNS, SEED_EPOCHS, SEED_PASSES, SEED_STEPS, SEED_ERRORS = 4, 3, 9, 122, 6


def seed_run(path):
    open(path, "w").close()
    clock = FakeClock()
    for run in range(SEED_RUNS):
        log = TelemetryLogger(path, clock)
        for epoch in range(SEED_EPOCHS):
            log.on_epoch_begin(epoch, {})
            for p in range(SEED_PASSES):
                for step in range(SEED_STEPS):
                    log.on_step_begin(step, {})
                    total = 3.0 / (1 + epoch * SEED_STEPS + step) + 0.01 * p + 0.1 * run
                    context = {
                        "loss": float("nan") if (step * 7 + p) % 997 == 0 else total * 0.9,
                        "loss_before": {"total": total, "ce": total * 0.8, "reg": total * 0.2},
                        "lr": 0.001 * (0.5 ** epoch),
                        "phase": "train",
                    }
                    log.on_step_end(step, context)
                if p < SEED_ERRORS:
                    log.on_error(ValueError("pass %d: shape (%d,) != (%d,)" % (p, p, p + 1)), {})
            log.on_epoch_end(epoch, {"val_loss": 1.0 / (epoch + 1)})


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--seed-run":
        seed_run(sys.argv[2])
    else:
        main(sys.argv[1] if len(sys.argv) > 1 else "python_logger_sample.jsonl")
