"""Re-import never infers a deletion from an identifier problem (issue 11, points 2 and 3).

Unknown or repeated IDs are errors naming sheet, row and column; rows missing from a sheet are
only *proposed* for removal, when the sheet was read whole, and removed once the user confirms
their count; the CLI refuses imports with errors unless ``--forza`` and backs the plan up first.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import openpyxl
import pytest

from piaodesk.cli import main
from piaodesk.domain.model import Fase, Indicatore, Obiettivo
from piaodesk.exchange.reimport import diff_workbook
from piaodesk.store.archive import Archive
from piaodesk.store.edits import DeleteRow, InsertRow

from ._zipparts import rewrite_part, sheet_part
from .test_reimport_fast import _headers, exported  # noqa: F401 - a fixture


def _deletes(plan) -> list:
    return [e for e in [*plan.edits, *plan.rimozioni] if isinstance(e, DeleteRow)]


# ---------------------------------------------------------------------- identifiers


@pytest.mark.parametrize("sheet,bad", [("Obiettivi", "abc"), ("Obiettivi", 999999),
                                       ("Fasi", "abc"), ("Indicatori", 999999),
                                       ("Personale", "12a")])
def test_unknown_id_is_an_error_never_a_deletion(demo, exported, sheet, bad):
    wb = openpyxl.load_workbook(exported)
    ws = wb[sheet]
    col = _headers(ws)["ID"]
    row = 3
    old_id = ws.cell(row=row, column=col).value
    ws.cell(row=row, column=col).value = bad
    wb.save(exported)
    before = demo.counts()

    plan = diff_workbook(demo, exported)
    errs = [p for p in plan.problemi if p.tipo == "id_sconosciuto"]
    assert [(p.foglio, p.riga, p.colonna, p.gravita) for p in errs] == [(sheet, row, "ID", "errore")]
    assert str(bad) in errs[0].messaggio
    assert _deletes(plan) == [] and plan.mancanti == 0
    assert not any(isinstance(e, InsertRow) for e in plan.edits)  # not read as a new row either
    assert any(p.tipo == "rimozioni_sospese" for p in plan.problemi)
    plan.apply(demo)
    assert demo.counts() == before
    assert demo.get({"Obiettivi": Obiettivo, "Fasi": Fase, "Indicatori": Indicatore}.get(
        sheet, type(demo.persone()[0])), old_id) is not None


@pytest.mark.parametrize("sheet,bad", [("Unità", "abc"), ("Unità", 999999), ("Monitoraggi", 999999),
                                       ("Valutazioni", "abc"), ("Stati di avanzamento", 999999)])
def test_unknown_id_in_the_sheets_of_the_full_round_trip(demo, exported, sheet, bad):
    """The sheets issue-11c added read IDs the same way: an error on the row, nothing removed."""
    wb = openpyxl.load_workbook(exported)
    ws = wb[sheet]
    ws.cell(row=2, column=_headers(ws)["ID"]).value = bad
    wb.save(exported)
    before = demo.counts()
    plan = diff_workbook(demo, exported)
    errs = [p for p in plan.problemi if p.tipo == "id_sconosciuto"]
    assert [(p.foglio, p.riga, p.colonna) for p in errs] == [(sheet, 2, "ID")]
    assert _deletes(plan) == [] and plan.mancanti == 0
    assert not any(isinstance(e, InsertRow) for e in plan.edits)
    plan.apply(demo)
    assert demo.counts() == before


def test_repeated_id_is_an_error_and_deletes_no_other_row(demo, exported):
    """An ID pasted over another row's ID: the other row is not removed."""
    wb = openpyxl.load_workbook(exported)
    ws = wb["Indicatori"]
    col = _headers(ws)["ID"]
    first, overwritten = ws.cell(row=2, column=col).value, ws.cell(row=3, column=col).value
    ws.cell(row=3, column=col).value = first
    wb.save(exported)
    plan = diff_workbook(demo, exported)
    dup = [p for p in plan.problemi if p.tipo == "id_ripetuto"]
    assert [(p.foglio, p.riga, p.colonna, p.gravita) for p in dup] == [
        ("Indicatori", 3, "ID", "errore")]
    assert _deletes(plan) == [] and plan.mancanti == 0
    plan.apply(demo)
    assert demo.get(Indicatore, overwritten) is not None


def test_understated_dimension_does_not_hide_rows(demo, exported):
    """A <dimension> declaring 3 rows and 2 columns: every row and column is still read."""
    member = sheet_part(exported, "Obiettivi")
    rewrite_part(exported, exported, member, lambda xml: re.sub(rb'<dimension ref="[^"]*"\s*/>',
                                                                b'<dimension ref="A1:B3"/>', xml))
    with zipfile.ZipFile(exported) as z:
        assert b'<dimension ref="A1:B3"/>' in z.read(member)
    plan = diff_workbook(demo, exported)
    assert plan.differenze == [] and plan.edits == [] and plan.rimozioni == [], plan.report()


# ---------------------------------------------------------------------- confirmed removals


