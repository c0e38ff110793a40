"""«Piano › Parametri dei servizi…» (issue 18 point 7; seed 001 L138-L143)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtGui import QUndoStack

from piaodesk.domain.parametri import ParametroServizio
from piaodesk.ui.context import Context
from piaodesk.ui.dialogs.parametri import ParametriDialog
from piaodesk.ui.extensions import discover
from piaodesk.ui.undo import ChangeHub

pytestmark = pytest.mark.ui
SEED_001 = Path(__file__).resolve().parents[1] / "domain" / "data" / "001_142f2b20942e7c60.txt"


@pytest.fixture
def ctx(qtbot, empty_plan, tmp_path):
    from piaodesk.domain.model import Unita
    from piaodesk.store.edits import InsertRow

    empty_plan.apply(InsertRow(Unita(nome="Servizio Bilancio")))
    return Context(empty_plan, QUndoStack(), ChangeHub(),
                   QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat), anno=2025)


def test_menu_entry():
    assert "azione_parametri" in {a.object_name for a in discover()[0]}


def test_paste_the_seed_lines_edit_refuse_undo(qtbot, ctx, tmp_path):
    dlg = ParametriDialog(ctx)
    qtbot.addWidget(dlg)
    righe = SEED_001.read_text(encoding="utf-8").splitlines()
    n, scarti = dlg.incolla_righe("\n".join(righe[137:145]))  # L138-L145: heading, the four lines, next heading
    assert n == 4 and scarti == ["PARAMETRI", "INDICATORI Servizio Bilancio"]
    assert "Righe non comprese" in dlg.messaggio.text()
    params = ctx.archive.select(ParametroServizio, order="posizione, id")
    assert [(p.nome, p.valore, p.data_riferimento) for p in params][:2] == [
        ("numero di reversali di incasso", Decimal(2267), date(2022, 12, 31)),
        ("numero di mandati di pagamento", Decimal(4281), date(2022, 12, 31))]
    assert dlg.tabella.rowCount() == 4 and dlg.tabella.item(0, 1).text() == "2.267"
    # a value typed like in Excel: Italian numbers; text refused once, nothing written
    errors: list[str] = []
    ctx.hub.error.connect(errors.append)
    dlg.tabella.item(0, 1).setText("2.300")
    assert ctx.archive.select(ParametroServizio, order="posizione, id")[0].valore == Decimal(2300)
    dlg.tabella.item(0, 1).setText("tanti")
    assert len(errors) == 1 and "non è un numero" in errors[0]
    assert ctx.archive.select(ParametroServizio, order="posizione, id")[0].valore == Decimal(2300)
    ctx.stack.undo()
    assert ctx.archive.select(ParametroServizio, order="posizione, id")[0].valore == Decimal(2267)
    ctx.stack.undo()  # the paste, one step
    assert ctx.archive.select(ParametroServizio) == [] and dlg.tabella.rowCount() == 0
    dlg.resize(1366, 700)
    assert dlg.minimumSizeHint().height() <= 700
