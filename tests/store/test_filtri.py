"""store/filtri.py: the choices of the main window's objective filters, read without Qt."""

from __future__ import annotations

from dataclasses import replace

from piaodesk.domain.model import Obiettivo, Persona
from piaodesk.store.edits import InsertRow, SetFields
from piaodesk.store.filtri import responsabili_ids, scelte_filtri, stati_obiettivi


def test_choices_of_the_demo_plan(demo):
    sc = scelte_filtri(demo)
    assert [u for u, _ in sc.settori] == [u.id for u in demo.unita()]
    assert sc.anni == tuple(demo.piano().anni)
    leaders = {o.responsabile_id for o in demo.select(Obiettivo) if o.responsabile_id is not None}
    assert leaders and responsabili_ids(demo) == leaders
    shown = {pid for pid, _ in sc.responsabili}
    assert leaders <= shown
    assert all(pid in leaders or demo.get(Persona, pid).eq for pid in shown)
    assert list(sc.stati) == sorted(sc.stati) and "" not in sc.stati


def test_states_and_leaders_follow_the_plan(empty_plan):
    arc = empty_plan
    assert stati_obiettivi(arc) == () and scelte_filtri(arc).responsabili == ()
    pid = arc.allocate_id(Persona)
    arc.apply(InsertRow(Persona(id=pid, cognome="Rossi", nome="Maria")))
    other = arc.allocate_id(Persona)
    arc.apply(InsertRow(Persona(id=other, cognome="Bianchi", nome="Luca")))
    oid = arc.allocate_id(Obiettivo)
    arc.apply(InsertRow(Obiettivo(id=oid, codice="1", titolo="Uno", responsabile_id=pid, stato="in corso")))
    arc.apply(InsertRow(replace(arc.obiettivo(oid), id=arc.allocate_id(Obiettivo), codice="2", stato="")))
    sc = scelte_filtri(arc)
    assert sc.responsabili == ((pid, arc.get(Persona, pid).nominativo),)  # Bianchi leads nothing
    assert sc.stati == ("in corso",)
    arc.apply(SetFields(Obiettivo, oid, {"stato": "concluso"}))
    assert stati_obiettivi(arc) == ("concluso",)
