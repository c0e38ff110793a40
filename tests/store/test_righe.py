"""The store's row writer (issue 13 §3): edits go through ``Archive.rows`` only, a measure's
text and number stay in step (also when the indicator's tipo changes), a restored backup
refreshes the % cache, and every writer that knows the owning objectives names them."""

from __future__ import annotations

import ast
from datetime import date
from decimal import Decimal
from pathlib import Path

from piaodesk.domain.enums import TipoIndicatore
from piaodesk.domain.model import (
    Fase,
    Indicatore,
    Misura,
    Monitoraggio,
    Obiettivo,
    Persona,
)
from piaodesk.store import backup as backups
from piaodesk.store import edits as edits_module
from piaodesk.store import monitoraggio as mon
from piaodesk.store.archive import Archive, _PercState
from piaodesk.store.edits import Batch, DeleteRow, InsertRow, MoveObiettivo, SetFields
from piaodesk.store.misure import numeri_misura, scrivi_misura


def _plan(tmp_path: Path) -> tuple[Archive, int, int]:
    from piaodesk.domain.model import Piano

    arc = Archive.create(tmp_path / "p.piao", Piano(titolo="Prova", anno_inizio=2025, anno_fine=2027))
    root = InsertRow(Obiettivo(codice="OB1", titolo="Radice"))
    arc.apply(root)
    leaf = InsertRow(Obiettivo(codice="OB1.1", titolo="Foglia", parent_id=root.row_id))
    arc.apply(leaf)
    ind = InsertRow(Indicatore(obiettivo_id=leaf.row_id, descrizione="Servizio attivato"))
    arc.apply(ind)
    # typed as "SI" while the indicator was still numeric: kept as text, no number
    arc.apply(InsertRow(Misura(indicatore_id=ind.row_id, anno=2025, target_testo="SI", valore_testo="SI")))
    return arc, leaf.row_id, ind.row_id  # type: ignore[return-value]


