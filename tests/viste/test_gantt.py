"""Gantt projection on the demo plan, without a QApplication."""

from datetime import date

from piaodesk.domain.model import Fase, Obiettivo
from piaodesk.store.edits import InsertRow, SetFields
from piaodesk.viste.gantt import GanttProjection

OGGI = date(2025, 6, 15)


def test_rows_in_tree_order_with_their_fasi(demo):
    g = GanttProjection(demo, OGGI, 2025)
    obs = [r.obiettivo_id for r in g.rows if r.kind == "obiettivo"]
    assert obs == list(demo.ordine_obiettivi())
    n_fasi = sum(1 for r in g.rows if r.kind == "fase")
    assert n_fasi == len(demo.fasi())
    steps = list(GanttProjection(demo, OGGI, load=False).load())
    assert steps[-1] == 100


def test_apply_names_changed_fields_and_resets(demo):
    g = GanttProjection(demo, OGGI, 2025)
    row = next(r for r in g.rows if r.kind == "obiettivo" and r.codice == "OE052701")
    shown = GanttProjection.visible(g.rows, None, True, False)  # (what the chart shows)
    d = g.apply(demo.apply(SetFields(Obiettivo, row.id, {"titolo": "Nuovo titolo"})))
    assert d.changed == {("obiettivo", row.id): {"label"}} and not g.layout_changed
    i = g._pos[row.id]
    assert g.rows[i].label == "Nuovo titolo" and g.rows[i][1:3] == row[1:3]  # replaced where it was
    # the list the chart filtered before the edit gets the new row in place of the old
    assert shown[i] == row
    g.swap_into(shown)
    assert shown[i].label == "Nuovo titolo" and len(shown) == len(g.rows)
    d = g.apply(demo.apply(SetFields(Obiettivo, row.id, {"fine_prevista": date(2026, 3, 31)})))
    assert "end" in d.changed[("obiettivo", row.id)] and g.layout_changed
    d = g.apply(demo.apply(InsertRow(Fase(obiettivo_id=row.id, descrizione="x"))))
    assert d.reset
    other = next(r for r in g.rows if r.kind == "obiettivo" and r.id != row.id)
    fase = next(r for r in g.rows if r.kind == "fase" and r.obiettivo_id == other.id)
    d = g.apply(demo.apply(SetFields(Fase, fase.id, {"obiettivo_id": row.id})))
    assert d.reset  # a fase moved to another objective
