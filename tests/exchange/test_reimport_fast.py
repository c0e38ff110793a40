"""Re-import at scale: unchanged rows are recognised by ID, the result is the full comparison's."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import openpyxl
import pytest

from piaodesk.domain.model import Obiettivo
from piaodesk.exchange import reimport
from piaodesk.exchange.reimport import diff_workbook
from piaodesk.exchange.workbook import write_workbook


@pytest.fixture
def exported(demo, tmp_path: Path) -> Path:
    out = tmp_path / "piano.xlsx"
    write_workbook(demo, out)
    return out


def _headers(ws) -> dict[str, int]:
    return {c.value: c.column for c in ws[1] if c.value}


def _row_of(ws, col_label: str, value) -> int:
    col = _headers(ws)[col_label]
    return next(r for r in range(2, ws.max_row + 1) if ws.cell(row=r, column=col).value == value)


def _spy_sheets(monkeypatch) -> dict[str, tuple[int, int]]:
    """Sheet name → (rows recognised as unchanged, rows compared field by field)."""
    seen: dict[str, tuple[int, int]] = {}
    original = reimport._Diff._read_sheet

    def spy(self, ws, spec, *args, **kw):
        sh = original(self, ws, spec, *args, **kw)
        seen[spec.name] = (len(sh.fast), len(sh.rows))
        return sh

    monkeypatch.setattr(reimport._Diff, "_read_sheet", spy)
    return seen


def test_untouched_export_is_recognised_row_by_row_without_parsing(demo, exported, monkeypatch):
    seen = _spy_sheets(monkeypatch)
    plan = diff_workbook(demo, exported)
    assert plan.edits == [] and plan.differenze == [] and plan.problemi == []
    assert seen["Obiettivi"] == (demo.count(Obiettivo), 0)
    assert all(slow == 0 for _fast, slow in seen.values()), seen
    assert sum(fast for fast, _slow in seen.values()) > 500


def test_full_comparison_agrees_when_nothing_is_recognised(demo, exported, monkeypatch):
    """With the shortcut disabled every row is parsed and compared: still no difference."""
    monkeypatch.setattr(reimport._Diff, "_expect",
                        lambda self, col, misure_by: (lambda obj: object()))
    seen = _spy_sheets(monkeypatch)
    plan = diff_workbook(demo, exported)
    assert seen["Obiettivi"] == (0, demo.count(Obiettivo))
    assert plan.differenze == [] and plan.edits == []
    assert [p for p in plan.problemi if p.gravita != "info"] == []


def test_saved_by_excel_like_writer_one_edit_one_row_compared(demo, exported, monkeypatch):
    """A file re-saved by a full writer (shared strings, other number text) still matches."""
    wb = openpyxl.load_workbook(exported)
    ws = wb["Fasi"]
    h = _headers(ws)
    fid = ws.cell(row=3, column=h["ID"]).value
    ws.cell(row=3, column=h["Note"]).value = "nota aggiunta in Excel"
    wb.save(exported)
    seen = _spy_sheets(monkeypatch)
    plan = diff_workbook(demo, exported)
    assert seen["Fasi"][1] == 1  # only the edited row is parsed
    assert [(d.tipo, d.foglio, d.campi) for d in plan.differenze] == [
        ("modifica", "Fasi", [("Note", "", "nota aggiunta in Excel")])]
    assert len(plan.edits) == 1 and plan.edits[0].row_id == fid


def test_repeated_id_first_row_wins_even_when_the_second_is_unchanged(demo, exported):
    wb = openpyxl.load_workbook(exported)
    ws = wb["Obiettivi"]
    h = _headers(ws)
    r = _row_of(ws, "Codice", "PC.1")
    original = [c.value for c in ws[r]]
    ws.cell(row=r, column=h["Titolo"]).value = "Titolo cambiato"
    ws.append(original)  # the untouched copy comes second
    wb.save(exported)
    plan = diff_workbook(demo, exported)
    assert [(d.chiave, d.campi[0][2]) for d in plan.differenze] == [("PC.1", "Titolo cambiato")]
    dup = [p for p in plan.problemi if p.tipo == "id_ripetuto"]
    assert [p.riga for p in dup] == [ws.max_row]


def test_date_in_id_column_is_a_problem_not_a_crash(demo, exported):
    wb = openpyxl.load_workbook(exported)
    ws = wb["Obiettivi"]
    ws.cell(row=2, column=1).value = datetime(2025, 3, 1)
    wb.save(exported)
    plan = diff_workbook(demo, exported)
    assert any(p.foglio == "Obiettivi" and p.riga == 2 and p.colonna == "ID" for p in plan.problemi)


def test_formula_error_in_an_exported_row_is_reported(demo, exported):
    wb = openpyxl.load_workbook(exported)
    ws = wb["Obiettivi"]
    h = _headers(ws)
    r = _row_of(ws, "Codice", "TS.1")
    ws.cell(row=r, column=h["Note"]).value = "#DIV/0!"
    wb.save(exported)
    plan = diff_workbook(demo, exported)
    errs = [p for p in plan.problemi if p.tipo == "errore_formula"]
    assert [(e.foglio, e.riga) for e in errs] == [("Obiettivi", r)]
