"""Scadenze view: deadlines of the whole plan, colours relative to an injected today, inline edits."""

from datetime import date
from decimal import Decimal

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QApplication, QLineEdit

from piaodesk.domain.enums import TipoIndicatore
from piaodesk.domain.model import Fase, Indicatore, Misura, Obiettivo
from piaodesk.store.edits import Batch, DeleteRow, InsertRow, SetFields
from piaodesk.ui.context import Context
from piaodesk.ui.models.flat import STATUS_ROLE
from piaodesk.ui.undo import ChangeHub
from piaodesk.ui.views.scadenze import ScadenzeView

pytestmark = pytest.mark.ui

OGGI = date(2025, 6, 15)


@pytest.fixture
def ctx(qtbot, demo, tmp_path):
    # the demo carries year-end example values: reopen a few fasi for the checks below
    for fid in (1, 7, 8, 11):
        demo.apply(SetFields(Fase, fid, {"perc_realizzazione": None, "fine_effettiva": None}))
    return Context(demo, QUndoStack(), ChangeHub(),
                   QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat), anno=2025)


@pytest.fixture
def view(qtbot, ctx):
    v = ScadenzeView(ctx, oggi=OGGI)
    qtbot.addWidget(v)
    v.resize(1366, 768)
    v.show()
    return v


def _visible(view):
    p = view.proxy
    return [view.model.row_at(p.mapToSource(p.index(r, 0)).row()) for r in range(p.rowCount())]


def _proxy_index(view, key, column):
    src_row = view.model.row_of(key)
    return view.proxy.mapFromSource(view.model.index(src_row, view.model.column_of(column)))


def test_all_deadlines_sorted_and_coloured(view, qtmodeltester):
    qtmodeltester.check(view.model)
    rows = _visible(view)
    dates = [r.scadenza for r in rows]
    assert dates == sorted(dates)
    n_fasi = sum(1 for f in view.ctx.archive.fasi() if f.termine())
    assert sum(r.tipo == "Fase" for r in rows) == n_fasi
    assert {r.tipo for r in rows} >= {"Fase", "Obiettivo"}
    by_key = {r.key: r for r in rows}
    late = by_key[("Fase", 1)]  # TS.1, 31/01/2025, not done
    assert late.livello == "late" and "135" in late.stato
    soon = by_key[("Fase", 7)]  # PC.1, 30/06/2025
    assert soon.livello == "soon"
    later = by_key[("Fase", 8)]  # 31/12/2025
    assert later.livello is None
    idx = _proxy_index(view, ("Fase", 1), "scadenza")
    assert idx.data() == "31/01/2025"
    assert idx.data(STATUS_ROLE) == "late"
    assert idx.data(Qt.ItemDataRole.BackgroundRole).color().name() == "#f8d7da"
    assert _proxy_index(view, ("Fase", 7), "stato").data(
        Qt.ItemDataRole.BackgroundRole).color().name() == "#fff3cd"
    assert "in ritardo" in view.summary.text()


def test_filters_by_settore_and_person(view, ctx):
    fin = next(u.id for u in ctx.archive.unita() if u.nome == "SETTORE FINANZIARIO")
    view.settore.setCurrentIndex(view.settore.findData(fin))
    rows = _visible(view)
    assert rows and all(r.settore == "SETTORE FINANZIARIO" for r in rows)
    assert {r.obiettivo.split(" — ")[0] for r in rows} == {"FIN.1"}
    view.settore.setCurrentIndex(0)
    orso = ctx.archive.trova_persona("ORSO GIANNA")
    view.persona.setCurrentIndex(view.persona.findData(orso.id))
    rows = _visible(view)
    assert rows and all(orso.id in r.persone for r in rows)
    view.persona.setCurrentIndex(0)
    assert len(_visible(view)) == view.model.rowCount()


def test_edit_percent_inline_pushes_undoable_edit(qtbot, view, ctx, qtmodeltester):
    table = view.table
    idx = _proxy_index(view, ("Fase", 11), "perc")
    table.setCurrentIndex(idx)
    table.setFocus()
    qtbot.keyClick(table, "1")  # typing on a cell opens its editor with that key
    editor = QApplication.focusWidget()
    assert isinstance(editor, QLineEdit)
    qtbot.keyClicks(editor, "00")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    assert ctx.archive.get(Fase, 11).perc_realizzazione == Decimal(100)
    row = view.model.row_at(view.model.row_of(("Fase", 11)))
    assert row.livello == "done" and row.stato == "Completata"
    qtmodeltester.check(view.model)
    ctx.stack.undo()
    assert ctx.archive.get(Fase, 11).perc_realizzazione is None
    assert view.model.row_at(view.model.row_of(("Fase", 11))).livello == "late"


def test_bad_input_refused_with_message(view, ctx):
    idx = _proxy_index(view, ("Fase", 11), "perc")
    assert not view.proxy.setData(idx, "150")
    assert ctx.archive.get(Fase, 11).perc_realizzazione is None
    assert "150" in view.model.last_error and "100" in view.model.last_error
    assert not view.proxy.setData(_proxy_index(view, ("Fase", 11), "fine_effettiva"), "32/13/2025")
    assert "gg/mm/aaaa" in view.model.last_error
    assert ctx.stack.count() == 0


