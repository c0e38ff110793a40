"""Issue 14 point 1: the grids follow Excel/LibreOffice. Every test presses real keys on the
real widgets (offscreen) and asserts on the plan file."""

from __future__ import annotations

from decimal import Decimal

import pytest
from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QComboBox, QLineEdit

from piaodesk.domain.model import Fase, Persona
from piaodesk.ui.views.persone import PersoneView
from piaodesk.ui.widgets.panel import ObiettivoPanel

pytestmark = pytest.mark.ui

CTRL = Qt.KeyboardModifier.ControlModifier
PERC, PESO, NOTE, DESCR = 6, 7, 8, 0


@pytest.fixture
def panel(qtbot, ctx):
    p = ObiettivoPanel(ctx)
    qtbot.addWidget(p)
    p.resize(1000, 600)
    oid = next(o.id for o in ctx.archive.obiettivi() if o.codice == "TS.1")
    p.set_obiettivo(oid)
    p.tabs.setCurrentIndex(1)
    p.show()
    qtbot.waitExposed(p)
    p.messages = []
    p.message.connect(p.messages.append)
    p.oid = oid
    return p


def _fasi(panel) -> list[Fase]:
    return panel.ctx.archive.fasi(panel.oid)


def _go(grid, row: int, col: int) -> None:
    """As a click on the cell: the cursor there, only that cell selected."""
    grid.setFocus()
    grid.selectionModel().setCurrentIndex(grid.model().index(row, col),
                                          QItemSelectionModel.SelectionFlag.ClearAndSelect)


def _editor(grid):
    w = grid.focusWidget()
    assert w is not grid and isinstance(w, (QLineEdit, QComboBox)), "no editor open"
    return w


def test_f2_edits_with_the_caret_at_the_end(qtbot, panel):
    grid = panel.fasi
    before = _fasi(panel)[0].descrizione
    _go(grid, 0, DESCR)
    qtbot.keyClick(grid, Qt.Key.Key_F2)
    ed = _editor(grid)
    qtbot.keyClicks(ed, " (rivista)")
    qtbot.keyClick(ed, Qt.Key.Key_Return)
    assert _fasi(panel)[0].descrizione == before + " (rivista)"


def test_backspace_clears_and_edits(qtbot, panel):
    grid = panel.fasi
    _go(grid, 0, NOTE)
    qtbot.keyClick(grid, Qt.Key.Key_Backspace)
    ed = _editor(grid)
    assert ed.text() == ""
    qtbot.keyClicks(ed, "nuova nota")
    qtbot.keyClick(ed, Qt.Key.Key_Return)
    assert _fasi(panel)[0].note == "nuova nota"
    _go(grid, 0, PERC)
    qtbot.keyClick(grid, Qt.Key.Key_Backspace)
    qtbot.keyClick(_editor(grid), Qt.Key.Key_Return)
    assert _fasi(panel)[0].perc_realizzazione is None


def test_ctrl_x_cuts_in_one_step(qtbot, panel):
    grid = panel.fasi
    depth = panel.ctx.stack.count()
    _go(grid, 0, PERC)
    qtbot.keyClick(grid, Qt.Key.Key_X, CTRL)
    assert QGuiApplication.clipboard().text().strip() == "100"
    assert _fasi(panel)[0].perc_realizzazione is None
    assert panel.ctx.stack.count() == depth + 1
    panel.ctx.stack.undo()
    assert _fasi(panel)[0].perc_realizzazione == Decimal(100)


def test_ctrl_d_fills_down(qtbot, panel):
    grid = panel.fasi
    _go(grid, 0, PERC)
    qtbot.keyClick(grid, Qt.Key.Key_Down, Qt.KeyboardModifier.ShiftModifier)
    qtbot.keyClick(grid, Qt.Key.Key_Down, Qt.KeyboardModifier.ShiftModifier)
    assert _fasi(panel)[2].perc_realizzazione == Decimal(80)
    qtbot.keyClick(grid, Qt.Key.Key_D, CTRL)
    assert [f.perc_realizzazione for f in _fasi(panel)] == [Decimal(100)] * 3
    # a single cell takes the one above
    panel.ctx.stack.undo()
    assert _fasi(panel)[2].perc_realizzazione == Decimal(80)
    _go(grid, 2, PERC)
    qtbot.keyClick(grid, Qt.Key.Key_D, CTRL)
    assert _fasi(panel)[2].perc_realizzazione == Decimal(100)


