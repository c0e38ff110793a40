"""Matrice projection on the demo plan, without a QApplication."""

from decimal import Decimal

from piaodesk.domain.model import Assegnazione, Obiettivo
from piaodesk.store.edits import InsertRow, SetFields
from piaodesk.viste.matrice import FIXED, MatriceProjection

AMATO = 30  # assigned to OE0527 (id 12), no %


def _load(demo):
    p = MatriceProjection(demo)
    p.load_all()
    return p


def test_people_by_objectives(demo):
    p = _load(demo)
    assert len(p) == len(demo.persone())
    assert len(p.columns()) == len(FIXED) + len(demo.obiettivi())
    row = p.row(AMATO)
    assert p.text(row, p.columns()[len(FIXED) + p._cols.index(12)]) == "✓"
    assert row.totale is None and p.text(row, FIXED[3]) == "n.d."
    assert p.row_header(row)[0] == "AMATO FRANCESCO"
    assert p.editable(row, 12) and not p.editable(row, "totale")


def test_assignment_changes_and_edits(demo):
    p = _load(demo)
    row = p.row(AMATO)
    edit = p.edit(row, 12, Decimal(60))
    assert isinstance(edit, SetFields)
    d = p.apply(demo.apply(edit))
    assert list(d.changed) == [AMATO] and p.row(AMATO).totale == Decimal(60)
    edit = p.edit(p.row(AMATO), 3, Decimal(50))
    assert isinstance(edit, InsertRow)
    d = p.apply(demo.apply(edit))
    assert p.row(AMATO).flag == "over" and p.value(p.row(AMATO), 3) == Decimal(50)
    assert not d.reset and not p.headers_changed
    rm = p.remove_edit([(AMATO, 3), (AMATO, "categoria")])
    p.apply(demo.apply(rm))
    assert not p.assigned(AMATO, 3) and len(demo.select(Assegnazione)) > 0


def test_objective_rename_changes_only_headers_and_settore_filter(demo):
    p = _load(demo)
    d = p.apply(demo.apply(SetFields(Obiettivo, 12, {"codice": "NUOVO.1"})))
    assert not d.reset and p.headers_changed
    assert p.columns()[len(FIXED) + p._cols.index(12)].label == "NUOVO.1"
    ss = next(u.id for u in demo.unita() if u.nome.startswith("SERVIZI SOCIALI, SANITARI"))
    p.set_settore(ss)
    labels = {c.label for c in p.columns()[len(FIXED):]}
    assert "NUOVO.1" in labels and "PL.1" not in labels and AMATO in p._rows
    assert len(p) < len(demo.persone())


def test_under_100_percent_is_flagged_like_over(demo):
    """Issue 18 point 8 (seed 004): a person whose time adds up to less than 100 % is flagged."""
    p = _load(demo)
    ass = next(a for a in demo.assegnazioni() if a.persona_id == AMATO)
    p.apply(demo.apply(SetFields(Assegnazione, ass.id, {"impegno": Decimal(40)})))
    row = p.row(AMATO)
    assert row.totale == Decimal(40) and row.flag == "under"
    assert p.cell_status(row, "totale") == "under" and p.row_header(row)[2] == "under"
    assert "sotto il 100 %" in p.tooltip(row, "totale") and "60,00 %" in p.tooltip(row, "totale")
    p.apply(demo.apply(SetFields(Assegnazione, ass.id, {"impegno": Decimal(100)})))
    assert p.row(AMATO).flag is None
    p.apply(demo.apply(SetFields(Assegnazione, ass.id, {"impegno": Decimal(120)})))
    assert p.row(AMATO).flag == "over"