def test_fine_effettiva_of_objective_and_fase(view, ctx):
    oid = 12  # OE0527, fine prevista 31/12/2025
    assert view.proxy.setData(_proxy_index(view, ("Obiettivo", oid), "fine_effettiva"), "20/12/2025")
    assert ctx.archive.obiettivo(oid).fine_effettiva == date(2025, 12, 20)
    assert view.model.row_at(view.model.row_of(("Obiettivo", oid))).livello == "done"
    assert view.proxy.setData(_proxy_index(view, ("Fase", 1), "fine_effettiva"), "30/01/2025")
    assert ctx.archive.get(Fase, 1).fine_effettiva == date(2025, 1, 30)
    ctx.stack.undo()
    ctx.stack.undo()
    assert ctx.archive.obiettivo(oid).fine_effettiva is None
    assert ctx.archive.get(Fase, 1).fine_effettiva is None
    # only fasi have an editable %: objective rows show the mean of their fasi
    assert not view.proxy.flags(_proxy_index(view, ("Obiettivo", oid), "perc")) & \
        Qt.ItemFlag.ItemIsEditable


def test_structural_changes_update_rows_incrementally(view, ctx, qtmodeltester):
    model = view.model
    resets = []
    model.modelReset.connect(lambda: resets.append(1))
    fid = ctx.archive.allocate_id(Fase)
    iid = ctx.archive.allocate_id(Indicatore)
    ctx.push(Batch([
        InsertRow(Fase(id=fid, obiettivo_id=5, descrizione="Nuova fase", scadenza=date(2025, 7, 1))),
        InsertRow(Indicatore(id=iid, obiettivo_id=5, descrizione="Invio entro il termine",
                             tipo=TipoIndicatore.DATA)),
        InsertRow(Misura(indicatore_id=iid, anno=2025, target_testo="entro il 10/06/2025")),
    ], "Aggiungi"))
    assert model.row_of(("Fase", fid)) is not None
    ind_row = model.row_at(model.row_of(("Indicatore", iid)))
    assert ind_row.scadenza == date(2025, 6, 10) and ind_row.livello == "late"
    assert model.row_at(model.row_of(("Fase", fid))).livello == "soon"
    qtmodeltester.check(model)
    ctx.push(SetFields(Obiettivo, 5, {"codice": "FIN.99"}))
    assert model.row_at(model.row_of(("Fase", fid))).obiettivo.startswith("FIN.99 — ")
    ctx.push(DeleteRow(Obiettivo, 5))
    assert model.row_of(("Fase", fid)) is None and model.row_of(("Fase", 11)) is None
    qtmodeltester.check(model)
    ctx.stack.undo()
    assert model.row_of(("Fase", 11)) is not None
    assert resets == []


def test_double_click_selects_objective_in_main_window(qtbot, view, ctx):
    chosen = []

    class Main:
        def select_obiettivo(self, oid):
            chosen.append(oid)

    ctx.main_window = Main()
    idx = _proxy_index(view, ("Fase", 11), "obiettivo")
    view.table.doubleClicked.emit(idx)
    assert chosen == [5]


def test_header_click_sorts_in_model_and_new_rows_follow(view, ctx, qtmodeltester):
    view.table.sortByColumn(view.model.column_of("settore"), Qt.SortOrder.DescendingOrder)
    rows = _visible(view)
    names = [r.settore.casefold() for r in rows if r.settore]
    assert names == sorted(names, reverse=True)
    qtmodeltester.check(view.model)
    view.table.sortByColumn(-1, Qt.SortOrder.AscendingOrder)  # back to the date order
    ctx.push(InsertRow(Fase(obiettivo_id=5, descrizione="Prima di tutto", scadenza=date(2024, 12, 1))))
    rows = _visible(view)
    assert rows[0].descrizione == "Prima di tutto"
    assert [r.scadenza for r in rows] == sorted(r.scadenza for r in rows)
    ctx.push(SetFields(Fase, 11, {"scadenza": date(2026, 12, 31)}))
    assert ("Fase", 11) in [r.key for r in _visible(view)[-3:]]
    assert [r.scadenza for r in _visible(view)] == sorted(r.scadenza for r in _visible(view))
    qtmodeltester.check(view.model)


def test_rows_kept_as_one_untracked_tuple_between_changes(view, ctx):
    """The adapter's 40.000 rows were a list every full garbage collection walked row by row
    (issue 13): between changes they are one exact tuple, which the collector untracks."""
    import gc

    rows = view.model._rows
    assert type(rows.data) is tuple and len(rows) > 20
    ctx.push(SetFields(Fase, 11, {"perc_realizzazione": Decimal(40)}))
    assert view.model.row_at(view.model.row_of(("Fase", 11))).perc == Decimal(40)
    assert type(view.model._rows.data) is tuple  # sealed again after the change
    view.model.sort(view.model.column_of("perc"), Qt.SortOrder.DescendingOrder)
    assert type(view.model._rows.data) is tuple
    assert not any(gc.is_tracked(t) for t in (gc.collect(), gc.collect()) and view.model._rows.data)