def test_ctrl_enter_fills_the_selection(qtbot, panel):
    grid = panel.fasi
    depth = panel.ctx.stack.count()
    _go(grid, 0, PESO)
    qtbot.keyClick(grid, Qt.Key.Key_Down, Qt.KeyboardModifier.ShiftModifier)
    qtbot.keyClick(grid, Qt.Key.Key_Down, Qt.KeyboardModifier.ShiftModifier)
    qtbot.keyClicks(grid, "3")
    ed = _editor(grid)
    qtbot.keyClicks(ed, "0")
    qtbot.keyClick(ed, Qt.Key.Key_Return, CTRL)
    assert [f.peso for f in _fasi(panel)] == [Decimal(30)] * 3
    assert panel.ctx.stack.count() == depth + 1  # one undo step


def test_enter_on_the_last_row_makes_a_row_only_when_typing(qtbot, panel):
    grid = panel.fasi
    n = len(_fasi(panel))
    _go(grid, n - 1, DESCR)
    qtbot.keyClick(grid, Qt.Key.Key_Return)
    assert grid.new_row_pending and len(_fasi(panel)) == n  # nothing created yet
    qtbot.keyClick(grid, Qt.Key.Key_Escape)
    assert not grid.new_row_pending and len(_fasi(panel)) == n
    qtbot.keyClick(grid, Qt.Key.Key_Return)
    qtbot.keyClicks(grid, "V")
    qtbot.keyClicks(_editor(grid), "erifica finale")
    qtbot.keyClick(_editor(grid), Qt.Key.Key_Return)
    fasi = _fasi(panel)
    assert len(fasi) == n + 1 and fasi[-1].descrizione == "Verifica finale"
    # typing in the grid after an edit on the last row again goes below it
    assert grid.new_row_pending


def test_tab_commits_without_opening_the_next_editor(qtbot, panel):
    grid = panel.fasi
    depth = panel.ctx.stack.count()
    _go(grid, 0, PERC)
    qtbot.keyClick(grid, Qt.Key.Key_F2)
    qtbot.keyClick(_editor(grid), Qt.Key.Key_Tab)  # untouched: nothing written
    assert panel.ctx.stack.count() == depth
    assert grid.state() != grid.State.EditingState
    assert grid.currentIndex().column() == PESO
    qtbot.keyClicks(grid, "2")
    qtbot.keyClicks(_editor(grid), "5")
    qtbot.keyClick(_editor(grid), Qt.Key.Key_Tab)
    assert _fasi(panel)[0].peso == Decimal(25)
    assert grid.state() != grid.State.EditingState and grid.currentIndex().column() == NOTE
    assert panel.ctx.stack.count() == depth + 1


def test_ctrl_arrows_jump_inside_the_grid(qtbot, panel):
    grid = panel.fasi
    _go(grid, 0, PERC)
    qtbot.keyClick(grid, Qt.Key.Key_Down, CTRL)
    assert grid.currentIndex().row() == len(_fasi(panel)) - 1
    qtbot.keyClick(grid, Qt.Key.Key_Up, CTRL)
    assert grid.currentIndex().row() == 0
    qtbot.keyClick(grid, Qt.Key.Key_Right, CTRL)
    assert grid.currentIndex().column() == grid.model().columnCount() - 1 or \
        grid.currentIndex().column() > PERC


def test_row_buttons_are_visible_and_work(qtbot, panel):
    grid = panel.fasi
    buttons = grid.row_buttons
    assert buttons.isVisible() and buttons.add.isVisible() and buttons.remove.isVisible()
    n = len(_fasi(panel))
    _go(grid, 0, DESCR)
    qtbot.mouseClick(buttons.add, Qt.MouseButton.LeftButton)
    assert len(_fasi(panel)) == n + 1
    assert grid.currentIndex().row() == 1  # the cursor is on the new row
    qtbot.mouseClick(buttons.remove, Qt.MouseButton.LeftButton)
    assert len(_fasi(panel)) == n


