"""«Proprietà del piano»: edits the plan in one undoable step and refuses bad input."""

from datetime import date

import pytest
from PySide6.QtCore import QDate, QSettings
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QMessageBox

from piaodesk.domain.enums import StatoPiano
from piaodesk.ui.context import Context
from piaodesk.ui.dialogs.piano import PianoDialog
from piaodesk.ui.undo import ChangeHub

pytestmark = pytest.mark.ui


@pytest.fixture
def ctx(qtbot, empty_plan, tmp_path):
    return Context(empty_plan, QUndoStack(), ChangeHub(), QSettings(str(tmp_path / "ui.ini"),
                                                                    QSettings.Format.IniFormat))


def test_edit_plan_properties_and_undo(qtbot, ctx):
    dlg = PianoDialog(ctx)
    qtbot.addWidget(dlg)
    dlg.titolo.setText("PIAO 2025-2027 — Sottosezione Performance")
    dlg.ente_nome.setText("Unione dei Comuni del Sorbara")
    dlg.stato.setCurrentIndex(dlg.stato.findData("approvato"))
    dlg.atto_numero.setText("12")
    dlg.atto_data.setDate(QDate(2025, 1, 30))
    dlg.accept()
    piano = ctx.archive.piano()
    assert piano.titolo == "PIAO 2025-2027 — Sottosezione Performance"
    assert piano.stato == StatoPiano.APPROVATO
    assert piano.atto_numero == "12" and piano.atto_data == date(2025, 1, 30)
    assert ctx.archive.ente().nome == "Unione dei Comuni del Sorbara"
    assert ctx.stack.count() == 1
    ctx.stack.undo()
    assert ctx.archive.piano().titolo == "Piano di prova"
    assert ctx.archive.ente().nome == "Comune di Prova"


def test_only_allowed_states_offered(qtbot, ctx):
    dlg = PianoDialog(ctx)
    qtbot.addWidget(dlg)
    offered = {dlg.stato.itemData(i) for i in range(dlg.stato.count())}
    assert offered == {"bozza", "approvato"}


def test_refuses_inverted_triennio(qtbot, ctx, monkeypatch):
    messages = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *a: messages.append(a[2]))
    dlg = PianoDialog(ctx)
    qtbot.addWidget(dlg)
    dlg.anno_inizio.setValue(2027)
    dlg.anno_fine.setValue(2025)
    dlg.accept()
    assert messages and "anno finale" in messages[0]
    assert ctx.archive.piano().anno_inizio == 2025
    assert ctx.stack.count() == 0
