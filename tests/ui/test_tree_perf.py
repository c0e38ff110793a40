"""The objective tree at scale: % after the paint, no SQL per painted row, cached sums."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from PySide6.QtCore import QPersistentModelIndex, QSettings, Qt
from PySide6.QtGui import QUndoStack

from piaodesk.domain.model import Obiettivo
from piaodesk.store.archive import Archive
from piaodesk.store.edits import SetFields
from piaodesk.ui.context import Context
from piaodesk.ui.models.tree import ObiettiviTreeModel
from piaodesk.ui.undo import ChangeHub

pytestmark = pytest.mark.ui

ROLES = (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.DecorationRole,
         Qt.ItemDataRole.ForegroundRole, Qt.ItemDataRole.BackgroundRole,
         Qt.ItemDataRole.FontRole, Qt.ItemDataRole.TextAlignmentRole,
         Qt.ItemDataRole.ToolTipRole)


@pytest.fixture
def ctx(demo, tmp_path: Path, qapp):
    stack = QUndoStack()
    hub = ChangeHub()
    c = Context(demo, stack, hub, QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat),
                anno=2025)
    yield c
    stack.clear()


def _oe0527(arc: Archive) -> int:
    return next(o.id for o in arc.obiettivi() if o.codice == "OE0527")


def _paint(model: ObiettiviTreeModel, parent) -> None:
    for r in range(model.rowCount(parent)):
        for c in range(model.columnCount()):
            for role in ROLES:
                model.index(r, c, parent).data(role)


def test_deferred_percent_is_filled_after_the_paint(ctx, qtbot):
    model = ObiettiviTreeModel(ctx)
    model.defer_perc = True
    oe = _oe0527(ctx.archive)
    idx = model.index_of_id(oe, 3)
    assert idx.data() == ""  # not computed while painting
    changed = []  # (parent, first row, last row, first column, last column) of each signal
    model.dataChanged.connect(lambda a, b, roles: changed.append(
        (QPersistentModelIndex(a.parent()), a.row(), b.row(), a.column(), b.column())))
    qtbot.waitUntil(lambda: model.index_of_id(oe, 3).data() == "66,67 %", timeout=3000)
    row = model.index_of_id(oe, 3)
    # the row was told to repaint (within one signal for its group of siblings)
    assert any(p == QPersistentModelIndex(row.parent()) and first <= row.row() <= last
               and c0 <= 3 <= c1 for p, first, last, c0, c1 in changed), changed
    # the same numbers as the synchronous mode
    sync = ObiettiviTreeModel(ctx)
    assert sync.index_of_id(oe, 3).data() == "66,67 %"


def test_painting_rows_does_not_query_per_row(ctx):
    model = ObiettiviTreeModel(ctx)
    arc = ctx.archive
    oe = _oe0527(arc)
    parent = model.index_of_id(oe)
    model.fetchMore(parent) if model.canFetchMore(parent) else None
    n = model.rowCount(parent)
    assert n >= 3
    for r in range(n):  # % is another matter (the engine): computed first
        model.index(r, 3, parent).data()
    queries: list[str] = []
    arc.db.conn.set_trace_callback(queries.append)
    try:
        _paint(model, parent)
        _paint(model, parent)
    finally:
        arc.db.conn.set_trace_callback(None)
    # late phases for all the siblings in one query, nothing else per row
    assert len(queries) <= 2, queries


def test_fetching_children_counts_grandchildren_in_one_query(ctx):
    model = ObiettiviTreeModel(ctx)
    arc = ctx.archive
    group = model.index(0, 0)
    queries: list[str] = []
    arc.db.conn.set_trace_callback(queries.append)
    try:
        model.fetchMore(group)
    finally:
        arc.db.conn.set_trace_callback(None)
    assert model.rowCount(group) >= 5
    assert len([q for q in queries if "count(" in q]) == 1, queries
    for r in range(model.rowCount(group)):
        idx = model.index(r, 0, group)
        oid = idx.data(Qt.ItemDataRole.UserRole + 1)
        assert model.hasChildren(idx) == bool(arc.figli_ids(oid))
        assert model.parent(idx) == group and idx.row() == r


def test_weight_warning_follows_edits(ctx):
    model = ObiettiviTreeModel(ctx)
    arc = ctx.archive
    oe = _oe0527(arc)
    kids = arc.figli_ids(oe)
    first = model.index_of_id(kids[0], 2)

    def warned(idx) -> bool:
        return idx.data(Qt.ItemDataRole.BackgroundRole) is not None

    for k in kids:  # weights summing to 100: no warning
        ctx.push(SetFields(Obiettivo, k, {"peso": Decimal(100) / len(kids) if k != kids[-1] else
                                          Decimal(100) - Decimal(100) / len(kids) * (len(kids) - 1)}))
    assert sum(arc.obiettivo(k).peso for k in kids) == 100
    assert not warned(model.index_of_id(kids[-1], 2))
    ctx.push(SetFields(Obiettivo, kids[0], {"peso": Decimal(1)}))
    assert warned(model.index_of_id(kids[-1], 2))  # the cached sum was dropped
    assert "dovrebbe essere 100" in model.index_of_id(kids[-1], 2).data(Qt.ItemDataRole.ToolTipRole)
    ctx.stack.undo()
    assert not warned(first)


def _multi(model: ObiettiviTreeModel, idx, roles) -> list:
    from PySide6.QtCore import QModelRoleData, QModelRoleDataSpan

    out = []
    for r in roles:  # (PySide builds spans of one element only)
        d = QModelRoleData(int(r))
        model.multiData(idx, QModelRoleDataSpan(d))
        out.append(d.data())
    return out


def _same(a, b) -> bool:
    from PySide6.QtGui import QBrush, QIcon

    if isinstance(a, QIcon) or isinstance(b, QIcon):
        return isinstance(a, QIcon) and isinstance(b, QIcon) and a.cacheKey() == b.cacheKey()
    if isinstance(a, QBrush) or isinstance(b, QBrush):
        return isinstance(a, QBrush) and isinstance(b, QBrush) and a.color() == b.color()
    return a == b


def test_multidata_answers_like_data_and_follows_edits(ctx):
    """The delegate reads every role of a cell in one multiData call: same answers as data()."""
    model = ObiettiviTreeModel(ctx)
    arc = ctx.archive
    oe = _oe0527(arc)
    parent = model.index_of_id(oe)
    model.fetchMore(parent) if model.canFetchMore(parent) else None
    roles = (*ROLES, Qt.ItemDataRole.CheckStateRole)

    def check_all() -> int:
        n = 0
        for p in (model.index(0, 0), model.parent(parent), parent):
            for r in range(model.rowCount(p)):
                for c in range(model.columnCount()):
                    idx = model.index(r, c, p)
                    got = _multi(model, idx, roles)
                    want = [idx.data(role) for role in roles]
                    assert all(_same(g, w) for g, w in zip(got, want, strict=True)), (r, c, got, want)
                    n += 1
        return n

    assert check_all() > 10
    kid = arc.figli_ids(oe)[0]
    ctx.push(SetFields(Obiettivo, kid, {"codice": "ZZ.9", "peso": Decimal(1)}))
    idx = model.index_of_id(kid, 0)
    assert _multi(model, idx, [Qt.ItemDataRole.DisplayRole]) == ["ZZ.9"]  # cached text dropped
    w = _multi(model, model.index_of_id(kid, 2), [Qt.ItemDataRole.BackgroundRole])[0]
    assert w is not None  # weights no longer sum to 100
    check_all()
    ctx.stack.undo()
    assert _multi(model, model.index_of_id(kid, 0), [Qt.ItemDataRole.DisplayRole]) != ["ZZ.9"]


def test_deleted_subtree_is_collectable_no_gc_freeze(ctx):
    """No gc.freeze anywhere: a deleted subtree's nodes go with the next collection."""
    import gc
    import weakref

    from piaodesk.domain.model import Obiettivo as Ob
    from piaodesk.store.edits import DeleteRow

    model = ObiettiviTreeModel(ctx)
    model.load_all()
    oe = _oe0527(ctx.archive)
    ids = ctx.archive.discendenti(oe, True)
    refs = [weakref.ref(model.node_by_id(i)) for i in ids]
    model.index_of_id(ids[-1], 3).data()  # painted once
    assert ctx.push(DeleteRow(Ob, oe))
    assert not model.index_of_id(oe).isValid()
    ctx.stack.clear()  # (the undo step holds the deleted rows, not the nodes)
    gc.collect()
    assert gc.get_freeze_count() == 0
    assert [r for r in refs if r() is not None] == []


def test_no_gc_policy_anywhere_in_the_code():
    """Process-wide gc.freeze/unfreeze/disable made deleted nodes immortal: none is left but the
    one start-up freeze of the imports (ui.models.slices.freeze_startup, before any plan opens);
    nothing unfreezes or disables the collector."""
    import re

    root = Path(__file__).resolve().parents[2]
    pattern = re.compile(r"\bgc\.(freeze|unfreeze|disable)\(")
    hits = [f"{p.relative_to(root).as_posix()}:{line.strip()}" for base in ("piaodesk", "bench", "tests")
            for p in (root / base).rglob("*.py")
            for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
            if pattern.search(line) and p.name != Path(__file__).name
            and p.name != "test_gc_startup.py"]
    assert hits == ["piaodesk/ui/models/slices.py:gc.freeze()"]
