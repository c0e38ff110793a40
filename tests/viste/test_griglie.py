"""The objective grids' projections (viste/griglie.py), without a QApplication."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import pytest

from piaodesk.domain.model import PERIODO_ANNUALE, Fase, Indicatore, Misura
from piaodesk.store.edits import Batch, DeleteRow, InsertRow, SetFields
from piaodesk.viste import griglie as g
from piaodesk.viste.tabella import Refused


def _leaf(arc):
    return next(o.id for o in arc.obiettivi() if arc.indicatori(o.id) and arc.fasi(o.id)
                and not arc.figli_ids(o.id))


def test_fasi_follow_inserts_updates_and_deletes_of_their_objective_only(demo):
    oid = _leaf(demo)
    p = g.FasiProjection(demo)
    with pytest.raises(Refused, match="Selezionare prima un obiettivo"):
        p.new_row(0)
    p.obiettivo_id = oid
    p.load_all()
    assert [f.id for f in sorted(p.rows(), key=p.order_key)] == [f.id for f in demo.fasi(oid)]
    ch = demo.apply(InsertRow(p.new_row(len(p)), label="x"))
    new_id = next(iter(ch.inserted["fasi"]))
    d = p.apply(ch)
    assert d.inserted == [new_id] and p.row(new_id).descrizione == "Nuova fase"
    other = next(o.id for o in demo.obiettivi() if o.id != oid and demo.fasi(o.id))
    d = p.apply(demo.apply(SetFields(Fase, demo.fasi(other)[0].id, {"descrizione": "altrove"})))
    assert not d  # another objective's fase: nothing here
    d = p.apply(demo.apply(SetFields(Fase, new_id, {"descrizione": "Rinominata"})))
    assert list(d.changed) == [new_id] and p.row(new_id).descrizione == "Rinominata"
    with pytest.raises(Refused, match="non può essere vuota"):
        p.edit(p.row(new_id), "descrizione", None)
    assert p.edit(p.row(new_id), "descrizione", "Rinominata") is None  # unchanged: no edit
    d = p.apply(demo.apply(DeleteRow(Fase, new_id)))
    assert d.removed == [new_id] and p.row(new_id) is None


def test_late_fase_has_its_status_and_tooltip(demo):
    oid = _leaf(demo)
    p = g.FasiProjection(demo)
    p.obiettivo_id = oid
    p.load_all()
    f = p.rows()[0]
    p.apply(demo.apply(SetFields(Fase, f.id, {"scadenza": date(2000, 1, 1), "fine_effettiva": None,
                                               "perc_realizzazione": D(10)})))
    late = p.row(f.id)
    assert p.status(late) == "late" and "in ritardo" in p.tooltip(late, "descrizione")


def test_indicator_annual_values_and_live_percent(demo):
    oid = _leaf(demo)
    p = g.IndicatoriProjection(demo, lambda: 2025)
    p.obiettivo_id = oid
    p.load_all()
    keys = [c.key for c in p.columns()]
    assert "target:2025" in keys and "valore:2025" in keys and "perc" in keys
    assert next(c for c in p.columns() if c.key == "perc").label == "% raggiung. 2025"
    ind = min(p.rows(), key=p.order_key)
    # a typed target and actual (as a paste would: one Misura row for both)
    p.pending = {}
    for m in demo.misure([ind.id]):
        if m.anno == 2025 and m.periodo == PERIODO_ANNUALE:
            demo.apply(DeleteRow(Misura, m.id))
    p.apply(demo.apply(SetFields(Indicatore, ind.id, {"descrizione": ind.descrizione})))
    first = p.edit(p.row(ind.id), "target:2025", "200")
    assert isinstance(first, InsertRow)
    assert p.edit(p.row(ind.id), "valore:2025", "150") is None  # merged into the pending row
    p.pending = None
    d = p.apply(demo.apply(Batch([first], "Incolla")))
    assert ind.id in d.changed  # the row shows the new values (restyled)
    assert p.value(p.row(ind.id), "target:2025") == "200"
    assert p.value(p.row(ind.id), "valore:2025") == "150"
    assert p.value(p.row(ind.id), "perc") == D(75)
    # text that is not a number is shown as such, and said
    edit = p.edit(p.row(ind.id), "valore:2025", "abc")
    p.apply(demo.apply(edit))
    assert p.cell_status(p.row(ind.id), "valore:2025") == "over"
    assert "non è leggibile" in p.tooltip(p.row(ind.id), "valore:2025")
    with pytest.raises(Refused, match="non è plausibile"):
        p.edit(p.row(ind.id), "anno_baseline", 99999)


def test_misure_periods_refuse_duplicates_and_name_new_rows_apart(demo):
    ind = next(i for i in demo.indicatori() if demo.misure([i.id]))
    p = g.MisureProjection(demo, lambda: 2025)
    with pytest.raises(Refused, match="Selezionare prima un indicatore"):
        p.new_row(0)
    p.set_indicatore(ind.id)
    p.load_all()
    n = len(p)
    a, b = p.new_row(n), p.new_row(n + 1)  # two appended at once
    assert a.periodo != b.periodo
    ch = demo.apply(Batch([InsertRow(a), InsertRow(b)], "Aggiungi 2 periodi"))
    assert len(p.apply(ch).inserted) == 2 and len(p) == n + 2
    row_a = next(r for r in p.rows() if r.periodo == a.periodo)
    with pytest.raises(Refused, match="Esiste già una riga"):
        p.edit(row_a, "periodo", b.periodo)
    edit = p.edit(row_a, "target_testo", "1.200")
    assert set(edit.new) == {"target_testo", "target"}  # text and number together
    p.apply(demo.apply(edit))
    assert p.row(row_a.id).target == D(1200)


def test_assignments_choices_follow_people(demo):
    oid = next(o.id for o in demo.obiettivi() if demo.assegnazioni(o.id))
    p = g.AssegnazioniProjection(demo, lambda: 2025)
    p.obiettivo_id = oid
    p.load_all()
    row = p.rows()[0]
    assert p.persone()[0] == ("(vacante)", None)
    p.apply(demo.apply(SetFields(type(row), row.id, {"data_inizio": date(2025, 6, 1)})))
    with pytest.raises(Refused, match="precede"):
        p.edit(p.row(row.id), "data_fine", date(2025, 1, 1))
    new = p.new_row(len(p))
    assert new.data_inizio == date(2025, 1, 1) and new.impegno == D(100)


def test_indicator_piao_columns_edit_the_portal_fields(demo):
    """Issue 18 points 3 and 6: dimensione, sottodimensione, rilevante and the Comune are cells."""
    from piaodesk.domain.enums import Dimensione

    oid = _leaf(demo)
    p = g.IndicatoriProjection(demo, lambda: 2025)
    p.obiettivo_id = oid
    p.load_all()
    cols = {c.key: c for c in p.columns()}
    assert {"dimensione", "sottodimensione", "rilevante", "comune_id"} <= set(cols)
    ind = min(p.rows(), key=p.order_key)
    row = p.row(ind.id)
    ente = demo.ente()
    comune = next(e for e in demo.enti() if e.parent_id == ente.id)
    assert (comune.nome, comune.id) in p.choices(row, cols["comune_id"])
    edits = [p.edit(row, "dimensione", Dimensione.EFFICIENZA), p.edit(row, "sottodimensione", "temporale"),
             p.edit(row, "rilevante", True), p.edit(row, "comune_id", comune.id)]
    d = p.apply(demo.apply(Batch([e for e in edits if e is not None], "Campi PIAO")))
    assert ind.id in d.changed
    got = demo.get(Indicatore, ind.id)
    assert (got.dimensione, got.sottodimensione, got.rilevante, got.comune_id) == (
        "efficienza", "temporale", True, comune.id)
    assert p.value(p.row(ind.id), "dimensione") is Dimensione.EFFICIENZA
