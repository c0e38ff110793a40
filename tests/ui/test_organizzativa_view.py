"""«Performance organizzativa»: voci and indicators edited, the voce's % and Table 2's total follow."""

from __future__ import annotations

from decimal import Decimal

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLineEdit

from piaodesk.domain.enums import Polarita
from piaodesk.domain.formats import format_percent, parse_decimal
from piaodesk.domain.model import ValoreOrganizzativo, VoceOrganizzativa
from piaodesk.store.valutazioni import QuadroValutazioni
from piaodesk.ui.views.organizzativa import PerformanceOrganizzativaView

pytestmark = pytest.mark.ui


@pytest.fixture
def view(qtbot, ctx):
    v = PerformanceOrganizzativaView(ctx)
    qtbot.addWidget(v)
    v.resize(1366, 700)
    v.show()
    return v


def _perc(model, row, key="perc"):
    return model.data(model.index(row, model.column_of(key)), Qt.ItemDataRole.EditRole)


def _sintesi(ctx):
    return QuadroValutazioni(ctx.archive, 2025).sintesi(None)


def test_values_typed_update_the_voce_and_the_total(qtbot, view, ctx, qtmodeltester):
    vm, im = view.voci_model, view.ind_model
    s0 = _sintesi(ctx)
    # the demo's Table 2 (seed 003): the grid shows the numbers the sheets print
    assert vm.rowCount() == len(s0.voci) >= 2
    assert [_perc(vm, r) for r in range(vm.rowCount())] == [v.perc for v in s0.voci]
    assert format_percent(s0.perc) in view.totale.text()
    r21 = next(r for r in range(vm.rowCount()) if vm.row_object(r).codice == "2.1")
    view.voci.setCurrentIndex(vm.index(r21, 1))
    assert im.voce_id == vm.ids()[r21] and im.rowCount() >= 2
    # an indicator below its target (crescente): type the value that reaches it, in the grid
    k = next(k for k in range(im.rowCount()) if _perc(im, k) is not None and _perc(im, k) < 100
             and im.row_object(k).polarita == Polarita.CRESCENTE)
    target = im.data(im.index(k, im.column_of("target")), Qt.ItemDataRole.EditRole)
    before_val = im.data(im.index(k, im.column_of("valore")), Qt.ItemDataRole.EditRole)
    idx = im.index(k, im.column_of("valore"))
    view.indicatori.setCurrentIndex(idx)
    view.indicatori.setFocus()
    qtbot.keyClick(view.indicatori, target[0])
    editor = QApplication.focusWidget()
    assert isinstance(editor, QLineEdit)
    qtbot.keyClicks(editor, target[1:])
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    val = ctx.archive.select(ValoreOrganizzativo, "indicatore_id = ? AND anno = 2025", (im.ids()[k],))[0]
    assert val.valore_testo == target and val.valore == parse_decimal(target)
    s1 = _sintesi(ctx)
    assert _perc(im, k) == Decimal(100)
    assert _perc(vm, r21) == s1.voci[r21].perc > s0.voci[r21].perc
    assert format_percent(s1.perc) in view.totale.text() and s1.perc > s0.perc
    qtmodeltester.check(im)
    # weights of the voci: typed, the total becomes the weighted mean
    assert vm.setData(vm.index(0, vm.column_of("peso")), "30")
    assert not _sintesi(ctx).pari_peso or vm.rowCount() == 1
    ctx.stack.undo()
    ctx.stack.undo()
    assert _perc(vm, r21) == s0.voci[r21].perc
    assert ctx.archive.select(ValoreOrganizzativo, "indicatore_id = ?", (im.ids()[k],))[0].valore_testo \
        == before_val
    assert format_percent(s0.perc) in view.totale.text()


def test_new_voce_and_indicator_first_value_inserted_and_missing_said(view, ctx):
    vm, im = view.voci_model, view.ind_model
    n = vm.rowCount()
    view.buttons["voce+"].click()
    assert vm.rowCount() == n + 1 and view.current_voce() == vm.ids()[n]
    assert "nessun indicatore" in view.totale.text() and "manca" in view.totale.text()
    view.buttons["ind+"].click()
    assert im.rowCount() == 1
    assert im.setData(im.index(0, im.column_of("target")), "Inferiore al 45%")
    assert im.setData(im.index(0, im.column_of("polarita")), "decrescente")
    assert "valore di «Nuovo indicatore»" in view.totale.text()
    assert im.setData(im.index(0, im.column_of("valore")), "40")
    row = ctx.archive.select(ValoreOrganizzativo, "indicatore_id = ?", (im.ids()[0],))[0]
    assert (row.target_testo, row.target, row.valore) == ("Inferiore al 45%", Decimal(45), Decimal(40))
    assert _perc(im, 0) == Decimal(100) and _perc(vm, n) == Decimal(100)
    assert "manca" not in view.totale.text()
    # a unit's own voci
    with_voci = {v.unita_id for v in ctx.archive.select(VoceOrganizzativa) if v.unita_id}
    uid = next(u.id for u in ctx.archive.unita() if u.id not in with_voci)
    view.livello.setCurrentIndex(view.livello.findData(uid))
    assert vm.rowCount() == 0 and im.rowCount() == 0 and "Nessuna voce" in view.totale.text()
    view.buttons["voce+"].click()
    assert ctx.archive.get(VoceOrganizzativa, vm.ids()[0]).unita_id == uid
