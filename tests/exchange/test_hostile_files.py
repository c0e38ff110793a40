"""Hostile and damaged files: one Italian message naming file, sheet, row and column, never a
traceback (issue 11, point 4). The damaged copies are made here from a fresh export or from
small tables; nothing large is kept on disk."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import openpyxl
import pytest

from piaodesk.cli import main
from piaodesk.exchange import ExchangeError, common, prepare_import
from piaodesk.exchange.portale import write_portale
from piaodesk.exchange.workbook import write_workbook

from ._zipparts import part_data_offset, rewrite_part, sheet_part


@pytest.fixture(scope="module")
def export_demo(tmp_path_factory) -> Path:
    from piaodesk.store.demo import build_demo

    d = tmp_path_factory.mktemp("ostili")
    arc = build_demo(d / "demo.piao")
    out = d / "piano.xlsx"
    write_workbook(arc, out)
    arc.close()
    return out


def _import(arc, path: Path):
    return prepare_import(arc, path)


def _refused(arc, path: Path) -> str:
    with pytest.raises(ExchangeError) as exc:
        prepare_import(arc, path)
    msg = str(exc.value)
    assert path.name in msg and "Traceback" not in msg
    return msg


# ---------------------------------------------------------------------- damaged workbooks


@pytest.mark.parametrize("damage", ["garbage", "cut"])
def test_damaged_sheet_xml_names_sheet_and_row(demo, export_demo, tmp_path, damage):
    part = sheet_part(export_demo, "Obiettivi")

    def hurt(xml: bytes) -> bytes:
        mid = xml.index(b"<row", len(xml) // 2)
        return xml[:mid] + (b"<row><<c>" + xml[mid:] if damage == "garbage" else b"")

    src = rewrite_part(export_demo, tmp_path / "xml-rotto.xlsx", part, hurt)
    msg = _refused(demo, src)
    assert "«Obiettivi»" in msg and re.search(r"riga \d+", msg) and "Nulla è stato importato" in msg


@pytest.mark.parametrize("where", [0.02, 0.5, 0.97])
def test_crc_and_zlib_errors_name_the_sheet(demo, export_demo, tmp_path, where):
    part = sheet_part(export_demo, "Indicatori")
    start, size = part_data_offset(export_demo, part)
    data = bytearray(export_demo.read_bytes())
    data[start + int(size * where)] ^= 0x5A
    src = tmp_path / "crc.xlsx"
    src.write_bytes(bytes(data))
    msg = _refused(demo, src)
    assert "danneggiato" in msg and "«Indicatori»" in msg


@pytest.mark.parametrize("keep", [0.2, 0.7, 0.999])
def test_truncated_zip(demo, export_demo, tmp_path, keep):
    data = export_demo.read_bytes()
    src = tmp_path / "troncato.xlsx"
    src.write_bytes(data[: int(len(data) * keep)])
    assert "danneggiato" in _refused(demo, src)


def test_part_larger_than_declared_is_refused(demo, export_demo, tmp_path):
    """A part whose declared size understates its data (sizes patched in both headers)."""
    part = sheet_part(export_demo, "Fasi")
    data = bytearray(export_demo.read_bytes())
    with zipfile.ZipFile(export_demo) as z:
        info = z.getinfo(part)
    real, fake = info.file_size.to_bytes(4, "little"), (info.file_size // 2).to_bytes(4, "little")
    h = info.header_offset
    assert data[h + 22:h + 26] == real
    data[h + 22:h + 26] = fake
    cd = -1
    while True:  # the part's entry in the central directory
        cd = data.index(b"PK\x01\x02", cd + 1)
        n = int.from_bytes(data[cd + 28:cd + 30], "little")
        if data[cd + 46:cd + 46 + n] == part.encode():
            break
    assert data[cd + 24:cd + 28] == real
    data[cd + 24:cd + 28] = fake
    src = tmp_path / "dichiarato.xlsx"
    src.write_bytes(bytes(data))
    msg = _refused(demo, src)
    assert "«Fasi»" in msg


_BOMB = (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
         + b"".join(b'<!ENTITY lol%d "%s">' % (k, (b"&lol%d;" % (k - 1) if k > 1 else b"&lol;") * 10)
                    for k in range(1, 10)) + b"]>")


@pytest.mark.parametrize("encoding", ["utf-8", "utf-16"])
def test_entities_inside_a_sheet_are_refused(demo, export_demo, tmp_path, encoding):
    """A billion-laughs DTD in a sheet: refused before any XML parser sees it."""
    part = sheet_part(export_demo, "Obiettivi")

    def bomb(xml: bytes) -> bytes:
        body = re.sub(rb"^<\?xml[^>]*\?>", b"", xml).replace(b"<is><t>", b"<is><t>&lol9;", 1)
        out = _BOMB + body
        if encoding == "utf-16":
            out = out.replace(b'<?xml version="1.0"?>', b'<?xml version="1.0" encoding="UTF-16"?>')
            return out.decode("utf-8").encode("utf-16")
        return out

    src = rewrite_part(export_demo, tmp_path / "bomba.xlsx", part, bomb)
    msg = _refused(demo, src)
    assert "DOCTYPE" in msg and "«Obiettivi»" in msg


_CT = (b'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
       b'package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.'
       b'openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="'
       b'application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.'
       b'openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/'
       b'worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.'
       b'spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="'
       b'application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>')
_RELS = (b'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats'
         b'.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.'
         b'openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/'
         b'workbook.xml"/></Relationships>')
_WB = (b'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/'
       b'spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/'
       b'relationships"><sheets><sheet name="Foglio1" sheetId="1" r:id="rId1"/></sheets></workbook>')
_WBRELS = (b'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
           b'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://'
           b'schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="'
           b'worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.'
           b'org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>'
           b'</Relationships>')


def _workbook_with_shared_string(tmp_path: Path, size: int, uses: int = 10) -> Path:
    """A small workbook whose one shared string (``size`` characters) fills column B of
    ``uses`` rows, under the header Codice / Obiettivo / Indicatore (inline strings)."""
    def inline(ref: str, text: str) -> bytes:
        return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'.encode()

    rows = [b'<row r="1">' + inline("A1", "Codice") + inline("B1", "Obiettivo")
            + inline("C1", "Indicatore") + b"</row>"]
    for k in range(2, uses + 2):
        rows.append(f'<row r="{k}"><c r="A{k}"><v>{k - 1}</v></c><c r="B{k}" t="s"><v>0</v></c>'
                    .encode() + inline(f"C{k}", f"Indicatore {k}") + b"</row>")
    sheet = (b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.'
             b'openxmlformats.org/spreadsheetml/2006/main"><sheetData>' + b"".join(rows)
             + b"</sheetData></worksheet>")
    src = tmp_path / f"cella-{size}.xlsx"
    with zipfile.ZipFile(src, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as z:
        for name, data in (("[Content_Types].xml", _CT), ("_rels/.rels", _RELS),
                           ("xl/workbook.xml", _WB), ("xl/_rels/workbook.xml.rels", _WBRELS),
                           ("xl/worksheets/sheet1.xml", sheet)):
            z.writestr(name, data)
        with z.open("xl/sharedStrings.xml", "w", force_zip64=True) as fh:
            fh.write(b'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.'
                     b'openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="1">'
                     b"<si><t>")
            chunk = b"a" * (1 << 22)
            for _ in range(size // len(chunk)):
                fh.write(chunk)
            fh.write(b"a" * (size % len(chunk)))
            fh.write(b"</t></si></sst>")
    return src


def test_400_mb_cell_repeated_via_shared_strings_is_refused_without_reading_it(
        empty_plan, tmp_path):
    import tracemalloc

    src = _workbook_with_shared_string(tmp_path, 400_000_000)
    assert src.stat().st_size < 4_000_000  # a small file...
    tracemalloc.start()
    try:
        msg = _refused(empty_plan, src)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert "MB" in msg
    assert peak < 50_000_000  # ...refused without decompressing it into memory


def test_long_cell_and_total_text_limits(empty_plan, tmp_path, monkeypatch):
    src = _workbook_with_shared_string(tmp_path, common.MAX_CELLA + 1, uses=2)
    msg = _refused(empty_plan, src)
    assert "32.767" in msg and "colonna B" in msg and "riga 2" in msg and "«Foglio1»" in msg
    ok = _workbook_with_shared_string(tmp_path, 1000, uses=5)
    monkeypatch.setattr(common, "MAX_TESTO", 3000)
    msg = _refused(empty_plan, ok)
    assert "3.000 caratteri" in msg


def test_long_cell_in_a_reimported_workbook(demo, export_demo, tmp_path):
    wb = openpyxl.load_workbook(export_demo)
    ws = wb["Fasi"]
    heads = {c.value: c.column_letter for c in ws[1]}
    ws[f"{heads['Note']}4"] = "SEGNALIBRO"  # openpyxl itself cuts a longer text at 32.767
    base = tmp_path / "base.xlsx"
    wb.save(base)
    with zipfile.ZipFile(base) as z:
        part = next(n for n in z.namelist() if b"SEGNALIBRO" in z.read(n))
    src = rewrite_part(base, tmp_path / "nota-lunga.xlsx", part,
                       lambda xml: xml.replace(b"SEGNALIBRO", b"x" * 40_000))
    msg = _refused(demo, src)
    assert "«Fasi»" in msg and "riga 4" in msg and f"colonna {heads['Note']}" in msg


def test_long_cell_and_bad_quoting_in_csv(empty_plan, tmp_path):
    src = tmp_path / "lunga.csv"
    src.write_text("Codice;Obiettivo;Indicatore\n1;Titolo;" + "y" * 40_000 + "\n", encoding="utf-8")
    msg = _refused(empty_plan, src)
    assert "riga 2" in msg and "colonna C" in msg
    src = tmp_path / "enorme.csv"
    src.write_text('Codice;Obiettivo\n1;"' + "z" * 200_000 + '"\n', encoding="utf-8")
    assert "32.767" in _refused(empty_plan, src)


@pytest.mark.parametrize("text", ["NaN", "INF", "-inf", "1e308", "1E+300"])
def test_unusable_numbers_in_numeric_cells(demo, export_demo, tmp_path, text):
    part = sheet_part(export_demo, "Obiettivi")
    src = rewrite_part(export_demo, tmp_path / "numeri.xlsx", part,
                       lambda xml: re.sub(rb"<v>0\.1</v>", b"<v>" + text.encode() + b"</v>", xml,
                                          count=1))
    plan = _import(demo, src)
    bad = [p for p in plan.problemi if p.tipo == "numero_non_valido"]
    assert len(bad) == 1 and bad[0].gravita == "errore"
    assert bad[0].foglio == "Obiettivi" and bad[0].riga and bad[0].colonna
    assert plan.bloccante


def test_unusable_numbers_in_a_flat_workbook(empty_plan, tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Codice", "Obiettivo", "Indicatore", "Baseline", "Target 2025"])
    ws.append(["1", "Digitalizzare", "Pratiche online", 1e308, -1e300])
    src = tmp_path / "piatta.xlsx"
    wb.save(src)
    plan = _import(empty_plan, src)
    bad = {(p.riga, p.colonna) for p in plan.problemi if p.tipo == "numero_non_valido"}
    assert bad == {(2, "D"), (2, "E")}


# ---------------------------------------------------------------------- flat tables


def test_flat_table_with_header_but_no_code_column(empty_plan, tmp_path):
    src = tmp_path / "senza-codice.csv"
    src.write_text("Obiettivo;Indicatore;Target 2025\nDigitalizzare;Pratiche online;50\n",
                   encoding="utf-8")
    plan = _import(empty_plan, src)
    assert plan.bloccante and plan.edits == []
    assert any("Codice" in p.messaggio and p.riga == 1 for p in plan.problemi)


def test_flat_row_with_title_and_empty_code(empty_plan, tmp_path):
    src = tmp_path / "codice-vuoto.csv"
    src.write_text("Codice;Obiettivo;Indicatore;Target 2025\n"
                   ";Digitalizzare;Pratiche online;50\n"
                   ";;Secondo indicatore;3\n"
                   "2;Altro obiettivo;Terzo indicatore;4\n", encoding="utf-8")
    plan = _import(empty_plan, src)
    errs = {(p.riga, p.colonna) for p in plan.problemi if p.gravita == "errore"}
    assert (2, "A") in errs and any(r == 3 for r, _c in errs)
    plan.apply(empty_plan)
    assert [o.codice for o in empty_plan.obiettivi()] == ["2"]


def test_alphanumeric_codes_and_portale_export_do_not_crash(demo, empty_plan, tmp_path):
    src = tmp_path / "codici.csv"
    src.write_text("Codice;Obiettivo;Indicatore;Target 2025\nTS.1;Digitalizzare;Pratiche;50\n"
                   "OE0527;Altro;Ind2;3\n2024_PD_8501;Terzo;Ind3;4\n", encoding="utf-8")
    plan = _import(empty_plan, src)
    assert not plan.bloccante
    plan.apply(empty_plan)
    assert {o.codice for o in empty_plan.obiettivi()} == {"TS.1", "OE0527", "2024_PD_8501"}
    portale = tmp_path / "portale.xlsx"
    write_portale(demo, portale)
    assert _import(demo, portale).problemi is not None  # read, no traceback


def test_libreoffice_like_csv_of_the_demo(export_demo, empty_plan, tmp_path):
    """The Obiettivi sheet saved as CSV (comma, quotes, UTF-8): read without a traceback."""
    import csv

    wb = openpyxl.load_workbook(export_demo, data_only=True)
    src = tmp_path / "obiettivi.csv"
    with src.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        for row in wb["Obiettivi"].iter_rows(values_only=True):
            w.writerow(["" if v is None else v for v in row])
    plan = _import(empty_plan, src)
    assert plan.riepilogo


def test_cli_prints_one_line_and_exits_2(demo, export_demo, tmp_path, capsys):
    part = sheet_part(export_demo, "Obiettivi")
    src = rewrite_part(export_demo, tmp_path / "rotto.xlsx", part, lambda x: x[: len(x) // 2])
    path = demo.path
    demo.close()
    assert main(["import", str(src), "--into", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "rotto.xlsx" in err and "«Obiettivi»" in err


def test_cells_limit_for_wide_flat_tables(empty_plan, tmp_path, monkeypatch):
    """A row whose last cell sits far to the right (XFD) is not kept as 16.384 cells per row."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Codice", "Obiettivo", "Indicatore"])
    for k in range(2, 40):
        ws.append([str(k), "Titolo", "Indicatore"])
        ws.cell(row=k, column=16384, value="x")
    src = tmp_path / "larga.xlsx"
    wb.save(src)
    monkeypatch.setattr(common, "MAX_CELLE", 100_000)
    msg = _refused(empty_plan, src)
    assert "100.000 celle" in msg and "«Sheet»" in msg
    csv_src = tmp_path / "larga.csv"
    csv_src.write_text("Codice;Obiettivo\n" + ("1;T" + ";" * 5000 + "x\n") * 30, encoding="utf-8")
    assert "100.000 celle" in _refused(empty_plan, csv_src)


def test_total_text_limit_in_a_reimported_workbook(demo, export_demo, monkeypatch):
    monkeypatch.setattr(common, "MAX_TESTO", 5_000)
    msg = _refused(demo, export_demo)
    assert "5.000 caratteri" in msg and "riga" in msg
