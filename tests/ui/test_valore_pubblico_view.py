"""«Valore pubblico» tab (issue 18 point 1): list edited in place, links by check, all undoable."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QLineEdit

from piaodesk.store import valore_pubblico as vp
from piaodesk.ui.context import Context
from piaodesk.ui.extensions import discover
from piaodesk.ui.undo import ChangeHub
from piaodesk.ui.views.valore_pubblico import ValorePubblicoView

pytestmark = pytest.mark.ui


@pytest.fixture
def ctx(qtbot, demo, tmp_path):
    return Context(demo, QUndoStack(), ChangeHub(),
                   QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat), anno=2025)


def _codes(arc, vid):
    codes = {o.id: o.codice for o in arc.obiettivi()}
    return sorted(codes[i] for i in vp.collegati(arc, vid))


def test_tab_registered():
    assert "vista_valore_pubblico" in {v.object_name for v in discover()[1]}


def test_edit_link_unlink_add_delete_all_undoable(qtbot, ctx, tmp_path):
    view = ValorePubblicoView(ctx)
    qtbot.addWidget(view)
    view.resize(1366, 700)
    view.show()
    assert view.model.rowCount() == 3 and view.selezionato().codice == "VP1"
    assert view.model.index(0, 7).data() == "3"  # TS.1, TS.2, OE0527
    # a cell typed like in a spreadsheet: one undoable edit
    idx = view.model.index(0, 2)
    view.table.setCurrentIndex(idx)
    view.table.edit(idx)
    editor = view.table.viewport().findChild(QLineEdit)
    assert editor is not None
    editor.selectAll()
    qtbot.keyClicks(editor, "Digitale e sociale")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: vp.elenco(ctx.archive)[0].ambito != "Digitale", timeout=2000)  # queued commit
    assert vp.elenco(ctx.archive)[0].ambito == "Digitale e sociale"
    ctx.stack.undo()
    assert vp.elenco(ctx.archive)[0].ambito == "Digitale"
    assert view.model.index(0, 2).data() == "Digitale"
    # the title cannot be emptied (said once, nothing written)
    errors: list[str] = []
    ctx.hub.error.connect(errors.append)
    depth = ctx.stack.count()
    assert not view.model.setData(view.model.index(0, 1), "  ")
    assert len(errors) == 1 and ctx.stack.count() == depth
    # check an objective: linked; an inherited one is grey, not checked
    vid = view.selezionato().id
    fin = next(o.id for o in ctx.archive.obiettivi() if o.codice == "FIN.1")
    view._items[fin].setCheckState(0, Qt.CheckState.Checked)
    assert "FIN.1" in _codes(ctx.archive, vid)
    child = next(o.id for o in ctx.archive.obiettivi() if o.codice == "OE052701")
    assert child not in view._items  # a large plan's tree is read as nodes are opened
    oe = next(o.id for o in ctx.archive.obiettivi() if o.codice == "OE0527")
    view.obiettivi.expandItem(view._items[oe])
    assert view._items[child].checkState(0) == Qt.CheckState.Unchecked
    assert "tramite l'obiettivo superiore" in view._items[child].toolTip(0)
    ctx.stack.undo()
    assert "FIN.1" not in _codes(ctx.archive, vid)
    assert view._items[fin].checkState(0) == Qt.CheckState.Unchecked
    # add, then delete with its links; undo brings the links back
    new_id = view.nuovo()
    assert new_id is not None and view.selezionato().codice == "VP4"
    view.seleziona(vid)
    assert view.cancella()
    assert all(v.id != vid for v in vp.elenco(ctx.archive)) and vp.collegati(ctx.archive, vid) == []
    ctx.stack.undo()
    assert _codes(ctx.archive, vid) == ["OE0527", "TS.1", "TS.2"]
    view.grab().save(str(tmp_path / "valore_pubblico.png"))
