"""«Premi di performance» dialog: rules edited, computed on the valuations, stored undoably, files written."""

from __future__ import annotations

from decimal import Decimal

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtGui import QUndoStack

from piaodesk.store import premi as sp
from piaodesk.ui.context import Context
from piaodesk.ui.dialogs.premi import PremiDialog, scrivi_allegato_in
from piaodesk.ui.extensions import discover
from piaodesk.ui.undo import ChangeHub

pytestmark = pytest.mark.ui


@pytest.fixture
def ctx(qtbot, demo, tmp_path):
    return Context(demo, QUndoStack(), ChangeHub(),
                   QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat), anno=2025)


def test_menu_entries_registered():
    names = {a.object_name for a in discover()[0]}
    assert {"azione_premi", "azione_allegato_monitoraggio"} <= names


def test_compute_save_undo_and_write(qtbot, ctx, tmp_path):
    dlg = PremiDialog(ctx)
    qtbot.addWidget(dlg)
    dlg.quiet = True
    dlg.campi["fondo"].setText("12.345,67")
    dlg.campi["soglia"].setText("80")
    dlg.parametri["funzionari_eq"].setText("1,2")
    assert dlg.calcola()
    assert dlg.esito is not None
    assert sum(p.totale for p in dlg.esito.premi) == Decimal("12345.67")
    assert all(p.totale == 0 for p in dlg.esito.premi if (p.b.finale or 0) < 80)
    assert dlg.tabella.rowCount() == len(dlg.esito.premi)
    assert "12.345,67" in dlg.riepilogo.text()
    assert dlg.salva()
    assert sp.regole(ctx.archive).fondo == Decimal("12345.67")
    assert sp.regole(ctx.archive).parametri_area == {"funzionari_eq": Decimal("1.2")}
    ctx.stack.undo()
    assert sp.regole(ctx.archive).fondo == 0
    files = dlg.scrivi_premi(tmp_path / "out")
    assert [f.name for f in files] == ["premi-2025.xlsx", "premi-2025.pdf"]
    assert {f.name for f in dlg.scrivi_relazione(tmp_path / "out")} == {"relazione-performance-2025.pdf",
                                                                         "relazione-performance-2025.docx"}
    assert len(dlg.scrivi_trasparenza(tmp_path / "out")) == 3
    assert scrivi_allegato_in(ctx, tmp_path / "out")[0].exists()


def test_refused_values_are_said_and_nothing_saved(qtbot, ctx):
    dlg = PremiDialog(ctx)
    qtbot.addWidget(dlg)
    dlg.quiet = True
    dlg.campi["fondo"].setText("mille")
    assert not dlg.salva()
    assert "«mille» non è un numero (Fondo per la performance (€))." in dlg.messaggi
    dlg.campi["fondo"].setText("1000")
    dlg.campi["maggiorazione"].setText("20")
    assert not dlg.salva()
    assert "30 %" in dlg.messaggi[-1]
    assert ctx.archive.impostazione("premi") is None
