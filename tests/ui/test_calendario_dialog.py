"""«Piano › Calendario del piano…» (issue 18 point 9): the ente's own dates, one undoable step."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QUndoStack

from piaodesk.store import calendario as cal
from piaodesk.ui.context import Context
from piaodesk.ui.dialogs.calendario import CalendarioDialog
from piaodesk.ui.extensions import discover
from piaodesk.ui.undo import ChangeHub

pytestmark = pytest.mark.ui


@pytest.fixture
def ctx(qtbot, demo, tmp_path):
    return Context(demo, QUndoStack(), ChangeHub(),
                   QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat), anno=2025)


def _row(dlg, chiave):
    return next(r for r in range(dlg.tabella.rowCount())
                if dlg.tabella.item(r, 0).data(Qt.ItemDataRole.UserRole) == chiave)


def test_menu_entry():
    assert "azione_calendario" in {a.object_name for a in discover()[0]}


def test_move_switch_off_refuse_undo(qtbot, ctx):
    dlg = CalendarioDialog(ctx, oggi=date(2025, 9, 20))
    qtbot.addWidget(dlg)
    r = _row(dlg, "variazioni")
    assert dlg.tabella.item(r, 3).text() == "30/09/2025 — tra 10 giorni"
    dlg.tabella.item(_row(dlg, "relazione"), 2).setText("15/06")
    dlg.tabella.item(_row(dlg, "variazioni_peg"), 0).setCheckState(Qt.CheckState.Unchecked)
    dlg.bilancio.setText("10/03/2025")
    depth = ctx.stack.count()
    assert dlg.salva() and ctx.stack.count() == depth + 1
    s = {x.chiave: x for x in cal.scadenze(ctx.archive)}
    assert s["relazione"].data == date(2026, 6, 15) and "variazioni_peg" not in s
    assert s["piao"].data == date(2025, 4, 9)
    assert dlg.tabella.item(_row(dlg, "variazioni_peg"), 3).text() == "esclusa"
    # a bad date: said in Italian, nothing written
    dlg.tabella.item(_row(dlg, "relazione"), 2).setText("31/02")
    assert not dlg.salva() and "non è una data" in dlg.errore.text()
    assert ctx.stack.count() == depth + 1
    ctx.stack.undo()
    assert {x.chiave: x for x in cal.scadenze(ctx.archive)}["relazione"].data == date(2026, 6, 30)
