"""Reversible edits: apply then revert leaves the database exactly as before."""

from datetime import date
from decimal import Decimal

import pytest

from piaodesk.domain.model import Assegnazione, Fase, Indicatore, Misura, Obiettivo, Persona
from piaodesk.store.db import PlanError
from piaodesk.store.edits import Batch, DeleteRow, InsertRow, MoveObiettivo, SetFields


def dump(arc):
    """Every table except the append-only audit."""
    lines = []
    for (name,) in arc.db.conn.execute("SELECT name FROM sqlite_master WHERE type='table' ORDER BY name"):
        if name == "audit":
            continue
        lines.append((name, arc.db.conn.execute(f"SELECT * FROM [{name}] ORDER BY id"
                                                if name != "impostazioni" else
                                                "SELECT * FROM impostazioni ORDER BY chiave").fetchall()))
    return lines


def test_set_fields_roundtrip(demo):
    oid = demo.obiettivi()[0].id
    before = dump(demo)
    e = SetFields(Obiettivo, oid, {"peso": Decimal("40"), "fine_prevista": date(2025, 12, 31)})
    ch = demo.apply(e)
    assert ch.updated["obiettivi"][oid] == {"peso", "fine_prevista"}
    ob = demo.obiettivo(oid)
    assert ob.peso == Decimal("40") and ob.fine_prevista == date(2025, 12, 31)
    demo.revert(e)
    assert dump(demo) == before
    demo.apply(e)  # redo
    assert demo.obiettivo(oid).peso == Decimal("40")


def test_delete_subtree_restores_same_ids(demo):
    oe0527 = next(o for o in demo.obiettivi() if o.codice == "OE0527")
    subtree = demo.discendenti(oe0527.id, include_self=True)
    before = dump(demo)
    e = DeleteRow(Obiettivo, oe0527.id)
    ch = demo.apply(e)
    assert set(subtree) <= ch.deleted["obiettivi"]
    assert demo.obiettivo(oe0527.id) is None
    assert demo.count(Indicatore, f"obiettivo_id IN ({','.join(map(str, subtree))})") == 0
    demo.revert(e)
    assert dump(demo) == before
    assert demo.perc_avanzamento(oe0527.id, 2025).quantize(Decimal("0.01")) == Decimal("66.67")


def test_delete_person_nulls_references_and_undo_restores(demo):
    resp = next(o for o in demo.obiettivi() if o.responsabile_id)
    pid = resp.responsabile_id
    before = dump(demo)
    e = DeleteRow(Persona, pid)
    demo.apply(e)
    assert demo.obiettivo(resp.id).responsabile_id is None
    assert demo.assegnazioni(persona_id=pid) == []
    demo.revert(e)
    assert dump(demo) == before


def test_insert_positions_and_undo(empty_plan):
    arc = empty_plan
    a = InsertRow(Obiettivo(codice="1", titolo="A"))
    b = InsertRow(Obiettivo(codice="2", titolo="B"))
    arc.apply(a)
    arc.apply(b)
    c = InsertRow(Obiettivo(codice="0", titolo="C", posizione=0))
    arc.apply(c)
    assert [o.titolo for o in arc.figli(None)] == ["C", "A", "B"]
    arc.revert(c)
    assert [(o.titolo, o.posizione) for o in arc.figli(None)] == [("A", 0), ("B", 1)]
    arc.apply(c)  # redo re-creates the same id
    assert arc.obiettivo(c.row_id).titolo == "C"


