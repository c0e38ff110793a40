"""One name matcher (domain/nomi.py ``chiave_nome``): «Dott.ssa Maria Rossi» and «Rossi Maria»
are the same person on every path that matches names (store lookup, flat import, workbook
re-import), where three copies with different rules used to disagree."""

from __future__ import annotations

import re
from pathlib import Path

import openpyxl
import pytest

from piaodesk.domain.model import Obiettivo, Persona, PunteggioComportamento, ValutazioneIndividuale
from piaodesk.domain.nomi import chiave_nome
from piaodesk.exchange import common, flat, reimport
from piaodesk.exchange.readers import Tabella
from piaodesk.exchange.reimport import diff_workbook
from piaodesk.exchange.workbook import write_workbook
from piaodesk.store import archive as archive_mod
from piaodesk.store.archive import Archive
from piaodesk.store.edits import InsertRow

PIAODESK = Path(__file__).resolve().parents[2] / "piaodesk"


@pytest.mark.parametrize("other", ["Rossi Maria", "ROSSI MARIA", "Maria Rossi", "Dott.ssa Maria Rossi",
                                   "dott.ssa ROSSI-Maria", "Rossi Maria (eq)", "Sig.ra Maria Rossì"])
def test_key_ignores_titles_case_accents_punctuation_and_order(other):
    assert chiave_nome(other) == chiave_nome("Rossi Maria") == "maria rossi"


def test_key_keeps_names_apart():
    assert chiave_nome("Rossi Maria") != chiave_nome("Rossi Mario")
    assert chiave_nome("D'Angelo Anna") == chiave_nome("d angelo anna") != chiave_nome("Dangelo Anna")
    assert chiave_nome(None) == chiave_nome("") == chiave_nome("Dott.") == ""


def test_every_path_uses_the_one_matcher():
    # the store and both importers name the same function (no private copy to drift)
    assert archive_mod.chiave_nome is chiave_nome
    assert flat.chiave_nome is chiave_nome
    assert reimport.chiave_nome is chiave_nome
    copies = [str(p.relative_to(PIAODESK)) for p in PIAODESK.rglob("*.py")
              if re.search(r"^def _(name_key|col_letter|col|short|cut)\(", p.read_text(encoding="utf-8"), re.MULTILINE)]
    assert copies == [], f"copie locali di chiave_nome/column_letter/shorten: {copies}"


def test_store_lookup_matches_a_titled_name(empty_plan):
    arc = empty_plan
    pid = arc.allocate_id(Persona)
    arc.apply(InsertRow(Persona(id=pid, cognome="Rossi", nome="Maria")))
    assert arc.trova_persona("Dott.ssa Maria Rossi").id == pid
    assert arc.trova_persona("ROSSI-Maria").id == pid
    assert arc.trova_persona("Rossi Mario") is None


def test_flat_import_makes_one_person_of_both_spellings(empty_plan):
    arc = empty_plan
    head = ["Codice", "Obiettivo", "Responsabile", "Indicatore", "Tipo", "Baseline", "Target 2025"]
    rows = [head, ["OB1", "Primo", "Dott.ssa Maria Bianchi", "Pratiche", "NUMERO", "1", "2"],
            ["OB2", "Secondo", "Bianchi Maria", "Pratiche", "NUMERO", "1", "2"]]
    result = flat.import_flat(arc, Tabella("t.csv", list(enumerate(rows, start=1))))
    assert not result.bloccante, result.report()
    result.apply(arc)
    people = [p for p in arc.persone() if chiave_nome(p.nominativo) == "bianchi maria"]
    assert len(people) == 1, [p.nominativo for p in arc.persone()]
    leaders = {o.codice: o.responsabile_id for o in arc.select(Obiettivo)}
    assert leaders == {"OB1": people[0].id, "OB2": people[0].id}


def test_workbook_reimport_finds_a_valuation_by_a_titled_name(demo_path, tmp_path):
    out = tmp_path / "piano.xlsx"
    with Archive.open(demo_path) as arc:
        write_workbook(arc, out)
        greco = arc.trova_persona("GRECO ANTONIO")
        vid = next(v.id for v in arc.select(ValutazioneIndividuale) if v.persona_id == greco.id)
        before = {x.comportamento: x.punteggio for x in arc.select(PunteggioComportamento)
                  if x.valutazione_id == vid}
    wb = openpyxl.load_workbook(out)
    ws = wb["Comportamenti"]
    col = {c.value: c.column for c in ws[1] if c.value}
    rows = [r for r in range(2, ws.max_row + 1) if ws.cell(r, col["Persona"]).value == "GRECO ANTONIO"]
    assert rows
    for r, score in zip(rows, (24, 27.5, 21, 30), strict=False):
        # a row referring to its valuation by person and year only, the name written with a title
        ws.cell(r, col["ID valutazione"]).value = None
        ws.cell(r, col["Persona"]).value = "Dott. Antonio Greco"
        ws.cell(r, col["Punteggio"]).value = score
    edited = tmp_path / "compilato.xlsx"
    wb.save(edited)
    with Archive.open(demo_path) as arc:
        plan = diff_workbook(arc, edited)
        lost = [p for p in plan.problemi if getattr(p, "tipo", "") == "valutazione_sconosciuta"]
        assert not lost, plan.report()
        assert not plan.bloccante, plan.report()
        plan.apply(arc)
        after = {x.comportamento: x.punteggio for x in arc.select(PunteggioComportamento)
                 if x.valutazione_id == vid}
    assert after != before and len([v for v in after.values() if v is not None]) == len(rows[:4])


def test_column_letter_and_shorten():
    assert [common.column_letter(i) for i in (0, 25, 26, 27, 701, 702)] == ["A", "Z", "AA", "AB", "ZZ", "AAA"]
    assert common.shorten(None) == ""
    assert common.shorten("a\nb") == "a b"
    assert common.shorten("x" * 80, 10) == "x" * 9 + "…"
    assert len(common.shorten("y" * 80)) == 50
