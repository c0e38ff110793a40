"""Every model of the editor through QAbstractItemModelTester, also after mutations."""

from __future__ import annotations

import sys  # noqa: E402
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QUndoStack

from piaodesk.domain.model import Fase, Obiettivo
from piaodesk.store.archive import Archive
from piaodesk.store.edits import DeleteRow, InsertRow, MoveObiettivo, SetFields
from piaodesk.ui.context import Context
from piaodesk.ui.models.columns import IdRole, SortRole
from piaodesk.ui.models.grids import (
    AssegnazioniModel,
    FasiModel,
    IndicatoriModel,
    MisureModel,
    RisorseModel,
)
from piaodesk.ui.models.tree import ObiettiviTreeModel
from piaodesk.ui.undo import ChangeHub
from piaodesk.viste.albero import IGNOTO, Filtro

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _bigplan import big_plan  # noqa: E402

pytestmark = pytest.mark.ui


@pytest.fixture
def ctx(demo, tmp_path: Path, qapp):
    c = Context(demo, QUndoStack(), ChangeHub(),
                QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat), anno=2025)
    errors: list[str] = []
    c.hub.error.connect(errors.append)
    c.extra["errors"] = errors
    return c


def _oe0527(arc: Archive) -> int:
    return next(o.id for o in arc.obiettivi() if o.codice == "OE0527")


def test_tree_model_tester_and_mutations(ctx, qtmodeltester):
    # the C++ tester fetches more from inside its own signal handlers (nested inserts it then
    # reports), so it gets the whole tree; laziness is checked in test_big_plan_is_loaded_lazily
    model = ObiettiviTreeModel(ctx)
    model.load_all()
    qtmodeltester.check(model)
    arc = ctx.archive
    oe = _oe0527(arc)
    idx = model.index_of_id(oe)
    assert idx.isValid() and idx.data(IdRole) == oe
    assert model.index_of_id(oe, 3).data() == "66,67 %"
    kids = arc.figli_ids(oe)
    # insert, rename, move, delete — the tester watches every signal
    new = Obiettivo(parent_id=oe, ramo=arc.obiettivo(oe).ramo, codice="OE0527.9",
                    titolo="Nuovo", posizione=0)
    assert ctx.push(InsertRow(new))
    nid = max(arc.figli_ids(oe))
    assert model.index_of_id(nid).row() == 0
    assert ctx.push(SetFields(Obiettivo, nid, {"titolo": "Rinominato"}))
    assert model.index_of_id(nid, 1).data() == "Rinominato"
    root2 = arc.figli_ids(None, "obiettivi")[0]
    assert ctx.push(MoveObiettivo(nid, root2, 0))
    assert model.index_of_id(nid).parent().data(IdRole) == root2
    assert ctx.push(MoveObiettivo(kids[0], oe, len(kids) - 1))
    assert [model.index(r, 0, model.index_of_id(oe)).data(IdRole)
            for r in range(model.rowCount(model.index_of_id(oe)))] == arc.figli_ids(oe)
    assert ctx.push(DeleteRow(Obiettivo, oe))
    assert not model.index_of_id(oe).isValid()
    while ctx.stack.canUndo():
        ctx.stack.undo()
    assert model.index_of_id(oe, 3).data() == "66,67 %"
    qtmodeltester.check(model)
    # setData goes through the stack and refuses bad input with a message
    assert model.setData(model.index_of_id(oe, 2), "35,5")
    assert arc.obiettivo(oe).peso == Decimal("35.5")
    assert not model.setData(model.index_of_id(oe, 2), "molto")
    assert "non è un numero" in ctx.extra["errors"][-1]
    ctx.stack.undo()
    assert arc.obiettivo(oe).peso != Decimal("35.5")


def test_tree_percent_is_refreshed_for_the_edited_branch_only(ctx):
    model = ObiettiviTreeModel(ctx)
    arc = ctx.archive
    oe = _oe0527(arc)
    leaf = arc.figli_ids(oe)[0]
    model.index_of_id(leaf, 3).data()
    other = arc.figli_ids(None, "obiettivi")[0]
    model.index_of_id(other, 3).data()
    changed: list[int] = []
    model.dataChanged.connect(lambda a, b, roles: changed.append(a.data(IdRole)))
    assert ctx.push(InsertRow(Fase(obiettivo_id=leaf, descrizione="x", perc_realizzazione=Decimal(0),
                                   scadenza=date(2020, 1, 1))))
    assert leaf in changed and oe in changed and other not in changed
    assert model.node_by_id(other).perc is not IGNOTO  # still cached
    assert model.node_by_id(leaf).perc is IGNOTO  # dropped, recomputed on paint


