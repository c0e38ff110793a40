"""Bad files give a clear Italian message and leave the plan untouched; CSV dialects."""

from __future__ import annotations

import zipfile
from pathlib import Path

import openpyxl
import pytest

from piaodesk.cli import main
from piaodesk.domain.model import Indicatore, Obiettivo
from piaodesk.exchange import common as exchange_common
from piaodesk.exchange import prepare_import
from piaodesk.exchange.common import ExchangeError
from piaodesk.exchange.readers import read_table

HEADER = ["Codice", "Obiettivo", "Responsabile", "Indicatore", "Tipo", "Fonte", "Baseline",
          "Target 2025", "Target 2026", "Target 2027"]
ROWS = [
    ["1.1", "Qualità dei servizi demografici", "Dott.ssa Anna Bianchi",
     "Tempo medio di rilascio certificati", "NUMERO", "Anagrafe", "5 giorni", "4 giorni",
     "3 giorni", "3 giorni"],
    ["", "", "", "Pratiche evase entro 30 giorni", "PERCENTUALE", "Protocollo", "85,5", "90",
     "92,5", "95"],
    ["1.2", "Partecipazione", "", "Assemblee pubbliche (città più vivibile)", "S/NO", "Atti",
     "NO", "SI", "SI", "SI"],
]


def _csv(path: Path, sep: str, encoding: str) -> Path:
    lines = [sep.join(HEADER)] + [sep.join(r) for r in ROWS]
    if sep == ",":  # decimal commas must be quoted in a comma-separated file
        lines = [sep.join(HEADER)] + [sep.join(f'"{c}"' for c in r) for r in ROWS]
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode(encoding))
    return path


@pytest.mark.parametrize("sep,encoding,suffix", [
    (";", "utf-8", ".csv"), (";", "cp1252", ".csv"), (",", "utf-8-sig", ".csv"),
    (",", "cp1252", ".csv"), ("\t", "utf-8", ".txt"), ("\t", "cp1252", ".txt"),
])
def test_csv_dialects_and_encodings(empty_plan, tmp_path, sep, encoding, suffix):
    path = _csv(tmp_path / f"tabella{suffix}", sep, encoding)
    tab = read_table(path)
    expected_enc = "Windows-1252" if encoding == "cp1252" else "UTF-8"
    assert tab.codifica == expected_enc
    assert tab.separatore == {";": "punto e virgola", ",": "virgola", "\t": "tabulazione"}[sep]
    plan = prepare_import(empty_plan, path)
    assert plan.mappatura_origine == "riconosciuta dalle intestazioni"
    assert plan.anni == [2025, 2026, 2027]
    assert plan.riepilogo["Indicatori"] == 3 and plan.riepilogo["Obiettivi nuovi"] == 2
    plan.apply(empty_plan)
    obs = {o.codice: o for o in empty_plan.obiettivi()}
    assert obs["1.1"].titolo == "Qualità dei servizi demografici"  # accents survive both encodings
    inds = empty_plan.indicatori(obs["1.1"].id)
    assert [i.descrizione for i in inds][1] == "Pratiche evase entro 30 giorni"
    assert inds[1].baseline == pytest.approx(85.5)
    ms = {m.anno: m.target for m in empty_plan.misure([inds[1].id])}
    assert ms == {2025: 90, 2026: pytest.approx(92.5), 2027: 95}
    assert empty_plan.trova_persona("Anna Bianchi") is not None


def test_user_mapping_and_remembered_mapping(empty_plan, tmp_path):
    # no header: the user says where the fields are (0-based columns)
    path = tmp_path / "senza.csv"
    path.write_text("\n".join(";".join(r) for r in ROWS) + "\n", encoding="utf-8")
    mapping = {"codice": 0, "titolo": 1, "responsabile": 2, "indicatore": 3, "tipo": 4,
               "fonte": 5, "baseline": 6, "target1": 7, "target2": 8, "target3": 9}
    plan = prepare_import(empty_plan, path, mapping=mapping)
    assert plan.riepilogo["Indicatori"] == 3
    plan.apply(empty_plan)
    # next time, the same file is read with the remembered mapping
    again = prepare_import(empty_plan, path)
    assert again.mappatura == mapping and again.mappatura_origine == "ricordata dal piano"


def _assert_refused(plan_arc, path: Path, match: str, capsys=None):
    before = plan_arc.counts()
    with pytest.raises(ExchangeError, match=match):
        prepare_import(plan_arc, path)
    assert plan_arc.counts() == before


def test_not_a_workbook(empty_plan, tmp_path):
    p = tmp_path / "finto.xlsx"
    p.write_text("questo non è un file excel", encoding="utf-8")
    _assert_refused(empty_plan, p, "non è una cartella di lavoro Excel valida")
    z = tmp_path / "zip.xlsx"
    with zipfile.ZipFile(z, "w") as zf:
        zf.writestr("ciao.txt", "niente")
    _assert_refused(empty_plan, z, "non è una cartella di lavoro Excel valida")


