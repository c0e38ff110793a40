"""Reading spreadsheets and text tables safely: what a file is, and its rows.

Every failure becomes an :class:`ExchangeError` with an Italian message that
names the file (and the sheet/row/column when it matters): not a workbook, a
password-protected workbook, an empty file, too many rows, a cell longer than
Excel allows, too much text, a damaged or hostile workbook. Workbooks are read
with openpyxl's streaming mode (``read_only=True``) and cached values
(``data_only=True``); a formula error such as ``#DIV/0!`` and a number that
cannot be used (NaN, infinity, 1e308) are reported per cell and read as empty.

Before openpyxl opens a workbook, :func:`check_zip` streams every part once:
the declared and actual decompressed sizes (total and per part, against
:data:`common.MAX_DECOMPRESSO` and an anomalous compression ratio), the CRC of
every part (zipfile checks it at the end of each part) and the absence of any
DTD (``<!DOCTYPE``/``<!ENTITY``: Excel never writes one, and entity
expansion is how "billion laughs" files exhaust memory). Damage met later,
while the rows of a sheet are parsed, is reported by :func:`rows_of` with the
sheet and the row where reading stopped.
"""

from __future__ import annotations

import csv
import io
import warnings
import zipfile
import zlib
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
#: a number at least this large (or NaN, infinite) is not a value of a plan: reported, read as empty
LIMITE_NUMERO = 1e15
# a DTD in any encoding expat reads (Excel's parts never have one)
_DTD = tuple(mark.encode(enc) for mark in ("<!DOCTYPE", "<!ENTITY")
             for enc in ("utf-8", "utf-16-le", "utf-16-be"))
# openpyxl warns about odd but readable files (styles, dates out of range): what matters
# for the user is reported by the readers themselves, in Italian
warnings.filterwarnings("ignore", module=r"openpyxl(\..*)?$")


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


def _mb(n: int) -> str:
    return f"{n / (1024 * 1024):,.0f} MB".replace(",", ".")


def _parts_to_sheets(z: zipfile.ZipFile) -> dict[str, str]:
    """Zip part → sheet name, best effort (for messages only)."""
    import re

    try:
        wbxml = z.read("xl/workbook.xml")[:1 << 20].decode("utf-8", "replace")
        rels = z.read("xl/_rels/workbook.xml.rels")[:1 << 20].decode("utf-8", "replace")
    except Exception:  # noqa: BLE001 - messages only
        return {}
    targets = {}
    for rel in re.findall(r"<Relationship\b[^>]*>", rels):
        rid, tgt = re.search(r'\bId="([^"]+)"', rel), re.search(r'\bTarget="([^"]+)"', rel)
        if rid and tgt:
            t = tgt.group(1).lstrip("/")
            targets[rid.group(1)] = t if t.startswith("xl/") else "xl/" + t
    out = {}
    for sheet in re.findall(r"<sheet\b[^>]*>", wbxml):
        name, rid = re.search(r'\bname="([^"]*)"', sheet), re.search(r'\br:id="([^"]+)"', sheet)
        if name and rid and rid.group(1) in targets:
            out[targets[rid.group(1)]] = name.group(1)
    return out


def _where(part: str, sheets: dict[str, str]) -> str:
    if part in sheets:
        return f"il foglio «{sheets[part]}»"
    if part.endswith("sharedStrings.xml"):
        return "il testo delle celle (xl/sharedStrings.xml)"
    return f"la parte interna «{part}»"


