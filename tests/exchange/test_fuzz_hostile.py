"""Fuzzing the readers with damaged files (issue 11, point 4).

Byte-mutated workbooks — damage *inside* a valid zip (a part's XML mutated, then the zip
rebuilt with correct CRCs, so the XML parser meets it while rows are read) and damage of
the zip itself — and byte-mutated CSV/text tables. The only outcomes allowed are a read
(an ImportPlan, which then applies or is refused by the store with its Italian error) or
the project's own :class:`ExchangeError` with a message naming the file. Anything else
(a ParseError, a KeyError, zlib.error…) fails the test.

``PIAODESK_FUZZ_EXAMPLES`` raises the number of examples for a longer local run.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from piaodesk.exchange import ExchangeError, ImportPlan, prepare_import
from piaodesk.store.archive import Archive
from piaodesk.store.db import PlanError

N = int(os.environ.get("PIAODESK_FUZZ_EXAMPLES", "40"))
FUZZ = settings(max_examples=N, deadline=None, derandomize=N <= 40,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
SEED = Path(__file__).parent / "data" / "seed000_tabella.txt"

_CACHE: dict[str, Path] = {}


def _base() -> Path:
    """A small plan and its export (built once)."""
    if "plan" not in _CACHE:
        from piaodesk.exchange.workbook import write_workbook
        from piaodesk.store.demo import build_demo

        d = Path(tempfile.mkdtemp(prefix="piaodesk-fuzz11-"))
        arc = build_demo(d / "demo.piao")
        write_workbook(arc, d / "piano.xlsx")
        arc.close()
        _CACHE["plan"], _CACHE["xlsx"] = d / "demo.piao", d / "piano.xlsx"
        with zipfile.ZipFile(d / "piano.xlsx") as z:
            _CACHE["parts"] = [(i.filename, z.read(i.filename)) for i in z.infolist()]  # type: ignore[assignment]
    return _CACHE["plan"]


def _outcome(tmp: Path, src: Path) -> str:
    plan_path = tmp / "piano.piao"
    shutil.copyfile(_base(), plan_path)
    arc = Archive.open(plan_path)
    try:
        try:
            plan = prepare_import(arc, src)
        except ExchangeError as exc:
            msg = str(exc)
            assert msg.strip() and src.name in msg, msg
            return "rifiutato"
        assert isinstance(plan, ImportPlan)
        text = plan.report()
        assert text.strip()
        if plan.bloccante or not plan.edits:
            return "letto"
        try:
            plan.apply(arc)
        except (PlanError, ExchangeError) as exc:
            assert str(exc).strip()
            return "rifiutato dal piano"
        return "importato"
    finally:
        arc.close()


# bytes that matter to an XML parser, a number parser or openpyxl's cell reader
_SNIPPETS = [b"<", b">", b"&", b"&amp;", b"&lol;", b"<!DOCTYPE x>", b"<!ENTITY a 'b'>", b"]]>",
             b"\x00", b'"', b"'", b"<row>", b"</row>", b"<c>", b"</c>", b'<c r="A1">', b' t="s"',
             b' t="b"', b' t="d"', b' t="e"', b"<v>NaN</v>", b"<v>1e308</v>", b"<v>-INF</v>",
             b"<v>99999999</v>", b"<v>abc</v>", b' r="ZZZ99999999"', b' r="A0"', b' s="999"',
             b"<is><t>x</t></is>", b"\xff\xfe", b"\xc3", b"0", b"9", b"-", b".", b"E"]
_mutation = st.tuples(st.sampled_from(["flip", "delete", "insert", "repeat"]),
                      st.floats(0, 1), st.integers(1, 64), st.sampled_from(_SNIPPETS),
                      st.integers(0, 255))


def _mutate(data: bytes, mutations: list[tuple]) -> bytes:
    buf = bytearray(data)
    for op, where, size, snippet, byte in mutations:
        if not buf:
            buf = bytearray(snippet)
            continue
        i = int(where * (len(buf) - 1))
        if op == "flip":
            buf[i] = byte
        elif op == "delete":
            del buf[i:i + size]
        elif op == "insert":
            buf[i:i] = snippet
        else:
            buf[i:i] = buf[i:i + size]
    return bytes(buf)


@FUZZ
@given(part=st.integers(0, 100), mutations=st.lists(_mutation, min_size=1, max_size=6))
def test_fuzz_damaged_xml_inside_a_valid_zip(tmp_path: Path, part, mutations):
    _base()
    parts: list[tuple[str, bytes]] = _CACHE["parts"]  # type: ignore[assignment]
    xml_parts = [k for k, (name, _d) in enumerate(parts) if name.endswith((".xml", ".rels"))]
    target = xml_parts[part % len(xml_parts)]
    src = tmp_path / "rovinato.xlsx"
    with zipfile.ZipFile(src, "w", zipfile.ZIP_DEFLATED) as z:
        for k, (name, data) in enumerate(parts):
            z.writestr(name, _mutate(data, mutations) if k == target else data)
    event(f"{parts[target][0].rsplit('/', 1)[-1]}: {_outcome(tmp_path, src)}")


@FUZZ
@given(mutations=st.lists(_mutation, min_size=1, max_size=4))
def test_fuzz_damaged_zip_bytes(tmp_path: Path, mutations):
    _base()
    src = tmp_path / "rovinato.xlsx"
    src.write_bytes(_mutate(_CACHE["xlsx"].read_bytes(), mutations))
    event(_outcome(tmp_path, src))


_CSV_SNIPPETS = [b";", b",", b"\t", b'"', b'""', b"\n", b"\r", b"\x00", b"\xff\xfe", b"\xef\xbb\xbf",
                 b"NaN", b"1e308", b"inf", b"TS.1", b"OE0527", b"2024_PD_8501", b"", b"=1/0",
                 b"#DIV/0!", b"Codice", b"Obiettivo", b"Indicatore", b"Target 2025", b"\xe0",
                 b"\xc3\xa0", b"x" * 300]
_csv_mutation = st.tuples(st.sampled_from(["flip", "delete", "insert", "repeat"]),
                          st.floats(0, 1), st.integers(1, 200), st.sampled_from(_CSV_SNIPPETS),
                          st.integers(0, 255))
_HEADED = ("Codice;Obiettivo;Responsabile;Indicatore;Tipo;Baseline;Target 2025;Target 2026\n"
           "1;Digitalizzare;Rossi Mario;Pratiche online;Percentuale;10%;50%;60%\n"
           ";;;Tempo medio;Giorni;30 giorni;20;15\n"
           "1.1;Sportello;Bianchi Anna;Utenti serviti;Numero;1.200;1.500;1.800\n"
           "TS.1;Trasparenza;;Atti pubblicati;Sì/No;NO;SI;SI\n").encode()


@FUZZ
@given(which=st.sampled_from(["seed", "csv"]), suffix=st.sampled_from([".txt", ".csv", ".tsv"]),
       mutations=st.lists(_csv_mutation, min_size=1, max_size=8))
def test_fuzz_damaged_text_tables(tmp_path: Path, which, suffix, mutations):
    data = SEED.read_bytes() if which == "seed" else _HEADED
    src = tmp_path / f"tabella{suffix}"
    src.write_bytes(_mutate(data, mutations))
    event(_outcome(tmp_path, src))


@pytest.mark.parametrize("name", ["rovinato.xlsx", "rovinato.csv"])
def test_outcome_helper_rejects_foreign_exceptions(tmp_path: Path, monkeypatch, name):
    """The fuzz oracle itself: an exception other than ExchangeError fails it."""
    import piaodesk.exchange as exchange_pkg

    def boom(*_a, **_k):
        raise KeyError("x")

    monkeypatch.setattr(exchange_pkg, "prepare_import", boom)
    monkeypatch.setitem(globals(), "prepare_import", boom)
    src = tmp_path / name
    src.write_bytes(b"x")
    with pytest.raises(KeyError):
        _outcome(tmp_path, src)
