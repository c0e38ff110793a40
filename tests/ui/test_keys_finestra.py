"""Issue 14 accidents of the main window: File › Nuovo piano never replaces a plan without a
specific question (and never the open one), the toolbar keeps fixed texts."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from PySide6.QtWidgets import QFileDialog, QInputDialog, QToolButton

from piaodesk.domain.model import Obiettivo
from piaodesk.store.archive import Archive
from piaodesk.store.edits import SetFields
from piaodesk.ui import main_window as mw
from piaodesk.ui.main_window import MainWindow

pytestmark = pytest.mark.ui


@pytest.fixture
def dialogs(monkeypatch: pytest.MonkeyPatch):
    seen: dict[str, list] = {"warn": [], "ask": [], "save_options": []}
    answer = {"ask": False, "file": ""}

    def get_save(parent, caption, directory, filt, *args, **kwargs):
        seen["save_options"].append(kwargs.get("options"))
        return answer["file"], filt

    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(get_save))
    monkeypatch.setattr(QInputDialog, "getText", staticmethod(lambda *a, **k: ("Nuovo", True)))
    monkeypatch.setattr(QInputDialog, "getInt", staticmethod(lambda *a, **k: (2026, True)))
    monkeypatch.setattr(mw, "warn", lambda parent, title, text: seen["warn"].append(text))

    def ask(parent, title, text):
        seen["ask"].append(text)
        return answer["ask"]

    monkeypatch.setattr(mw, "ask", ask)
    return seen, answer


@pytest.fixture
def win(qtbot, demo_path, settings):
    w = MainWindow(Archive.open(demo_path), settings)
    qtbot.addWidget(w)
    w.show()
    yield w
    w.close()


def test_new_plan_over_the_open_plan_is_refused(win, demo_path, dialogs):
    seen, answer = dialogs
    size = demo_path.stat().st_size
    answer["file"] = str(demo_path)
    win.actions_by_name["nuovo"].trigger()
    assert len(seen["warn"]) == 1 and "demo.piao" in seen["warn"][0]
    assert "aperto" in seen["warn"][0]
    assert demo_path.stat().st_size == size
    assert win.archive.piano().titolo != "Nuovo" and win.archive.obiettivi()
    # Qt's own generic question is not used: ours names the file
    assert seen["save_options"][0] == QFileDialog.Option.DontConfirmOverwrite


def test_new_plan_over_another_plan_names_it_and_asks(win, demo_path, tmp_path, dialogs):
    seen, answer = dialogs
    other = tmp_path / "altro.piao"
    shutil.copyfile(demo_path, other)
    size = other.stat().st_size
    answer["file"] = str(other)
    answer["ask"] = False
    assert mw.new_plan_dialog(win, win.archive.path) is None
    assert len(seen["ask"]) == 1 and "altro.piao" in seen["ask"][0]
    assert other.stat().st_size == size  # «No» keeps it
    answer["ask"] = True
    path = mw.new_plan_dialog(win, win.archive.path)
    assert path == other
    arc = Archive.open(other)
    try:
        assert arc.piano().anno_inizio == 2026 and not arc.obiettivi()
    finally:
        arc.close()


def test_toolbar_buttons_keep_fixed_texts(qtbot, win):
    tb = win.toolbar
    undo = win.actions_by_name["annulla"]
    button = tb.widgetForAction(undo)
    assert isinstance(button, QToolButton)
    figlio = tb.widgetForAction(win.actions_by_name["nuovo_figlio"])
    x_before = figlio.mapTo(win, figlio.rect().topLeft()).x()
    oid = next(o.id for o in win.archive.obiettivi())
    assert win.ctx.push(SetFields(Obiettivo, oid, {"titolo": "Un titolo nuovo"},
                                  "Modifica responsabile dell'unità organizzativa"))
    qtbot.wait(10)
    assert button.text() == "Annulla"
    assert "Modifica responsabile" in undo.toolTip()
    assert "Modifica responsabile" in undo.text()  # the menu still says what
    tb.layout().activate()
    assert figlio.mapTo(win, figlio.rect().topLeft()).x() == x_before
    _ = Path


def test_ctrl_down_in_a_grid_never_moves_the_objective(qtbot, win):
    """FIN.1 went below PL.1: Ctrl+↓ in the Fasi grid reached the tree's «Sposta giù»."""
    from PySide6.QtCore import Qt

    arc = win.archive
    fin = next(o for o in arc.obiettivi() if o.codice == "FIN.1")
    before = [(o.id, o.parent_id, o.posizione) for o in arc.obiettivi()]
    assert win.select_obiettivo(fin.id) and win.current_id() == fin.id
    win.panel.tabs.setCurrentIndex(1)
    grid = win.panel.fasi
    grid.setFocus()
    grid.setCurrentIndex(grid.model().index(0, 6))
    qtbot.keyClick(grid, Qt.Key.Key_Down, Qt.KeyboardModifier.ControlModifier)
    assert [(o.id, o.parent_id, o.posizione) for o in arc.obiettivi()] == before
    assert grid.currentIndex().row() == grid.model().rowCount() - 1
    # also while a cell is being edited
    grid.setCurrentIndex(grid.model().index(0, 8))
    qtbot.keyClick(grid, Qt.Key.Key_F2)
    editor = grid.focusWidget()
    assert editor is not grid
    qtbot.keyClick(editor, Qt.Key.Key_Down, Qt.KeyboardModifier.ControlModifier)
    assert [(o.id, o.parent_id, o.posizione) for o in arc.obiettivi()] == before