def check_zip(source: Path | io.BytesIO, name: str | None = None) -> None:
    """Stream every part of a workbook once: sizes, compression ratio, CRC, no DTD.

    Raises :class:`ExchangeError` naming the file (``name``, else the path's) and the sheet
    (or part) at fault. About 0,1 s for the 10.000-objective plan's 54 MB of XML.
    """
    if name is None:
        name = source.name if isinstance(source, Path) else "senza nome"  # (a workbook in memory)
    part = ""
    sheets: dict[str, str] = {}
    try:
        with zipfile.ZipFile(source) as z:
            infos = z.infolist()
            if len(infos) > 10_000:
                raise ExchangeError(f"Il file «{name}» contiene {len(infos):,} parti: non è una "
                                    f"cartella di Excel da importare.".replace(",", "."))
            sheets = _parts_to_sheets(z)
            declared = sum(i.file_size for i in infos)
            if declared > common.MAX_DECOMPRESSO:
                raise ExchangeError(
                    f"Il file «{name}» decompresso occuperebbe {_mb(declared)}: il limite per "
                    f"un'importazione è {_mb(common.MAX_DECOMPRESSO)}. Dividere la cartella o "
                    f"togliere i fogli che non servono.")
            total = 0
            for info in infos:
                part = info.filename
                if info.is_dir():
                    continue
                if (info.file_size >= common.GRANDE_PARTE
                        and info.file_size > common.MAX_RAPPORTO * max(info.compress_size, 1)):
                    raise ExchangeError(
                        f"Il file «{name}» non viene letto: {_where(part, sheets)} passa da "
                        f"{max(info.compress_size, 1):,} byte compressi a {_mb(info.file_size)}"
                        .replace(",", ".") + ", una compressione anomala per una cartella di "
                        "Excel (un file costruito per bloccare il programma?).")
                read, tail = 0, b""
                with z.open(info) as fh:
                    while True:
                        chunk = fh.read(1 << 20)
                        if not chunk:
                            break
                        read += len(chunk)
                        total += len(chunk)
                        if read > info.file_size or total > common.MAX_DECOMPRESSO:
                            raise ExchangeError(
                                f"Il file «{name}» è danneggiato o costruito ad arte: "
                                f"{_where(part, sheets)} è più grande di quanto dichiarato.")
                        window = tail + chunk
                        if any(mark in window for mark in _DTD):
                            raise ExchangeError(
                                f"Il file «{name}» non viene letto: {_where(part, sheets)} contiene "
                                f"una dichiarazione <!DOCTYPE>/<!ENTITY>, che le cartelle di Excel "
                                f"non usano (un file costruito per bloccare il programma?).")
                        tail = chunk[-32:]
                if read != info.file_size:
                    raise ExchangeError(f"Il file «{name}» è danneggiato: {_where(part, sheets)} "
                                        f"è più corto di quanto dichiarato.")
    except ExchangeError:
        raise
    except zipfile.BadZipFile as exc:
        what = ("i dati compressi non corrispondono al controllo CRC" if "CRC" in str(exc)
                else "l'archivio compresso è danneggiato o incompleto")
        raise ExchangeError(_damaged_file(name, part, sheets, what)) from exc
    except (zlib.error, EOFError) as exc:
        raise ExchangeError(_damaged_file(name, part, sheets, "i dati compressi sono danneggiati "
                                          "o troncati")) from exc
    except NotImplementedError as exc:
        raise ExchangeError(_damaged_file(name, part, sheets, "usa un metodo di compressione che "
                                          "Excel non usa")) from exc
    except RuntimeError as exc:  # encrypted part
        raise ExchangeError(_damaged_file(name, part, sheets, "è cifrato")) from exc
    except OSError as exc:
        raise ExchangeError(f"Il file «{name}» non si può leggere: "
                            f"{exc.strerror or type(exc).__name__}.") from exc
    except ValueError as exc:
        raise ExchangeError(_damaged_file(name, part, sheets, "valore non valido nell'archivio")) \
            from exc


def _damaged_file(name: str, part: str, sheets: dict[str, str], what: str) -> str:
    where = f", in {_where(part, sheets)}" if part else ""
    return (f"Il file «{name}» è danneggiato{where}: {what}. Nulla è stato importato. Se si "
            f"apre in Excel o LibreOffice, salvarlo di nuovo e riprovare.")


def _install_number_shim() -> None:
    """openpyxl reads ``<v>NaN</v>``/``<v>INF</v>`` in a numeric cell with ``int()`` and stops
    the whole sheet; read them as floats instead, so the reader reports the cell itself."""
    try:
        from openpyxl.worksheet import _reader
    except ImportError:  # pragma: no cover - another openpyxl layout: the sheet is refused whole
        return
    original = getattr(_reader, "_cast_number", None)
    if original is None or getattr(original, "_piaodesk", False):
        return

    def cast(value: str) -> Any:
        try:
            return original(value)
        except ValueError:
            return float(value)  # "NaN", "INF"; anything else still raises (sheet damaged)

    cast._piaodesk = True  # type: ignore[attr-defined]
    setattr(_reader, "_cast_number", cast)  # a private function of openpyxl, replaced  # noqa: B010


_VERIFICATI: dict[bytes, None] = {}  # digests of workbooks check_zip passed (a few)


