"""Export → Excel edit → re-import: differences, one undoable batch, bad cells."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from piaodesk.domain.model import Fase, Indicatore, Misura, Obiettivo, Persona
from piaodesk.exchange.common import ExchangeError
from piaodesk.exchange.reimport import diff_workbook, is_piaodesk_workbook
from piaodesk.exchange.workbook import write_template, write_workbook


def _headers(ws) -> dict[str, int]:
    return {c.value: c.column for c in ws[1] if c.value}


def _find_row(ws, col_label: str, value) -> int:
    col = _headers(ws)[col_label]
    for r in range(2, ws.max_row + 1):
        if ws.cell(row=r, column=col).value == value:
            return r
    raise AssertionError(f"{value!r} not found in {ws.title}")


@pytest.fixture
def exported(demo, tmp_path: Path) -> Path:
    out = tmp_path / "piano.xlsx"
    write_workbook(demo, out)
    return out


def test_export_is_readable_and_typed(demo, exported: Path):
    wb = openpyxl.load_workbook(exported)
    assert {"Istruzioni", "Obiettivi", "Fasi", "Indicatori", "Misure periodiche", "Personale",
            "Assegnazioni", "Risorse"} <= set(wb.sheetnames)
    assert wb["Info"].sheet_state == "hidden"
    ws = wb["Obiettivi"]
    assert ws.freeze_panes == "B2"
    h = _headers(ws)
    assert list(h)[:6] == ["ID", "Codice", "Codice padre", "Ramo", "Livello", "Titolo"]
    # 51 objectives of the demo, one row each, with the stable id
    assert ws.max_row - 1 == demo.count(Obiettivo)
    r = _find_row(ws, "Codice", "TS.1")
    peso = ws.cell(row=r, column=h["Peso"])
    assert peso.value == pytest.approx(0.1) and peso.number_format == "0.00%"
    assert ws.cell(row=r, column=h["Ramo"]).value == "Obiettivi"  # enum label
    # drop-down lists for the enumerations
    sqrefs = {str(dv.sqref).split(":")[0]: dv.formula1 for dv in ws.data_validations.dataValidation}
    from openpyxl.utils import get_column_letter
    assert "Elenchi" in sqrefs[f"{get_column_letter(h['Ramo'])}2"]
    # dates are real dates with the Italian format
    fasi = wb["Fasi"]
    hf = _headers(fasi)
    dated = [fasi.cell(row=r, column=hf["Scadenza"]) for r in range(2, fasi.max_row + 1)]
    dated = [c for c in dated if c.value is not None]
    assert dated and all(isinstance(c.value, datetime) for c in dated)
    assert all(c.number_format == "DD/MM/YYYY" for c in dated)
    # indicators carry one Target/Valore pair per year of the plan
    hi = _headers(wb["Indicatori"])
    assert {"Target 2025", "Valore 2025", "Target 2027"} <= set(hi)
    assert wb["Indicatori"].max_row - 1 == demo.count(Indicatore)


def test_round_trip_has_no_differences(demo, exported: Path):
    assert is_piaodesk_workbook(exported)
    plan = diff_workbook(demo, exported)
    assert plan.differenze == []
    assert plan.edits == []
    assert [p for p in plan.problemi if p.gravita != "info"] == []
    assert "Nessuna differenza" in plan.report()


def test_one_cell_edit_is_exactly_one_change_then_accept_and_undo(demo, exported: Path):
    wb = openpyxl.load_workbook(exported)
    ws = wb["Obiettivi"]
    h = _headers(ws)
    r = _find_row(ws, "Codice", "PC.1")
    old_title = ws.cell(row=r, column=h["Titolo"]).value
    ws.cell(row=r, column=h["Titolo"]).value = "Convenzioni con le associazioni (rivisto)"
    wb.save(exported)

    plan = diff_workbook(demo, exported)
    assert len(plan.differenze) == 1
    d = plan.differenze[0]
    assert (d.tipo, d.foglio, d.chiave) == ("modifica", "Obiettivi", "PC.1")
    assert d.campi == [("Titolo", old_title, "Convenzioni con le associazioni (rivisto)")]
    assert len(plan.edits) == 1

    oid = next(o.id for o in demo.obiettivi() if o.codice == "PC.1")
    before = demo.counts()
    batch, _ = plan.apply(demo)  # accept
    assert demo.obiettivo(oid).titolo == "Convenzioni con le associazioni (rivisto)"
    assert diff_workbook(demo, exported).differenze == []  # the plan now matches the file
    demo.revert(batch)  # undo
    assert demo.obiettivo(oid).titolo == old_title
    assert demo.counts() == before


def test_add_change_remove_rows(demo, exported: Path):
    wb = openpyxl.load_workbook(exported)
    # change a weight (percentage cell), a date and a target
    ws = wb["Obiettivi"]
    h = _headers(ws)
    r = _find_row(ws, "Codice", "TS.2")
    ws.cell(row=r, column=h["Peso"]).value = 0.4
    fasi = wb["Fasi"]
    hf = _headers(fasi)
    fase_id = fasi.cell(row=2, column=hf["ID"]).value
    fasi.cell(row=2, column=hf["Scadenza"]).value = datetime(2025, 11, 30)
    ind = wb["Indicatori"]
    hi = _headers(ind)
    ind_id = ind.cell(row=2, column=hi["ID"]).value
    ind.cell(row=2, column=hi["Valore 2025"]).value = 7
    # a new objective under TS.2 with a new phase
    ws.append([None, "TS.2.1", "TS.2", "Obiettivi", "Obiettivo specifico", "Nuovo sotto-obiettivo"])
    fasi.append([None, None, "TS.2.1", "Prima fase del nuovo obiettivo", datetime(2025, 6, 30)])
    # remove the last assignment row
    asg = wb["Assegnazioni"]
    removed_id = asg.cell(row=asg.max_row, column=1).value
    asg.delete_rows(asg.max_row)
    wb.save(exported)

    plan = diff_workbook(demo, exported)
    kinds = plan.conta_differenze()
    assert kinds == {"modifica": 3, "aggiunta": 2, "rimozione": 1}, plan.report()
    # the missing row is only proposed: removed once the user confirms the count
    assert plan.mancanti == 1 and len(plan.rimozioni) == 1
    assert not any(type(e).__name__ == "DeleteRow" for e in plan.edits)
    with pytest.raises(ExchangeError, match="sono 1, non 2"):
        plan.conferma_rimozioni(2)
    plan.conferma_rimozioni(1)
    batch, _ = plan.apply(demo)
    ts2 = next(o for o in demo.obiettivi() if o.codice == "TS.2")
    assert ts2.peso == Decimal("40")
    assert demo.get(Fase, fase_id).scadenza == date(2025, 11, 30)
    m = next(x for x in demo.misure([ind_id]) if x.anno == 2025 and x.periodo == "")
    assert m.valore == Decimal(7) and m.valore_testo == "7"
    new = next(o for o in demo.obiettivi() if o.codice == "TS.2.1")
    assert new.parent_id == ts2.id and new.titolo == "Nuovo sotto-obiettivo"
    assert [f.descrizione for f in demo.fasi(new.id)] == ["Prima fase del nuovo obiettivo"]
    assert demo.get(type(demo.assegnazioni()[0]), removed_id) is None
    assert diff_workbook(demo, exported).differenze == []
    demo.revert(batch)
    assert all(o.codice != "TS.2.1" for o in demo.obiettivi())
    assert demo.get(type(demo.assegnazioni()[0]), removed_id) is not None


def test_bad_cells_are_reported_and_skipped(demo, exported: Path):
    wb = openpyxl.load_workbook(exported)
    ws = wb["Obiettivi"]
    h = _headers(ws)
    r = _find_row(ws, "Codice", "TS.1")
    ws.cell(row=r, column=h["Fine prevista"]).value = "domani"
    ws.cell(row=r, column=h["Ramo"]).value = "Qualcosa"
    ws.cell(row=r, column=h["Responsabile"]).value = "Persona Inesistente"
    ws.cell(row=r, column=h["Note"]).value = "=1/0"  # formula: no cached value → empty
    wb.save(exported)
    plan = diff_workbook(demo, exported)
    msgs = [p.testo() for p in plan.problemi]
    assert any("domani" in m and f"riga {r}" in m and "Fine prevista" in m for m in msgs), msgs
    assert any("Qualcosa" in m and "non è ammesso" in m for m in msgs)
    assert any("Persona Inesistente" in m for m in msgs)
    assert all(not isinstance(e, type(None)) for e in plan.edits)
    assert plan.differenze == []  # nothing else changed


def test_settore_export_only_removes_what_it_exported(demo, tmp_path: Path):
    out = tmp_path / "settore.xlsx"
    counts = write_workbook(demo, out, settore="SETTORE POLIZIA LOCALE")
    assert counts["Obiettivi"] == 4  # PL.1, PL.2 and the shared TS.1, TS.2
    wb = openpyxl.load_workbook(out)
    ws = wb["Obiettivi"]
    codes = {ws.cell(row=r, column=2).value for r in range(2, ws.max_row + 1)}
    assert codes == {"PL.1", "PL.2", "TS.1", "TS.2"}
    plan = diff_workbook(demo, out)
    assert plan.differenze == []  # objectives of the other settori are not "removed"
    with pytest.raises(ExchangeError, match="Settore «Inesistente» non trovato"):
        write_workbook(demo, tmp_path / "x.xlsx", settore="Inesistente")


def test_template_is_empty_with_instructions_and_imports_into_empty_plan(empty_plan, tmp_path):
    out = tmp_path / "modello.xlsx"
    write_template(out, [2025, 2026, 2027])
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames[0] == "Istruzioni"
    text = " ".join(str(c.value) for row in wb["Istruzioni"].iter_rows() for c in row if c.value)
    assert "Colonna ID" in text and "31/12/2025" in text
    assert wb["Obiettivi"].max_row == 1 and wb["Obiettivi"]["A1"].value == "ID"
    assert wb["Obiettivi"].data_validations.dataValidation  # drop-downs even when empty
    # a manager fills it in from zero
    wb["Personale"].append([None, "Rossi", "Maria", "dott.ssa"])
    wb["Obiettivi"].append([None, "OB.1", None, "Obiettivi", "Obiettivo operativo/esecutivo",
                            "Digitalizzare il protocollo", None, None, "Rossi Maria", 60])  # 60 = 60 %
    wb["Indicatori"].append([None, None, "OB.1", None, "Documenti protocollati digitalmente",
                             None, None, "Percentuale", "%", "Crescente (più è meglio)", None, 40,
                             2024, None, None, None, None, 60, None, 70])
    wb.save(out)
    plan = diff_workbook(empty_plan, out)
    assert plan.conta_differenze() == {"aggiunta": 3}, plan.report()
    plan.apply(empty_plan)
    ob = empty_plan.obiettivi()[0]
    assert (ob.codice, ob.peso) == ("OB.1", Decimal("60"))
    assert empty_plan.get(Persona, ob.responsabile_id).cognome == "Rossi"
    ind = empty_plan.indicatori(ob.id)[0]
    assert ind.baseline == Decimal(40)
    ms = {(m.anno, m.target) for m in empty_plan.misure([ind.id])}
    assert ms == {(2025, Decimal(60)), (2026, Decimal(70))}
    assert isinstance(empty_plan.misure([ind.id])[0], Misura)


def test_active_sheet_is_visible_and_helpers_last(exported: Path):
    wb = openpyxl.load_workbook(exported)
    assert wb.active.title == "Obiettivi" and wb.active.sheet_state == "visible"
    assert wb.sheetnames[-2:] in (["Info", "Elenchi"], ["Elenchi", "Info"])
    assert all(wb[n].sheet_state == "hidden" for n in ("Info", "Elenchi"))