def test_a_refusal_is_said_once_and_leaves_no_undo_step(qtbot, panel):
    grid = panel.fasi
    stack = panel.ctx.stack
    _go(grid, 0, NOTE)
    qtbot.keyClicks(grid, "x")
    qtbot.keyClick(_editor(grid), Qt.Key.Key_Return)
    stack.undo()
    depth, redo = stack.index(), stack.canRedo()
    assert redo
    _go(grid, 0, PERC)
    qtbot.keyClicks(grid, "a")
    qtbot.keyClicks(_editor(grid), "bc")
    qtbot.keyClick(_editor(grid), Qt.Key.Key_Return)
    assert panel.messages == [panel.messages[0]] and "«abc» non è un numero valido" in panel.messages[0]
    assert stack.index() == depth and stack.canRedo()
    # a refused paste: one message, no step, redo kept
    QGuiApplication.clipboard().setText("200\n")
    _go(grid, 0, PERC)
    qtbot.keyClick(grid, Qt.Key.Key_V, CTRL)
    assert len(panel.messages) == 2 and "tra 0 e 100" in panel.messages[1]
    assert stack.index() == depth and stack.canRedo() and stack.count() == depth + 1


def test_target_text_is_refused_with_the_same_message(qtbot, panel):
    grid = panel.indicatori
    panel.tabs.setCurrentIndex(2)
    model = grid.model()
    col = next(c for c in range(model.columnCount())
               if str(model.headerData(c, Qt.Orientation.Horizontal)).startswith("Target"))
    _go(grid, 1, col)  # «%personale coinvolto»: a percentage indicator
    before = model.index(1, col).data()
    qtbot.keyClicks(grid, "a")
    qtbot.keyClicks(_editor(grid), "bc")
    qtbot.keyClick(_editor(grid), Qt.Key.Key_Return)
    assert model.index(1, col).data() == before
    assert len(panel.messages) == 1
    assert panel.messages[0].startswith("«abc» non è un numero valido")


# ---------------------------------------------------------------------- Persone


@pytest.fixture
def persone(qtbot, ctx):
    v = PersoneView(ctx)
    qtbot.addWidget(v)
    v.resize(1366, 700)
    v.show()
    qtbot.waitExposed(v)
    return v


def test_ctrl_ins_in_a_sorted_grid_goes_to_the_new_row(qtbot, persone):
    arc = persone.ctx.archive
    table = persone.table
    first = arc.persone()[0]
    table.setFocus()
    table.setCurrentIndex(persone.proxy.mapFromSource(persone.model.index(0, 0)))
    ids = {p.id for p in arc.persone()}
    qtbot.keyClick(table, Qt.Key.Key_Insert, CTRL)
    new = [p for p in arc.persone() if p.id not in ids]
    assert len(new) == 1
    qtbot.keyClicks(table, "B")
    qtbot.keyClicks(_editor(table), "ianchi")
    qtbot.keyClick(_editor(table), Qt.Key.Key_Return)
    assert arc.get(Persona, new[0].id).cognome == "Bianchi"
    assert arc.get(Persona, first.id).cognome == first.cognome  # nobody else renamed


def test_tab_through_a_combo_saves_nothing(qtbot, persone):
    arc = persone.ctx.archive
    table = persone.table
    who = next(p for p in arc.persone() if p.area is None)
    m = persone.model
    idx = persone.proxy.mapFromSource(m.index(m.row_of(who.id), m.column_of("area")))
    table.setFocus()
    table.setCurrentIndex(idx)
    depth = persone.ctx.stack.count()
    qtbot.keyClick(table, Qt.Key.Key_F2)
    combo = _editor(table)
    assert isinstance(combo, QComboBox)
    qtbot.keyClick(combo, Qt.Key.Key_Tab)
    assert arc.get(Persona, who.id).area is None
    assert persone.ctx.stack.count() == depth
    assert table.state() != table.State.EditingState


# ---------------------------------------------------------------------- plan-wide tables


def _area_column(persone) -> int:
    return persone.model.column_of("area")


