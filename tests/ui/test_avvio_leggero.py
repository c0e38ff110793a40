"""Cold start: opening a plan in the main window imports none of the heavy libraries.

Excel (openpyxl), PDF (reportlab), signatures (pyhanko, cryptography) and
sqlite-utils (which pulls numpy in) are imported when their feature is used,
not at start-up: checked in a fresh process that shows the window on the demo
plan, as the program does.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.ui

ROOT = Path(__file__).parents[2]
HEAVY = ("openpyxl", "reportlab", "pyhanko", "cryptography", "sqlite_utils", "numpy", "PIL",
         "lxml")

CHILD = """
import json, sys, tempfile, os
from PySide6.QtCore import QSettings
from piaodesk.app import make_app
from piaodesk.store.archive import Archive
from piaodesk.ui.main_window import MainWindow
app = make_app(["piaodesk"])
s = QSettings(os.path.join(tempfile.mkdtemp(), "s.ini"), QSettings.Format.IniFormat)
w = MainWindow(Archive.open(sys.argv[1], readonly=True), s)
w.show()
app.processEvents()
w.repaint()
app.processEvents()
print(json.dumps(sorted({m.split(".")[0] for m in sys.modules})))
"""


def test_showing_the_main_window_imports_no_heavy_library(demo_path):
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(ROOT))
    out = subprocess.run([sys.executable, "-c", CHILD, str(demo_path)], capture_output=True,
                         text=True, env=env, cwd=str(ROOT), timeout=120, check=False)
    assert out.returncode == 0, out.stderr[-2000:]
    loaded = set(json.loads(out.stdout.strip().splitlines()[-1]))
    assert "piaodesk" in loaded and "PySide6" in loaded  # the check itself ran
    assert not loaded & set(HEAVY), sorted(loaded & set(HEAVY))
