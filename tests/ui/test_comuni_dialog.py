"""«Piano › Comuni dell'Unione…» (issue 18 point 6): member Comuni edited, objectives per Comune."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtGui import QUndoStack

from piaodesk.domain.model import Indicatore, Obiettivo
from piaodesk.store.edits import SetFields
from piaodesk.ui.context import Context
from piaodesk.ui.dialogs.comuni import ComuniDialog, membri
from piaodesk.ui.extensions import discover
from piaodesk.ui.undo import ChangeHub

pytestmark = pytest.mark.ui


@pytest.fixture
def ctx(qtbot, demo, tmp_path):
    return Context(demo, QUndoStack(), ChangeHub(),
                   QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat), anno=2025)


def test_menu_entry():
    assert "azione_comuni" in {a.object_name for a in discover()[0]}


def test_members_listed_edited_and_counted(qtbot, ctx, tmp_path):
    dlg = ComuniDialog(ctx)
    qtbot.addWidget(dlg)
    nomi = [e.nome for e in membri(ctx)]
    assert dlg.tabella.rowCount() == len(nomi) >= 2
    assert "Comune di Modena" not in nomi  # another ente of the file, not a member of the Unione
    first = membri(ctx)[0]
    ob = ctx.archive.obiettivi()[0]
    ind = ctx.archive.indicatori()[0]
    ctx.push(SetFields(Obiettivo, ob.id, {"comune_id": first.id}))
    ctx.push(SetFields(Indicatore, ind.id, {"comune_id": first.id}))
    assert dlg.tabella.item(0, 2).text() == "1" and dlg.tabella.item(0, 3).text() == "1"
    dlg.tabella.selectRow(0)
    testi = [dlg.dettaglio.item(i).text() for i in range(dlg.dettaglio.count())]
    assert any(ob.codice in t for t in testi) and any(ind.descrizione in t for t in testi)
    # rename in the cell: one undoable edit; an empty name is refused once
    dlg.tabella.item(0, 0).setText("Comune di Prova")
    assert membri(ctx)[0].nome == "Comune di Prova"
    errors: list[str] = []
    ctx.hub.error.connect(errors.append)
    dlg.tabella.item(0, 0).setText("  ")
    assert len(errors) == 1 and membri(ctx)[0].nome == "Comune di Prova"
    ctx.stack.undo()
    assert membri(ctx)[0].nome == first.nome
    # add and delete: the objective goes back to the whole Unione, undo restores the link
    n = len(membri(ctx))
    assert dlg.nuovo() is not None and len(membri(ctx)) == n + 1
    dlg.tabella.selectRow(0)
    assert dlg.cancella()
    assert ctx.archive.obiettivo(ob.id).comune_id is None
    ctx.stack.undo()
    assert ctx.archive.obiettivo(ob.id).comune_id == first.id
    dlg.resize(1366, 700)
    assert dlg.minimumSizeHint().height() <= 700
    dlg.grab().save(str(tmp_path / "comuni.png"))
