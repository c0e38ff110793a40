"""FlatTableModel: a projection's Deltas become row inserts/removes/dataChanged, never a reset
for an edit; data roles, flags, edits through the hook, refusals, sorting and the filter proxy."""

from decimal import Decimal

import pytest
from flat_helpers import Fake, Voci
from PySide6.QtCore import Qt

from piaodesk.store.changes import Changes
from piaodesk.ui.models.columns import ChoicesRole
from piaodesk.ui.models.flat import STATUS_ROLE, FlatFilterProxy, FlatTableModel
from piaodesk.ui.undo import ChangeHub
from piaodesk.viste.tabella import Col

pytestmark = pytest.mark.ui


class Archive:
    readonly = False


class Ctx:
    def __init__(self, reader):
        self.archive = Archive()
        self.hub = ChangeHub()
        self.reader = reader
        self.pushed = []

    def push(self, edit):
        self.pushed.append(edit)
        _, key, _, value = edit
        nome, _ = self.reader.items[key]
        self.reader.items[key] = (nome, value)
        ch = Changes()
        ch.add_update("voci", key, {"peso"})
        self.hub.changed.emit(ch)
        return True


class Colori(Voci):
    COLUMNS = (*Voci.COLUMNS, Col("tipo", "Tipo", "choice", choices=lambda: [("Alto", 1), ("Basso", 0)]))

    def value(self, row, key):
        return int(row.peso or 0) > 3 if key == "tipo" else getattr(row, key)

    def status(self, row):
        return "late" if (row.peso or 0) > 5 else None


@pytest.fixture
def setup(qtbot):
    reader = Fake(20)
    ctx = Ctx(reader)
    model = FlatTableModel(ctx, Colori(reader))
    return ctx, reader, model


def _names(model):
    return [model.row_at(r).nome for r in range(model.rowCount())]


def test_rows_in_order_and_roles(setup, qtmodeltester):
    ctx, _reader, model = setup
    qtmodeltester.check(model)
    assert model.rowCount() == 20 and _names(model) == sorted(_names(model))
    r = model.row_of(6)
    idx = model.index(r, model.column_of("peso"))
    assert idx.data() == "6" and idx.data(Qt.ItemDataRole.EditRole) == Decimal(6)
    assert idx.data(STATUS_ROLE) == "late"
    assert idx.data(Qt.ItemDataRole.BackgroundRole).color().name() == "#f8d7da"
    assert model.index(r, model.column_of("tipo")).data(ChoicesRole) == [("Alto", 1), ("Basso", 0)]
    assert model.headerData(1, Qt.Orientation.Horizontal) == "Peso"
    assert model.flags(idx) & Qt.ItemFlag.ItemIsEditable
    assert not model.flags(model.index(r, 0)) & Qt.ItemFlag.ItemIsEditable
    ctx.archive.readonly = True
    assert not model.flags(idx) & Qt.ItemFlag.ItemIsEditable


def test_delta_becomes_row_signals_not_reset(setup, qtmodeltester):
    ctx, reader, model = setup
    seen = []
    model.modelReset.connect(lambda: seen.append("reset"))
    model.rowsRemoved.connect(lambda *a: seen.append(("removed", a[1])))
    model.rowsInserted.connect(lambda *a: seen.append(("inserted", a[1])))
    model.dataChanged.connect(lambda a, b: seen.append(("changed", a.row())))
    del reader.items[3]
    reader.items[21] = ("voce 000", Decimal(1))  # sorts first
    reader.items[8] = ("voce 008", Decimal(2))
    ch = Changes()
    ch.add_delete("voci", 3)
    ch.add_insert("voci", 21)
    ch.add_update("voci", 8, {"peso"})
    ctx.hub.changed.emit(ch)
    assert "reset" not in seen
    assert ("removed", 2) in seen and ("inserted", 0) in seen
    assert ("changed", model.row_of(8)) in seen
    assert model.row_of(3) is None and model.row_at(0).key == 21
    assert _names(model) == sorted(_names(model))
    qtmodeltester.check(model)
    ctx.hub.changed.emit(Changes.everything())
    assert seen[-1] == "reset" and model.rowCount() == 20


def test_edit_goes_through_hook_and_refusals_are_said(setup):
    ctx, _reader, model = setup
    messages = []
    model.refused.connect(messages.append)
    idx = model.index(model.row_of(2), model.column_of("peso"))
    assert model.setData(idx, "12,5")
    assert ctx.pushed == [("set", 2, "peso", Decimal("12.5"))]
    assert model.index(model.row_of(2), 1).data() == "12,5"
    assert not model.setData(idx, "500")
    # the one message of domain/validazione.py (issue 14), naming the value and the column
    assert messages[-1] == "Il peso 500 non è ammesso (colonna «Peso»): deve essere tra 0 e 100."
    assert model.last_error == messages[-1]
    assert not model.setData(idx, "abc")
    assert "non è un numero" in messages[-1]
    assert not model.setData(model.index(0, 0), "x")
    assert "non si può modificare" in messages[-1]
    assert len(ctx.pushed) == 1


def test_header_sort_and_filter_proxy(setup, qtmodeltester):
    _ctx, _reader, model = setup
    proxy = FlatFilterProxy()
    proxy.setSourceModel(model)
    proxy.sort(model.column_of("peso"), Qt.SortOrder.DescendingOrder)
    pesi = [model.row_at(r).peso for r in range(model.rowCount())]
    assert pesi == sorted(pesi, reverse=True)
    proxy.set_predicate(lambda row: row.peso > 4)
    assert proxy.rowCount() == sum(1 for p in pesi if p > 4)
    assert all(model.row_at(proxy.mapToSource(proxy.index(r, 0)).row()).peso > 4
               for r in range(proxy.rowCount()))
    qtmodeltester.check(proxy)


def test_large_projection_loads_in_slices(qtbot):
    reader = Fake(5000)
    ctx = Ctx(reader)
    model = FlatTableModel(ctx, Colori(reader), load=False)
    model.PROGRESSIVE_ROWS = 100
    model.CHUNK = 500
    progress = []
    model.loading_changed.connect(lambda loading, pct: progress.append((loading, pct)))
    model.reload()
    assert model.loading and model.rowCount() == 0
    ch = Changes()
    reader.items[1] = ("voce 001", Decimal(50))
    ch.add_update("voci", 1, {"peso"})
    ctx.hub.changed.emit(ch)  # held until the rows are in
    qtbot.waitUntil(lambda: not model.loading, timeout=20000)
    assert progress[-1] == (False, 100) and len(progress) > 2
    assert model.rowCount() == 5000 and _names(model) == sorted(_names(model))
    assert model.row_at(model.row_of(1)).peso == Decimal(50)
