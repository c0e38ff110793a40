"""QuadroValutazioni on the demo plan and on small plans built here (issue 10).

One source for every number shown on two sheets: a unit's scheda result is the «struttura»
component of its staff; nobody is evaluated by themself; the nested strategico→operativi case
is evaluated through its operativi; edits are undoable and refuse bad values in Italian.
"""

from __future__ import annotations

import sqlite3
from datetime import date
from decimal import Decimal as D

import pytest

from piaodesk.domain.enums import Livello, PassoCiclo
from piaodesk.domain.model import (
    Assegnazione,
    Fase,
    Indicatore,
    Misura,
    Obiettivo,
    Persona,
    Unita,
    ValutazioneIndividuale,
)
from piaodesk.store.edits import InsertRow
from piaodesk.store.valutazioni import (
    TUTTI,
    ErroreValutazione,
    QuadroValutazioni,
    modifica_valutazione,
    pesi_scheda,
    verifica,
)


def test_demo_nobody_evaluates_themself_and_every_staff_member_has_an_evaluator(demo):
    q = QuadroValutazioni(demo, 2025)
    tutte = q.tutte()
    assert len(tutte) == demo.count(Persona) == 139
    for v in tutte:
        assert v.valutatore.persona_id != v.persona.id, v.persona.nominativo
        assert v.valutatore_nome and v.persona.nominativo not in v.valutatore_nome
    # unit responsabili go to the Nucleo (their category names it), staff to their responsabile
    ceschel = q.persona(demo.trova_persona("CESCHEL SILVIA").id)
    assert ceschel.valutatore.ruolo == "Nucleo di Valutazione" and ceschel.categoria.responsabili
    baggio = q.persona(demo.trova_persona("BAGGIO MARTA").id)
    assert baggio.valutatore.persona_id == ceschel.persona.id


def test_demo_one_source_for_the_unit_result(demo):
    """The unit's % on its scheda obiettivi is the «struttura» component of each of its people."""
    q = QuadroValutazioni(demo, 2025)
    checked = 0
    for v in q.tutte():
        comp = {c.chiave: c for c in v.esito.componenti}
        if "struttura" not in comp:
            continue
        assert v.scheda is not None
        assert comp["struttura"].valore == q.scheda(v.scheda.unita.id).risultato.perc
        checked += 1
    assert checked > 120
    # the 002 unit 10701 (no weights): the same number on both, and the scheda says why
    u = next(u for u in demo.unita() if u.codice == "10701")
    s = q.scheda(u.id)
    assert s.risultato.pari_peso and "pari peso" in s.frase()
    assert s.righe[0].perc.quantize(D("0.01")) == D("98.51")


def test_demo_cycle_incomplete_riesame_and_organisational(demo):
    q = QuadroValutazioni(demo, 2025)
    incomplete = [v for v in q.tutte() if not v.esito.completa]
    assert [v.persona.cognome for v in incomplete] == ["GRECO"]
    assert "punteggi dei comportamenti" in incomplete[0].esito.messaggio_incompleta
    assert incomplete[0].esito.finale is None and incomplete[0].esito.fascia is None
    favaro = q.persona(demo.trova_persona("FAVARO ELEONORA").id)
    assert favaro.passo == PassoCiclo.ESITO_RIESAME.value
    assert [p.esito for p in favaro.passi if p.passo == PassoCiclo.ESITO_RIESAME] == ["modificata"]
    # Table 2 of 003: five voci, line 1 from the schede, 2.1 from Table 1's seven ratios
    s = q.sintesi()
    assert [v.voce.codice for v in s.voci] == ["1", "2.1", "2.2", "2.3", "3"]
    assert len(s.voci[1].indicatori) == 7 and s.perc is not None and s.pari_peso
    assert s.voci[0].perc == q.perc_obiettivi_ente
    # the strategico SS.0 is evaluated through its operativi on the Servizi Sociali scheda
    ss = next(u for u in demo.unita() if u.nome == "SETTORE SERVIZI SOCIALI")
    codes = [r.obiettivo.codice for r in q.scheda(ss.id).righe]
    assert codes == ["TS.1", "TS.2", "SS.1", "SS.2", "SS.3", "SS.4"]
    assert sum(r.peso for r in q.scheda(ss.id).righe) == 100
    # the demo's plan check has no errors (only the 002 schede without weights, as warnings)
    assert [p for p in verifica(q) if p.gravita == "errore"] == []


