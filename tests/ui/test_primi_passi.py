"""«Primi passi» on an empty plan: each button does its step; the guide leaves with the first
objective and comes back when it is undone; a plan with content never shows it."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QApplication, QDialog, QFileDialog, QMessageBox

from piaodesk.domain.model import Obiettivo, Persona, Unita
from piaodesk.store.archive import Archive
from piaodesk.ui.main_window import MainWindow

pytestmark = pytest.mark.ui
SEED = Path(__file__).parents[1] / "exchange" / "data" / "seed000_tabella.txt"


def _window(qtbot, arc, tmp_path) -> MainWindow:
    win = MainWindow(arc, QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(win)
    win.show()
    QApplication.processEvents()
    return win


def test_empty_plan_guide_steps_and_disappearance(qtbot, empty_plan, tmp_path):
    win = _window(qtbot, empty_plan, tmp_path)
    guide = win.primi_passi
    assert guide.isVisible()
    assert "✔" not in guide.states["unita"].text()

    qtbot.mouseClick(guide.buttons["unita"], Qt.MouseButton.LeftButton)
    assert win.tabs.currentWidget() is win.view_tabs["Organizzazione"]
    assert empty_plan.count(Unita) == 1
    assert guide.states["unita"].text() == "✔ 1 unità"

    qtbot.mouseClick(guide.buttons["persone"], Qt.MouseButton.LeftButton)
    assert win.tabs.currentWidget() is win.view_tabs["Persone"]
    assert empty_plan.count(Persona) == 1
    assert guide.states["persone"].text() == "✔ 1 persone"

    with qtbot.waitSignal(guide.done, timeout=2000):
        qtbot.mouseClick(guide.buttons["obiettivo"], Qt.MouseButton.LeftButton)
    assert win.tabs.currentIndex() == 0
    assert empty_plan.count(Obiettivo) == 1
    assert win.current_id() is not None  # the new objective is selected, ready to be written
    assert not guide.isVisible()

    win.ctx.stack.undo()  # the plan is empty again: the guide is back
    QApplication.processEvents()
    assert empty_plan.count(Obiettivo) == 0
    assert guide.isVisible()


def test_import_button_fills_the_plan(qtbot, empty_plan, tmp_path, monkeypatch):
    from piaodesk.ui.dialogs import scambio

    book = SEED  # a table of objectives and indicators (one row to check: asked, answered Yes)
    monkeypatch.setattr(QMessageBox, "question",
                        staticmethod(lambda *a, **k: QMessageBox.StandardButton.Yes))
    monkeypatch.setattr(QFileDialog, "getOpenFileName",
                        staticmethod(lambda *a, **k: (str(book), "")))
    shown: list[QDialog] = []

    def accept(self: QDialog) -> int:
        shown.append(self)
        self.importa.click()
        return int(QDialog.DialogCode.Accepted)

    monkeypatch.setattr(scambio.ImportDialog, "exec", accept)
    win = _window(qtbot, empty_plan, tmp_path)
    guide = win.primi_passi
    qtbot.mouseClick(guide.buttons["importa"], Qt.MouseButton.LeftButton)
    assert shown, "the import preview was not opened"
    assert empty_plan.count(Obiettivo) >= 60
    assert not guide.isVisible()


def test_plan_with_content_and_read_only_plan_show_no_guide(qtbot, demo, demo_path, tmp_path):
    win = _window(qtbot, demo, tmp_path)
    assert win.primi_passi.isHidden()
    empty = tmp_path / "vuoto-ro.piao"
    from piaodesk.domain.model import Ente, Piano

    Archive.create(empty, Piano(titolo="P", anno_inizio=2025, anno_fine=2027), Ente(nome="E")).close()
    ro = _window(qtbot, Archive.open(empty, readonly=True), tmp_path)
    assert ro.primi_passi.isHidden()  # nothing could be added to it
    ro.archive.close()
