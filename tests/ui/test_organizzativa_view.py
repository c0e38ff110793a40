"""«Performance organizzativa»: voci and indicators edited, the voce's % and Table 2's total follow."""

from __future__ import annotations

from decimal import Decimal

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QApplication, QLineEdit

from piaodesk.domain.enums import FonteVoce, Polarita, TipoIndicatore
from piaodesk.domain.model import IndicatoreOrganizzativo, ValoreOrganizzativo, VoceOrganizzativa
from piaodesk.store.edits import Batch, InsertRow
from piaodesk.store.valutazioni import QuadroValutazioni
from piaodesk.ui.context import Context
from piaodesk.ui.undo import ChangeHub
from piaodesk.ui.views.organizzativa import PerformanceOrganizzativaView

pytestmark = pytest.mark.ui


@pytest.fixture
def ctx(qtbot, demo, tmp_path):
    # seed 003 Table 2: line 1 from the schede, line 2.1 from Table 1's budget ratios
    arc = demo
    v1 = arc.allocate_id(VoceOrganizzativa)
    edits = [InsertRow(VoceOrganizzativa(id=v1, codice="1", nome="Obiettivi", fonte=FonteVoce.OBIETTIVI)),
             InsertRow(VoceOrganizzativa(id=v1 + 1, codice="2.1", nome="Programmazione e gestione delle risorse",
                                         posizione=1))]
    i0 = arc.allocate_id(IndicatoreOrganizzativo)
    for k, (nome, pol, t, v) in enumerate((("Velocità di pagamento", Polarita.CRESCENTE, 80, 76),
                                           ("Tempi medi di pagamento", Polarita.DECRESCENTE, 30, 24))):
        edits.append(InsertRow(IndicatoreOrganizzativo(id=i0 + k, voce_id=v1 + 1, posizione=k, nome=nome,
                                                       polarita=pol, tipo=TipoIndicatore.NUMERO)))
        edits.append(InsertRow(ValoreOrganizzativo(indicatore_id=i0 + k, anno=2025, target_testo=str(t),
                                                   target=Decimal(t), valore_testo=str(v), valore=Decimal(v))))
    arc.apply(Batch(edits, "voci"))
    return Context(arc, QUndoStack(), ChangeHub(),
                   QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat), anno=2025)


@pytest.fixture
def view(qtbot, ctx):
    v = PerformanceOrganizzativaView(ctx)
    qtbot.addWidget(v)
    v.resize(1366, 700)
    v.show()
    return v


def _perc(model, row, key="perc"):
    return model.data(model.index(row, model.column(key)), Qt.ItemDataRole.EditRole)


def test_values_typed_update_the_voce_and_the_total(qtbot, view, ctx, qtmodeltester):
    vm, im = view.voci_model, view.ind_model
    assert vm.rowCount() == 2
    q = QuadroValutazioni(ctx.archive, 2025).sintesi(None)
    assert _perc(vm, 1) == q.voci[1].perc == Decimal(95) / 2 + 50  # (76/80 + 1) / 2
    assert "Totale (Tabella 2)" in view.totale.text() and "pari peso" in view.totale.text()
    view.voci.setCurrentIndex(vm.index(1, 1))
    assert im.rowCount() == 2 and im.voce_id == vm.ids()[1]
    # type the value of «Velocità di pagamento» (80 % target) in the grid
    idx = im.index(0, im.column("valore"))
    view.indicatori.setCurrentIndex(idx)
    view.indicatori.setFocus()
    qtbot.keyClick(view.indicatori, "8")
    editor = QApplication.focusWidget()
    assert isinstance(editor, QLineEdit)
    qtbot.keyClicks(editor, "0")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    val = ctx.archive.select(ValoreOrganizzativo, "indicatore_id = ? AND anno = 2025", (im.ids()[0],))[0]
    assert (val.valore_testo, val.valore) == ("80", Decimal(80))
    assert _perc(im, 0) == Decimal(100) and _perc(vm, 1) == Decimal(100)
    total = QuadroValutazioni(ctx.archive, 2025).sintesi(None).perc
    assert total is not None and view.totale.text().endswith("(voci di pari peso)")
    assert f"<b>{__import__('piaodesk.domain.formats', fromlist=['x']).format_percent(total)}</b>" \
        in view.totale.text()
    qtmodeltester.check(im)
    # weights of the voci: typed, the total becomes the weighted mean
    assert vm.setData(vm.index(0, vm.column("peso")), "30")
    assert vm.setData(vm.index(1, vm.column("peso")), "70")
    s = QuadroValutazioni(ctx.archive, 2025).sintesi(None)
    assert not s.pari_peso and "pari peso" not in view.totale.text()
    for _ in range(3):
        ctx.stack.undo()
    assert _perc(vm, 1) == Decimal(95) / 2 + 50
    assert ctx.archive.select(ValoreOrganizzativo, "indicatore_id = ?", (im.ids()[0],))[0].valore == 76


def test_new_voce_and_indicator_first_value_inserted_and_missing_said(view, ctx):
    vm, im = view.voci_model, view.ind_model
    view.buttons["voce+"].click()
    assert vm.rowCount() == 3 and view.current_voce() == vm.ids()[2]
    assert "nessun indicatore" in view.totale.text() and "manca" in view.totale.text()
    view.buttons["ind+"].click()
    assert im.rowCount() == 1
    assert im.setData(im.index(0, im.column("target")), "Inferiore al 45%")
    assert im.setData(im.index(0, im.column("polarita")), "decrescente")
    assert "valore di «Nuovo indicatore»" in view.totale.text()
    assert im.setData(im.index(0, im.column("valore")), "40")
    row = ctx.archive.select(ValoreOrganizzativo, "indicatore_id = ?", (im.ids()[0],))[0]
    assert (row.target_testo, row.target, row.valore) == ("Inferiore al 45%", Decimal(45), Decimal(40))
    assert _perc(im, 0) == Decimal(100) and _perc(vm, 2) == Decimal(100)
    assert "manca" not in view.totale.text()
    # a unit's own voci
    uid = ctx.archive.unita()[0].id
    view.livello.setCurrentIndex(view.livello.findData(uid))
    assert vm.rowCount() == 0 and im.rowCount() == 0 and "Nessuna voce" in view.totale.text()
    view.buttons["voce+"].click()
    assert ctx.archive.get(VoceOrganizzativa, vm.ids()[0]).unita_id == uid