def test_move_and_refuse_cycle(empty_plan):
    arc = empty_plan
    ids = {}
    for t in "ABC":
        e = InsertRow(Obiettivo(titolo=t))
        arc.apply(e)
        ids[t] = e.row_id
    child = InsertRow(Obiettivo(titolo="A1", parent_id=ids["A"]))
    arc.apply(child)
    mv = MoveObiettivo(ids["C"], ids["A"], 0)
    arc.apply(mv)
    assert [o.titolo for o in arc.figli(ids["A"])] == ["C", "A1"]
    assert [o.titolo for o in arc.figli(None)] == ["A", "B"]
    arc.revert(mv)
    assert [o.titolo for o in arc.figli(None)] == ["A", "B", "C"]
    with pytest.raises(ValueError):
        arc.apply(MoveObiettivo(ids["A"], child.row_id, 0))
    assert [o.titolo for o in arc.figli(ids["A"])] == ["A1"]  # rolled back


def test_batch_is_atomic(empty_plan):
    arc = empty_plan
    oid = arc.allocate_id(Obiettivo)
    ok = Batch([InsertRow(Obiettivo(id=oid, titolo="Nuovo")),
                InsertRow(Fase(obiettivo_id=oid, descrizione="Fase 1", scadenza=date(2025, 6, 30)))],
               "Aggiungi obiettivo con fase")
    arc.apply(ok)
    assert arc.fasi(oid)[0].scadenza == date(2025, 6, 30)
    bad = Batch([InsertRow(Obiettivo(titolo="Fantasma")),
                 InsertRow(Fase(obiettivo_id=99999, descrizione="orfana"))], "Batch difettoso")
    with pytest.raises(PlanError):
        arc.apply(bad)
    assert [o.titolo for o in arc.obiettivi()] == ["Nuovo"]  # nothing half-written


def test_override_needs_reason_at_db_level(demo):
    from piaodesk.domain.model import StatoAvanzamento

    mon = demo.monitoraggi()[0]
    oid = demo.obiettivi()[0].id
    with pytest.raises(PlanError, match="motivazione"):
        demo.apply(InsertRow(StatoAvanzamento(monitoraggio_id=mon.id, obiettivo_id=oid,
                                              perc_calcolata=Decimal("96.74"),
                                              perc_validata=Decimal("100"))))
    demo.apply(InsertRow(StatoAvanzamento(monitoraggio_id=mon.id, obiettivo_id=oid,
                                          perc_calcolata=Decimal("96.74"), perc_validata=Decimal("100"),
                                          motivo_override="Mero errore materiale (polarità)")))


def test_unique_misura_per_period(empty_plan):
    arc = empty_plan
    o = InsertRow(Obiettivo(titolo="O"))
    arc.apply(o)
    i = InsertRow(Indicatore(obiettivo_id=o.row_id, descrizione="N. pratiche"))
    arc.apply(i)
    arc.apply(InsertRow(Misura(indicatore_id=i.row_id, anno=2025, periodo="Giugno")))
    with pytest.raises(PlanError, match="duplicato"):
        arc.apply(InsertRow(Misura(indicatore_id=i.row_id, anno=2025, periodo="Giugno")))


def test_vacant_assignment_allowed(demo):
    oid = demo.obiettivi()[0].id
    e = InsertRow(Assegnazione(obiettivo_id=oid, persona_id=None, responsabile=True))
    demo.apply(e)
    assert any(a.persona_id is None and a.responsabile for a in demo.assegnazioni(oid))


def test_plan_state_transitions(empty_plan):
    from piaodesk.domain.enums import StatoPiano

    arc = empty_plan
    assert arc.piano().stato == StatoPiano.BOZZA
    with pytest.raises(PlanError, match="non può passare"):
        arc.cambia_stato(StatoPiano.CONSUNTIVO)
    arc.cambia_stato(StatoPiano.APPROVATO)
    arc.cambia_stato(StatoPiano.MONITORAGGIO)
    assert arc.piano().stato == StatoPiano.MONITORAGGIO
    assert arc.audit()[0][2] == "Stato del piano: Monitoraggio"


def test_smvp_default_is_003(empty_plan):
    s = empty_plan.sistema_valutazione()
    assert [f.lettera for f in s.fasce] == list("ABCDE")
    assert s.fascia(26).descrittore == "L'obiettivo è stato pienamente conseguito"
