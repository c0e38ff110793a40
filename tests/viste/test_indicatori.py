"""Indicatori projection on the demo plan, without a QApplication."""

from piaodesk.domain import valutazione as engine
from piaodesk.domain.model import Indicatore, Misura
from piaodesk.store.edits import DeleteRow, InsertRow, SetFields
from piaodesk.viste.indicatori import IndicatoriProjection


def _annual(arc, iid, anno):
    return next((m for m in arc.misure([iid]) if m.anno == anno and m.periodo == ""), None)


def test_rows_in_tree_order_with_engine_percent(demo):
    p = IndicatoriProjection(demo, 2025)
    p.load_all()
    assert len(p) == len(demo.indicatori())
    ordine = {oid: k for k, oid in enumerate(demo.ordine_obiettivi())}
    pos = [ordine[r.obiettivo_id] for r in p.rows()]
    assert pos == sorted(pos)
    ind = demo.indicatori()[0]
    assert p.row(ind.id).perc == engine.risultato_indicatore(ind, demo.misure([ind.id]), 2025).perc
    assert p.row(60).da_periodi and not p.editable(p.row(60), "valore")


def test_measure_changes_reach_their_indicator_row(demo):
    p = IndicatoriProjection(demo, 2025)
    p.load_all()
    m = _annual(demo, 4, 2025)
    d = p.apply(demo.apply(SetFields(Misura, m.id, {"valore": None, "valore_testo": None})))
    assert list(d.changed) == [4] and p.row(4).valore is None
    edit = p.edit(p.row(4), "valore", "42")
    assert isinstance(edit, SetFields) and edit.row_id == m.id
    d = p.apply(demo.apply(DeleteRow(Misura, m.id)))
    assert list(d.changed) == [4] and p.row(4).misura_id is None
    edit = p.edit(p.row(4), "target", "50")
    assert isinstance(edit, InsertRow)
    d = p.apply(demo.apply(edit))
    assert list(d.changed) == [4] and p.row(4).target == "50"
    d = p.apply(demo.apply(DeleteRow(Indicatore, 4)))
    assert d.removed == [4] and p.row(4) is None
