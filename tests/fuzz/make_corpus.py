#!/usr/bin/env python3
"""Writes the committed seed corpus of the fuzz targets (tests/fuzz/corpus/<target>/).

usage: tests/fuzz/make_corpus.py EXAMPLE_TRAINER

Seeds: the examples of docs/format.md (copied below), tests/data/python_logger_sample.jsonl,
a short run of the example trainer (Python tokens and strict mode, NaN losses, an error, a static
field), and the bad inputs of docs/bad-inputs.md V1-V13. Files stay small: the corpus is < 300 KB.
"""
import os
import random
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))

FORMAT_EXAMPLE = b"""{"ts": 1732800000.0, "tag": "epoch_begin", "epoch": 0}
{"ts": 1732800000.05, "tag": "step_begin", "step": 0}
{"ts": 1732800000.05, "tag": "step_end", "step": 0, "context": {"loss": 2.01, "lr": 0.001, "metrics": {"acc": 0.1}}}
{"ts": 1732800006.2, "tag": "step_end", "step": 123, "context": {"loss": NaN, "lr": 0.001}}
{"ts": 1732800007.5, "tag": "error", "type": "RuntimeError", "message": "CUDA out of memory"}
{"ts": 1732800010.0, "tag": "epoch_end", "epoch": 0, "context": {"val_loss": 1.0, "val_acc": 0.5}}
"""

BAD_LINES = [
    b"",
    b"\n\n   \n\t\r\n",
    b"\xef\xbb\xbf{\"ts\": 1.0, \"tag\": \"step_end\", \"step\": 1, \"context\": {\"loss\": 1}}\r\n{\"ts\": 2.0}\r\n",
    b"{\"a\":1\n{\"a\":1}x\n{\"a\":1}{\"b\":2}\n{\"a\":1,}\n{'a':1}\n{\"a\":1} // c\n",
    b"{\"loss\": NaN, \"note\": \"loss is NaN\"}\n{\"x\": Infinity, \"y\": -Infinity}\n{\"x\": \"NaN\", \"y\": \"-Infinity\"}\n",
    b"{\"loss\": null}\n42\n[1,2]\n\"x\"\nnull\n",
    b"{\"ts\": \"yesterday\", \"step\": \"3\"}\n{\"step\": 1.5}\n{\"step\": -1}\n{\"step\": 1e300}\n{\"step\": 1e400}\n",
    b"{\"x\": 18446744073709551616, \"y\": 1e-400, \"z\": -0}\n{\"step\": NaN, \"epoch\": Infinity}\n",
    b"{\"a\": \"\xa9\"}\n{\"a\": \"\xe2\x82\"}\n{\"a\": \"\xc0\xaf\"}\n{\"a\": \"\\ud800\"}\n{\"a\": \"\xed\xa0\x80\"}\n",
    b"{\"k\\u0000ey\": 1, \"tag\": \"t\\u0000\"}\n{\"loss\": 1, \"loss\": 2}\n{\"tag\": 1}\n{\"tag\": \"a\", \"tag\": \"b\"}\n",
    b"{\"tag\": \"run_begin\", \"run\": \"r1\", \"host\": \"h\", \"pid\": 1, \"info\": {\"a\": [1, {\"b\": NaN}]}}\n",
    b"{\"tag\": \"epoch_begin\", \"epoch\": 1}\n{\"tag\": \"epoch_end\", \"epoch\": 1}\n{\"tag\": \"epoch_begin\", \"epoch\": 0}\n",
    b"{\"global_step\": 3, \"acc\": 0.5}\n{\"iteration\": 4, \"acc\": 0.6}\n{\"iter\": 5, \"acc\": true}\n",
    b"{\"a\": \"<b>x</b>\", \"\\u202e\": 1, \"s\": \"\\u2028\"}\n",
    b"{\"a\":" * 100 + b"1" + b"}" * 100 + b"\n",
    b"[" * 10000 + b"\n" + b"{\"a\":" * 70 + b"\n",
    b"{\"context\": {" + b"\"m\": {" * 62 + b"\"x\": 1" + b"}" * 63 + b"}\n",
]


def write(target, name, data):
    folder = os.path.join(HERE, "corpus", target)
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, name), "wb") as f:
        f.write(data)


def pieces(data, lines_per_piece):
    lines = data.splitlines(keepends=True)
    for i in range(0, len(lines), lines_per_piece):
        yield b"".join(lines[i:i + lines_per_piece])


def trainer_output(trainer, extra):
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "run.jsonl")
        subprocess.run([trainer, "--out", out, "--epochs", "2", "--steps", "50", "--nan-every", "7",
                        "--error-at", "20", "--rank", "3", "--quiet"] + extra, check=True)
        with open(out, "rb") as f:
            return f.read()


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    texts = [("format", FORMAT_EXAMPLE)]
    texts += [("format_%d" % i, line) for i, line in enumerate(FORMAT_EXAMPLE.splitlines(keepends=True))]
    with open(os.path.join(ROOT, "tests", "data", "python_logger_sample.jsonl"), "rb") as f:
        texts += [("python_sample_%d" % i, p) for i, p in enumerate(pieces(f.read(), 8))]
    for mode, extra in (("python", []), ("strict", ["--strict"])):
        data = trainer_output(sys.argv[1], extra)
        # The first 200 lines as pieces of 25, and the run's last lines (epoch end, second run_begin).
        lines = data.splitlines(keepends=True)
        head = b"".join(lines[:200])
        texts += [("trainer_%s_%d" % (mode, i), p) for i, p in enumerate(pieces(head, 25))]
        texts.append(("trainer_%s_tail" % mode, b"".join(lines[-12:])))
    texts += [("bad_%02d" % i, b) for i, b in enumerate(BAD_LINES)]

    for name, data in texts:
        write("fuzz_reader", name, data)
        write("fuzz_line_assembler", name, data)
    # The logger target reads its input as FuzzedDataProvider choices: random bytes, and the text
    # seeds (their bytes become keys, strings and numbers).
    rng = random.Random(5)
    for i in range(40):
        write("fuzz_logger_round_trip", "random_%02d" % i, bytes(rng.getrandbits(8) for _ in range(rng.randint(16, 1024))))
    for name, data in texts[:12]:
        write("fuzz_logger_round_trip", name, data)


if __name__ == "__main__":
    main()
