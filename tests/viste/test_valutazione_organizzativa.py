"""The valuation projections (viste/valutazione.py, viste/organizzativa.py), without a
QApplication: rows from one QuadroValutazioni, edits that re-read only the persons concerned,
cells turned into one valuation edit; Table 2 voci with their results and first values."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from piaodesk.domain.model import (
    IndicatoreOrganizzativo,
    ValoreOrganizzativo,
    VoceOrganizzativa,
)
from piaodesk.store.edits import InsertRow, SetFields
from piaodesk.store.valutazioni import QuadroValutazioni, modifica_valutazione
from piaodesk.viste import organizzativa as org
from piaodesk.viste import valutazione as val
from piaodesk.viste.tabella import Refused


def _loaded(arc):
    p = val.ValutazioniProjection(arc, lambda: 2025)
    p.prepare()
    p.load_all()
    return p


def test_a_row_per_person_as_the_sheets_compute_it(demo):
    p = _loaded(demo)
    q = QuadroValutazioni(demo, 2025, leggero=True)
    assert {r.key for r in p.rows()} == {pid for pid in q.persone if pid is not None}
    row = p.rows()[0]
    v = q.persona(row.key)
    assert row.finale == v.esito.finale and row.stato == v.esito.stato
    keys = [c.key for c in p.columns()]
    assert keys[:4] == ["nominativo", "unita", "categoria", "valutatore"]
    assert all(f"c_{k}" in keys for k in p.componenti)
    if row.mancanti:
        assert p.cell_status(row, "stato") == "none" and "manca" in p.tooltip(row, "stato")


def test_a_score_edit_rebuilds_only_that_person(demo):
    p = _loaded(demo)
    comp = val.ComportamentiProjection(lambda **kw: None, lambda: p.scala)
    row = next(r for r in p.rows() if p.quadro.persona(r.key).esito.comportamenti)
    v = p.quadro.persona(row.key)
    nome = v.esito.comportamenti[0][0]
    kwargs = comp.campi({nome: {"punteggio": D(20)}})
    assert kwargs == {"comportamenti": {nome: D(20)}}
    edit = modifica_valutazione(demo, row.key, 2025, quadro=p.quadro, **kwargs)
    delta = p.apply(demo.apply(edit))
    assert not delta.reset and list(delta.changed) == [row.key]
    assert p.ultimi == {row.key}
    assert {n: s for n, _w, s in p.quadro.persona(row.key).esito.comportamenti}[nome] == D(20)
    # a change of anything else (an objective) reads the plan again
    ob = demo.obiettivi()[0]
    assert p.apply(demo.apply(SetFields(type(ob), ob.id, {"titolo": "Altro titolo"}))).reset


def test_passi_cells_make_one_edit_and_esito_only_for_the_riesame(demo):
    p = _loaded(demo)
    calls = []
    passi = val.PassiProjection(lambda **kw: calls.append(kw) or "edit", lambda: p.scala)
    v = p.quadro.persona(p.rows()[0].key)
    passi.shown = passi.rows_for(v)
    first = passi.shown[0]
    assert not passi.editable(first, "esito") or first.key == "esito_riesame"
    riesame = next(r for r in passi.shown if r.key == "esito_riesame")
    assert passi.editable(riesame, "esito")
    assert passi.edit(first, "testo", "Colloquio svolto") == "edit"
    assert calls[-1]["passi"][first.key][1] == "Colloquio svolto"


def test_voci_and_indicators_of_table_2(demo):
    risultati = {}
    voci = org.VociProjection(demo, lambda: risultati)
    voci.load_all()
    assert len(voci) >= 2 and all(v.unita_id is None for v in voci.rows())
    q = QuadroValutazioni(demo, 2025, leggero=True)
    risultati.update({r.voce.id: r for r in q.sintesi(None).voci})
    v0 = min(voci.rows(), key=voci.order_key)
    assert voci.value(v0, "perc") == risultati[v0.id].perc
    ch = demo.apply(InsertRow(voci.new_row(len(voci))))
    d = voci.apply(ch)
    new_id = next(iter(ch.inserted["voci_organizzative"]))
    assert new_id in d.inserted and voci.row(new_id).nome == "Nuova voce"
    # the new voce's indicator: its first value inserts the year's row, the next updates it
    ind = org.IndicatoriOrgProjection(demo, lambda: risultati, lambda: 2025)
    ind.voce_id = new_id
    ind.load_all()
    assert ind.new_row(0).voce_id == new_id
    ch = demo.apply(InsertRow(ind.new_row(0)))
    assert ind.apply(ch).inserted
    row = ind.rows()[0]
    with pytest.raises(Refused, match="non può essere vuoto"):
        ind.edit(row, "nome", None)
    first = ind.edit(row, "target", "45")
    assert isinstance(first, InsertRow) and first.obj.target == D(45)
    ind.apply(demo.apply(first))
    assert ind.value(ind.row(row.id), "target") == "45"
    second = ind.edit(ind.row(row.id), "valore", "40")
    assert isinstance(second, SetFields)
    ind.apply(demo.apply(second))
    saved = demo.select(ValoreOrganizzativo, "indicatore_id = ?", (row.id,))[0]
    assert (saved.target, saved.valore) == (D(45), D(40))
    assert demo.get(IndicatoreOrganizzativo, row.id).voce_id == demo.get(VoceOrganizzativa, new_id).id
