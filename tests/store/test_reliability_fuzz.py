"""Fuzzing the importers: malformed csv/txt/xlsx never crash and never half-import.

Entry point: :func:`piaodesk.exchange.prepare_import` (what the CLI ``importa`` and the
GUI call). For every generated file it must either raise ``ExchangeError`` (an Italian
message) or return an ``ImportPlan``; applying a non-blocking plan is all or nothing:
it succeeds, or it raises ``PlanError``/``ExchangeError`` and the plan file is exactly
as before. The file always passes ``PRAGMA integrity_check``.
"""

from __future__ import annotations

import io
import random
import shutil
import tempfile
import zipfile
from pathlib import Path

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from piaodesk.exchange import ExchangeError, prepare_import
from piaodesk.store.archive import Archive
from piaodesk.store.db import PlanError

FUZZ = settings(max_examples=15, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])

_BASE: dict[str, Path] = {}


def _demo_copy(tmp: Path) -> Path:
    if "demo" not in _BASE:
        from piaodesk.store.demo import build_demo

        src = Path(tempfile.mkdtemp(prefix="piaodesk-fuzz-")) / "demo.piao"
        build_demo(src).close()
        _BASE["demo"] = src
    dst = tmp / f"piano-{random.random():.12f}.piao"
    shutil.copyfile(_BASE["demo"], dst)
    return dst


def _state(arc: Archive) -> tuple:
    conn = arc.db.conn
    tables = [r[0] for r in conn.execute(
        "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%' "
        "AND name <> 'audit' ORDER BY name")]
    return tuple((t, tuple(conn.execute(f"SELECT * FROM [{t}] ORDER BY rowid").fetchall()))
                 for t in tables)


def _check_import(tmp: Path, source: Path) -> str:
    """Import ``source`` into a fresh demo copy; return what happened (for statistics)."""
    plan_path = _demo_copy(tmp)
    arc = Archive.open(plan_path)
    try:
        before = _state(arc)
        try:
            plan = prepare_import(arc, source)
        except ExchangeError as exc:
            assert str(exc).strip(), "messaggio vuoto"
            assert _state(arc) == before
            return "rifiutato"
        assert _state(arc) == before, "prepare_import ha scritto nel piano"
        for p in plan.problemi:
            assert p.testo().strip()
        if plan.bloccante or plan.vuoto:
            return "bloccato" if plan.bloccante else "vuoto"
        try:
            plan.apply(arc)
        except (PlanError, ExchangeError) as exc:
            assert str(exc).strip()
            assert _state(arc) == before, "importazione parziale"
            outcome = "annullato"
        else:
            outcome = "importato"
        assert arc.db.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert not arc.db.conn.in_transaction
        return outcome
    finally:
        arc.close()
        for suffix in ("", "-wal", "-shm"):
            Path(f"{plan_path}{suffix}").unlink(missing_ok=True)


# ---------------------------------------------------------------------- text tables

_WORDS = ["Codice", "Obiettivo", "Obiettivo strategico", "Obiettivo operativo", "Indicatore",
          "Target", "Target 2025", "Valore atteso", "Peso", "Responsabile", "Settore", "Fasi",
          "Scadenza", "Descrizione", "OS1", "OS1.2", "OO 1.2.3", "1.1", "TS.1", "100%", "66,67 %",
          "1.234,56", "1,234.56", "-0", "1e309", "31/12/2025", "2025-02-30", "31/02/2025", "=1/0",
          "#DIV/0!", "Rossi Mario", "dott.ssa Bianchi", "≥ 90%", "entro il 30/06", "SI", "no",
          "", " ", "\t", "\"", "\"\"", ";", ",", "\n", "\r", "\x00", "\ufeff", "à è ì ò ù", "🙂",
          "x" * 300]
_cell = st.one_of(st.sampled_from(_WORDS), st.text(max_size=20),
                  st.integers(-10**12, 10**12).map(str),
                  st.decimals(allow_nan=True, allow_infinity=True, places=3).map(str))
_rows = st.lists(st.lists(_cell, min_size=0, max_size=9), min_size=0, max_size=25)


@FUZZ
@given(rows=_rows, sep=st.sampled_from([";", ",", "\t", "|"]),
       encoding=st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "utf-16"]),
       suffix=st.sampled_from([".csv", ".txt", ".tsv"]), junk=st.binary(max_size=40))