def test_password_protected_workbook(empty_plan, tmp_path):
    # an encrypted .xlsx is an OLE2 compound file (EncryptionInfo + EncryptedPackage streams)
    p = tmp_path / "protetto.xlsx"
    p.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504 + b"EncryptedPackage" * 32)
    _assert_refused(empty_plan, p, "protetto da password")


def test_empty_files(empty_plan, tmp_path):
    p = tmp_path / "vuoto.csv"
    p.write_bytes(b"")
    _assert_refused(empty_plan, p, "è vuoto")
    p2 = tmp_path / "solo_spazi.csv"
    p2.write_text(";;;\n\n ; ;\n", encoding="utf-8")
    _assert_refused(empty_plan, p2, "non contiene dati")
    x = tmp_path / "vuoto.xlsx"
    openpyxl.Workbook().save(x)
    _assert_refused(empty_plan, x, "non contiene dati")


def test_one_million_rows_are_refused(empty_plan, tmp_path):
    p = tmp_path / "enorme.csv"
    with p.open("w", encoding="utf-8") as fh:
        fh.write(";".join(HEADER) + "\n")
        line = ";".join(ROWS[1]) + "\n"
        fh.writelines(line for _ in range(1_000_000))
    _assert_refused(empty_plan, p, "più di 100.000 righe")


def test_too_many_rows_in_a_workbook(empty_plan, tmp_path, monkeypatch):
    monkeypatch.setattr(exchange_common, "MAX_RIGHE", 500)
    p = tmp_path / "grande.xlsx"
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("Dati")
    ws.append(HEADER)
    for _ in range(600):
        ws.append(ROWS[1])
    wb.save(p)
    _assert_refused(empty_plan, p, "più di 500 righe")


def test_formula_errors_are_reported_and_read_as_empty(empty_plan, tmp_path):
    p = tmp_path / "errori.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(HEADER)
    for r in ROWS:
        ws.append(r)
    ws["H3"] = "#DIV/0!"  # a cached formula error as Excel stores it (data_only)
    ws["H3"].data_type = "e"
    wb.save(p)
    plan = prepare_import(empty_plan, p)
    errs = [pr for pr in plan.problemi if pr.tipo == "errore_formula"]
    assert len(errs) == 1 and errs[0].riga == 3 and errs[0].colonna == "H"
    assert "#DIV/0!" in errs[0].messaggio
    plan.apply(empty_plan)
    ind = next(i for i in empty_plan.select(Indicatore) if i.descrizione.startswith("Pratiche"))
    assert {m.anno for m in empty_plan.misure([ind.id])} == {2026, 2027}


def test_cli_bad_file_message(empty_plan, tmp_path, capsys):
    p = tmp_path / "finto.xlsx"
    p.write_text("xx", encoding="utf-8")
    path = empty_plan.path
    empty_plan.close()
    assert main(["import", str(p), "--into", str(path)]) == 2
    err = capsys.readouterr().err
    assert "finto.xlsx" in err and "non è una cartella di lavoro Excel valida" in err
    from piaodesk.store.archive import Archive
    with Archive.open(path) as arc:
        assert arc.count(Obiettivo) == 0


def test_cli_export_template_portale(demo_path, tmp_path, capsys):
    out = tmp_path / "portale.xlsx"
    assert main(["export", str(demo_path), str(out), "--formato", "portale",
                 "--settore", "SETTORE FINANZIARIO"]) == 0
    ws = openpyxl.load_workbook(out).active
    head = [c.value for c in ws[1]]
    assert head == ["Codice", "Obiettivo di valore pubblico", "Denominazione sintetica",
                    "Indicatore", "Responsabile amministrativo", "Stakeholder", "Dimensione",
                    "Formula", "Polarità", "Baseline", "Target 2025", "Target 2026",
                    "Target 2027", "Fonte", "Sottodimensione", "Rilevante", "Tipologia PIAO",
                    "Rischio corruttivo", "Misura di prevenzione", "Obiettivo superiore"]
    codes = {ws.cell(row=r, column=1).value for r in range(2, ws.max_row + 1)}
    assert "FIN.1" in codes and "PL.1" not in codes
    assert ws.cell(row=2, column=9).value in ("+", "-", "=")
    tpl = tmp_path / "modello.xlsx"
    assert main(["template", str(tpl), "--anno", "2026"]) == 0
    wb = openpyxl.load_workbook(tpl)
    assert "Target 2028" in [c.value for c in wb["Indicatori"][1]]
    assert main(["export", str(demo_path), str(tmp_path / "x.csv")]) == 2
    assert ".xlsx" in capsys.readouterr().err
