"""The plan-wide projections keep their rows and caches as exact tuples of plain values, so the
garbage collector does not track them (issue 13): a full collection walks every tracked object,
and 40.000 tracked rows per tab (dataclasses, named tuples, domain objects with their lists,
sets) made one last about 100 ms once ``gc.freeze`` was gone. No timing here: the count of
tracked objects a loaded projection holds, per row, stays small."""

from __future__ import annotations

import gc
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from piaodesk.domain.model import Fase, Obiettivo
from piaodesk.store.edits import SetFields
from piaodesk.viste.base import Records, Rows
from piaodesk.viste.gantt import GanttProjection
from piaodesk.viste.indicatori import IndicatoriProjection
from piaodesk.viste.matrice import MatriceProjection
from piaodesk.viste.scadenze import ScadenzeProjection

OGGI = date(2025, 6, 15)


def _collect() -> None:
    """Full collections: the collector untracks a tuple when it examines it after its items
    (a second pass catches the rows it met before their keys)."""
    gc.collect()
    gc.collect()


def _tracked_held(p: Any, *exclude: str) -> int:
    """Tracked objects reachable from the projection's own data (not the reader, lookups,
    classes or functions): what a full collection walks because of the rows."""
    skip = {id(p.reader if hasattr(p, "reader") else p.archive), id(getattr(p, "lookup", None))}
    seen: set[int] = set()
    stack = [v for k, v in vars(p).items() if k not in ("reader", "archive", "lookup", *exclude)]
    n = 0
    while stack:
        x = stack.pop()
        if id(x) in seen or id(x) in skip or isinstance(x, type) or callable(x):
            continue
        seen.add(id(x))
        if not gc.is_tracked(x):
            continue
        n += 1
        stack.extend(gc.get_referents(x))
    return n


def _flat(demo: Any, kind: str) -> tuple[Any, int]:
    if kind == "scadenze":
        p: Any = ScadenzeProjection(demo, anno=2025, oggi=OGGI)
    elif kind == "indicatori":
        p = IndicatoriProjection(demo, 2025)
    else:
        p = MatriceProjection(demo)
    p.load_all()
    n = len(p._rows) + sum(len(c) for c in vars(p).values() if isinstance(c, Records))
    return p, n


@pytest.mark.parametrize("kind", ["scadenze", "indicatori", "matrice"])
def test_flat_rows_and_caches_are_untracked(demo, kind):
    p, n = _flat(demo, kind)
    _collect()
    if kind != "matrice":  # (the matrix's rows are its people: a few hundred objects)
        assert p.ROW is not None
        assert p._rows and not any(gc.is_tracked(r) for r in p._rows.values())
        assert type(p.rows()) is Rows and p.rows()[0] == p.row(next(iter(p._rows)))
    for cache in (c for c in vars(p).values() if isinstance(c, Records)):
        assert cache and not any(gc.is_tracked(t) for t in cache.data.values())
    # everything else tracked is a handful of containers (dicts, a few lists), not per row
    # (the matrix: its columns, one per objective, and its people are objects)
    exclude = ("_columns", "_rows", "_by_person") if kind == "matrice" else ()
    assert _tracked_held(p, *exclude) < 15 + n // 20, (kind, _tracked_held(p, *exclude), n)


def test_scadenze_rows_stay_untracked_after_an_edit(demo):
    p, _ = _flat(demo, "scadenze")
    p.apply(demo.apply(SetFields(Fase, 11, {"perc_realizzazione": Decimal(40)})))
    _collect()
    assert p.row(("Fase", 11)).perc == Decimal(40)
    assert not any(gc.is_tracked(r) for r in p._rows.values())


def test_gantt_rows_are_untracked(demo):
    g = GanttProjection(demo, OGGI, 2025)
    oid = next(r.id for r in g.rows if r.kind == "obiettivo")
    g.apply(demo.apply(SetFields(Obiettivo, oid, {"titolo": "Altro titolo"})))
    _collect()
    assert len(g.rows) > 50 and not any(gc.is_tracked(t) for t in g.rows.data)
    assert type(g.rows.data) is tuple and not gc.is_tracked(g.rows.data)  # (sealed: see Rows)
    shown = g.visible(g.rows, None, True, False)
    _collect()
    assert not gc.is_tracked(shown.data)
    assert _tracked_held(g) < 15 + len(g.rows) // 20


def test_tree_objectives_hold_no_empty_lists_of_their_own(demo):
    """The tree's 10.000 objectives carried three empty lists each (tipologia and flags are not
    even read): one shared empty list now, so a node costs the collector its node, its
    objective and its children list."""
    from piaodesk.store.albero import LettoreAlbero
    from piaodesk.viste.albero import AlberoObiettivi

    t = AlberoObiettivi(LettoreAlbero(demo), demo.piano().anno_inizio)
    t.load_all()
    obs = [n.obj for n in t.by_id.values()]
    assert len(obs) > 50
    empties = {id(lst) for o in obs for lst in (o.tipologia, o.anni, o.flags) if not lst}
    assert len(empties) == 1
    anni = {tuple(o.anni): id(o.anni) for o in obs}
    assert len({id(o.anni) for o in obs}) == len(anni)  # one list per distinct value
    oid = next(iter(t.by_id))
    t.apply(demo.apply(SetFields(Obiettivo, oid, {"titolo": "Un altro titolo"})))
    o = t.by_id[oid].obj
    assert o.titolo == "Un altro titolo" and id(o.flags) in empties  # (read again: the same)