def test_column_filter_like_autofilter(qtbot, persone):
    from piaodesk.ui.widgets.filtro import filter_button_point

    table = persone.table
    header = table.horizontalHeader()
    col = _area_column(persone)
    total = table.model().rowCount()
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton,
                     pos=filter_button_point(header, col))
    popup = table._popup
    assert popup.isVisible()
    qtbot.keyClicks(popup.search, "istrutt")
    qtbot.keyClick(popup.search, Qt.Key.Key_Return)
    shown = [r for r in range(total) if not table.isRowHidden(r)]
    assert 0 < len(shown) < total
    assert {table.model().index(r, col).data() for r in shown} == {"Istruttori"}
    assert table.model().rowCount() == total  # the model keeps every row
    # a row edited out of the filter stays in sight (as in a spreadsheet) until it is applied again
    edited = table.model().index(shown[1], col)
    assert table.model().setData(edited, "Dirigente")
    qtbot.wait(5)
    assert not table.isRowHidden(shown[1])
    # Ctrl+↓ stays on the rows shown
    table.setFocus()
    table.setCurrentIndex(table.model().index(shown[0], 0))
    qtbot.keyClick(table, Qt.Key.Key_Down, CTRL)
    assert table.currentIndex().row() == shown[-1]
    # Alt+↓ opens the filter of the current column; «Togli filtro» shows every row
    table.setCurrentIndex(table.model().index(shown[0], col))
    qtbot.keyClick(table, Qt.Key.Key_Down, Qt.KeyboardModifier.AltModifier)
    popup = table._popup
    assert popup.isVisible() and popup.column == col
    qtbot.mouseClick(popup.clear, Qt.MouseButton.LeftButton)
    assert not any(table.isRowHidden(r) for r in range(total))


def test_first_column_is_frozen(qtbot, persone):
    table = persone.table
    frozen = table.frozen
    assert frozen is not None and not frozen.isVisible()  # at the left edge: not needed
    assert [frozen.isColumnHidden(c) for c in range(3)] == [False, True, True]
    table.horizontalScrollBar().setValue(table.horizontalScrollBar().maximum())
    qtbot.wait(10)
    assert table.horizontalScrollBar().value() > 0 and frozen.isVisible()
    x0 = table.verticalHeader().width() + table.frameWidth()
    assert frozen.geometry().x() == x0 and frozen.width() == table.columnWidth(0)
    assert frozen.model() is table.model() and frozen.selectionModel() is table.selectionModel()
    table.verticalScrollBar().setValue(20)
    assert frozen.verticalScrollBar().value() == 20
    # Ctrl+End then Ctrl+Home: the cursor goes back to the first cell, visible
    table.setFocus()
    table.setCurrentIndex(table.model().index(0, 0))
    qtbot.keyClick(table, Qt.Key.Key_End, CTRL)
    assert table.currentIndex().column() == table.model().columnCount() - 1
    qtbot.keyClick(table, Qt.Key.Key_Home, CTRL)
    assert (table.currentIndex().row(), table.currentIndex().column()) == (0, 0)
    assert table.horizontalScrollBar().value() == 0 and not frozen.isVisible()
    # typing in the first column edits it in sight
    qtbot.keyClicks(table, "Z")
    editor = table.focusWidget()
    assert editor is not table and editor.isVisible() and not frozen.isVisible()
    qtbot.keyClick(editor, Qt.Key.Key_Escape)


def test_a_refusal_shown_in_a_box_is_said_once(qtbot, panel):
    """A message box takes the focus from the cell editor: its focus-out must not commit the
    same refused text again (every refusal used to show twice)."""
    grid = panel.fasi
    other = panel.form.widgets["titolo"]
    panel.tabs.setCurrentIndex(1)
    panel.message.connect(lambda _m: other.setFocus())  # as QMessageBox.warning does
    _go(grid, 0, PERC)
    qtbot.keyClicks(grid, "1")
    qtbot.keyClicks(_editor(grid), "50")
    qtbot.keyClick(_editor(grid), Qt.Key.Key_Return)
    assert len(panel.messages) == 1 and "tra 0 e 100" in panel.messages[0]
    assert _fasi(panel)[0].perc_realizzazione == Decimal(100)


def test_a_refused_paste_that_adds_rows_leaves_nothing(qtbot, panel):
    grid = panel.fasi
    stack = panel.ctx.stack
    n, depth = len(_fasi(panel)), stack.count()
    QGuiApplication.clipboard().setText("50\n300\n")
    _go(grid, n - 1, PERC)
    qtbot.keyClick(grid, Qt.Key.Key_V, CTRL)
    assert len(panel.messages) == 1 and "tra 0 e 100" in panel.messages[0]
    assert len(_fasi(panel)) == n and stack.count() == depth
    assert _fasi(panel)[-1].perc_realizzazione == Decimal(80)