def _drop_rows(path: Path, sheet: str, n: int) -> list[int]:
    wb = openpyxl.load_workbook(path)
    ws = wb[sheet]
    ids = [ws.cell(row=ws.max_row - k, column=1).value for k in range(n)]
    ws.delete_rows(ws.max_row - n + 1, n)
    wb.save(path)
    return ids


def test_missing_rows_are_proposed_and_removed_only_with_the_count(demo, exported):
    gone = _drop_rows(exported, "Fasi", 2)
    plan = diff_workbook(demo, exported)
    assert plan.mancanti == 2 and plan.edits == []
    assert sorted(e.row_id for e in plan.rimozioni) == sorted(gone)
    plan.apply(demo)  # not confirmed: nothing removed
    assert all(demo.get(Fase, i) is not None for i in gone)
    plan.conferma_rimozioni(2)
    plan.apply(demo)
    assert all(demo.get(Fase, i) is None for i in gone)


def test_cli_removes_missing_rows_only_with_the_right_count(demo, exported, capsys):
    gone = _drop_rows(exported, "Fasi", 2)
    path = demo.path
    demo.close()
    assert main(["import", str(exported), "--into", str(path)]) == 0
    out = capsys.readouterr().out
    assert "--rimuovi-mancanti 2" in out and "Nessuna modifica da applicare" in out
    assert main(["import", str(exported), "--into", str(path), "--rimuovi-mancanti", "3"]) == 2
    assert "sono 2, non 3" in capsys.readouterr().err
    with Archive.open(path) as arc:
        assert all(arc.get(Fase, i) is not None for i in gone)
    assert main(["import", str(exported), "--into", str(path), "--rimuovi-mancanti", "2"]) == 0
    out = capsys.readouterr().out
    with Archive.open(path) as arc:
        assert all(arc.get(Fase, i) is None for i in gone)
    assert "annullabile dal programma" not in out
    assert f'piaodesk ripristina "{path}"' in out


# ---------------------------------------------------------------------- CLI: errors, backup


def test_cli_refuses_errors_unless_forza_and_backs_up_first(demo, exported, capsys):
    from piaodesk.store.backup import list_backups

    wb = openpyxl.load_workbook(exported)
    ws = wb["Obiettivi"]
    h = _headers(ws)
    ws.cell(row=2, column=h["ID"]).value = "abc"
    ws.cell(row=3, column=h["Titolo"]).value = "Titolo cambiato in Excel"
    oid = ws.cell(row=3, column=h["ID"]).value
    old_title = demo.obiettivo(oid).titolo
    wb.save(exported)
    path = demo.path
    demo.close()
    before = len(list_backups(path))

    assert main(["import", str(exported), "--into", str(path)]) == 2
    err = capsys.readouterr().err
    assert "1 errore nel file" in err and "--forza" in err and "non è stato modificato" in err
    with Archive.open(path) as arc:
        assert arc.obiettivo(oid).titolo == old_title
    assert len(list_backups(path)) == before  # refused: no copy either

    assert main(["import", str(exported), "--into", str(path), "--forza"]) == 0
    out = capsys.readouterr().out
    assert "annullabile dal programma" not in out and "piaodesk ripristina" in out
    with Archive.open(path) as arc:
        assert arc.obiettivo(oid).titolo == "Titolo cambiato in Excel"
    copies = list_backups(path)
    assert len(copies) == before + 1
    newest = max(copies, key=lambda b: b.quando)
    assert str(newest.path) in out
    with Archive.open(newest.path, readonly=True) as copy:  # the state before the import
        assert copy.obiettivo(oid).titolo == old_title


# ---------------------------------------------------------------------- protection


def test_export_protects_ids_and_lists_and_unlocks_editable_columns(exported):
    from openpyxl.utils import get_column_letter

    wb = openpyxl.load_workbook(exported)
    for name in ("Obiettivi", "Fasi", "Indicatori", "Personale", "Elenchi", "Info"):
        prot = wb[name].protection
        assert prot.sheet and prot.password is None, name
        assert not prot.insertRows and not prot.deleteRows and not prot.autoFilter  # allowed
    ws = wb["Obiettivi"]
    h = _headers(ws)
    assert ws.cell(row=1, column=h["Titolo"]).protection.locked  # header
    assert ws.cell(row=2, column=h["ID"]).protection.locked
    for lab in ("Codice", "Titolo", "Peso"):
        assert not ws.cell(row=2, column=h[lab]).protection.locked, lab
    fasi = wb["Fasi"]
    assert fasi.cell(row=2, column=_headers(fasi)["ID obiettivo"]).protection.locked
    assert not fasi.cell(row=2, column=_headers(fasi)["Descrizione fase"]).protection.locked
    # cells typed below the data use the column's format or the default one: both unlocked,
    # except under the ID column
    default = wb._cell_styles[0]
    assert not wb._protections[default.protectionId].locked
    id_col = ws.column_dimensions[get_column_letter(h["ID"])]._style
    assert wb._protections[id_col.protectionId].locked
    assert wb["Elenchi"]["A2"].protection.locked and wb["Info"]["A1"].protection.locked
