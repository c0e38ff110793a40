"""«Solo scheda individuale» indicators (seed 004 l.688: «La valutazione dell'indicatore è inserita
esclusivamente nella scheda individuale del dirigente»): out of the objective's organisational %
and of the settore sheet; in the manager's own valuation only (issue 18 point 8)."""

from __future__ import annotations

from decimal import Decimal

from piaodesk.domain.model import Assegnazione, Indicatore, Misura, Obiettivo, Persona, Piano, Unita
from piaodesk.reports import data
from piaodesk.store.archive import Archive
from piaodesk.store.edits import InsertRow, SetFields
from piaodesk.store.valutazioni import QuadroValutazioni


def _plan(tmp_path):
    arc = Archive.create(tmp_path / "p.piao", Piano(titolo="P", anno_inizio=2025, anno_fine=2027))
    arc.apply(InsertRow(Persona(cognome="Dirigente", nome="Anna")))
    arc.apply(InsertRow(Persona(cognome="Collaboratore", nome="Marco")))
    dir_id, col_id = (p.id for p in arc.persone())
    arc.apply(InsertRow(Unita(nome="SETTORE FINANZIARIO", responsabile_id=dir_id)))
    uid = arc.unita()[0].id
    arc.apply(InsertRow(Obiettivo(codice="1", titolo="Pagamenti", unita_id=uid, responsabile_id=dir_id)))
    oid = arc.obiettivi()[0].id
    for nome, target, valore, solo in (("Fatture registrate", 100, 80, False),
                                       ("Ritardo medio dei pagamenti", 0, 15, True)):
        arc.apply(InsertRow(Indicatore(obiettivo_id=oid, descrizione=nome, solo_individuale=solo)))
        iid = arc.indicatori(oid)[-1].id
        arc.apply(InsertRow(Misura(indicatore_id=iid, anno=2025, target=Decimal(target),
                                   target_testo=str(target), valore=Decimal(valore), valore_testo=str(valore))))
    # the delay: lower is better, 15 days late against 0 → 0 %
    ritardo = arc.indicatori(oid)[-1]
    arc.apply(SetFields(Indicatore, ritardo.id, {"polarita": "decrescente"}))
    for pid in (dir_id, col_id):
        arc.apply(InsertRow(Assegnazione(obiettivo_id=oid, persona_id=pid, impegno=Decimal(100))))
    return arc, oid, dir_id, col_id


def test_out_of_the_organisational_percentage_and_sheet(tmp_path):
    arc, oid, _dir, _col = _plan(tmp_path)
    assert arc.percentuali(2025)[oid] == Decimal(80)        # the tree, the settore sheet
    assert arc.risultato_obiettivo(oid, 2025).perc == Decimal(80)
    assert arc.risultato_obiettivo(oid, 2025, individuale=True).perc == Decimal(40)
    snap, perc = data._indicatori_snap(arc, oid, 2025)
    assert [r.descrizione for r in snap] == ["Fatture registrate"] and perc == Decimal(80)


def test_counts_only_in_the_managers_own_valuation(tmp_path):
    arc, oid, dir_id, col_id = _plan(tmp_path)
    q = QuadroValutazioni(arc, 2025)
    assert q.perc_per(oid, dir_id) == Decimal(40)
    assert q.perc_per(oid, col_id) == Decimal(80)
    assert q.perc_per(oid, None) == Decimal(80)


def test_individual_valuation_rows_use_the_persons_own_percentage(tmp_path):
    arc, oid, dir_id, col_id = _plan(tmp_path)
    q = QuadroValutazioni(arc, 2025)
    riga_dir = q.persona(dir_id).righe_individuali[0][2]
    riga_col = q.persona(col_id).righe_individuali[0][2]
    assert (riga_dir.obiettivo_id, riga_dir.perc) == (oid, Decimal(40))
    assert (riga_col.obiettivo_id, riga_col.perc) == (oid, Decimal(80))