def test_fuzz_text_tables(tmp_path: Path, rows, sep, encoding, suffix, junk):
    text = "\n".join(sep.join(r) for r in rows)
    data = text.encode(encoding, errors="replace")
    if junk and rows and len(rows) % 3 == 0:
        data = data[: len(data) // 2] + junk + data[len(data) // 2:]  # invalid bytes inside
    src = tmp_path / f"tabella{suffix}"
    src.write_bytes(data)
    event(_check_import(tmp_path, src))


@FUZZ
@given(data=st.binary(max_size=3000), suffix=st.sampled_from([".csv", ".xlsx", ".txt", ".xlsm"]))
def test_fuzz_raw_bytes(tmp_path: Path, data, suffix):
    src = tmp_path / f"file{suffix}"
    src.write_bytes(data)
    _check_import(tmp_path, src)


# ---------------------------------------------------------------------- workbooks

def _exported(tmp: Path) -> Path:
    if "xlsx" not in _BASE:
        from piaodesk.exchange.workbook import write_workbook

        out = Path(tempfile.mkdtemp(prefix="piaodesk-fuzz-")) / "esportato.xlsx"
        with Archive.open(_demo_copy(tmp), readonly=True) as arc:
            write_workbook(arc, out)
        _BASE["xlsx"] = out
    return _BASE["xlsx"]


_xl_value = st.one_of(st.none(), st.sampled_from(_WORDS), st.integers(-10**15, 10**15),
                      st.floats(allow_nan=False, allow_infinity=False),
                      st.dates(), st.booleans(), st.text(max_size=30))


@FUZZ
@given(edits=st.lists(st.tuples(st.integers(0, 20), st.integers(1, 60), st.integers(1, 25), _xl_value),
                      min_size=1, max_size=30),
       drop=st.lists(st.tuples(st.integers(0, 20), st.integers(1, 60)), max_size=3),
       remove_sheet=st.one_of(st.none(), st.integers(0, 20)))
def test_fuzz_edited_export(tmp_path: Path, edits, drop, remove_sheet):
    """A piaodesk export re-edited badly: random cells, deleted rows, a missing sheet."""
    import openpyxl

    wb = openpyxl.load_workbook(_exported(tmp_path))
    sheets = wb.worksheets
    for s, r, c, v in edits:
        ws = sheets[s % len(sheets)]
        if ws.sheet_state == "hidden":
            continue
        try:
            ws.cell(row=r, column=c).value = v
        except (ValueError, TypeError, openpyxl.utils.exceptions.IllegalCharacterError):
            continue
    for s, r in drop:
        sheets[s % len(sheets)].delete_rows(r, 1)
    if remove_sheet is not None and len(wb.worksheets) > 1:
        wb.remove(wb.worksheets[remove_sheet % len(wb.worksheets)])
    src = tmp_path / "rieditato.xlsx"
    wb.save(src)
    event(_check_import(tmp_path, src))


@FUZZ
@given(rows=st.lists(st.lists(_xl_value, max_size=8), max_size=20),
       title=st.sampled_from(["Foglio1", "Obiettivi", "PIAO 2025", "Dati"]))
def test_fuzz_flat_workbook(tmp_path: Path, rows, title):
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = title
    for r in rows:
        try:
            ws.append(r)
        except (ValueError, TypeError, openpyxl.utils.exceptions.IllegalCharacterError):
            continue
    src = tmp_path / "tabella.xlsx"
    wb.save(src)
    event(_check_import(tmp_path, src))


@FUZZ
@given(cut=st.floats(0.0, 1.0), flips=st.lists(st.tuples(st.floats(0, 1), st.integers(0, 255)),
                                                max_size=8))
def test_fuzz_corrupted_xlsx_bytes(tmp_path: Path, cut, flips):
    data = bytearray(_exported(tmp_path).read_bytes())
    for where, byte in flips:
        data[int(where * (len(data) - 1))] = byte
    data = data[: max(4, int(len(data) * cut))] if cut < 0.98 else data
    src = tmp_path / "rotto.xlsx"
    src.write_bytes(bytes(data))
    event(_check_import(tmp_path, src))


def test_zip_that_is_not_a_workbook(tmp_path: Path):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("leggimi.txt", "non sono un foglio Excel")
        z.writestr("xl/workbook.xml", "<non-xml")
    src = tmp_path / "finto.xlsx"
    src.write_bytes(buf.getvalue())
    assert _check_import(tmp_path, src) == "rifiutato"
