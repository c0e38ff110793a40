#!/usr/bin/env bash
# The install-and-run command of README.md (Linux): the libraries Qt needs on a desktop,
# a virtual environment with piaodesk, then the app opened on the ready demo plan.
#   bash packaging/demo.sh            # extra arguments go to `piaodesk demo`
set -euo pipefail
cd "$(dirname "$0")/.."
bash packaging/deb_install.sh libegl1 libgl1 libfontconfig1 libdbus-1-3 libxkbcommon0 \
  libxkbcommon-x11-0 libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-shape0 libxcb-xkb1 \
  libxcb-render-util0 libxcb-image0 libxcb-randr0
VENV=${PIAODESK_VENV:-.venv}
[ -x "$VENV/bin/python" ] || "${PYTHON:-python3}" -m venv "$VENV"
"$VENV/bin/python" -m pip install -q -e . 2>&1 | grep -v -e "is ignored" -e "^$" || true
exec "$VENV/bin/piaodesk" demo "$@"
