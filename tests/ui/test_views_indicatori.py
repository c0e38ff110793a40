"""Indicatori (tutto il piano): engine % per row, target/actual edits as Misura rows, undo."""

from decimal import Decimal

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QApplication, QLineEdit

from piaodesk.domain import valutazione as engine
from piaodesk.domain.enums import Polarita
from piaodesk.domain.model import Indicatore, Misura
from piaodesk.store.edits import DeleteRow, SetFields
from piaodesk.ui.context import Context
from piaodesk.ui.undo import ChangeHub
from piaodesk.ui.views.indicatori import IndicatoriView

pytestmark = pytest.mark.ui


def _ctx(arc, tmp_path, anno=2025):
    return Context(arc, QUndoStack(), ChangeHub(),
                   QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat), anno=anno)


@pytest.fixture
def view(qtbot, demo, tmp_path):
    # the demo carries year-end example values: clear the actual of indicator 4 (PC.1)
    demo.apply(SetFields(Misura, _annual(demo, 4, 2025).id, {"valore": None, "valore_testo": None}))
    v = IndicatoriView(_ctx(demo, tmp_path))
    qtbot.addWidget(v)
    v.resize(1366, 768)
    v.show()
    return v


def _idx(view, iid, column):
    m = view.model
    return view.proxy.mapFromSource(m.index(m.row_of(iid), m.column_of(column)))


def _annual(arc, iid, anno):
    return next((m for m in arc.misure([iid]) if m.anno == anno and m.periodo == ""), None)


def test_every_indicator_with_engine_percent(view, qtmodeltester):
    arc = view.ctx.archive
    qtmodeltester.check(view.model)
    assert view.model.rowCount() == len(arc.indicatori())
    for ind in arc.indicatori()[:120]:
        expected = engine.risultato_indicatore(ind, arc.misure([ind.id]), 2025).perc
        assert view.model.row_at(view.model.row_of(ind.id)).perc == expected
    # seed 002 indicator 60: the year comes from Giugno + Dicembre, read-only here
    row = view.model.row_at(view.model.row_of(60))
    assert row.da_periodi
    assert not view.proxy.flags(_idx(view, 60, "valore")) & Qt.ItemFlag.ItemIsEditable
    assert "periodi" in _idx(view, 60, "valore").data(Qt.ItemDataRole.ToolTipRole)


def test_type_actual_value_updates_annual_measure(qtbot, view, qtmodeltester):
    arc, ctx = view.ctx.archive, view.ctx
    table = view.table
    table.setCurrentIndex(_idx(view, 4, "valore"))  # PC.1 "N° di Convenzioni approvate", target 2
    table.setFocus()
    qtbot.keyClicks(table, "1")
    editor = QApplication.focusWidget()
    assert isinstance(editor, QLineEdit)
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    m = _annual(arc, 4, 2025)
    assert m.valore_testo == "1" and m.valore == Decimal(1)
    assert m.target == Decimal(2)
    assert view.model.row_at(view.model.row_of(4)).perc == Decimal(50)
    assert _idx(view, 4, "perc").data() == "50,00"
    qtmodeltester.check(view.model)
    ctx.stack.undo()
    m = _annual(arc, 4, 2025)
    assert m.valore is None and m.valore_testo is None
    assert view.model.row_at(view.model.row_of(4)).perc is None


def test_raw_text_kept_and_parsed(view):
    arc = view.ctx.archive
    assert view.proxy.setData(_idx(view, 4, "target"), "4 SU 8")
    m = _annual(arc, 4, 2025)
    assert m.target_testo == "4 SU 8" and m.target == Decimal(50)
    assert view.proxy.setData(_idx(view, 4, "valore"), "in corso")
    m = _annual(arc, 4, 2025)
    assert m.valore_testo == "in corso" and m.valore is None
    assert _idx(view, 4, "valore").data() == "in corso"


def test_missing_year_inserts_measure(qtbot, demo, tmp_path):
    ctx = _ctx(demo, tmp_path, anno=2026)
    view = IndicatoriView(ctx)
    qtbot.addWidget(view)
    assert _annual(demo, 5, 2026) is None
    n = len(demo.misure([5]))
    assert view.proxy.setData(_idx(view, 5, "target"), "3")
    m = _annual(demo, 5, 2026)
    assert m is not None and m.target == Decimal(3) and m.target_testo == "3"
    assert len(demo.misure([5])) == n + 1
    assert view.proxy.setData(_idx(view, 5, "valore"), "3")  # now an update of the same row
    assert len(demo.misure([5])) == n + 1
    assert view.model.row_at(view.model.row_of(5)).perc == Decimal(100)
    ctx.stack.undo()
    ctx.stack.undo()
    assert _annual(demo, 5, 2026) is None
    assert view.model.row_at(view.model.row_of(5)).target is None


def test_polarity_weight_source_and_delete(view, qtmodeltester):
    arc, ctx = view.ctx.archive, view.ctx
    assert view.proxy.setData(_idx(view, 4, "polarita"), Polarita.DECRESCENTE)
    assert arc.get(Indicatore, 4).polarita == Polarita.DECRESCENTE
    assert view.proxy.setData(_idx(view, 4, "peso"), "40")
    assert view.proxy.setData(_idx(view, 4, "fonte"), "Sicraweb")
    ind = arc.get(Indicatore, 4)
    assert ind.peso == Decimal(40) and ind.fonte == "Sicraweb"
    assert not view.proxy.setData(_idx(view, 4, "peso"), "abc")
    assert "numero" in view.model.last_error
    n = view.model.rowCount()
    ctx.push(DeleteRow(Indicatore, 4))
    assert view.model.rowCount() == n - 1 and view.model.row_of(4) is None
    qtmodeltester.check(view.model)
    ctx.stack.undo()
    assert view.model.row_of(4) is not None
    assert arc.get(Misura, _annual(arc, 4, 2025).id) is not None


def test_settore_filter_and_search(view):
    arc = view.ctx.archive
    fin = next(u.id for u in arc.unita() if u.nome == "SETTORE FINANZIARIO")
    view.settore.setCurrentIndex(view.settore.findData(fin))
    p = view.proxy
    rows = [view.model.row_at(p.mapToSource(p.index(r, 0)).row()) for r in range(p.rowCount())]
    assert rows and all(r.obiettivo.startswith("FIN.") for r in rows)
    view.cerca.setText("ministero")
    assert p.rowCount() == 1