def test_tree_filter(ctx, qtmodeltester):
    """Search and filters are the projection's: the same model, reset, checked by the tester."""
    model = ObiettiviTreeModel(ctx)
    qtmodeltester.check(model)
    model.set_filtro(Filtro(testo="icaro"))
    qtmodeltester.check(model)
    assert model.rowCount() == 1  # only «Obiettivi» keeps a match
    g = model.index(0, 0)
    assert model.index(0, 0, g).data(IdRole) == _oe0527(ctx.archive)
    model.set_filtro(Filtro(anno=2025, stato="nessuno"))
    assert model.rowCount() == 0
    model.set_filtro(Filtro())
    assert model.rowCount() == 2
    model.set_per_settore(True)
    qtmodeltester.check(model)
    model.set_filtro(Filtro(testo="icaro"))
    qtmodeltester.check(model)
    assert model.rowCount() == 1


@pytest.mark.parametrize("cls", [FasiModel, IndicatoriModel, AssegnazioniModel, RisorseModel])
def test_grid_models(ctx, qtmodeltester, cls):
    arc = ctx.archive
    oe = _oe0527(arc)
    leaf = next(o.id for o in arc.obiettivi() if o.parent_id == oe and arc.indicatori(o.id))
    model = cls(ctx)
    qtmodeltester.check(model)
    model.set_obiettivo(leaf)
    qtmodeltester.check(model)
    n = model.rowCount()
    assert model.insert_row(n)
    assert model.rowCount() == n + 1
    rid = model.index(n, 0).data(IdRole)
    assert rid is not None
    if n:
        assert model.remove_rows([0])
        assert model.rowCount() == n
    qtmodeltester.check(model)
    while ctx.stack.canUndo():
        ctx.stack.undo()
    assert model.rowCount() == n
    for c in range(model.columnCount()):
        if model.rowCount():
            model.index(0, c).data(SortRole)
    qtmodeltester.check(model)


def test_indicator_live_percent_and_misure(ctx, qtmodeltester):
    arc = ctx.archive
    leaf = next(o.id for o in arc.obiettivi()
                if any(arc.misure([i.id]) for i in arc.indicatori(o.id)))
    model = IndicatoriModel(ctx)
    model.set_obiettivo(leaf)
    row0 = next(r for r in range(model.rowCount())
                if arc.misure([model.index(r, 0).data(IdRole)]))
    ind_id = model.index(row0, 0).data(IdRole)
    mis = MisureModel(ctx)
    mis.set_indicatore(ind_id)
    qtmodeltester.check(mis)
    assert mis.rowCount() >= 1
    before = model.index(row0, model.column_of("perc")).data()
    # a new period row, typed target/actual; the indicator % follows
    assert mis.insert_row(mis.rowCount())
    r = mis.rowCount() - 1
    assert mis.setData(mis.index(r, 3), "10")
    assert mis.setData(mis.index(r, 4), "0")
    qtmodeltester.check(mis)
    assert model.index(row0, model.column_of("perc")).data() != before or before == ""
    # duplicate period refused
    assert not mis.setData(mis.index(r, 1), mis.index(0, 1).data())
    while ctx.stack.canUndo():
        ctx.stack.undo()
    assert model.index(row0, model.column_of("perc")).data() == before


def test_big_plan_is_loaded_lazily(tmp_path, qapp, qtmodeltester):
    path = big_plan(tmp_path / "grande.piao")
    arc = Archive.open(path)
    try:
        assert arc.count(Obiettivo) >= 10_000
        c = Context(arc, QUndoStack(), ChangeHub(),
                    QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat), anno=2025)
        model = ObiettiviTreeModel(c)
        # nothing below the two group rows is read until a view expands them
        assert model.fetch_count == 0 and model.rowCount() == 2
        g = model.index(0, 0)
        assert model.hasChildren(g) and model.rowCount(g) == 0
        model.fetchMore(g)
        assert model.fetch_count == 1
        n_roots = model.rowCount(g)
        assert 0 < n_roots < 10_000
        first = model.index(0, 0, g)
        assert model.hasChildren(first) and model.rowCount(first) == 0  # not fetched
        assert len(model.proj.by_id) == n_roots
        # an edit refreshes one row, not the tree
        resets: list[int] = []
        model.modelReset.connect(lambda: resets.append(1))
        oid = first.data(IdRole)
        c.push(SetFields(Obiettivo, oid, {"titolo": "Cambiato"}))
        assert model.index(0, 1, g).data() == "Cambiato" and not resets
        assert len(model.proj.by_id) == n_roots
        _ = Qt
    finally:
        arc.close()
