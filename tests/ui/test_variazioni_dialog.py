"""«Piano › Variazioni del piano…»: open with the act, edits recorded, undo, close, print (issue 18)."""

from __future__ import annotations

import subprocess
from datetime import date
from decimal import Decimal

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QUndoStack

from piaodesk.domain.model import Obiettivo
from piaodesk.store import variazioni as var
from piaodesk.store.edits import SetFields
from piaodesk.ui.context import Context
from piaodesk.ui.dialogs.variazioni import NuovaVariazioneDialog, VariazioniDialog
from piaodesk.ui.extensions import discover
from piaodesk.ui.undo import ChangeHub

pytestmark = pytest.mark.ui


@pytest.fixture
def ctx(qtbot, demo, tmp_path):
    return Context(demo, QUndoStack(), ChangeHub(),
                   QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat), anno=2025)


def test_menu_entry_registered():
    assert "azione_variazioni" in {a.object_name for a in discover()[0]}


def test_new_variation_form_refuses_missing_reason_and_bad_date(qtbot):
    dlg = NuovaVariazioneDialog()
    qtbot.addWidget(dlg)
    dlg.numero.setText("98")
    qtbot.keyClicks(dlg.data, "31/02/2025")
    dlg._ok()
    assert dlg.variazione is None and "non è una data" in dlg.errore.text()
    dlg.data.setText("25/09/2025")
    dlg._ok()
    assert dlg.variazione is None and "motivo" in dlg.errore.text()
    qtbot.keyClicks(dlg.motivo, "Ritardo del finanziamento")
    dlg._ok()
    assert dlg.variazione is not None and dlg.variazione.atto_data == date(2025, 9, 25)
    assert dlg.variazione.atto == "Deliberazione di Giunta n. 98 del 25/09/2025"


def test_dialog_lists_the_demo_variation_and_records_a_new_one(qtbot, ctx, tmp_path):
    dlg = VariazioniDialog(ctx)
    qtbot.addWidget(dlg)
    dlg.quiet = True
    assert dlg.elenco.rowCount() == 1  # the demo's variation
    assert "Deliberazione di Giunta n. 98" in dlg.elenco.item(0, 1).text()
    assert dlg.voci.rowCount() == 2 and dlg.voci.item(0, 1).text() == "Scadenza"
    assert not dlg.chiudi_btn.isEnabled() and dlg.apri_btn.isEnabled()

    nuova = var.Variazione(atto_tipo="Determinazione del Segretario", atto_numero="7",
                           motivo="Peso riallineato")
    assert dlg.apri(nuova)
    assert "Variazione aperta" in dlg.stato.text() and dlg.chiudi_btn.isEnabled()
    ob = ctx.archive.obiettivi()[0]
    assert ctx.push(SetFields(Obiettivo, ob.id, {"peso": Decimal(12)}))
    assert dlg.elenco.rowCount() == 2 and dlg.elenco.item(1, 3).text() == "1"  # live, as edits happen
    assert dlg.voci.item(0, 1).text() == "Peso" and dlg.voci.item(0, 3).text() == "12 %"
    ctx.stack.undo()  # the weight edit undone: the variation has nothing left
    assert dlg.elenco.item(1, 3).text() == "0"
    ctx.stack.redo()
    assert dlg.chiudi()
    assert var.trova(ctx.archive, None).stato.value == "chiusa" and dlg.apri_btn.isEnabled()
    ctx.stack.undo()  # closing is undoable too
    assert var.aperta(ctx.archive) is not None
    ctx.stack.redo()
    files = dlg.stampa(tmp_path / "out")
    text = subprocess.run(["pdftotext", "-layout", str(files[0]), "-"], capture_output=True, text=True).stdout
    assert "Variazione n. 2 — Determinazione del Segretario n. 7" in text and "12 %" in text
    dlg.resize(1366, 700)
    assert dlg.minimumSizeHint().height() <= 700
    dlg.grab().save(str(tmp_path / "variazioni.png"))


def test_second_open_is_refused_once(qtbot, ctx):
    dlg = VariazioniDialog(ctx)
    qtbot.addWidget(dlg)
    dlg.quiet = True
    errors: list[str] = []
    ctx.hub.error.connect(errors.append)
    v = var.Variazione(atto_tipo="Delibera", motivo="Uno")
    assert dlg.apri(v)
    depth = ctx.stack.count()
    assert not dlg.apri(var.Variazione(atto_tipo="Delibera", motivo="Due"))
    assert len(errors) == 1 and "già una variazione aperta" in errors[0]
    assert ctx.stack.count() == depth  # a refused open leaves no undo step
    assert dlg.elenco.rowCount() == 2
    assert Qt  # keep import used
