"""A small plan built the ordinary way, for the sheets: a strategico with two weighted operativi.

SETTORE PROVA (responsabile Bianchi Anna, staff Verdi Marco):
S.1 strategico (no weight) → O.1 (peso 60, indicator 8 of 10 = 80 %) and O.2 (peso 40, 4 of 4 = 100 %),
each with one fase. Verdi works on O.1 (impegno 50 %). Organisational performance of the ente:
voce «1» from the schede and voce «2.1 Programmazione e gestione delle risorse» with two of seed 003's
Table 1 indicators; the settore has its own voce with one indicator.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import pytest

from piaodesk.domain.enums import FonteVoce, Livello, LivelloOrganizzativo, Polarita, TipoIndicatore
from piaodesk.domain.model import (
    Assegnazione,
    Fase,
    Indicatore,
    IndicatoreOrganizzativo,
    Misura,
    Obiettivo,
    Persona,
    Unita,
    ValoreOrganizzativo,
    VoceOrganizzativa,
)
from piaodesk.store.edits import InsertRow, SetFields


@dataclass
class PianoProva:
    arc: object
    unita: int
    s1: int
    o1: int
    o2: int
    resp: int
    staff: int


def _ins(arc, obj) -> int:
    e = InsertRow(obj)
    arc.apply(e)
    return e.row_id


def _indicatore(arc, oid: int, nome: str, target: str, valore: str) -> None:
    iid = _ins(arc, Indicatore(obiettivo_id=oid, descrizione=nome, formula="n. pratiche concluse",
                               tipo=TipoIndicatore.NUMERO))
    _ins(arc, Misura(indicatore_id=iid, anno=2025, target=Decimal(target), valore=Decimal(valore)))


def _indicatore_org(arc, vid: int, nome: str, fattori: str, target: str, valore: str,
                    polarita: Polarita = Polarita.CRESCENTE) -> None:
    iid = _ins(arc, IndicatoreOrganizzativo(voce_id=vid, nome=nome, formula=fattori,
                                            tipo=TipoIndicatore.PERCENTUALE, polarita=polarita))
    _ins(arc, ValoreOrganizzativo(indicatore_id=iid, anno=2025, target=Decimal(target), valore=Decimal(valore)))


@pytest.fixture
def piano(empty_plan) -> PianoProva:
    arc = empty_plan
    uid = _ins(arc, Unita(nome="SETTORE PROVA", codice="PROVA"))
    resp = _ins(arc, Persona(cognome="Bianchi", nome="Anna", titolo="dott.ssa", categoria="FUNZIONARIO EQ",
                             eq=True, unita_id=uid))
    staff = _ins(arc, Persona(cognome="Verdi", nome="Marco", categoria="ISTRUTTORE", unita_id=uid))
    arc.apply(SetFields(Unita, uid, {"responsabile_id": resp}))
    s1 = _ins(arc, Obiettivo(codice="S.1", titolo="Semplificare i procedimenti", livello=Livello.STRATEGICO,
                             unita_id=uid, anni=[2025]))
    o1 = _ins(arc, Obiettivo(codice="O.1", titolo="Digitalizzare le pratiche edilizie", parent_id=s1,
                             livello=Livello.OPERATIVO, unita_id=uid, peso=Decimal(60), anni=[2025],
                             tipologia=["gestionale"]))
    o2 = _ins(arc, Obiettivo(codice="O.2", titolo="Ridurre i tempi di risposta", parent_id=s1,
                             livello=Livello.OPERATIVO, unita_id=uid, peso=Decimal(40), anni=[2025]))
    _ins(arc, Fase(obiettivo_id=o1, descrizione="Analisi dei flussi", scadenza=date(2025, 6, 30),
                   perc_realizzazione=Decimal(100)))
    _ins(arc, Fase(obiettivo_id=o2, descrizione="Nuovo modello di risposta", scadenza=date(2025, 10, 31),
                   perc_realizzazione=Decimal(50)))
    _indicatore(arc, o1, "Pratiche digitalizzate", "10", "8")
    _indicatore(arc, o2, "Risposte entro 30 giorni", "4", "4")
    _ins(arc, Assegnazione(obiettivo_id=o1, persona_id=staff, impegno=Decimal(50)))
    # organisational performance (seed 003 T1/T2)
    v1 = _ins(arc, VoceOrganizzativa(livello=LivelloOrganizzativo.ENTE, codice="1.",
                                     nome="Percentuale di realizzazione degli obiettivi di Performance",
                                     fonte=FonteVoce.OBIETTIVI))
    v2 = _ins(arc, VoceOrganizzativa(livello=LivelloOrganizzativo.ENTE, codice="2.1",
                                     nome="Programmazione e gestione delle risorse", fonte=FonteVoce.INDICATORI))
    assert v1 and v2
    _indicatore_org(arc, v2, "Grado di attendibilità della programmazione",
                    "Stanziamenti definitivi / stanziamenti iniziali", "90", "95")
    _indicatore_org(arc, v2, "Velocità di pagamento (titoli I - II - III e IV)",
                    "Pagamenti competenza / impegni competenza", "80", "60")
    vu = _ins(arc, VoceOrganizzativa(livello=LivelloOrganizzativo.UNITA, unita_id=uid, codice="A",
                                     nome="Performance organizzativa di area", fonte=FonteVoce.INDICATORI))
    _indicatore_org(arc, vu, "Atti spediti via PEC", "Atti via PEC / atti in uscita", "50", "40")
    return PianoProva(arc, uid, s1, o1, o2, resp, staff)