def test_edits_use_no_private_archive_member_and_do_not_import_the_archive():
    source = Path(edits_module.__file__).read_text(encoding="utf-8")
    tree = ast.parse(source)
    private = [n.attr for n in ast.walk(tree) if isinstance(n, ast.Attribute)
               and isinstance(n.value, ast.Name) and n.value.id == "archive" and n.attr.startswith("_")]
    assert private == []
    imported = {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
    assert "archive" not in imported and "piaodesk.store.archive" not in imported


def test_changing_the_tipo_reparses_the_stored_numbers_and_undo_restores_them(tmp_path):
    arc, leaf, iid = _plan(tmp_path)
    (m,) = arc.misure([iid])
    assert m.target is None and m.valore is None
    assert arc.percentuali(2025)[leaf] is None  # "n.c."
    edit = SetFields(Indicatore, iid, {"tipo": TipoIndicatore.SI_NO})
    ch = arc.apply(edit)
    (m,) = arc.misure([iid])
    assert (m.target, m.valore) == (Decimal(1), Decimal(1))
    assert ch.updated["misure"][m.id] == {"target", "valore"}
    assert arc.percentuali(2025)[leaf] == Decimal(100)
    assert arc.percentuali(2025) == _PercState(arc, 2025).final
    arc.revert(edit)
    (m,) = arc.misure([iid])
    assert (m.target, m.valore) == (None, None)
    assert arc.percentuali(2025)[leaf] is None
    arc.close()


def test_one_function_writes_a_measure_text_and_number_together(tmp_path):
    arc, _leaf, iid = _plan(tmp_path)
    assert numeri_misura(" 4 su 8 ", TipoIndicatore.RAPPORTO) == ("4 su 8", Decimal(50))
    assert numeri_misura("", TipoIndicatore.NUMERO) == (None, None)
    arc.apply(scrivi_misura(arc, iid, 2025, valore_testo="no"))
    arc.apply(SetFields(Indicatore, iid, {"tipo": TipoIndicatore.SI_NO}))
    arc.apply(scrivi_misura(arc, iid, 2025, valore_testo="no"))
    (m,) = arc.misure([iid])
    assert (m.valore_testo, m.valore, m.target_testo, m.target) == ("no", Decimal(0), "SI", Decimal(1))
    arc.apply(scrivi_misura(arc, iid, 2026, target_testo="sì"))
    m26 = next(x for x in arc.misure([iid]) if x.anno == 2026)
    assert (m26.target_testo, m26.target) == ("sì", Decimal(1))
    arc.close()


def test_restoring_a_backup_refreshes_the_percent_cache(tmp_path):
    arc, leaf, iid = _plan(tmp_path)
    (m,) = arc.misure([iid])
    arc.apply(SetFields(Misura, m.id, {"target_testo": "95", "target": Decimal(95),
                                       "valore_testo": "92", "valore": Decimal(92)}))
    before = arc.percentuali(2025)[leaf]
    assert before is not None
    copy = backups.make_backup(arc.path, "manuale")
    arc.apply(SetFields(Misura, m.id, {"valore_testo": "95", "valore": Decimal(95)}))
    changed = arc.percentuali(2025)[leaf]
    assert changed != before
    generation = arc.generation
    backups.restore(arc, copy)
    assert arc.percentuali(2025)[leaf] == before  # not the replaced content's figure
    assert arc.percentuali(2025) == _PercState(arc, 2025).final
    assert arc.generation > generation  # a % computed meanwhile in a worker is not adopted
    arc.close()


def test_content_replaced_is_the_explicit_reset(tmp_path):
    arc, _leaf, _iid = _plan(tmp_path)
    arc.percentuali(2025)
    ch = arc.contenuto_sostituito()
    assert ch.reset and not arc.percentuali_pronte(2025)
    arc.close()


def test_writers_name_the_owning_objectives(tmp_path):
    arc, leaf, iid = _plan(tmp_path)
    (m,) = arc.misure([iid])
    assert arc.apply(SetFields(Misura, m.id, {"valore_testo": "3"})).owners == {leaf}
    assert arc.apply(SetFields(Obiettivo, leaf, {"titolo": "Nuovo titolo"})).owners == {leaf}
    ins = InsertRow(Misura(indicatore_id=iid, anno=2026, valore_testo="1"))
    assert arc.apply(ins).owners == {leaf}
    assert arc.revert(ins).owners == {leaf}
    fase = InsertRow(Fase(obiettivo_id=leaf, descrizione="Fase"))
    assert arc.apply(fase).owners == {leaf}
    delete = DeleteRow(Indicatore, iid)
    ch = arc.apply(delete)
    assert ch.owners == {leaf} and m.id in ch.deleted["misure"]
    assert arc.revert(delete).owners == {leaf}
    root = arc.obiettivo(leaf).parent_id
    move = MoveObiettivo(leaf, None, 0)
    assert leaf in arc.apply(move).owners
    assert leaf in arc.revert(move).owners
    p = InsertRow(Persona(cognome="Rossi", nome="Anna"))
    arc.apply(p)
    arc.apply(SetFields(Obiettivo, root, {"responsabile_id": p.row_id}))
    ch = arc.apply(DeleteRow(Persona, p.row_id))  # the objective's reference is set to NULL
    assert ch.owners == {root}
    b = Batch([SetFields(Obiettivo, leaf, {"titolo": "A"}), SetFields(Obiettivo, root, {"titolo": "B"})], "Due")
    assert arc.apply(b).owners == {leaf, root}
    arc.close()


def test_monitoring_round_writers_name_the_owners(tmp_path):
    arc, leaf, _iid = _plan(tmp_path)
    mid = arc.allocate_id(Monitoraggio)
    arc.apply(InsertRow(Monitoraggio(id=mid, nome="Giugno", data=date(2025, 6, 30), anno=2025)))
    edit = mon.rileva(arc, mid)
    ch = arc.apply(edit)
    root = arc.obiettivo(leaf).parent_id
    assert {leaf, root} <= ch.owners
    assert {leaf, root} <= arc.revert(edit).owners
    arc.close()


def test_rileva_with_the_callers_round_writes_the_same_snapshot(tmp_path):
    arc, leaf, iid = _plan(tmp_path)
    (m,) = arc.misure([iid])
    arc.apply(SetFields(Misura, m.id, {"target_testo": "95", "target": Decimal(95),
                                       "valore_testo": "92", "valore": Decimal(92)}))
    arc.apply(InsertRow(Fase(obiettivo_id=leaf, descrizione="Fase", perc_realizzazione=Decimal(50))))
    mid = arc.allocate_id(Monitoraggio)
    arc.apply(InsertRow(Monitoraggio(id=mid, nome="Giugno", data=date(2025, 6, 30), anno=2025)))

    def snapshot(edit):
        arc.apply(edit)
        rows = ([(r.indicatore_id, r.target, r.valore, r.valore_testo) for r in arc.rilevazioni(mid)],
                sorted((s.obiettivo_id, s.perc_calcolata) for s in arc.select(
                    mon.StatoAvanzamento, "monitoraggio_id = ?", (mid,))))
        arc.revert(edit)
        return rows

    plain = snapshot(mon.rileva(arc, mid))
    assert plain[0] == [(iid, Decimal(95), Decimal(92), "92")]
    assert dict(plain[1])[leaf] is not None
    assert snapshot(mon.rileva(arc, mid, rnd=mon.leggi_round(arc, mid))) == plain
    arc.close()
