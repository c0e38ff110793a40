"""The objective tree's options and keys, pressed for real: «Raggruppa per settore»;
Ctrl+↓/↑ move an objective only from the tree, never from a grid (issue 14)."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QModelIndex, QSettings, Qt
from PySide6.QtWidgets import QApplication, QTableView

from piaodesk.domain.model import Obiettivo
from piaodesk.store.archive import Archive
from piaodesk.ui.main_window import MainWindow
from piaodesk.ui.models.columns import IdRole

pytestmark = pytest.mark.ui


@pytest.fixture
def win(qtbot, demo_path: Path, settings: QSettings) -> MainWindow:
    w = MainWindow(Archive.open(demo_path), settings)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    w.activateWindow()
    return w


def _focus(qtbot, widget) -> None:
    widget.setFocus(Qt.FocusReason.OtherFocusReason)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is widget, timeout=2000)


def _with_fasi_and_siblings(arc: Archive) -> int:
    """An objective with a sibling after it and at least two phases."""
    for o in arc.obiettivi():
        sibs = arc.figli_ids(o.parent_id, o.ramo)
        if len(arc.fasi(o.id)) >= 2 and sibs.index(o.id) < len(sibs) - 1:
            return o.id  # type: ignore[return-value]
    raise AssertionError("the demo has such an objective")


def test_ctrl_down_in_a_grid_moves_within_the_grid_not_the_objective(qtbot, win):
    arc = win.archive
    oid = _with_fasi_and_siblings(arc)
    ob = arc.obiettivo(oid)
    order = arc.figli_ids(ob.parent_id, ob.ramo)
    assert win.select_obiettivo(oid)
    win.panel.tabs.setCurrentWidget(win.panel.fasi)
    grid = win.panel.fasi if isinstance(win.panel.fasi, QTableView) else \
        win.panel.fasi.findChild(QTableView)
    assert grid is not None and grid.model().rowCount() >= 2
    grid.setCurrentIndex(grid.model().index(0, 1))
    _focus(qtbot, grid)
    steps = win.ctx.stack.count()
    qtbot.keyClick(grid, Qt.Key.Key_Down, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(grid, Qt.Key.Key_Up, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(grid, Qt.Key.Key_Down, Qt.KeyboardModifier.ControlModifier)
    assert arc.figli_ids(ob.parent_id, ob.ramo) == order  # the objective stayed where it was
    assert win.ctx.stack.count() == steps  # and nothing was written
    assert win.current_id() == oid
    # from the tree the same key does move it (one undo step)
    _focus(qtbot, win.tree)
    qtbot.keyClick(win.tree, Qt.Key.Key_Down, Qt.KeyboardModifier.ControlModifier)
    moved = arc.figli_ids(ob.parent_id, ob.ramo)
    assert moved.index(oid) == order.index(oid) + 1
    assert win.ctx.stack.count() == steps + 1
    win.ctx.stack.undo()
    assert arc.figli_ids(ob.parent_id, ob.ramo) == order


def _rows(model, parent=QModelIndex(), depth=0, out=None):  # noqa: B008
    out = [] if out is None else out
    for r in range(model.rowCount(parent)):
        idx = model.index(r, 0, parent)
        out.append((depth, idx.data(IdRole), idx.data()))
        _rows(model, idx, depth + 1, out)
    return out


def test_group_by_settore(qtbot, win):
    arc = win.archive
    act = win.actions_by_name["raggruppa_settore"]
    assert act.isCheckable() and not act.isChecked()
    act.trigger()
    model = win.tree.model()
    rows = _rows(model)
    names = {u.nome for u in arc.unita()} | {"Senza settore"}
    settori = [text for depth, oid, text in rows if depth == 1 and oid is None]
    assert settori and set(settori) <= names
    ids = [oid for _d, oid, _t in rows if oid is not None]
    assert sorted(ids) == sorted(o.id for o in arc.obiettivi())  # each objective once
    # each objective sits under the row of its own settore
    by_name = {u.nome: u.id for u in arc.unita()}
    current = None
    for depth, oid, text in rows:
        if depth == 1 and oid is None:
            current = by_name.get(text)
        elif oid is not None and depth >= 2:
            assert arc.obiettivo(oid).unita_id == current
    # the editor still follows the selection; a search works on the grouped tree
    oid = next(o.id for o in arc.obiettivi() if o.unita_id is not None)
    assert win.select_obiettivo(oid) and win.current_id() == oid
    qtbot.keyClicks(win.search, "icaro")
    found = {r[1] for r in _rows(win.tree.model()) if r[1] is not None}
    hits = {o.id for o in arc.obiettivi() if "icaro" in f"{o.codice} {o.titolo} {o.descrizione or ''}".lower()}
    assert hits and hits <= found
    near = set(hits)
    for h in hits:
        near |= set(arc.discendenti(h))
        p = arc.obiettivo(h).parent_id
        while p is not None:
            near.add(p)
            p = arc.obiettivo(p).parent_id
    assert found <= near  # matches, their ancestors and descendants only
    win.search.clear()
    act.trigger()  # off: the plain tree again
    assert not act.isChecked()
    assert [t for d, _o, t in _rows(win.tree.model()) if d == 0] == ["Obiettivi", "Attività gestionali"]
    assert all(oid is not None for d, oid, _t in _rows(win.tree.model()) if d == 1)
    _ = Obiettivo


def test_group_by_missione(qtbot, win):
    """Issue 18 point 2: a row per missione of the harmonised catalogue; choosing it drops the settore
    grouping; an objective without a programme goes under «Senza missione»."""
    from piaodesk.domain.model import Obiettivo
    from piaodesk.store.edits import Batch, SetFields

    arc = win.archive
    obs = {o.codice: o.id for o in arc.obiettivi()}
    win.ctx.push(Batch([SetFields(Obiettivo, obs["PL.1"], {"programma_cod": "03.01"}),
                        SetFields(Obiettivo, obs["SS.0"], {"programma_cod": "12.05"})], "Programmi"))
    win.actions_by_name["raggruppa_settore"].trigger()
    win.actions_by_name["raggruppa_missione"].trigger()
    assert win.model.proj.per_missione and not win.model.proj.per_settore
    assert not win.actions_by_name["raggruppa_settore"].isChecked()
    rows = _rows(win.tree.model())
    heads = [text for depth, oid, text in rows if depth == 1 and oid is None]
    assert "Missione 03 – Ordine pubblico e sicurezza" in heads and "Senza missione" in heads
    current = None
    for depth, oid, text in rows:
        if depth == 1 and oid is None:
            current = text
        elif oid == obs["PL.1"]:
            assert current.startswith("Missione 03")
        elif oid == obs["SS.0"]:
            assert current.startswith("Missione 12")
        elif oid == obs["FIN.1"]:
            assert current == "Senza missione"
    ids = [oid for _d, oid, _t in rows if oid is not None]
    assert sorted(ids) == sorted(o.id for o in arc.obiettivi())  # each objective once
    win.actions_by_name["raggruppa_missione"].trigger()
    assert win.model.proj.plain
