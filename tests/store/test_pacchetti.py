"""Settore packets and their three-way merge (issue 16): two packets from the demo edited in
parallel, one field changed in both, both merged, the result checked field by field."""

from __future__ import annotations

import sqlite3
from decimal import Decimal
from pathlib import Path

import pytest

from piaodesk.domain.model import Fase, Obiettivo, Persona
from piaodesk.store.archive import Archive
from piaodesk.store.db import PlanError
from piaodesk.store.edits import InsertRow, SetFields
from piaodesk.store.pacchetti import RANGE, analizza, crea_pacchetto, prepara_unione, unisci


def _oid(arc: Archive, codice: str) -> int:
    return next(o.id for o in arc.obiettivi() if o.codice == codice)  # type: ignore[misc]


def test_two_packets_in_parallel_merged_field_by_field(demo: Archive, tmp_path: Path) -> None:
    # settore 5 (with its servizi) and its servizio 10703 both hold objective 10703
    p5 = tmp_path / "sociali.piao"
    p8 = tmp_path / "10703.piao"
    i5 = crea_pacchetto(demo, "5", p5)
    i8 = crea_pacchetto(demo, "10703", p8)
    assert (i5.id_da, i8.id_da) == (RANGE, 2 * RANGE)
    oe, uo, o10703 = _oid(demo, "OE0527"), _oid(demo, "UO041453"), _oid(demo, "10703")
    titolo_fc = demo.obiettivo(_oid(demo, "FIN.1")).titolo  # type: ignore[union-attr]
    titolo_base = demo.obiettivo(o10703).titolo  # type: ignore[union-attr]

    with Archive.open(p5) as a5:  # the Direzione's PC
        assert a5.pacchetto is not None and a5.pacchetto.settore_nome.startswith("SERVIZI SOCIALI,")
        assert a5.obiettivo(_oid(demo, "FIN.1")) is None  # other settori are not in the packet
        a5.apply(SetFields(Obiettivo, oe, {"titolo": "OE0527 riscritto"}))
        a5.apply(SetFields(Obiettivo, o10703, {"titolo": "Titolo della Direzione"}))
        new5 = a5.apply(InsertRow(Fase(obiettivo_id=oe, descrizione="Nuova fase direzione")))
    with Archive.open(p8) as a8:  # the servizio's PC, at the same time
        a8.apply(SetFields(Obiettivo, o10703, {"titolo": "Titolo del servizio",
                                               "descrizione": "Descrizione del servizio"}))
        a8.apply(SetFields(Obiettivo, uo, {"peso": Decimal("12")}))
        new8 = a8.apply(InsertRow(Fase(obiettivo_id=uo, descrizione="Nuova fase servizio")))
    f5, = new5.inserted["fasi"]
    f8, = new8.inserted["fasi"]
    assert RANGE <= f5 < 2 * RANGE <= f8 < 3 * RANGE  # ids from each packet's own range

    first = analizza(demo, p5)
    assert not first.conflitti and not first.rifiutate
    unisci(demo, first)
    second = analizza(demo, p8)
    assert [(m.tabella, m.riga_id, m.campo) for m in second.conflitti] == [
        ("obiettivi", o10703, "titolo")]
    c = second.conflitti[0]
    assert (c.base, c.pacchetto, c.attuale) == (
        titolo_base, "Titolo del servizio", "Titolo della Direzione")
    assert [m.campo for m in second.modifiche if m.riga_id == o10703] == ["descrizione"]
    with pytest.raises(PlanError, match="conflitti senza scelta"):
        prepara_unione(demo, second, {})
    unisci(demo, second, {c.chiave: "pacchetto"})

    # field by field
    assert demo.obiettivo(oe).titolo == "OE0527 riscritto"  # type: ignore[union-attr]
    o = demo.obiettivo(o10703)
    assert o is not None and o.titolo == "Titolo del servizio"
    assert o.descrizione == "Descrizione del servizio"
    assert demo.obiettivo(uo).peso == Decimal("12")  # type: ignore[union-attr]
    assert demo.get(Fase, f5).descrizione == "Nuova fase direzione"  # type: ignore[union-attr]
    assert demo.get(Fase, f8).descrizione == "Nuova fase servizio"  # type: ignore[union-attr]
    assert demo.obiettivo(_oid(demo, "FIN.1")).titolo == titolo_fc  # type: ignore[union-attr]
    assert demo.impostazione("revisione") == "2"
    # the plan's own new rows stay below the packets' ranges
    own = demo.apply(InsertRow(Fase(obiettivo_id=oe, descrizione="dal piano")))
    assert max(own.inserted["fasi"]) < RANGE
    # audit: who, which packet, which PC
    rows = demo.db.conn.execute("SELECT pacchetto, postazione, azione FROM audit "
                                "WHERE pacchetto = '10703.piao'").fetchall()
    assert any("Titolo del servizio" in r[2] for r in rows) and all(r[1] for r in rows)


