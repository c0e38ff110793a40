"""Re-import of a piaodesk workbook edited in Excel: the differences, as edits.

:func:`diff_workbook` compares every sheet with the plan row by row (by the
``ID`` column) and field by field, and returns an :class:`ImportPlan` whose
edits (``InsertRow`` / ``SetFields`` / ``MoveObiettivo``) make the plan match
the workbook, plus a :class:`Differenza` per changed row for the preview.
Nothing is written here.

Deletion is never inferred from an identifier problem: an unreadable ID, an ID
not in the plan or an ID repeated is an error on its row (the row is left out,
never read as new), and a sheet with such an error proposes no removal. Rows of
the plan that were exported and are missing from a sheet read to its end are
only *proposed* (``ImportPlan.rimozioni``, ``DeleteRow``): they become edits
when the user confirms their count (:meth:`ImportPlan.conferma_rimozioni`).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from operator import attrgetter, itemgetter
from pathlib import Path
from typing import Any

from ..domain.enums import Livello, Ramo, TipoIndicatore
from ..domain.fields import norm_label
from ..domain.formats import format_decimal, parse_decimal
from ..domain.model import (
    PERIODO_ANNUALE,
    Assegnazione,
    Fase,
    Indicatore,
    Misura,
    Obiettivo,
    Persona,
    Risorsa,
)
from ..domain.valutazione import parse_valore
from ..store.archive import Archive
from ..store.edits import DeleteRow, Edit, InsertRow, MoveObiettivo, SetFields
from . import common
from .common import Differenza, ExchangeError, ImportPlan, Problema, righe_mancanti
from .readers import (
    ERRORI_FORMULA,
    LIMITE_NUMERO,
    Conteggio,
    load_workbook,
    numero_inutilizzabile,
    open_sheet,
    problema_numero,
    rows_of,
)
from .workbook import (
    ASSEGNAZIONI,
    FASI,
    FORMATO,
    MISURE,
    OBIETTIVI,
    PERSONALE,
    RISORSE,
    Col,
    SheetSpec,
    _getter,
    _Lookups,
    cell_decimal,
    display,
    indicatori_spec,
    parse_cell,
    valore_cell,
)

_YEAR_COL = re.compile(r"^(target|valore) (\d{4})$")
_SKIP_KINDS = {"id", "obref", "obcode", "info", "parentcode"}
SHEET_ORDER = ("Obiettivi", "Fasi", "Indicatori", "Misure periodiche", "Personale", "Assegnazioni",
               "Risorse")


_PLAIN_KINDS = {"text", "long", "int", "obref"}


def _getter_many(make: Callable[..., Any], keys: list[Any]) -> Callable[[Any], tuple[Any, ...]]:
    """itemgetter/attrgetter that always returns a tuple (also for 0 or 1 keys)."""
    if not keys:
        return lambda _obj: ()
    if len(keys) == 1:
        one = make(keys[0])
        return lambda obj: (one(obj),)
    return make(*keys)


def _readback(v: Any) -> Any:
    """A value as openpyxl reads it back after writing it (numbers go through ``%.16g``)."""
    t = v.__class__
    if t is str:
        return v or None
    if t is float or t is int:
        s = "%.16g" % v
        return float(s) if ("." in s or "e" in s or "E" in s) else int(s)
    return v


def is_piaodesk_workbook(path: Path | str) -> bool:
    """True for a workbook written by :func:`write_workbook`/`write_template`."""
    path = Path(path)
    wb = load_workbook(path)
    try:
        if "Info" not in wb.sheetnames:
            return False
        for row in rows_of(open_sheet(wb, "Info", path.name), path.name):
            return len(row) > 1 and row[0] == "formato" and str(row[1] or "").startswith("piaodesk")
        return False
    finally:
        wb.close()


def _name_key(text: str | None) -> str:
    norm = unicodedata.normalize("NFKD", text or "")
    norm = "".join(ch for ch in norm if not unicodedata.combining(ch)).lower()
    for ch in "-,.'’":
        norm = norm.replace(ch, " ")
    return " ".join(sorted(norm.split()))


def _clean(v: Any) -> Any:
    if isinstance(v, str):
        v = v.replace("\r\n", "\n").strip()
        return v or None
    return v


def _same(old: Any, new: Any) -> bool:
    old, new = _clean(old), _clean(new)
    if old is None or new is None:
        return old is None and new is None
    if isinstance(old, Decimal) or isinstance(new, Decimal):
        try:
            return Decimal(old) == Decimal(new)
        except Exception:  # noqa: BLE001
            return False
    if hasattr(old, "value") and not isinstance(old, str | bool):
        old = old.value
    if hasattr(new, "value") and not isinstance(new, str | bool):
        new = new.value
    return old == new or str(old) == str(new)


def _valore_same(testo: str | None, num: Decimal | None, raw: Any) -> bool:
    raw = _clean(raw)
    testo = _clean(testo)
    if raw is None:
        return testo is None and num is None
    if isinstance(raw, (int, float)) and not isinstance(raw, bool):
        d = cell_decimal(raw)
        if testo is None:
            return num is not None and num == d
        return parse_decimal(testo) == d and (num is None or num == d)
    text = display(raw) if not isinstance(raw, str) else raw
    if testo is None:
        return num is not None and parse_decimal(text) == num
    return testo == text


def _valore_new(raw: Any, tipo: TipoIndicatore) -> tuple[str | None, Decimal | None]:
    raw = _clean(raw)
    if raw is None:
        return None, None
    if isinstance(raw, (int, float)) and not isinstance(raw, bool):
        d = cell_decimal(raw)
        return format_decimal(d, None), d
    text = display(raw) if not isinstance(raw, str) else raw
    return text, parse_valore(text, tipo)


def _valore_show(testo: str | None, num: Decimal | None) -> str:
    if testo:
        return testo
    return format_decimal(num, None) if num is not None else ""


@dataclass
class _Row:
    n: int
    cells: dict[str, Any]


@dataclass
class _Sheet:
    spec: SheetSpec
    rows: list[_Row]
    cols: dict[str, Col]
    years: list[int] = field(default_factory=list)
    fast: set[int] = field(default_factory=set)  # IDs of rows identical to the plan
    #: every row of the sheet was read (to the end of its XML, whatever <dimension> declares)
    whole: bool = False
    #: an ID was unreadable, unknown or repeated: which row it stood for cannot be known, so
    #: no row is proposed for removal from this sheet
    id_problem: bool = False
    seen: set[int] = field(default_factory=set)  # IDs already met (first row wins)


#: row_id's answer for a row that is reported and left out (bad, unknown or repeated ID)
_SCARTATA = -1


class _Diff:
    def __init__(self, archive: Archive, path: Path):
        self.a = archive
        self.path = path
        self.p: list[Problema] = []
        self.p_read: list[Problema] = []
        self.conta = Conteggio(path.name)
        self._lk: _Lookups | None = None
        self._valore_memo: dict[tuple[Any, Any], Any] = {}
        self.diffs: list[Differenza] = []
        self.ins_persone: list[Edit] = []
        self.ins_obiettivi: list[Edit] = []
        self.sets: list[Edit] = []
        self.moves: list[Edit] = []
        self.ins_other: list[Edit] = []
        self.ins_misure: list[Edit] = []
        self.deletes: list[Edit] = []  # proposed: ImportPlan.rimozioni
        self.removed: dict[type, set[int]] = {}
        self.exported: dict[str, set[int]] = {}
        self.obs = {o.id: o for o in archive.obiettivi()}
        self.code_to_id: dict[str, int] = {}
        for o in self.obs.values():
            self.code_to_id.setdefault(norm_label(o.codice), o.id)  # type: ignore[arg-type]
        self.code_of: dict[int, str] = {o.id: o.codice for o in self.obs.values()}  # type: ignore[misc]
        self.persone = {p.id: p for p in archive.persone()}
        self.person_key: dict[str, int] = {}
        for p in self.persone.values():
            self.person_key.setdefault(_name_key(p.nominativo), p.id)  # type: ignore[arg-type]
        self.units = archive.unita()
        self.new_obs: set[int] = set()
        self.deleted_obs: set[int] = set()

    # ------------------------------------------------------------------ reading
    #
    # Sheets are streamed (openpyxl read-only, values only) one at a time, in
    # the order they are compared. A row whose ID names an existing row and
    # whose every cell reads back exactly as the exporter writes that row is
    # unchanged: only its ID is kept (``_Sheet.fast``). All other rows are kept
    # as dicts and compared field by field.

    def _read_info(self, wb: Any) -> None:
        if "Info" not in wb.sheetnames:
            return
        for row in rows_of(open_sheet(wb, "Info", self.path.name), self.path.name):
            if len(row) < 2 or row[0] is None:
                continue
            if row[0] == "formato" and not str(row[1] or "").startswith("piaodesk"):
                raise ExchangeError("La cartella non è stata esportata da piaodesk.")
            if str(row[0]).startswith("id:"):
                ids = {int(x) for x in str(row[1] or "").split(",") if x.strip().isdigit()}
                self.exported.setdefault(str(row[0])[3:], set()).update(ids)

    def _sheet(self, wb: Any, name: str) -> Any:
        return open_sheet(wb, name, self.path.name)

    def _lookups(self) -> _Lookups:
        if self._lk is None:
            lk = _Lookups(self.a, list(self.persone.values()))
            lk.obcode = dict(self.code_of)  # type: ignore[arg-type]
            self._lk = lk
        return self._lk

    def _expect(self, col: Col, misure_by: dict[tuple[int, int], Misura]) -> Callable[[Any], Any]:
        """What a cell of ``col`` reads back as when the row is exactly as exported."""
        if col.kind == "date":
            key = col.key

            def as_read(obj: Any) -> Any:
                v = getattr(obj, key)
                return None if v is None else datetime(v.year, v.month, v.day)
            return as_read
        if col.kind == "valore":  # baseline, target/valore per year: the same few texts recur
            if ":" in col.key:
                what, y = col.key.split(":")
                anno, tkey = int(y), f"{what}_testo"

                def pair(obj: Any) -> tuple[Any, Any]:
                    m = misure_by.get((obj.id, anno))
                    return (None, None) if m is None else (getattr(m, tkey), getattr(m, what))
            else:
                base = "baseline" if col.key == "baseline" else col.key
                tkey = f"{base}_testo"

                def pair(obj: Any) -> tuple[Any, Any]:
                    return getattr(obj, tkey), getattr(obj, base)
            memo = self._valore_memo

            def valore(obj: Any) -> Any:
                key = pair(obj)
                try:
                    return memo[key]
                except KeyError:
                    memo[key] = out = _readback(valore_cell(*key))
                    return out
            return valore
        get = _getter(col, self._lookups(), misure_by)
        return lambda obj: _readback(get(obj))

    def _read_sheet(self, ws: Any, spec: SheetSpec, existing: dict[int, Any] | None = None,
                    misure_by: dict[tuple[int, int], Misura] | None = None) -> _Sheet:
        by_label = {norm_label(c.label): c for c in spec.cols}
        limite = common.MAX_RIGHE
        # rows_of reads to the end of the sheet's rows: the declared <dimension> can understate it
        it = rows_of(ws, self.path.name)
        conta = self.conta
        max_cella, max_testo = common.MAX_CELLA, common.MAX_TESTO
        header: list[Any] = []
        for row in it:
            header = self._clean_errors(list(row), 1, ws.title)
            break
        colmap: dict[int, str] = {}
        cols: dict[str, Col] = {}
        years: list[int] = []
        for i, h in enumerate(header):
            key = norm_label(h)
            if not key:
                continue
            m = _YEAR_COL.match(key)
            if m:
                anno = int(m.group(2))
                ck = f"{m.group(1)}:{anno}"
                colmap[i] = ck
                cols[ck] = Col(ck, str(h), "valore")
                if anno not in years:
                    years.append(anno)
            elif key in by_label:
                col = by_label[key]
                colmap[i] = col.key
                cols[col.key] = col
            else:
                self.p_read.append(Problema("colonna_sconosciuta", f"colonna «{h}» non "
                                            f"riconosciuta: ignorata", riga=1, foglio=spec.name,
                                            gravita="info"))
        if "id" not in cols:
            self.p_read.append(Problema("manca_id", "manca la colonna «ID»: il foglio non è stato "
                                        "confrontato", riga=1, foglio=spec.name, gravita="errore"))
            return _Sheet(spec, [], {}, whole=False, id_problem=True)
        id_idx = next(i for i, k in colmap.items() if k == "id")
        width = max(colmap) + 1
        items = list(colmap.items())
        significant = [i for i, k in items if cols[k].kind != "info"]
        # cells written as the attribute itself (text, integers) are compared all at once,
        # the others (dates, %, labels, names…) one by one; a row failing the quick test is
        # looked at cell by cell before being called changed
        checks: list[tuple[int, Callable[[Any], Any]]] = []
        plain: list[tuple[int, str]] = []
        if existing:
            for i, k in items:
                col = cols[k]
                if k == "id" or col.kind == "info" or not col.imported:
                    continue
                if col.kind in _PLAIN_KINDS and ":" not in k:
                    plain.append((i, k))
                else:
                    checks.append((i, self._expect(col, misure_by or {})))
        plain_checks = [(i, self._expect(cols[k], misure_by or {})) for i, k in plain]
        row_plain = _getter_many(itemgetter, [i for i, _k in plain])
        obj_plain = _getter_many(attrgetter, [k for _i, k in plain])
        rows: list[_Row] = []
        fast: set[int] = set()
        ids: set[int | None] = set()
        n = 1
        for row in it:
            n += 1
            if n > limite:
                raise ExchangeError(
                    f"Il foglio «{ws.title}» di «{self.path.name}» ha più di {limite:,} righe"
                    .replace(",", ".") + ": è troppo grande per essere importato. Eliminare le "
                    "righe vuote o di troppo e riprovare.")
            if len(row) < width:
                row = (*row, *(None,) * (width - len(row)))
            testo = 0
            for v in row:
                c = v.__class__
                if c is str:
                    testo += len(v)
                    if "#" in v and v.strip() in ERRORI_FORMULA or len(v) > max_cella:
                        break
                elif (c is float or c is int) and not -LIMITE_NUMERO < v < LIMITE_NUMERO:
                    break
            else:
                conta.testo += testo
                testo = -1
            if testo >= 0:  # a cell to look at: formula error, unusable number, too long
                row = self._clean_errors(list(row), n, ws.title)
            elif conta.testo > max_testo:
                conta.cella("", ws.title, n, 0)  # raises the "too much text" error
            rid = row[id_idx]
            if rid is not None:
                key = rid if rid.__class__ is int else _as_int(rid)
                first = key not in ids
                ids.add(key)
                if first and rid.__class__ is int and existing:
                    old = existing.get(rid)
                    if old is not None and (
                            row_plain(row) == obj_plain(old)
                            or all(row[i] == expect(old) for i, expect in plain_checks)):
                        for i, expect in checks:
                            if row[i] != expect(old):
                                break
                        else:
                            fast.add(rid)
                            continue
            if any(_clean(row[i]) is not None for i in significant):
                rows.append(_Row(n, {k: row[i] for i, k in items}))
        return _Sheet(spec, rows, cols, years, fast, whole=True, seen=set(fast))

    def _clean_errors(self, values: list[Any], n: int, foglio: str) -> list[Any]:
        """Formula errors (``#DIV/0!``…) and unusable numbers (NaN, 1e308) read as empty cells,
        each reported; a cell longer than Excel allows, or too much text, refuses the file."""
        from openpyxl.utils import get_column_letter

        for i, v in enumerate(values):
            if isinstance(v, str):
                self.conta.cella(v, foglio, n, i)
            elif numero_inutilizzabile(v):
                self.p_read.append(problema_numero(v, n, i, foglio))
                values[i] = None
                continue
            if isinstance(v, str) and v.strip() in ERRORI_FORMULA:
                self.p_read.append(Problema(
                    "errore_formula", f"la formula dà l'errore {v.strip()}: la cella è "
                    f"considerata vuota", riga=n, colonna=get_column_letter(i + 1),
                    foglio=foglio, gravita="avviso"))
                values[i] = None
        return values

    # ------------------------------------------------------------------ helpers

    def prob(self, sheet: str, row: int | None, msg: str, tipo: str = "valore_non_valido",
             col: str | None = None, gravita: str = "avviso") -> None:
        self.p.append(Problema(tipo, msg, riga=row, colonna=col, foglio=sheet, gravita=gravita))

    def row_id(self, sh: _Sheet, r: _Row, existing: dict[int, Any]) -> int | None:
        """The existing row an ID points at; None for a new row (empty ID).

        An unreadable ID, an ID not in the plan or an ID already met on an earlier row
        is an error naming the row: the row is left out (:data:`_SCARTATA`), never read as
        a new row, and nothing is proposed for removal from the sheet (the ID may have
        been typed over the one of a row that is still wanted).
        """
        raw = r.cells.get("id")
        if _clean(raw) is None:
            return None
        why = None
        try:
            rid = parse_cell(sh.cols["id"], raw)
        except ValueError as exc:
            rid, why = None, f"ID {exc}"
        if why is None and rid not in existing:
            why = f"l'ID {rid} non esiste nel piano"
        elif why is None and rid in sh.seen:
            self.prob(sh.spec.name, r.n, f"ID {rid} ripetuto in più righe: vale la prima, questa "
                      f"riga è ignorata", tipo="id_ripetuto", col="ID", gravita="errore")
            sh.id_problem = True
            return _SCARTATA
        if why is not None:
            self.prob(sh.spec.name, r.n, f"{why}: riga ignorata (per aggiungere una riga lasciare "
                      f"vuota la colonna ID; l'ID di una riga esistente non va cambiato)",
                      tipo="id_sconosciuto", col="ID", gravita="errore")
            sh.id_problem = True
            return _SCARTATA
        sh.seen.add(rid)  # type: ignore[arg-type]
        return rid

    def persona_id(self, sheet: str, r: _Row, col: Col, raw: Any) -> tuple[bool, int | None]:
        name = _clean(raw)
        if name is None:
            return True, None
        key = _name_key(str(name))
        if key in self.person_key:
            return True, self.person_key[key]
        found = self.a.trova_persona(str(name))
        if found is not None:
            return True, found.id
        self.prob(sheet, r.n, f"persona «{name}» non trovata nel foglio Personale né nel piano: "
                  f"il campo non è stato cambiato", tipo="persona_sconosciuta", col=col.label)
        return False, None

    def unita_id(self, sheet: str, r: _Row, col: Col, raw: Any) -> tuple[bool, int | None]:
        name = _clean(raw)
        if name is None:
            return True, None
        key = norm_label(name)
        for u in self.units:
            if key in (norm_label(u.nome), norm_label(u.codice)):
                return True, u.id
        self.prob(sheet, r.n, f"unità «{name}» non trovata nel piano: il campo non è stato "
                  f"cambiato", tipo="unita_sconosciuta", col=col.label)
        return False, None

    def obiettivo_ref(self, sh: _Sheet, r: _Row, quiet: bool = False) -> int | None:
        raw_id = _clean(r.cells.get("obiettivo_id"))
        if raw_id is not None:
            try:
                oid = int(cell_decimal(raw_id) or 0)
            except Exception:  # noqa: BLE001
                oid = 0
            if oid in self.obs or oid in self.new_obs:
                code = _clean(r.cells.get("_obcode"))
                if code is None or norm_label(code) == norm_label(self.code_of.get(oid, "")):
                    return oid
        code = _clean(r.cells.get("_obcode"))
        if code is not None:
            oid2 = self.code_to_id.get(norm_label(code))
            if oid2 is not None:
                return oid2
        if not quiet:
            self.prob(sh.spec.name, r.n, "obiettivo non trovato (colonne «ID obiettivo» / «Codice "
                      "obiettivo»): riga ignorata", tipo="obiettivo_sconosciuto", gravita="errore")
        return None

    def values(self, sh: _Sheet, r: _Row, tipo: TipoIndicatore | None = None) -> dict[str, Any]:
        """Parsed domain values of the plain columns of a row (bad cells reported, skipped)."""
        out: dict[str, Any] = {}
        for key, col in sh.cols.items():
            if col.kind in _SKIP_KINDS or not col.imported or ":" in key:
                continue
            raw = r.cells.get(key)
            if col.kind == "persona":
                ok, pid = self.persona_id(sh.spec.name, r, col, raw)
                if ok:
                    out[key] = pid
            elif col.kind == "unita":
                ok, uid = self.unita_id(sh.spec.name, r, col, raw)
                if ok:
                    out[key] = uid
            elif col.kind == "valore":
                out[key] = ("__valore__", raw)
            else:
                try:
                    value = parse_cell(col, raw)
                    if value is None and col.kind == "bool":
                        value = False  # an empty Sì/No cell is "No"
                    if value is None and col.kind == "enum":
                        continue  # required enumerations: an empty cell changes nothing
                    out[key] = value
                except ValueError as exc:
                    self.prob(sh.spec.name, r.n, f"{exc}: il campo non è stato cambiato",
                              col=col.label)
        return out

    def compare(self, sh: _Sheet, obj: Any, vals: dict[str, Any],
                tipo: TipoIndicatore | None = None) -> tuple[dict[str, Any], list[tuple[str, str, str]]]:
        changed: dict[str, Any] = {}
        campi: list[tuple[str, str, str]] = []
        for key, new in vals.items():
            col = sh.cols[key]
            if isinstance(new, tuple) and new and new[0] == "__valore__":
                base = "baseline" if key == "baseline" else key
                t_old, n_old = getattr(obj, f"{base}_testo"), getattr(obj, base)
                if not _valore_same(t_old, n_old, new[1]):
                    t_new, n_new = _valore_new(new[1], tipo or TipoIndicatore.NUMERO)
                    changed[f"{base}_testo"], changed[base] = t_new, n_new
                    campi.append((col.label, _valore_show(t_old, n_old), _valore_show(t_new, n_new)))
                continue
            old = getattr(obj, key)
            if not _same(old, new):
                changed[key] = new
                campi.append((col.label, self.show(col, old), self.show(col, new)))
        return changed, campi

    def show(self, col: Col, value: Any) -> str:
        if col.kind == "persona":
            p = self.persone.get(value)
            return p.nominativo if p else ("" if value is None else f"persona {value}")
        if col.kind == "unita":
            u = next((u for u in self.units if u.id == value), None)
            return u.nome if u else ""
        if col.kind == "perc" and value is not None:
            return format_decimal(value, None) + " %"
        return display(value)

    def new_obj(self, cls: type, vals: dict[str, Any], **extra: Any) -> Any:
        kwargs: dict[str, Any] = {}
        for key, v in vals.items():
            if isinstance(v, tuple) and v and v[0] == "__valore__":
                tipo = vals.get("tipo") or TipoIndicatore.NUMERO
                t, n = _valore_new(v[1], tipo)
                base = "baseline" if key == "baseline" else key
                kwargs[f"{base}_testo"], kwargs[base] = t, n
            else:
                kwargs[key] = v
        kwargs = {k: v for k, v in kwargs.items() if v is not None}
        kwargs.update(extra)
        return cls(**kwargs)

    # ------------------------------------------------------------------ sheets

    def personale(self, sh: _Sheet) -> None:
        for r in sh.rows:
            pid = self.row_id(sh, r, self.persone)
            if pid == _SCARTATA:
                continue
            vals = self.values(sh, r)
            if pid is None:
                if not vals.get("cognome"):
                    self.prob(sh.spec.name, r.n, "manca il cognome: riga ignorata", gravita="errore")
                    continue
                nid = self.a.allocate_id(Persona)
                p = self.new_obj(Persona, vals, id=nid)
                self.ins_persone.append(InsertRow(p, label="Aggiungi persona"))
                self.person_key.setdefault(_name_key(p.nominativo), nid)
                self.persone[nid] = p
                self.diffs.append(Differenza("aggiunta", sh.spec.name, p.nominativo, riga=r.n))
                continue
            old = self.persone[pid]
            changed, campi = self.compare(sh, old, vals)
            if changed:
                self.sets.append(SetFields(Persona, pid, changed, label="Modifica persona"))
                self.diffs.append(Differenza("modifica", sh.spec.name, old.nominativo, riga=r.n,
                                             campi=campi))
            r.cells["__id__"] = pid
        self.removals(sh, Persona, self.persone, lambda p: p.nominativo)

    def obiettivi(self, sh: _Sheet) -> None:
        name = sh.spec.name
        pending: list[tuple[_Row, int | None]] = []
        listed = {_as_int(r.cells.get("id")) for r in sh.rows} | sh.fast
        for r in sh.rows:
            oid = self.row_id(sh, r, self.obs)
            if oid == _SCARTATA:
                continue
            code = _clean(r.cells.get("codice"))
            if oid is None and _clean(r.cells.get("id")) is None and code is not None:
                # a row added in Excel and already imported once: match it by its code
                match = self.code_to_id.get(norm_label(code))
                if match in self.obs and match not in listed:
                    oid = match
                    listed.add(match)
            if oid is None:
                nid = self.a.allocate_id(Obiettivo)
                self.new_obs.add(nid)
                if code is not None:
                    if norm_label(code) in self.code_to_id:
                        self.prob(name, r.n, f"il codice «{code}» è già usato da un altro obiettivo",
                                  tipo="codice_duplicato", col="Codice")
                    self.code_to_id.setdefault(norm_label(code), nid)
                    self.code_of[nid] = str(code)
                r.cells["__id__"] = nid
                pending.append((r, None))
            else:
                r.cells["__id__"] = oid
                pending.append((r, oid))
        seen: set[int] = set(sh.fast)
        for r, oid in pending:
            rid = r.cells["__id__"]
            if rid in seen:
                self.prob(name, r.n, "ID ripetuto in più righe: vale la prima", tipo="id_ripetuto",
                          gravita="errore")
                sh.id_problem = True
                continue
            seen.add(rid)
            vals = self.values(sh, r)
            parent_ok, parent = True, None
            if "parent_id" in sh.cols:
                pcode = _clean(r.cells.get("parent_id"))
                if pcode is not None:
                    parent = self.code_to_id.get(norm_label(pcode))
                    if parent is None or parent == rid:
                        parent_ok = False
                        self.prob(name, r.n, f"codice padre «{pcode}» non trovato: il padre non è "
                                  f"stato cambiato", col="Codice padre")
            if oid is None:
                if not vals.get("titolo"):
                    self.prob(name, r.n, "manca il titolo: obiettivo ignorato", gravita="errore")
                    self.new_obs.discard(rid)
                    continue
                ramo = vals.pop("ramo", None) or (self._ramo_of(parent) if parent else Ramo.OBIETTIVI)
                ob = self.new_obj(Obiettivo, vals, id=rid, parent_id=parent if parent_ok else None,
                                  posizione=None, ramo=ramo,
                                  livello=vals.get("livello") or Livello.OPERATIVO)
                self.ins_obiettivi.append(InsertRow(ob, label="Aggiungi obiettivo"))
                self.diffs.append(Differenza("aggiunta", name, ob.codice or f"(nuovo, riga {r.n})",
                                             ob.titolo, riga=r.n))
                continue
            old = self.obs[oid]
            changed, campi = self.compare(sh, old, vals)
            if parent_ok and "parent_id" in sh.cols and parent != old.parent_id:
                if parent is not None and parent in self.a.discendenti(oid, include_self=True):
                    self.prob(name, r.n, "il codice padre è un discendente dell'obiettivo: padre "
                              "non cambiato", col="Codice padre")
                else:
                    pos = len(self.a.figli_ids(parent, old.ramo)) if parent in self.obs or parent is None else 0
                    self.moves.append(MoveObiettivo(oid, parent, pos))
                    campi.append(("Codice padre", self.code_of.get(old.parent_id or 0, ""),
                                  self.code_of.get(parent or 0, "")))
            if changed:
                self.sets.append(SetFields(Obiettivo, oid, changed, label="Modifica obiettivo"))
            if campi:
                self.diffs.append(Differenza("modifica", name, old.codice, old.titolo, r.n, campi))
        # parents before children among the new rows
        self.ins_obiettivi = _topo(self.ins_obiettivi)
        self.removals(sh, Obiettivo, self.obs, lambda o: o.codice, self.deleted_obs)

    def _ramo_of(self, oid: int | None) -> Ramo:
        ob = self.obs.get(oid) if oid else None
        if ob is not None:
            return ob.ramo
        for e in self.ins_obiettivi:
            if isinstance(e, InsertRow) and e.obj.id == oid:
                return e.obj.ramo
        return Ramo.OBIETTIVI

    def child_sheet(self, sh: _Sheet, cls: type, existing: dict[int, Any],
                    key_of: Any) -> list[tuple[_Row, Any, dict[str, Any], int | None]]:
        """Common part of Fasi/Indicatori/Assegnazioni/Risorse: returns rows to post-process."""
        out = []
        seen: set[int] = set(sh.fast)
        listed = {_as_int(r.cells.get("id")) for r in sh.rows} | sh.fast
        for r in sh.rows:
            rid = self.row_id(sh, r, existing)
            if rid == _SCARTATA:
                continue
            if rid is None and _clean(r.cells.get("id")) is None and cls in (Fase, Indicatore):
                # a row added in Excel and already imported once: same objective, same text
                oid0 = self.obiettivo_ref(sh, r, quiet=True)
                text = norm_label(r.cells.get("descrizione"))
                match = next((x.id for x in existing.values() if x.obiettivo_id == oid0
                              and norm_label(x.descrizione) == text and x.id not in listed), None)
                if match is not None:
                    rid = match
                    listed.add(match)
            if rid is not None and rid in seen:
                self.prob(sh.spec.name, r.n, "ID ripetuto in più righe: vale la prima",
                          tipo="id_ripetuto", gravita="errore")
                sh.id_problem = True
                continue
            oid = self.obiettivo_ref(sh, r)
            if oid is None:
                if rid is not None:
                    seen.add(rid)
                continue
            tipo = None
            if cls is Indicatore:
                tcol = sh.cols.get("tipo")
                try:
                    tipo = parse_cell(tcol, r.cells.get("tipo")) if tcol else None
                except ValueError:
                    tipo = None
                tipo = tipo or (existing[rid].tipo if rid is not None else TipoIndicatore.NUMERO)
            vals = self.values(sh, r, tipo)
            if rid is None:
                nid = self.a.allocate_id(cls)
                extra: dict[str, Any] = {"id": nid, "obiettivo_id": oid}
                if "posizione" in {f for f in cls.__dataclass_fields__}:  # type: ignore[attr-defined]
                    extra["posizione"] = None
                if cls is Indicatore and not vals.get("descrizione"):
                    self.prob(sh.spec.name, r.n, "manca la descrizione dell'indicatore: riga "
                              "ignorata", gravita="errore")
                    continue
                if cls is Fase and not vals.get("descrizione"):
                    self.prob(sh.spec.name, r.n, "manca la descrizione della fase: riga ignorata",
                              gravita="errore")
                    continue
                obj = self.new_obj(cls, vals, **extra)
                self.ins_other.append(InsertRow(obj))
                self.diffs.append(Differenza("aggiunta", sh.spec.name,
                                             f"{self.code_of.get(oid, '')} — {key_of(obj)}",
                                             riga=r.n))
                out.append((r, obj, vals, None))
                continue
            seen.add(rid)
            old = existing[rid]
            changed, campi = self.compare(sh, old, vals, tipo)
            if oid != old.obiettivo_id:
                changed["obiettivo_id"] = oid
                campi.append(("Codice obiettivo", self.code_of.get(old.obiettivo_id, ""),
                              self.code_of.get(oid, "")))
            if changed:
                self.sets.append(SetFields(cls, rid, changed, label=f"Modifica {cls.__name__.lower()}"))
            out.append((r, old, vals, rid))
            r.cells["__campi__"] = campi
            if campi and cls is not Indicatore:
                self.diffs.append(Differenza("modifica", sh.spec.name,
                                             f"{self.code_of.get(oid, '')} — {key_of(old)}",
                                             riga=r.n, campi=campi))
        self.removals(sh, cls, existing, lambda x: f"{self.code_of.get(x.obiettivo_id, '')} — "
                      f"{key_of(x)}", parent_deleted=lambda x: x.obiettivo_id in self.deleted_obs)
        return out

    def indicatori(self, sh: _Sheet, existing: dict[int, Indicatore],
                   annual: dict[tuple[int, int], Misura]) -> None:
        rows = self.child_sheet(sh, Indicatore, existing, lambda i: _short(i.descrizione))
        for r, ind, _vals, rid in rows:
            campi: list[tuple[str, str, str]] = list(r.cells.get("__campi__", []))
            tipo = ind.tipo
            for anno in sh.years:
                m = annual.get((ind.id, anno)) if rid is not None else None
                new_fields: dict[str, Any] = {}
                for what in ("target", "valore"):
                    ck = f"{what}:{anno}"
                    if ck not in sh.cols:
                        continue
                    raw = r.cells.get(ck)
                    t_old = getattr(m, f"{what}_testo") if m else None
                    n_old = getattr(m, what) if m else None
                    if not _valore_same(t_old, n_old, raw):
                        t_new, n_new = _valore_new(raw, tipo)
                        new_fields[f"{what}_testo"], new_fields[what] = t_new, n_new
                        campi.append((sh.cols[ck].label, _valore_show(t_old, n_old),
                                      _valore_show(t_new, n_new)))
                if not new_fields:
                    continue
                if m is not None:
                    self.sets.append(SetFields(Misura, m.id, new_fields, label="Modifica misura"))  # type: ignore[arg-type]
                else:
                    self.ins_misure.append(InsertRow(Misura(
                        indicatore_id=ind.id, anno=anno, periodo=PERIODO_ANNUALE, **new_fields)))
            if rid is not None and campi:
                self.diffs.append(Differenza("modifica", sh.spec.name,
                                             f"{self.code_of.get(ind.obiettivo_id, '')} — ind. {rid}",
                                             ind.descrizione, r.n, campi))

    def misure(self, sh: _Sheet, indicatori: dict[int, Indicatore],
               existing: dict[int, Misura]) -> None:
        seen: set[int] = set(sh.fast)
        for r in sh.rows:
            rid = self.row_id(sh, r, existing)
            if rid == _SCARTATA:
                continue
            vals = self.values(sh, r)
            ind_id = vals.get("indicatore_id")
            ind = indicatori.get(ind_id) if ind_id is not None else None
            if ind is None:
                self.prob(sh.spec.name, r.n, "ID indicatore mancante o inesistente: riga ignorata",
                          tipo="indicatore_sconosciuto", gravita="errore")
                if rid is not None:
                    seen.add(rid)
                continue
            vals["periodo"] = vals.get("periodo") or PERIODO_ANNUALE
            if rid is None:
                if not vals.get("anno"):
                    self.prob(sh.spec.name, r.n, "manca l'anno: riga ignorata", gravita="errore")
                    continue
                kwargs = {}
                for key in ("target", "valore"):
                    raw = vals.pop(key, ("__valore__", None))[1]
                    kwargs[f"{key}_testo"], kwargs[key] = _valore_new(raw, ind.tipo)
                obj = Misura(**{k: v for k, v in vals.items()}, **kwargs)
                self.ins_misure.append(InsertRow(obj))
                self.diffs.append(Differenza("aggiunta", sh.spec.name,
                                             f"ind. {ind.id} {obj.anno} {obj.periodo}", riga=r.n))
                continue
            seen.add(rid)
            old = existing[rid]
            changed, campi = self.compare(sh, old, vals, ind.tipo)
            if changed:
                self.sets.append(SetFields(Misura, rid, changed, label="Modifica misura"))
                self.diffs.append(Differenza("modifica", sh.spec.name,
                                             f"ind. {old.indicatore_id} {old.anno} {old.periodo}",
                                             riga=r.n, campi=campi))
        self.removals(sh, Misura, existing, lambda m: f"ind. {m.indicatore_id} {m.anno} {m.periodo}",
                      parent_deleted=lambda m: m.indicatore_id in self._deleted_inds, present=seen)

    _deleted_inds: set[int] = set()

    def removals(self, sh: _Sheet, cls: type, existing: dict[int, Any], key_of: Any,
                 deleted: set[int] | None = None, parent_deleted: Any = None,
                 present: set[int] | None = None) -> None:
        exported = self.exported.get(sh.spec.name, set())
        if not sh.whole or sh.id_problem:
            gone = [rid for rid in exported if rid in existing and rid not in sh.seen]
            if gone and sh.id_problem:
                self.prob(sh.spec.name, None, f"{righe_mancanti(len(gone))}, ma il foglio ha ID non "
                          f"validi o ripetuti: nessuna riga viene rimossa",
                          tipo="rimozioni_sospese", gravita="avviso")
            return
        if present is None:
            present = {r.cells.get("__id__") for r in sh.rows} | {
                _as_int(r.cells.get("id")) for r in sh.rows} | sh.fast
        gone = [rid for rid in exported if rid in existing and rid not in present]
        for rid in sorted(gone):
            obj = existing[rid]
            if cls is Obiettivo and any(a in gone for a in _ancestors(self.obs, rid)):
                if deleted is not None:
                    deleted.add(rid)
                continue
            if parent_deleted is not None and parent_deleted(obj):
                continue
            if deleted is not None:
                deleted.add(rid)
                deleted.update(self.a.discendenti(rid))
            self.deletes.append(DeleteRow(cls, rid, label=f"Elimina {cls.__name__.lower()}"))
            self.removed.setdefault(cls, set()).add(rid)
            self.diffs.append(Differenza("rimozione", sh.spec.name, str(key_of(obj)),
                                         getattr(obj, "titolo", "") or getattr(obj, "descrizione", "")))

    # ------------------------------------------------------------------ run

    def compare_sheets(self, wb: Any, names: set[str]) -> None:
        """Each sheet read and compared in turn (people, objectives, then their rows)."""
        anni = self.a.piano().anni
        if PERSONALE.name in names:
            self.personale(self._read_sheet(self._sheet(wb, PERSONALE.name), PERSONALE, self.persone))
        if OBIETTIVI.name in names:
            self.obiettivi(self._read_sheet(self._sheet(wb, OBIETTIVI.name), OBIETTIVI, self.obs))
        if FASI.name in names:
            fasi = {f.id: f for f in self.a.fasi()}
            self.child_sheet(self._read_sheet(self._sheet(wb, FASI.name), FASI, fasi), Fase, fasi,
                             lambda f: _short(f.descrizione))
            del fasi
        inds = {i.id: i for i in self.a.indicatori()}
        if "Indicatori" in names or MISURE.name in names:
            annual: dict[tuple[int, int], Misura] = {}
            periodic: dict[int, Misura] = {}
            for m in self.a.select(Misura, order="indicatore_id, anno, data_riferimento, id"):
                if m.periodo == PERIODO_ANNUALE:
                    annual[(m.indicatore_id, m.anno)] = m
                if m.periodo != PERIODO_ANNUALE or m.anno not in anni:
                    periodic[m.id] = m  # type: ignore[index]
        if "Indicatori" in names:
            sh = self._read_sheet(self._sheet(wb, "Indicatori"), indicatori_spec(anni), inds, annual)
            self.indicatori(sh, inds, annual)  # type: ignore[arg-type]
            self._deleted_inds = set(self.removed.get(Indicatore, set())) | {
                i.id for i in inds.values() if i.obiettivo_id in self.deleted_obs}  # type: ignore[misc]
            del sh
        if MISURE.name in names:
            self.misure(self._read_sheet(self._sheet(wb, MISURE.name), MISURE, periodic), inds, periodic)  # type: ignore[arg-type]
        if ASSEGNAZIONI.name in names:
            asse = {x.id: x for x in self.a.assegnazioni()}
            self.child_sheet(self._read_sheet(self._sheet(wb, ASSEGNAZIONI.name), ASSEGNAZIONI, asse),
                             Assegnazione, asse,
                             lambda x: self.persone[x.persona_id].nominativo
                             if x.persona_id in self.persone else "(vacante)")
        if RISORSE.name in names:
            rs = {x.id: x for x in self.a.select(Risorsa)}
            self.child_sheet(self._read_sheet(self._sheet(wb, RISORSE.name), RISORSE, rs), Risorsa, rs,
                             lambda x: _short(x.descrizione))

    def run(self) -> ImportPlan:
        wb = load_workbook(self.path)
        try:
            self._read_info(wb)
            names = set(wb.sheetnames)
            if not names & {s.name for s in (OBIETTIVI, FASI, MISURE, PERSONALE, ASSEGNAZIONI,
                                             RISORSE)} | {"Indicatori"}:
                raise ExchangeError(f"Nel file «{self.path.name}» non c'è nessuno dei fogli di "
                                    f"piaodesk (Obiettivi, Fasi, Indicatori…).")
            self.compare_sheets(wb, names)
        finally:
            wb.close()
        order = {"misure": 0, "assegnazioni": 1, "risorse": 2, "fasi": 3, "indicatori": 4,
                 "obiettivi": 5, "persone": 6}
        self.deletes.sort(key=lambda e: order.get(getattr(e, "table", ""), 9))
        ins_other = sorted(self.ins_other, key=lambda e: 0 if getattr(e, "table", "") == "indicatori" else 1)
        edits = (self.ins_persone + self.ins_obiettivi + self.sets + self.moves + ins_other
                 + self.ins_misure)
        order_of = {n: i for i, n in enumerate(SHEET_ORDER)}
        self.p_read.sort(key=lambda p: order_of.get(p.foglio or "", 99))  # stable: rows in order
        plan = ImportPlan(f"Importa «{self.path.name}»", edits, self.p_read + self.p, self.diffs,
                          origine=self.path.name, rimozioni=list(self.deletes))
        c = plan.conta_differenze()
        plan.riepilogo = {"Righe aggiunte": c.get("aggiunta", 0), "Righe modificate": c.get("modifica", 0),
                          "Righe mancanti nel file (rimosse solo con conferma)": c.get("rimozione", 0)}
        return plan


def _as_int(v: Any) -> int | None:
    d = cell_decimal(v) if v is not None else None
    try:
        return int(d) if d is not None else None
    except Exception:  # noqa: BLE001
        return None


def _ancestors(obs: dict[int, Obiettivo], oid: int) -> list[int]:
    out = []
    cur = obs.get(oid)
    while cur is not None and cur.parent_id is not None:
        out.append(cur.parent_id)
        cur = obs.get(cur.parent_id)
    return out


def _topo(inserts: list[Edit]) -> list[Edit]:
    by_id = {e.obj.id: e for e in inserts if isinstance(e, InsertRow)}
    done: set[int] = set()
    out: list[Edit] = []

    def visit(e: InsertRow) -> None:
        if e.obj.id in done:
            return
        done.add(e.obj.id)
        parent = by_id.get(e.obj.parent_id)
        if parent is not None:
            visit(parent)
        out.append(e)

    for e in inserts:
        visit(e)  # type: ignore[arg-type]
    return out


def _short(text: str | None, n: int = 50) -> str:
    s = (text or "").replace("\n", " ")
    return s if len(s) <= n else s[: n - 1] + "…"


def diff_workbook(archive: Archive, path: Path | str) -> ImportPlan:
    """Compare a (re-)edited piaodesk workbook with the plan; nothing is written."""
    path = Path(path)
    return _Diff(archive, path).run()


def check_formato(path: Path | str) -> str | None:
    """The format marker of the Info sheet (None when missing)."""
    path = Path(path)
    wb = load_workbook(path)
    try:
        if "Info" not in wb.sheetnames:
            return None
        for row in rows_of(open_sheet(wb, "Info", path.name), path.name):
            if len(row) > 1 and row[0] == "formato":
                return str(row[1])
        return None
    finally:
        wb.close()


__all__ = ["diff_workbook", "is_piaodesk_workbook", "check_formato", "FORMATO"]
