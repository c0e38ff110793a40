"""Reading spreadsheets and text tables safely: what a file is, and its rows.

Every failure becomes an :class:`ExchangeError` with an Italian message that
names the file (and the sheet/row when it matters): not a workbook, a
password-protected workbook, an empty file, too many rows. Workbooks are read
with openpyxl's streaming mode (``read_only=True``) and cached values
(``data_only=True``); a formula error such as ``#DIV/0!`` is reported per
cell and read as empty.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import common
from .common import ExchangeError, Problema

CFB_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # OLE2: .xls or encrypted .xlsx
ZIP_MAGIC = b"PK\x03\x04"
ERRORI_FORMULA = {"#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A",
                  "#GETTING_DATA", "#SPILL!", "#CALC!"}
TEXT_SUFFIXES = {".csv", ".txt", ".tsv", ".tab"}
EXCEL_SUFFIXES = {".xlsx", ".xlsm"}


@dataclass
class Tabella:
    """The rows of one sheet or text file, with their row numbers (from 1)."""

    nome: str
    righe: list[tuple[int, list[Any]]]
    foglio: str | None = None
    codifica: str | None = None
    separatore: str | None = None
    problemi: list[Problema] = field(default_factory=list)

    @property
    def larghezza(self) -> int:
        return max((len(r) for _, r in self.righe), default=0)


def kind_of(path: Path) -> str:
    """``"xlsx"``, ``"text"``; raise ExchangeError for missing, empty or unsupported files."""
    path = Path(path)
    if not path.exists():
        raise ExchangeError(f"Il file «{path.name}» non esiste.")
    if path.is_dir():
        raise ExchangeError(f"«{path.name}» è una cartella, non un file.")
    size = path.stat().st_size
    if size == 0:
        raise ExchangeError(f"Il file «{path.name}» è vuoto.")
    with path.open("rb") as fh:
        head = fh.read(8)
    if head.startswith(CFB_MAGIC):
        raise ExchangeError(
            f"Il file «{path.name}» è protetto da password oppure è nel vecchio formato .xls: "
            f"aprirlo in Excel, togliere la password (File › Informazioni › Proteggi cartella) "
            f"e salvarlo come «Cartella di lavoro di Excel (.xlsx)».")
    suffix = path.suffix.lower()
    if head.startswith(ZIP_MAGIC):
        if suffix in TEXT_SUFFIXES:
            raise ExchangeError(f"Il file «{path.name}» non è un testo CSV: sembra un file compresso.")
        return "xlsx"
    if suffix in EXCEL_SUFFIXES:
        raise ExchangeError(f"Il file «{path.name}» non è una cartella di lavoro Excel valida "
                            f"(.xlsx): forse è danneggiato o ha l'estensione sbagliata.")
    if suffix == ".xls":
        raise ExchangeError(f"Il file «{path.name}» non è leggibile: salvarlo come .xlsx o .csv.")
    if b"\x00" in head and not head.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ExchangeError(f"Il file «{path.name}» non è né una cartella Excel né un testo CSV.")
    return "text"


def load_workbook(path: Path) -> Any:
    """openpyxl workbook in streaming mode, or an Italian ExchangeError."""
    import openpyxl

    kind_of(path)
    try:
        return openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError) as exc:
        raise ExchangeError(f"Il file «{Path(path).name}» non è una cartella di lavoro Excel "
                            f"valida (.xlsx): {type(exc).__name__}.") from exc
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many kinds on broken XML
        raise ExchangeError(f"Il file «{Path(path).name}» non si può leggere: è danneggiato "
                            f"({type(exc).__name__}).") from exc


def sheet_rows(ws: Any, nome_file: str, problemi: list[Problema] | None = None,
               limite: int | None = None) -> Iterator[tuple[int, list[Any]]]:
    """Rows of a streaming sheet as (number, values); formula errors become None + a problem.

    More than ``limite`` rows (default :data:`common.MAX_RIGHE`) raises ExchangeError.
    """
    limite = limite or common.MAX_RIGHE
    from openpyxl.utils import get_column_letter

    for n, row in enumerate(ws.iter_rows(values_only=True), start=1):
        if n > limite:
            raise ExchangeError(
                f"Il foglio «{ws.title}» di «{nome_file}» ha più di {limite:,} righe".replace(",", ".")
                + ": è troppo grande per essere importato. Eliminare le righe vuote o di troppo "
                  "e riprovare.")
        values = list(row)
        for i, v in enumerate(values):
            if isinstance(v, str) and v.strip() in ERRORI_FORMULA:
                if problemi is not None:
                    problemi.append(Problema(
                        "errore_formula", f"la formula dà l'errore {v.strip()}: la cella è "
                        f"considerata vuota", riga=n, colonna=get_column_letter(i + 1),
                        foglio=ws.title, gravita="avviso"))
                values[i] = None
        while values and (values[-1] is None or values[-1] == ""):
            values.pop()
        yield n, values


def read_table(path: Path | str, foglio: str | None = None) -> Tabella:
    """Read a flat table from .xlsx (first/named sheet), .csv or tab-separated text."""
    path = Path(path)
    if kind_of(path) == "xlsx":
        wb = load_workbook(path)
        try:
            names = wb.sheetnames
            if foglio and foglio not in names:
                raise ExchangeError(f"Nel file «{path.name}» non c'è il foglio «{foglio}».")
            ws = wb[foglio] if foglio else wb[_first_visible(wb)]
            probs: list[Problema] = []
            rows = [(n, r) for n, r in sheet_rows(ws, path.name, probs)]
        finally:
            wb.close()
        tab = Tabella(path.name, rows, foglio=ws.title, problemi=probs)
    else:
        tab = _read_text(path)
    if not any(any(_filled(v) for v in r) for _, r in tab.righe):
        raise ExchangeError(f"Il file «{path.name}» non contiene dati (nessuna cella compilata).")
    return tab


def _first_visible(wb: Any) -> str:
    for ws in wb.worksheets:
        if getattr(ws, "sheet_state", "visible") == "visible":
            return ws.title
    return wb.sheetnames[0]


def _filled(v: Any) -> bool:
    return v is not None and not (isinstance(v, str) and not v.strip())


def decode_text(data: bytes) -> tuple[str, str]:
    """Bytes → (text, encoding): UTF-8 (with or without BOM), UTF-16 with BOM, else Windows-1252."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        # a truncated UTF-16 file (odd length) keeps what can be read
        return data.decode("utf-16", errors="replace"), "UTF-16"
    try:
        return data.decode("utf-8-sig"), "UTF-8"
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace"), "Windows-1252"


