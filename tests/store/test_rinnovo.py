"""'Conferma il piano dell'anno precedente': next year's plan as a new file."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import pytest

from piaodesk.domain.enums import Livello, Ramo, StatoPiano
from piaodesk.domain.model import (
    Assegnazione,
    Fase,
    Indicatore,
    Misura,
    Obiettivo,
    Persona,
    Unita,
)
from piaodesk.store import rinnovo
from piaodesk.store.archive import Archive
from piaodesk.store.db import PlanError
from piaodesk.store.edits import Batch, InsertRow


def _plan(arc: Archive) -> None:
    ids = {}
    u = arc.allocate_id(Unita)
    p1, p2 = arc.allocate_id(Persona), arc.allocate_id(Persona) + 0
    edits = [InsertRow(Unita(id=u, nome="Settore Finanziario")),
             InsertRow(Persona(id=p1, cognome="Orso", nome="Gianna", unita_id=u)),
             InsertRow(Persona(id=p1 + 1, cognome="Favaro", nome="Eleonora", unita_id=u,
                               valido_al=date(2025, 10, 31)))]
    del p2
    a = arc.allocate_id(Obiettivo)
    b = a + 1
    c = a + 2
    ids.update(a=a, b=b, c=c)
    edits += [
        InsertRow(Obiettivo(id=a, codice="FIN.1", titolo="Pluriennale", anni=[2025, 2026, 2027],
                            unita_id=u, inizio_previsto=date(2025, 1, 1), fine_prevista=date(2027, 12, 31))),
        InsertRow(Obiettivo(id=b, codice="FIN.2", titolo="Annuale concluso", anni=[2025], unita_id=u)),
        InsertRow(Obiettivo(id=c, codice="UO1", titolo="Attività ordinaria", anni=[2025],
                            ramo=Ramo.ATTIVITA, livello=Livello.ATTIVITA_GESTIONALE, unita_id=u)),
        InsertRow(Fase(obiettivo_id=a, descrizione="Predisposizione delibera", scadenza=date(2025, 5, 15))),
        InsertRow(Fase(obiettivo_id=a, descrizione="Invio certificazione", scadenza=date(2025, 6, 30),
                       perc_realizzazione=D(100))),
        InsertRow(Fase(obiettivo_id=a, descrizione="Relazione finale", scadenza=date(2027, 12, 31),
                       inizio_effettivo=date(2025, 3, 1))),
        InsertRow(Assegnazione(obiettivo_id=a, persona_id=p1, data_inizio=date(2025, 1, 1),
                               data_fine=date(2025, 12, 31), responsabile=True)),
        InsertRow(Assegnazione(obiettivo_id=a, persona_id=p1 + 1, data_inizio=date(2025, 1, 1),
                               data_fine=date(2025, 10, 31))),
    ]
    i1 = arc.allocate_id(Indicatore)
    i2 = i1 + 1
    ids.update(i1=i1, i2=i2)
    edits += [InsertRow(Indicatore(id=i1, obiettivo_id=a, descrizione="N. certificati")),
              InsertRow(Indicatore(id=i2, obiettivo_id=c, descrizione="N. pratiche"))]
    for anno, t, v in ((2025, "10", "12"), (2026, "20", None), (2027, "30", None)):
        edits.append(InsertRow(Misura(indicatore_id=i1, anno=anno, target_testo=t, target=D(t),
                                      valore_testo=v, valore=D(v) if v else None)))
    for periodo, t, v in (("Giugno", "40", "41"), ("Dicembre", "60", "70")):
        edits.append(InsertRow(Misura(indicatore_id=i2, anno=2025, periodo=periodo, target_testo=t,
                                      target=D(t), valore_testo=v, valore=D(v))))
    arc.apply(Batch(edits, "piano di prova"))
    return ids


def test_next_year_plan_shifts_years_dates_and_targets(empty_plan, tmp_path):
    ids = _plan(empty_plan)
    new, rap = rinnovo.rinnova(empty_plan, tmp_path / "2026.piao", anche_conclusi=False)
    try:
        p = new.piano()
        assert (p.anno_inizio, p.anno_fine, p.stato) == (2026, 2028, StatoPiano.BOZZA)
        assert new.ente().nome == "Comune di Prova"
        codes = {o.codice: o for o in new.obiettivi()}
        # the annual objective of the first branch is dropped; the ordinary activity recurs
        assert set(codes) == {"FIN.1", "UO1"}
        assert codes["FIN.1"].anni == [2026, 2027] and codes["UO1"].anni == [2026]
        assert (codes["FIN.1"].inizio_previsto, codes["FIN.1"].fine_prevista) == (
            date(2026, 1, 1), date(2028, 12, 31))
        # fasi: dates + 1 year, the completed one dropped, actual dates cleared
        fasi = new.fasi(ids["a"])
        assert [(f.descrizione, f.scadenza) for f in fasi] == [
            ("Predisposizione delibera", date(2026, 5, 15)), ("Relazione finale", date(2028, 12, 31))]
        assert fasi[1].inizio_effettivo is None and [f.posizione for f in fasi] == [0, 1]
        # targets: new 2026 ← old 2026 (the old plan's N+1), 2027 ← 2027; the objective ends in 2027
        m = {(x.anno, x.periodo): x for x in new.misure([ids["i1"]])}
        assert {k: v.target for k, v in m.items()} == {(2026, ""): D(20), (2027, ""): D(30)}
        assert all(x.valore is None and x.valore_testo is None for x in m.values())
        ind = new.get(Indicatore, ids["i1"])
        assert (ind.baseline, ind.anno_baseline, ind.baseline_testo) == (D(12), 2025, "12,00")
        # the activity's half-year targets are proposed again for 2026; baseline = annual roll-up
        m2 = {(x.anno, x.periodo): x.target for x in new.misure([ids["i2"]])}
        assert m2 == {(2026, "Giugno"): D(40), (2026, "Dicembre"): D(60)}
        assert new.get(Indicatore, ids["i2"]).baseline == D(111)  # 41 + 70 (Somma)
        # assignments: dates + 1 year; the person who left on 31/10/2025 is not carried
        ass = new.assegnazioni(ids["a"])
        assert [(a.data_inizio, a.data_fine, a.responsabile) for a in ass] == [
            (date(2026, 1, 1), date(2026, 12, 31), True)]
        assert len(new.persone()) == 2 and new.unita()[0].nome == "Settore Finanziario"
    finally:
        new.close()
    text = rap.testo()
    assert "FIN.2 Annuale concluso: anni 2025, nessuno nel triennio 2026/2028" in text
    assert "Fase «Invio certificazione» di FIN.1: già completata" in text
    assert "Favaro Eleonora" in text and "31/10/2025" in text
    assert "FIN.1 Pluriennale: anni 2025, 2026, 2027 → 2026, 2027" in text
    assert rap.riportati["Target dello stesso anno"] == 2
    assert rap.riportati["Target proposti (anno precedente)"] == 2
    # the old plan is untouched
    assert empty_plan.piano().anno_inizio == 2025 and len(empty_plan.fasi(ids["a"])) == 3


def test_carrying_concluded_objectives_on_request(empty_plan, tmp_path):
    ids = _plan(empty_plan)
    new, rap = rinnovo.rinnova(empty_plan, tmp_path / "2026.piao", anche_conclusi=True)
    with new:
        ob = new.obiettivo(ids["b"])
        assert ob is not None and ob.anni == [2026]
    assert not any("FIN.2" in x for x in rap.esclusi)


def test_refuses_to_overwrite_and_leaves_no_half_file(empty_plan, tmp_path):
    _plan(empty_plan)
    target = tmp_path / "esiste.piao"
    target.write_text("non toccare")
    with pytest.raises(PlanError, match="esiste già"):
        rinnovo.rinnova(empty_plan, target)
    assert target.read_text() == "non toccare"


def test_sposta_anno_29_february():
    assert rinnovo.sposta_anno(date(2024, 2, 29)) == date(2025, 2, 28)
    assert rinnovo.sposta_anno(None) is None


def test_demo_plan_renewal_counts_match_the_report(demo, tmp_path):
    prep = rinnovo.prepara(demo)
    new = rinnovo.scrivi(prep, tmp_path / "demo2026.piao")
    with new:
        counts = new.counts()
        rap = prep.rapporto
        assert counts["attivita"] == rap.riportati["Attività gestionali"] == 36
        assert counts["obiettivi"] == rap.riportati["Obiettivi"]
        assert counts["indicatori"] == rap.riportati["Indicatori"]
        assert counts["assegnazioni"] == rap.riportati["Assegnazioni (date +1 anno)"]
        assert counts["persone"] == demo.counts()["persone"]
        assert counts["monitoraggi"] == 0
        assert counts["misure"] == (rap.riportati["Target dello stesso anno"]
                                    + rap.riportati["Target proposti (anno precedente)"])
        # the tree is intact: 10701 keeps its 10 activities in order
        codes = {o.codice: o for o in new.obiettivi()}
        kids = [new.obiettivo(k).codice for k in new.figli_ids(codes["10701"].id)]
        old_kids = [demo.obiettivo(k).codice for k in demo.figli_ids(codes["10701"].id)]
        assert kids == old_kids and len(kids) == 10
        assert new.sistema_valutazione() == demo.sistema_valutazione()
    assert any("monitoraggi" in x for x in prep.rapporto.esclusi)
