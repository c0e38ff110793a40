"""«Piano › Missioni e programmi dal testo…» (issue 18 point 2): free text mapped with a review."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QUndoStack

from piaodesk.domain.model import Obiettivo
from piaodesk.store.edits import Batch, SetFields
from piaodesk.ui.context import Context
from piaodesk.ui.dialogs.catalogo import CatalogoDialog
from piaodesk.ui.extensions import discover
from piaodesk.ui.undo import ChangeHub

pytestmark = pytest.mark.ui


def test_menu_entry():
    assert "azione_catalogo" in {a.object_name for a in discover()[0]}


def test_sure_ones_checked_unsure_ones_chosen_by_hand(qtbot, demo, tmp_path):
    ctx = Context(demo, QUndoStack(), ChangeHub(), QSettings(str(tmp_path / "u.ini"), QSettings.Format.IniFormat),
                  anno=2025)
    obs = {o.codice: o.id for o in demo.obiettivi()}
    # seed 001 L442 (codes and names agree) and a name only
    ctx.push(Batch([SetFields(Obiettivo, obs["SS.1"], {
        "missione": "MISSIONE 12 – DIRITTI SOCIALI, POLITICHE SOCIALI E FAMIGLIA",
        "programma": "PROGRAMMA 2: INTERVENTI PER LA DISABILITÀ"}),
        SetFields(Obiettivo, obs["PL.1"], {"programma": "Polizia locale e amministrativa"})], "Testi"))
    dlg = CatalogoDialog(ctx)
    qtbot.addWidget(dlg)
    rows = {dlg._oids[n]: n for n in range(dlg.tabella.rowCount())}
    sure, unsure = rows[obs["SS.1"]], rows[obs["PL.1"]]
    assert dlg.tabella.item(sure, 0).checkState() == Qt.CheckState.Checked
    assert dlg.tabella.item(unsure, 0).checkState() == Qt.CheckState.Unchecked  # a name alone: to review
    assert dlg.tabella.cellWidget(unsure, 3).currentData() == "03.01"  # proposed, not taken
    assert dlg.applica_scelte() >= 1
    assert demo.obiettivo(obs["SS.1"]).programma_cod == "12.02"
    assert demo.obiettivo(obs["PL.1"]).programma_cod is None
    # the person confirms the other one by choosing it
    dlg2 = CatalogoDialog(ctx)
    qtbot.addWidget(dlg2)
    n = dlg2._oids.index(obs["PL.1"])
    combo = dlg2.tabella.cellWidget(n, 3)
    combo.setCurrentIndex(combo.findData("03.01"))
    combo.activated.emit(combo.currentIndex())
    assert dlg2.applica_scelte() == 1 and demo.obiettivo(obs["PL.1"]).programma_cod == "03.01"
    ctx.stack.undo()
    assert demo.obiettivo(obs["PL.1"]).programma_cod is None