def detect_separator(lines: list[str]) -> str:
    """The separator (``;``, ``,``, TAB, ``|``) giving the most consistent column count."""
    sample = [ln for ln in lines[:200] if ln.strip()]
    best, best_score = "\t", -1.0
    for sep in ("\t", ";", ",", "|"):
        counts = []
        for ln in sample:
            try:
                counts.append(len(next(csv.reader([ln], delimiter=sep))))
            except (csv.Error, StopIteration):
                counts.append(1)
        split = [c for c in counts if c > 1]
        if not split:
            continue
        # lines the separator splits at all (a heading or a trailing section has one cell with
        # every separator: it must not make a stray ";" inside a text look consistent), and how
        # alike those lines are
        coverage = len(split) / len(counts)
        top = max(set(split), key=split.count)
        share = split.count(top) / len(split)
        score = coverage * 10 + share * 5 + min(top, 30) / 30 + (0.5 if sep == "\t" else 0)
        if score > best_score:
            best, best_score = sep, score
    return best


def _read_text(path: Path) -> Tabella:
    limite = common.MAX_RIGHE
    size = path.stat().st_size
    with path.open("rb") as fh:
        head = fh.read(1 << 16)
    _, enc_name = decode_text(head if len(head) < size else _cut_utf8(head))
    codec = {"UTF-8": "utf-8-sig", "UTF-16": "utf-16", "Windows-1252": "cp1252"}[enc_name]
    with path.open("r", encoding=codec, errors="replace", newline="") as fh:
        first = []
        for _ in range(200):
            ln = fh.readline()
            if not ln:
                break
            first.append(ln.rstrip("\r\n"))
    sep = detect_separator(first) if path.suffix.lower() != ".tsv" else "\t"
    rows: list[tuple[int, list[Any]]] = []
    with path.open("r", encoding=codec, errors="replace", newline="") as fh:
        if sep == "\t":
            # tab-separated text: no quoting (seed tables contain stray quotes)
            reader: Iterator[list[str]] = (ln.rstrip("\r\n").split("\t") for ln in fh)
        else:
            reader = csv.reader(fh, delimiter=sep)
        for n, cells in enumerate(reader, start=1):
            if n > limite:
                raise ExchangeError(
                    f"Il file «{path.name}» ha più di {limite:,} righe".replace(",", ".")
                    + ": è troppo grande per essere importato.")
            while cells and not cells[-1].strip():
                cells.pop()
            rows.append((n, [c.strip() if isinstance(c, str) else c for c in cells]))
    nome_sep = {"\t": "tabulazione", ";": "punto e virgola", ",": "virgola", "|": "barra verticale"}
    return Tabella(path.name, rows, codifica=enc_name, separatore=nome_sep[sep])


def _cut_utf8(data: bytes) -> bytes:
    """Drop a multi-byte character cut at the end of a sample."""
    for cut in range(0, 4):
        try:
            (data[: len(data) - cut] if cut else data).decode("utf-8")
            return data[: len(data) - cut] if cut else data
        except UnicodeDecodeError:
            continue
    return data


def text_from_rows(rows: list[list[str]], sep: str = ";") -> str:
    """Helper for tests and exports: rows → CSV text."""
    buf = io.StringIO()
    csv.writer(buf, delimiter=sep, lineterminator="\n").writerows(rows)
    return buf.getvalue()
