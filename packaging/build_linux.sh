#!/usr/bin/env bash
# Build the one-folder Linux app with PyInstaller and prove that it starts (headless).
#
#   packaging/build_linux.sh            # build into /tmp/piaodesk-build (never into the repo)
#   PIAODESK_BUILD_DIR=/x PYTHON=/work/venv/bin/python packaging/build_linux.sh
#
# Smoke checks on the frozen app: --version, `demo --no-gui` writes the demo plan,
# `info` reads it, and the GUI starts offscreen on it, shows its window for a
# second and quits (PIAODESK_SMOKE_QUIT_MS); then the GUI on a generated large plan,
# whose % are computed in a second process of the frozen program.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
OUT="${PIAODESK_BUILD_DIR:-/tmp/piaodesk-build}"
PY="${PYTHON:-python3}"

start=$(date +%s)
"$PY" -m PyInstaller --noconfirm --clean --log-level WARN \
    --distpath "$OUT/dist" --workpath "$OUT/build" "$ROOT/packaging/piaodesk.spec"
echo "Build: $(( $(date +%s) - start )) s, $(du -sh "$OUT/dist/piaodesk" | cut -f1)"

APP="$OUT/dist/piaodesk"
SMOKE="$OUT/smoke"
rm -rf "$SMOKE"
mkdir -p "$SMOKE"
export PIAODESK_HOME="$SMOKE/home"
export QT_QPA_PLATFORM=offscreen

"$APP/piaodesk-cli" --version
"$APP/piaodesk-cli" demo --path "$SMOKE/demo.piao" --no-gui
"$APP/piaodesk-cli" info "$SMOKE/demo.piao"
PIAODESK_SMOKE_QUIT_MS=1000 timeout 120 "$APP/piaodesk" "$SMOKE/demo.piao" | tee "$SMOKE/gui.txt"
grep -q "^FINESTRA: .*demo.piao" "$SMOKE/gui.txt"
# a large plan: its % column is computed in a second process of the frozen program
"$PY" "$ROOT/bench/generate.py" "$SMOKE/grande.piao" --scale 0.25 >/dev/null
PIAODESK_SMOKE_QUIT_MS=1000 timeout 120 "$APP/piaodesk" "$SMOKE/grande.piao" | tee "$SMOKE/gui-grande.txt"
grep -q "^PERCENTUALI: differite=True calcolo=processo adottate=1" "$SMOKE/gui-grande.txt"
test -f "$APP/_internal/resources/guida/guida.md"
test -f "$APP/_internal/resources/fonts/DejaVuSans.ttf"
test -f "$APP/_internal/resources/translations/qtbase_it.qm"
echo "OK: l'applicazione congelata si avvia ($APP)"