def load_workbook(path: Path) -> Any:
    """openpyxl workbook in streaming mode, or an Italian ExchangeError.

    The file is read once into memory (it is compressed: a few MB for a large plan) and both
    :func:`check_zip` and openpyxl read those same bytes, so what was checked is what is read
    even if the file changes meanwhile; the same bytes opened again (``prepare_import`` opens
    a workbook twice) are not checked twice.
    """
    import hashlib

    import openpyxl

    path = Path(path)
    kind_of(path)
    if path.stat().st_size > common.MAX_DECOMPRESSO:
        raise ExchangeError(f"Il file «{path.name}» occupa {_mb(path.stat().st_size)}: il limite "
                            f"per un'importazione è {_mb(common.MAX_DECOMPRESSO)}.")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ExchangeError(f"Il file «{path.name}» non si può leggere: "
                            f"{exc.strerror or type(exc).__name__}.") from exc
    digest = hashlib.blake2b(data, digest_size=20).digest()
    if digest not in _VERIFICATI:
        check_zip(io.BytesIO(data), path.name)
        if len(_VERIFICATI) >= 8:
            _VERIFICATI.clear()
        _VERIFICATI[digest] = None
    _install_number_shim()
    try:
        return openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError) as exc:
        raise ExchangeError(f"Il file «{Path(path).name}» non è una cartella di lavoro Excel "
                            f"valida (.xlsx): {type(exc).__name__}.") from exc
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many kinds on broken XML
        raise ExchangeError(f"Il file «{Path(path).name}» non si può leggere: è danneggiato "
                            f"({type(exc).__name__}).") from exc


def open_sheet(wb: Any, name: str, nome_file: str) -> Any:
    """``wb[name]`` for a streaming workbook, or an Italian ExchangeError."""
    try:
        return wb[name]
    except KeyError as exc:
        raise ExchangeError(f"Nel file «{nome_file}» non c'è il foglio «{name}».") from exc
    except Exception as exc:  # noqa: BLE001 - openpyxl parsing the sheet's head
        raise ExchangeError(_damaged_sheet(nome_file, name, 1, exc)) from exc


def _damaged_sheet(nome_file: str, foglio: str, riga: int, exc: BaseException) -> str:
    from xml.etree.ElementTree import ParseError

    if isinstance(exc, ParseError):
        why = "il suo XML non è valido"
    elif isinstance(exc, (zipfile.BadZipFile, zlib.error, EOFError)):
        why = "i dati compressi sono danneggiati"
    elif isinstance(exc, (ValueError, TypeError, IndexError, KeyError, OverflowError)):
        why = "contiene un valore scritto in modo non valido"
    else:
        why = f"errore {type(exc).__name__}"
    return (f"Il foglio «{foglio}» di «{nome_file}» è danneggiato: la lettura si interrompe alla "
            f"riga {riga} ({why}). Nulla è stato importato. Se il file si apre in Excel o "
            f"LibreOffice, salvarlo di nuovo e riprovare.")


def rows_of(ws: Any, nome_file: str) -> Iterator[tuple[Any, ...]]:
    """Every row of a streaming sheet (to the end of its XML, whatever its declared
    ``<dimension>``), values only; damage met while parsing becomes an ExchangeError
    naming file, sheet and row."""
    reset = getattr(ws, "reset_dimensions", None)
    if reset is not None:
        reset()
    it = ws.iter_rows(values_only=True)
    n = 0
    while True:
        try:
            row = next(it)
        except StopIteration:
            return
        except Exception as exc:  # noqa: BLE001 - only openpyxl's parsing runs in next()
            raise ExchangeError(_damaged_sheet(nome_file, ws.title, n + 1, exc)) from exc
        n += 1
        yield row


def numero_inutilizzabile(v: Any) -> bool:
    """A numeric cell that is NaN, infinite or too large to be a value of a plan."""
    c = v.__class__
    return (c is float or c is int) and not -LIMITE_NUMERO < v < LIMITE_NUMERO


class Conteggio:
    """The text read from one file so far, against :data:`common.MAX_TESTO`; cell length."""

    def __init__(self, nome_file: str) -> None:
        self.nome_file = nome_file
        self.testo = 0
        self.celle = 0

    def riga(self, celle: int, foglio: str | None, riga: int) -> None:
        """Count the cells kept from a row of a flat table (against :data:`common.MAX_CELLE`)."""
        self.celle += celle
        if self.celle > common.MAX_CELLE:
            raise ExchangeError(
                f"Il file «{self.nome_file}» ha più di {common.MAX_CELLE:,} celle da leggere"
                .replace(",", ".") + f" (superate alla riga {riga}"
                + (f" del foglio «{foglio}»" if foglio else "") + "): è troppo grande per essere "
                "importato. Eliminare le colonne e le righe che non servono.")

    def cella(self, v: str, foglio: str | None, riga: int, col: int) -> None:
        n = len(v)
        if n > common.MAX_CELLA:
            from openpyxl.utils import get_column_letter

            where = f"nel foglio «{foglio}» di «{self.nome_file}»" if foglio else \
                f"in «{self.nome_file}»"
            raise ExchangeError(
                f"La cella {where}, riga {riga}, colonna {get_column_letter(col + 1)} contiene "
                f"{n:,} caratteri: il massimo è {common.MAX_CELLA:,} (il limite di Excel)"
                .replace(",", ".") + ". Nulla è stato importato.")
        self.testo += n
        if self.testo > common.MAX_TESTO:
            raise ExchangeError(
                f"Il file «{self.nome_file}» contiene più di {common.MAX_TESTO:,} caratteri di "
                f"testo".replace(",", ".") + f" (superati alla riga {riga}"
                + (f" del foglio «{foglio}»" if foglio else "") + "): è troppo grande per essere "
                "importato.")


