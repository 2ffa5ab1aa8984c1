#!/usr/bin/env python3
"""Writes the files of the README's "Readable by default" screenshots (issue 13), deterministic:

  seed_shape.jsonl  the seed project's real shape: the Python TelemetryLogger's records, 6 epochs,
                    each of 9 passes over steps 0..59 (the step counter restarts on every pass),
                    a noisy decaying loss at step_end, val_loss at epoch_end.
  spikes.jsonl      2000 steps of a noisy decaying loss with a loss of 1e6 at step 5 and one
                    value of 9.5e307 at step 1000.

Usage: make_readable_samples.py OUT_DIR
"""
import json
import math
import os
import random
import sys


def write(path, records):
    with open(path, "w", encoding="utf-8") as f:
        for r in records:
            f.write(json.dumps(r) + "\n")


def seed_shape():
    rng = random.Random(13)
    ts = 1732800000.0
    n = 0
    for epoch in range(6):
        ts += 0.25
        yield {"ts": ts, "tag": "epoch_begin", "epoch": epoch}
        for _ in range(9):
            for step in range(60):
                ts += 0.25
                yield {"ts": ts, "tag": "step_begin", "step": step}
                loss = 0.3 + 2.5 * math.exp(-n / 800.0) + 0.08 * rng.gauss(0, 1)
                ts += 0.25
                yield {"ts": ts, "tag": "step_end", "step": step,
                       "context": {"loss": loss, "lr": 0.001 * 0.5 ** epoch}}
                n += 1
        ts += 0.25
        yield {"ts": ts, "tag": "epoch_end", "epoch": epoch, "val_loss": 0.4 + 1.0 / (epoch + 1)}


def spikes():
    rng = random.Random(5)
    for step in range(2000):
        loss = 0.2 + 2.0 * math.exp(-step / 300.0) + 0.05 * rng.gauss(0, 1)
        if step == 5:
            loss = 1e6
        if step == 1000:
            loss = 9.5e307
        yield {"ts": 1732800000.0 + step, "tag": "step_end", "step": step, "context": {"loss": loss}}


if __name__ == "__main__":
    out = sys.argv[1] if len(sys.argv) > 1 else "."
    write(os.path.join(out, "seed_shape.jsonl"), seed_shape())
    write(os.path.join(out, "spikes.jsonl"), spikes())
