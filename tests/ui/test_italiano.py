"""Italian everywhere: Qt's standard dialogs (message boxes, file dialog, calendar) and dates."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QDate, QLocale
from PySide6.QtWidgets import (
    QCalendarWidget,
    QFileDialog,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableView,
    QToolButton,
)

from piaodesk.app import make_app
from piaodesk.ui import lingua

pytestmark = pytest.mark.ui

ROOT = Path(__file__).parents[2]


@pytest.fixture
def app(qapp):
    return make_app()


def test_message_box_buttons_are_italian(app):
    box = QMessageBox(QMessageBox.Icon.Question, "Domanda", "Continuare?",
                      QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No
                      | QMessageBox.StandardButton.Cancel | QMessageBox.StandardButton.Save)
    texts = {b.text().replace("&", "") for b in box.buttons()}
    assert texts == {"Sì", "No", "Annulla", "Salva"}


def test_non_native_file_dialog_is_all_italian(app, qtbot, tmp_path):
    dlg = QFileDialog(None, "Apri piano", str(tmp_path))
    dlg.setOption(QFileDialog.Option.DontUseNativeDialog)
    qtbot.addWidget(dlg)
    dlg.show()
    labels = [w.text() for w in dlg.findChildren(QLabel) if w.text()]
    assert labels == ["Cerca &in:", "&Nome del file:", "File di &tipo:"]
    buttons = {b.text() for b in dlg.findChildren(QPushButton)}
    assert buttons == {"&Apri", "Annulla"}
    tips = {b.toolTip() for b in dlg.findChildren(QToolButton) if b.toolTip()}
    assert {"Indietro", "Cartella superiore", "Crea nuova cartella", "Vista dettagliata"} <= tips
    english = re.compile(r"\b(Look|Files|type|Open|Cancel|Back|Parent|Folder|View)\b")
    assert not [t for t in labels + sorted(buttons) + sorted(tips) if english.search(t)]


def test_calendar_is_italian(app, qtbot):
    cal = QCalendarWidget()
    qtbot.addWidget(cal)
    cal.setSelectedDate(QDate(2026, 12, 4))
    cal.show()
    month = next(b.text() for b in cal.findChildren(QToolButton) if b.objectName() == "qt_calendar_monthbutton")
    assert month.lower() == "dicembre"
    view = cal.findChild(QTableView)
    heads = [str(view.model().index(0, c).data()).lower() for c in range(view.model().columnCount())]
    assert "lun" in heads and "dom" in heads, heads


def test_default_locale_and_date_editors_write_dd_mm_yyyy(app, qtbot, ctx):
    from piaodesk.ui.dialogs.monitoraggio import NuovoMonitoraggioDialog
    from piaodesk.ui.dialogs.piano import PianoDialog

    assert QLocale().language() == QLocale.Language.Italian
    assert QLocale().toString(QDate(2026, 12, 4), "dd/MM/yyyy") == "04/12/2026"
    assert QLocale().monthName(12) == "dicembre"
    nuovo = NuovoMonitoraggioDialog(ctx)
    piano = PianoDialog(ctx)
    qtbot.addWidget(nuovo)
    qtbot.addWidget(piano)
    for editor in (nuovo.data, piano.atto_data):
        assert editor.displayFormat() == "dd/MM/yyyy"
    nuovo.data.setDate(QDate(2026, 12, 4))
    assert nuovo.data.text() == "04/12/2026"


def test_unix_environment_gets_italian_dates_but_respects_the_user():
    env = {"LANG": "C.UTF-8"}
    if sys.platform.startswith(("win", "darwin")):
        assert not lingua.prepara_ambiente(env)
        return
    assert lingua.prepara_ambiente(env) and env["LC_TIME"] == "it_IT.UTF-8"
    assert not lingua.prepara_ambiente({"LANG": "it_IT.UTF-8"})
    chosen = {"LC_ALL": "de_DE.UTF-8"}
    assert not lingua.prepara_ambiente(chosen) and "LC_TIME" not in chosen


@pytest.mark.skipif(sys.platform.startswith(("win", "darwin")), reason="locale di sistema Unix")
def test_file_dialog_dates_are_italian_under_the_c_locale(tmp_path):
    """A fresh process under LANG=C (the case of the report: «4 12 2026»)."""
    (tmp_path / "piano.piao").write_bytes(b"x")
    code = f"""
import time
from PySide6.QtWidgets import QFileDialog, QTreeView
from piaodesk.app import make_app
app = make_app(["t"])
d = QFileDialog(None, "Apri", {str(tmp_path)!r})
d.setOption(QFileDialog.Option.DontUseNativeDialog)
d.show()
tv = d.findChild(QTreeView)
for _ in range(100):
    app.processEvents()
    root = tv.rootIndex()
    if tv.model().rowCount(root):
        break
    time.sleep(0.02)
print("DATA", tv.model().index(0, 3, root).data())
"""
    env = {k: v for k, v in os.environ.items() if not k.startswith("LC_")}
    env.update(LANG="C.UTF-8", QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(ROOT))
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env,
                         check=False, timeout=120, cwd=str(ROOT))
    line = next(ln for ln in out.stdout.splitlines() if ln.startswith("DATA"))
    assert re.fullmatch(r"DATA \d\d/\d\d/\d\d(\d\d)? \d\d:\d\d", line), line


def test_our_catalogue_is_compiled_from_its_source():
    """resources/translations/piaodesk_qt_it.qm says what the .ts says (run pyside6-lrelease)."""
    import xml.etree.ElementTree as ET

    from PySide6.QtCore import QTranslator

    folder = ROOT / "resources" / "translations"
    qm = QTranslator()
    assert qm.load(lingua.INTEGRAZIONI, str(folder))
    messages = [(ctx.findtext("name"), m.findtext("source"), m.findtext("translation"))
                for ctx in ET.parse(folder / f"{lingua.INTEGRAZIONI}.ts").getroot().iter("context")
                for m in ctx.iter("message")]
    assert ("QFileDialog", "&Look in:", "Cerca &in:") in messages
    for context, source, translation in messages:
        assert qm.translate(context, source) == translation, (context, source)
