"""Cold start stays light (issue 14 point 6): ``piaodesk PLAN.piao`` paints its window without
importing what only a later action needs (no timing here: the time is measured in bench/).
Excel (openpyxl), PDF (reportlab), signatures (pyhanko, cryptography), sqlite-utils (which pulls
numpy in) are imported when their feature is used, and so are piaodesk's own dialogs and views.

A new process runs the real entry point (``piaodesk.cli.main``, what the ``piaodesk`` script
calls) on a copy of the demo plan; the first paint of the objective tree prints the modules
loaded by then. Whatever is listed in :data:`NOT_AT_START` coming back into the start-up path
fails here.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.ui

ROOT = Path(__file__).resolve().parents[2]

#: modules (and packages: their sub-modules too) that the first painted window must not need
NOT_AT_START = (
    # heavy third-party libraries: workbooks, PDF, signatures
    "openpyxl", "reportlab", "pyhanko", "pyhanko_certvalidator", "asn1crypto", "cryptography",
    "PIL", "lxml", "sqlite_utils", "numpy", "jsonschema",
    # Qt modules beyond QtCore/QtGui/QtWidgets
    "PySide6.QtSvg", "PySide6.QtSvgWidgets", "PySide6.QtPrintSupport", "PySide6.QtCharts",
    "PySide6.QtNetwork", "PySide6.QtPdf",
    # piaodesk's exchange, reports, signing and the CLI's other commands
    "piaodesk.exchange", "piaodesk.reports", "piaodesk.signing",
    "piaodesk.cli.exchange", "piaodesk.cli.reports", "piaodesk.cli.signing", "piaodesk.cli.admin",
    "piaodesk.cli.copie", "piaodesk.cli.valutazione", "piaodesk.cli.pacchetti",
    "piaodesk.cli.fine_anno", "piaodesk.cli.variazioni", "piaodesk.cli.piao", "piaodesk.cli.rischio",
    # the dialogs, the tabs' views (built on first show), the objective's panel (built just
    # after the first paint) and what only they use
    "piaodesk.ui.dialogs", "piaodesk.ui.views", "piaodesk.ui.widgets.panel",
    "piaodesk.ui.widgets.detail", "piaodesk.ui.widgets.grid", "piaodesk.ui.delegates",
    "piaodesk.ui.models.grids", "piaodesk.ui.models.flat",
    # store and domain modules of later actions: backups (a second after the start),
    # packets, valuations, monitoring, the catalogue of missioni (a plan that uses it)
    "piaodesk.store.backup", "piaodesk.store.pacchetti", "piaodesk.store.valutazioni",
    "piaodesk.store.monitoraggio", "piaodesk.domain.catalogo",
)

CHILD = r"""
import json, sys, atexit
from PySide6 import QtWidgets
from PySide6.QtCore import QTimer


class _Watched(QtWidgets.QTreeView):  # the first paint of a tree: the window is on screen
    seen = False

    def paintEvent(self, event):
        super().paintEvent(event)
        if not _Watched.seen:
            _Watched.seen = True
            print("AVVIO " + json.dumps(sorted(sys.modules)), flush=True)
            QTimer.singleShot(300, QtWidgets.QApplication.closeAllWindows)


QtWidgets.QTreeView = _Watched
atexit.register(lambda: print("FINE " + json.dumps(sorted(sys.modules)), flush=True))
from piaodesk.cli import main
sys.exit(main(sys.argv[1:]))
"""


def _offending(loaded: list[str]) -> list[str]:
    return sorted(m for m in loaded
                  if any(m == bad or m.startswith(bad + ".") for bad in NOT_AT_START))


def _start(plan: Path, tmp: Path) -> tuple[list[str], list[str]]:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PIAODESK_HOME=str(tmp / "home"),
               XDG_CONFIG_HOME=str(tmp / "config"), PYTHONPATH=str(ROOT))
    proc = subprocess.run([sys.executable, "-c", CHILD, str(plan)], capture_output=True, text=True,
                          timeout=120, env=env, cwd=str(ROOT))
    assert proc.returncode == 0, proc.stderr[-2000:]
    lines = {ln.split(" ", 1)[0]: json.loads(ln.split(" ", 1)[1])
             for ln in proc.stdout.splitlines() if ln.startswith(("AVVIO ", "FINE "))}
    assert "AVVIO" in lines, f"la finestra non è stata dipinta: {proc.stdout[-500:]} {proc.stderr[-2000:]}"
    return lines["AVVIO"], lines["FINE"]


def test_the_first_painted_window_needs_no_heavy_module(demo_path, tmp_path):
    at_start, at_end = _start(demo_path, tmp_path)
    assert "piaodesk.ui.main_window" in at_start and "piaodesk.cli.plan" in at_start
    assert _offending(at_start) == []
    # the panel is built right after the first paint, and the plan joins the recent ones
    assert "piaodesk.ui.widgets.panel" in at_end
    recent = json.loads((tmp_path / "home" / "recenti.json").read_text(encoding="utf-8"))
    assert recent[0] == str(demo_path.resolve())


def test_the_check_sees_a_heavy_module():
    """The check itself: a start-up that imported openpyxl or a dialog would be caught."""
    assert _offending(["piaodesk.app", "openpyxl.reader.excel", "piaodesk.ui.dialogs.stampa",
                       "PySide6.QtSvg", "piaodesk.exchangeX"]) == [
        "PySide6.QtSvg", "openpyxl.reader.excel", "piaodesk.ui.dialogs.stampa"]