def _nested_plan(arc):
    """A strategico with two weighted operativi, their indicators and values (issue 10's first case)."""
    unit = InsertRow(Unita(nome="Settore Tecnico"))
    arc.apply(unit)
    uid = unit.row_id
    resp = InsertRow(Persona(cognome="Verdi", nome="Anna", area="funzionari_eq", unita_id=uid))
    arc.apply(resp)
    staff = InsertRow(Persona(cognome="Neri", nome="Luca", area="istruttori", unita_id=uid))
    arc.apply(staff)
    from piaodesk.store.edits import SetFields

    arc.apply(SetFields(Unita, uid, {"responsabile_id": resp.row_id}))
    st = InsertRow(Obiettivo(livello=Livello.STRATEGICO, codice="S1", titolo="Città sicura", unita_id=uid))
    arc.apply(st)
    ops = []
    for code, peso, target, valore in (("S1.1", 40, "10", "10"), ("S1.2", 60, "20", "15")):
        op = InsertRow(Obiettivo(parent_id=st.row_id, codice=code, titolo=f"Operativo {code}", peso=D(peso)))
        arc.apply(op)
        arc.apply(InsertRow(Fase(obiettivo_id=op.row_id, descrizione="Fase", scadenza=date(2025, 6, 30))))
        ind = InsertRow(Indicatore(obiettivo_id=op.row_id, descrizione="n. interventi"))
        arc.apply(ind)
        arc.apply(InsertRow(Misura(indicatore_id=ind.row_id, anno=2025, target_testo=target, target=D(target),
                                   valore_testo=valore, valore=D(valore))))
        ops.append(op.row_id)
    arc.apply(InsertRow(Assegnazione(obiettivo_id=ops[1], persona_id=staff.row_id, impegno=D(50))))
    return uid, st.row_id, ops, resp.row_id, staff.row_id


def test_nested_strategico_operativi_evaluated_with_non_zero_final(empty_plan):
    arc = empty_plan
    uid, sid, ops, resp, staff = _nested_plan(arc)
    q = QuadroValutazioni(arc, 2025)
    s = q.scheda(uid)
    assert [r.obiettivo.id for r in s.righe] == ops  # the operativi, not the strategico
    assert [r.peso for r in s.righe] == [D(40), D(60)]
    assert [r.perc for r in s.righe] == [D(100), D(75)]
    # suggested scores 30 and 23 (22,5 half-up): 0,4×30 + 0,6×23 = 25,80 of 30
    assert s.risultato.riepilogo.valutazione_finale == D("25.80")
    assert s.risultato.perc == D("86")
    assert not [p for p in verifica(q) if p.gravita == "errore"]
    v = q.persona(staff)
    assert v.valutatore.persona_id == resp
    assert [o.codice for o, _, _ in v.righe_individuali] == ["S1.2"]
    assert {c.chiave: c.valore for c in v.esito.componenti}["struttura"] == D("86")
    # the panel's weight sum of the scheda, from any of its objectives
    assert pesi_scheda(arc, ops[0]) == [("Settore Tecnico", 2, [D(40), D(60)])]
    assert pesi_scheda(arc, sid) == [("Settore Tecnico", 2, [D(40), D(60)])]


def test_modifica_valutazione_applies_undoes_and_refuses(empty_plan):
    arc = empty_plan
    _uid, _, _, _resp, staff = _nested_plan(arc)
    q = QuadroValutazioni(arc, 2025)
    nomi = [c.nome for c in q.sistema.comportamenti]
    e = modifica_valutazione(arc, staff, 2025, comportamenti={n: D(27) for n in nomi},
                             passi={"assegnazione": (date(2025, 1, 31), None, None)}, note="Bene")
    arc.apply(e)
    v = QuadroValutazioni(arc, 2025).persona(staff)
    # default SMVP: 50 struttura (86) + 50 comportamenti (27/30 = 90) = 88
    assert v.esito.completa and v.esito.finale == D(88) and v.passo == "assegnazione"
    assert v.record.note == "Bene"
    arc.revert(e)
    again = QuadroValutazioni(arc, 2025).persona(staff)
    assert again.record is None and not again.esito.completa
    with pytest.raises(ErroreValutazione, match="fuori scala"):
        modifica_valutazione(arc, staff, 2025, comportamenti={nomi[0]: D(31)})
    with pytest.raises(ErroreValutazione, match="non è nel catalogo"):
        modifica_valutazione(arc, staff, 2025, comportamenti={"Simpatia": D(20)})
    with pytest.raises(ErroreValutazione, match="sé stesso"):
        modifica_valutazione(arc, staff, 2025, valutatore_id=staff)
    with pytest.raises(ErroreValutazione, match="richiesta di riesame"):
        modifica_valutazione(arc, staff, 2025, passi={"esito_riesame": (date(2026, 3, 1), "ok", "confermata")})
    with pytest.raises(ErroreValutazione, match="sconosciuto"):
        modifica_valutazione(arc, staff, 2025, passi={"colloquio_finale": (date(2026, 3, 1), None, None)})
    # the file itself refuses a person evaluating themself, whatever writes it
    with pytest.raises(sqlite3.IntegrityError):
        arc.db.conn.execute("INSERT INTO valutazioni_individuali (persona_id, anno, valutatore_id) "
                            "VALUES (?, 2025, ?)", (staff, staff))
    assert arc.count(ValutazioneIndividuale) == 0


def test_tutti_i_settori_lists_the_transversal_objectives(demo):
    q = QuadroValutazioni(demo, 2025)
    t = q.scheda(TUTTI)
    assert t.nome == "TUTTI I SETTORI" and [r.obiettivo.codice for r in t.righe] == ["TS.1", "TS.2"]
    assert t.righe[0].obiettivo.extra.get("Parametro di riferimento") == "D.LGS 36/2023"
