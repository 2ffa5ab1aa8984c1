#!/usr/bin/env bash
# ./dev run's main job: the example trainer writes a live demo run and the viewer follows it.
# On a machine without a display it says so and writes a screenshot of the demo run instead.
set -euo pipefail
BUILD=${1:?usage: demo.sh BUILD_DIR}
BIN=$BUILD/bin
RUN_DIR=${TELEMETRY_DEMO_DIR:-$BUILD/demo}
RUN_FILE=$RUN_DIR/demo.jsonl
mkdir -p "$RUN_DIR"
rm -f "$RUN_FILE"

"$BIN/example-trainer" --out "$RUN_FILE" --epochs 20 --steps 2000 --rate 400 &
TRAINER=$!
trap 'kill $TRAINER 2>/dev/null || true' EXIT
echo "Demo run: $RUN_FILE (the example trainer is writing it live, pid $TRAINER)"

if [ ! -x "$BIN/telemetry-viewer" ]; then
    echo "The viewer is not built yet; the trainer keeps writing $RUN_FILE until it ends."
    wait $TRAINER
    exit 0
fi

if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
    sleep 3
    OUT=$RUN_DIR/demo.png
    echo "No display here (DISPLAY and WAYLAND_DISPLAY are unset): writing a screenshot of the demo run instead."
    QT_QPA_PLATFORM=offscreen "$BIN/telemetry-viewer" --no-follow --screenshot "$OUT" --size 1400x900 "$RUN_FILE"
    echo "Screenshot: $OUT"
    echo "Run ./dev run on a desktop (or ssh -X) to watch the run live."
    exit 0
fi

"$BIN/telemetry-viewer" "$RUN_FILE"
