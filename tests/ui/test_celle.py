"""Typed cell access of the QTableWidget dialogs, and the SMVP table's header and row buttons."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton, QTableWidget, QTableWidgetItem

from piaodesk.ui.dialogs.sistema_valutazione import CAT_COLS, CAT_TIPS, SistemaValutazioneDialog
from piaodesk.ui.widgets.celle import cella, dato_cella

pytestmark = pytest.mark.ui


def test_cella_returns_the_item_and_refuses_an_empty_cell(qtbot):
    t = QTableWidget(2, 2)
    qtbot.addWidget(t)
    t.setObjectName("prova")
    it = QTableWidgetItem("uno")
    it.setData(Qt.ItemDataRole.UserRole, 42)
    t.setItem(0, 1, it)
    assert cella(t, 0, 1) is it
    assert dato_cella(t, 0, 1) == 42
    assert dato_cella(t, 0, 1, Qt.ItemDataRole.DisplayRole) == "uno"
    with pytest.raises(LookupError, match=r"prova.*riga 1, colonna 0"):
        cella(t, 1, 0)
    assert t.item(1, 0) is None  # nothing created behind the caller's back


def test_categories_header_has_labels_and_tips(qtbot, ctx):
    dlg = SistemaValutazioneDialog(ctx)
    qtbot.addWidget(dlg)
    t = dlg.categorie
    for c, (key, label, _w) in enumerate(CAT_COLS):
        head = t.horizontalHeaderItem(c)
        assert head is not None and head.text() == label
        assert head.toolTip() == CAT_TIPS.get(key, "")
    assert t.horizontalHeaderItem(0).text() == "Categoria"


def test_row_buttons_add_and_delete_the_current_row(qtbot, ctx):
    dlg = SistemaValutazioneDialog(ctx)
    qtbot.addWidget(dlg)
    t = dlg.comportamenti
    row = dlg._row_buttons(t, lambda: dlg._add_comp("", ""))  # the pair under each table
    add, delete = row.itemAt(1).widget(), row.itemAt(2).widget()
    assert isinstance(add, QPushButton) and add.text() == "Aggiungi riga"
    assert isinstance(delete, QPushButton) and delete.text() == "Elimina riga"
    n = t.rowCount()
    add.click()
    assert t.rowCount() == n + 1
    t.setCurrentCell(-1, -1)
    delete.click()  # no current row: nothing removed
    assert t.rowCount() == n + 1
    # a row with a name and no weight is a problem, said in the warnings; deleting it clears that
    t.item(n, 0).setText("Puntualità")
    dlg._refresh_avvisi()
    assert "Comportamento alla riga" in dlg.avvisi.text()
    t.setCurrentCell(n, 0)
    delete.click()
    assert t.rowCount() == n
    assert "Comportamento alla riga" not in dlg.avvisi.text()