def test_merge_twice_changes_nothing_and_undo(demo: Archive, tmp_path: Path) -> None:
    p = tmp_path / "pc.piao"
    crea_pacchetto(demo, "Coordinamento", p)
    pc1 = _oid(demo, "PC.1")
    with Archive.open(p) as a:
        a.apply(SetFields(Obiettivo, pc1, {"titolo": "Nuovo PC.1"}))
    analisi = analizza(demo, p)
    edit = prepara_unione(demo, analisi)
    assert edit is not None
    demo.apply(edit)
    dump = "\n".join(demo.db.conn.iterdump())
    again = analizza(demo, p)
    assert again.vuota and again.gia_unito and "già stato unito" in again.riepilogo()
    unisci(demo, again)
    assert "\n".join(demo.db.conn.iterdump()) == dump
    demo.revert(edit)  # one undoable step
    assert demo.obiettivo(pc1).titolo != "Nuovo PC.1"  # type: ignore[union-attr]


def test_foreign_packet_refused(demo: Archive, tmp_path: Path) -> None:
    from piaodesk.store.demo import build_demo

    other = build_demo(tmp_path / "altro.piao")
    p = tmp_path / "altro-pc.piao"
    crea_pacchetto(other, "Coordinamento", p)
    other.close()
    crea_pacchetto(demo, "Coordinamento", tmp_path / "mio.piao")
    with pytest.raises(PlanError, match="un altro piano"):
        analizza(demo, p)
    with pytest.raises(PlanError, match="non è un pacchetto"):
        analizza(demo, tmp_path / "altro.piao")


def test_packet_edits_outside_settore_refused(demo: Archive, tmp_path: Path) -> None:
    p = tmp_path / "pc.piao"
    crea_pacchetto(demo, "Coordinamento", p)
    ts1 = _oid(demo, "TS.1")  # transversal: context, read-only in the packet
    with Archive.open(p) as a:
        with pytest.raises(PlanError, match="solo di consultazione"):
            a.apply(SetFields(Obiettivo, ts1, {"titolo": "no"}))
        with pytest.raises(PlanError, match="solo di consultazione"):
            a.apply(SetFields(Persona, a.persone()[0].id, {"nome": "no"}))  # type: ignore[arg-type]
        assert a.obiettivo(ts1).titolo != "no"  # type: ignore[union-attr]
    # written behind the program's back: the merge refuses and lists it
    conn = sqlite3.connect(p)
    conn.execute("UPDATE obiettivi SET titolo = 'di nascosto' WHERE id = ?", (ts1,))
    conn.execute("UPDATE obiettivi SET titolo = 'ammesso' WHERE id = ?", (_oid(demo, "PC.2"),))
    conn.commit()
    conn.close()
    analisi = analizza(demo, p)
    assert [(m.tabella, m.riga_id, m.campo) for m in analisi.rifiutate] == [
        ("obiettivi", ts1, "titolo")]
    unisci(demo, analisi)
    assert demo.obiettivo(ts1).titolo != "di nascosto"  # type: ignore[union-attr]
    assert demo.obiettivo(_oid(demo, "PC.2")).titolo == "ammesso"  # type: ignore[union-attr]


def test_new_subtrees_and_deletes_from_two_packets(demo: Archive, tmp_path: Path) -> None:
    from piaodesk.domain.model import Indicatore, Misura
    from piaodesk.store.edits import DeleteRow

    pa, pb = tmp_path / "a.piao", tmp_path / "b.piao"
    crea_pacchetto(demo, "Coordinamento", pa)
    crea_pacchetto(demo, "POLIZIA LOCALE", pb)
    pc1, pl1 = _oid(demo, "PC.1"), _oid(demo, "PL.1")
    fase_pl1 = demo.fasi(pl1)[0].id
    made = {}
    for path, parent in ((pa, pc1), (pb, pl1)):
        with Archive.open(path) as a:
            ch = a.apply(InsertRow(Obiettivo(parent_id=parent, codice=f"N{parent}",
                                             titolo="Nuovo sotto-obiettivo")))
            oid, = ch.inserted["obiettivi"]
            ind, = a.apply(InsertRow(Indicatore(obiettivo_id=oid, descrizione="Pratiche"))
                           ).inserted["indicatori"]
            a.apply(InsertRow(Misura(indicatore_id=ind, anno=2025, target=Decimal("10"))))
            if path == pb:
                a.apply(DeleteRow(Fase, fase_pl1))  # type: ignore[arg-type]
            made[path] = (oid, ind)
    assert made[pa][0] != made[pb][0]
    for path in (pa, pb):
        analisi = analizza(demo, path)
        assert not analisi.conflitti and not analisi.rifiutate
        unisci(demo, analisi)
    for path, parent in ((pa, pc1), (pb, pl1)):
        oid, ind = made[path]
        o = demo.obiettivo(oid)
        assert o is not None and o.parent_id == parent and o.codice == f"N{parent}"
        assert [i.id for i in demo.indicatori(oid)] == [ind]
        assert [m.target for m in demo.misure([ind])] == [Decimal("10")]
    assert demo.get(Fase, fase_pl1) is None
    assert demo.db.conn.execute("PRAGMA foreign_key_check").fetchall() == []