def problema_numero(v: Any, riga: int, col: int, foglio: str | None) -> Problema:
    from openpyxl.utils import get_column_letter

    return Problema("numero_non_valido", f"il numero «{v!r}» non è utilizzabile (non finito o "
                    f"troppo grande): la cella è considerata vuota", riga=riga,
                    colonna=get_column_letter(col + 1), foglio=foglio, gravita="errore")


def sheet_rows(ws: Any, nome_file: str, problemi: list[Problema] | None = None,
               limite: int | None = None) -> Iterator[tuple[int, list[Any]]]:
    """Rows of a streaming sheet as (number, values); formula errors and unusable numbers
    become None + a problem.

    More than ``limite`` rows (default :data:`common.MAX_RIGHE`) raises ExchangeError; so do
    a cell longer than :data:`common.MAX_CELLA` and more text than :data:`common.MAX_TESTO`.
    """
    limite = limite or common.MAX_RIGHE
    from openpyxl.utils import get_column_letter

    conta = Conteggio(nome_file)
    for n, row in enumerate(rows_of(ws, nome_file), start=1):
        if n > limite:
            raise ExchangeError(
                f"Il foglio «{ws.title}» di «{nome_file}» ha più di {limite:,} righe".replace(",", ".")
                + ": è troppo grande per essere importato. Eliminare le righe vuote o di troppo "
                  "e riprovare.")
        values = list(row)
        for i, v in enumerate(values):
            if isinstance(v, str):
                conta.cella(v, ws.title, n, i)
            elif numero_inutilizzabile(v):
                if problemi is not None:
                    problemi.append(problema_numero(v, n, i, ws.title))
                values[i] = None
                continue
            if isinstance(v, str) and v.strip() in ERRORI_FORMULA:
                if problemi is not None:
                    problemi.append(Problema(
                        "errore_formula", f"la formula dà l'errore {v.strip()}: la cella è "
                        f"considerata vuota", riga=n, colonna=get_column_letter(i + 1),
                        foglio=ws.title, gravita="avviso"))
                values[i] = None
        while values and (values[-1] is None or values[-1] == ""):
            values.pop()
        conta.riga(len(values), ws.title, n)
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
            ws = open_sheet(wb, foglio or _first_visible(wb), path.name)
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
    if size > common.MAX_DECOMPRESSO:
        raise ExchangeError(f"Il file «{path.name}» occupa {_mb(size)}: il limite per "
                            f"un'importazione è {_mb(common.MAX_DECOMPRESSO)}.")
    conta = Conteggio(path.name)
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
        n = 0
        try:
            for n, cells in enumerate(reader, start=1):
                if n > limite:
                    raise ExchangeError(
                        f"Il file «{path.name}» ha più di {limite:,} righe".replace(",", ".")
                        + ": è troppo grande per essere importato.")
                while cells and not cells[-1].strip():
                    cells.pop()
                conta.riga(len(cells), None, n)
                for i, c in enumerate(cells):
                    conta.cella(c, None, n, i)
                rows.append((n, [c.strip() if isinstance(c, str) else c for c in cells]))
        except csv.Error as exc:
            riga = getattr(reader, "line_num", n + 1)
            what = (f"una cella supera {common.MAX_CELLA:,} caratteri (il limite di Excel)"
                    .replace(",", ".") if "field larger" in str(exc) else f"testo CSV non valido ({exc})")
            raise ExchangeError(f"Il file «{path.name}» non si può leggere alla riga {riga}: {what}. "
                                f"Nulla è stato importato.") from exc
    nome_sep = {"\t": "tabulazione", ";": "punto e virgola", ",": "virgola", "|": "barra verticale"}
    return Tabella(path.name, rows, codifica=enc_name, separatore=nome_sep[sep])


def _cut_utf8(data: bytes) -> bytes:
    """Drop a multi-byte character cut at the end of a sample."""
    for cut in range(4):
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
