"""Issue 14 point 2: the workbook import checks values with the same rules as the grids
(piaodesk/domain/validazione.py): weights and percentages 0–100, hours 0–60, years
2000–2100, dates with a plausible year. A refused value is a problem on its row and column
and the field is not changed."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from piaodesk.domain.model import Fase, Indicatore, Obiettivo, Persona
from piaodesk.exchange.reimport import diff_workbook
from piaodesk.exchange.workbook import label, write_workbook


@pytest.fixture
def exported(demo, tmp_path: Path) -> Path:
    out = tmp_path / "piano.xlsx"
    write_workbook(demo, out)
    return out


def _headers(ws) -> dict[str, int]:
    return {c.value: c.column for c in ws[1] if c.value}


CASES = [
    ("Obiettivi", Obiettivo, "peso", -50, "tra 0 e 100"),
    ("Obiettivi", Obiettivo, "peso", "10000000000000000000000", "tra 0 e 100"),
    ("Fasi", Fase, "perc_realizzazione", -200, "tra 0 e 100"),
    ("Personale", Persona, "ore_settimanali", -36, "tra 0 e 60"),
    ("Indicatori", Indicatore, "anno_baseline", 99999, "tra 2000 e 2100"),
    ("Fasi", Fase, "scadenza", "01/01/0001", "tra 1900 e 2100"),
    ("Obiettivi", Obiettivo, "fine_prevista", "01/01/0001", "tra 1900 e 2100"),
]


@pytest.mark.parametrize("sheet,cls,key,bad,said", CASES)
def test_out_of_range_values_are_refused_by_the_import(demo, exported, sheet, cls, key, bad, said):
    wb = openpyxl.load_workbook(exported)
    ws = wb[sheet]
    heads = _headers(ws)
    col = heads[label(cls, key)]
    row = 2
    rid = ws.cell(row=row, column=heads["ID"]).value
    old = getattr(demo.get(cls, rid), key)
    ws.cell(row=row, column=col).value = bad
    wb.save(exported)

    plan = diff_workbook(demo, exported)
    found = [p for p in plan.problemi if p.foglio == sheet and p.riga == row
             and p.colonna == label(cls, key)]
    assert len(found) == 1, [p.messaggio for p in plan.problemi]
    assert said in found[0].messaggio and "non è stato cambiato" in found[0].messaggio
    plan.apply(demo)
    assert getattr(demo.get(cls, rid), key) == old


def test_a_huge_number_never_empties_the_field(demo, exported):
    """10^20 as a number: the reader reports it (an error) and the weight is not changed."""
    wb = openpyxl.load_workbook(exported)
    ws = wb["Obiettivi"]
    heads = _headers(ws)
    rid = ws.cell(row=2, column=heads["ID"]).value
    old = demo.get(Obiettivo, rid).peso
    assert old is not None
    ws.cell(row=2, column=heads[label(Obiettivo, "peso")]).value = 10**20
    wb.save(exported)
    plan = diff_workbook(demo, exported)
    assert [p for p in plan.problemi if p.foglio == "Obiettivi" and p.riga == 2]
    plan.apply(demo)
    assert demo.get(Obiettivo, rid).peso == old


def test_values_in_range_still_import(demo, exported):
    wb = openpyxl.load_workbook(exported)
    ws = wb["Personale"]
    heads = _headers(ws)
    rid = ws.cell(row=2, column=heads["ID"]).value
    ws.cell(row=2, column=heads[label(Persona, "ore_settimanali")]).value = 30
    wb.save(exported)
    plan = diff_workbook(demo, exported)
    assert not [p for p in plan.problemi if p.colonna == label(Persona, "ore_settimanali")]
    plan.apply(demo)
    assert demo.get(Persona, rid).ore_settimanali == 30
