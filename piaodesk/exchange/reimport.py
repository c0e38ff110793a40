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

import dataclasses
import re
from collections.abc import Callable, Iterable, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from operator import attrgetter, itemgetter
from pathlib import Path
from typing import Any, Protocol, TypeVar, cast

from ..domain import validazione
from ..domain.enums import TRANSIZIONI_STATO, Livello, Ramo, StatoMonitoraggio, TipoEnte, TipoIndicatore
from ..domain.fields import norm_label
from ..domain.formats import format_decimal, parse_decimal, parse_percent
from ..domain.model import (
    PERIODO_ANNUALE,
    AliasPersona,
    Assegnazione,
    Ente,
    Fase,
    Indicatore,
    IndicatoreOrganizzativo,
    Misura,
    Monitoraggio,
    Obiettivo,
    ObiettivoUnita,
    PassoValutazione,
    Persona,
    Piano,
    PunteggioComportamento,
    RilevazioneIndicatore,
    Risorsa,
    StatoAvanzamento,
    Unita,
    ValoreOrganizzativo,
    Valutazione,
    ValutazioneIndividuale,
    VoceOrganizzativa,
)
from ..domain.monitoraggio import errore_validata
from ..domain.nomi import chiave_nome
from ..domain.parametri import ParametroServizio
from ..domain.rischio import ScalaRischio, leggi_livello, scala_predefinita
from ..domain.valore_pubblico import LegameValorePubblico, ObiettivoValorePubblico
from ..domain.valutazione import parse_valore
from ..domain.variazioni import StatoVariazione, Variazione
from ..store.archive import Archive
from ..store.edits import DeleteRow, Edit, InsertRow, MoveObiettivo, SetFields
from ..store.valutazioni import (
    ErroreValutazione,
    QuadroValutazioni,
    categoria_di,
    errore_comportamento,
    modifica_valutazione,
)
from . import common, scala_rischio
from .common import Differenza, ExchangeError, ImportPlan, Problema, righe_mancanti, shorten
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
    CICLO,
    COMPORTAMENTI,
    COMUNI,
    FASI,
    FORMATO,
    INDICATORI_ORG,
    MISURE,
    MONITORAGGI,
    OBIETTIVI,
    PARAMETRI,
    PERSONALE,
    PIANO,
    RILEVAZIONI,
    RISORSE,
    STATI,
    UNITA,
    VALORE_PUBBLICO,
    VALORI_ORG,
    VALUTAZIONI,
    VALUTAZIONI_IND,
    VARIAZIONI,
    VOCI_ORG,
    Col,
    PianoEnte,
    SheetSpec,
    _getter,
    _Lookups,
    _unit_subtree,
    cell_decimal,
    display,
    indicatori_spec,
    parse_cell,
    valore_cell,
    variazioni_con_voci,
)

_YEAR_COL = re.compile(r"^(target|valore) (\d{4})$")
_SKIP_KINDS = {"id", "obref", "obcode", "info", "parentcode", "indcode", "links", "monref"}
SHEET_ORDER = ("Obiettivi", "Fasi", "Indicatori", "Misure periodiche", "Unità", "Personale",
               "Assegnazioni", "Valutazioni", "Monitoraggi", "Stati di avanzamento", "Rilevazioni", "Piano",
               "Risorse", "Valutazioni individuali", "Comportamenti", "Ciclo di valutazione",
               "Voci organizzative", "Indicatori organizzativi", "Valori organizzativi", "Valore pubblico",
               "Parametri", "Variazioni", "Comuni", "Calendario")


_PLAIN_KINDS = {"text", "long", "int", "obref"}
_EMPTY_OF: dict[str, Callable[[], Any]] = {"tipologia": list, "anni": list, "lista": list, "extra": dict}


class _HasId(Protocol):
    @property
    def id(self) -> int | None: ...


_R = TypeVar("_R", bound=_HasId)


def _by_id(rows: Iterable[_R]) -> dict[int, _R]:
    """Rows read from the plan by their id (stored rows always have one)."""
    return cast("dict[int, _R]", {x.id: x for x in rows})


def _getter_many(make: Callable[..., Any], keys: list[Any]) -> Callable[[Any], tuple[Any, ...]]:
    """itemgetter/attrgetter that always returns a tuple (also for 0 or 1 keys)."""
    if not keys:
        return lambda _obj: ()
    if len(keys) == 1:
        one = make(keys[0])
        return lambda obj: (one(obj),)
    return cast("Callable[[Any], tuple[Any, ...]]", make(*keys))


def _readback(v: Any) -> Any:
    """A value as openpyxl reads it back after writing it (numbers go through ``%.16g``)."""
    t = v.__class__
    if t is str:
        return v or None
    if t is float or t is int:
        s = f"{v:.16g}"
        return float(s) if ("." in s or "e" in s or "E" in s) else int(s)
    return v


def is_piaodesk_workbook(path: Path | str) -> bool:
    """True for a workbook written by :func:`write_workbook`/`write_template`."""
    return (check_formato(path) or "").startswith("piaodesk")


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
    pct: set[tuple[int, str]] = field(default_factory=set)  # (row, key) of cells formatted as %
    #: (row, key) of cells whose unusable number (1e20, NaN) was reported and read as empty:
    #: their field is left as it is, never emptied
    nulled: set[tuple[int, str]] = field(default_factory=set)


#: row_id's answer for a row that is reported and left out (bad, unknown or repeated ID)
_SCARTATA = -1


class _Diff:
    def __init__(self, archive: Archive, path: Path):
        self.a = archive
        self.path = path
        self.p: list[Problema] = []
        self.p_read: list[Problema] = []
        self.conta = Conteggio(path.name)
        self._nulled: set[tuple[str, int, int]] = set()  # (sheet, row, column index)
        self._lk: _Lookups | None = None
        self._valore_memo: dict[tuple[Any, Any], Any] = {}
        self.diffs: list[Differenza] = []
        self.ins_unita: list[InsertRow] = []
        self.ins_monitoraggi: list[InsertRow] = []
        self.mons: dict[int, Monitoraggio] = {}  # rounds as the workbook leaves them
        self.deleted_mons: set[int] = set()
        self.ins_persone: list[InsertRow] = []
        self.ins_obiettivi: list[InsertRow] = []
        self.sets: list[Edit] = []
        self.moves: list[Edit] = []
        self.ins_other: list[InsertRow] = []
        self.ins_comuni: list[InsertRow] = []  # member Comuni: before the rows that name them
        self.nuovi_comuni: list[Ente] = []
        self.ins_misure: list[InsertRow] = []
        self.deletes: list[Edit] = []  # proposed: ImportPlan.rimozioni
        self.del_links: list[Edit] = []  # names taken out of a «A; B» cell: plain edits
        self.removed: dict[type, set[int]] = {}
        self.exported: dict[str, set[int]] = {}
        self.obs = _by_id(archive.obiettivi())
        self.code_to_id: dict[str, int] = {}
        for oid, o in self.obs.items():
            self.code_to_id.setdefault(norm_label(o.codice), oid)
        self.code_of: dict[int, str] = {oid: o.codice for oid, o in self.obs.items()}
        self.persone = _by_id(archive.persone())
        self.person_key: dict[str, int] = {}
        for p in self.persone.values():
            self.person_key.setdefault(chiave_nome(p.nominativo), p.id)  # type: ignore[arg-type]
        self.units = archive.unita()
        self.new_obs: set[int] = set()
        self.deleted_obs: set[int] = set()
        self.new_inds: dict[int, Indicatore] = {}  # indicators created by this workbook
        self.ind_code_now: dict[int, str | None] = {}  # indicator codes as the workbook sets them
        self.ind_tipo_now: dict[int, TipoIndicatore] = {}  # and their types
        self._groups: dict[type, dict[int, list[Any]]] = {}  # linked rows by owner (see _grouped)
        self.vals_ind: dict[int, ValutazioneIndividuale] = {}  # as the workbook leaves them
        self._quadri: dict[int, QuadroValutazioni] = {}  # per year: the rules' inputs, read once
        self._responsabili: set[int | None] | None = None
        self.scala_rischio: ScalaRischio = scala_predefinita()  # set by compare_sheets

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
            lk.obcode = dict(self.code_of.items())
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
        row: Sequence[Any]
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
        pct: set[tuple[int, str]] = set()
        nulled: set[tuple[int, str]] = set()
        perc_cols = {i + 1: k for i, k in colmap.items() if cols[k].kind == "perc"}
        percent_cells = _watch_percent_cells(ws, perc_cols) if perc_cols else None
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
        blank_ok = [i for i, k in items if k in spec.da_compilare] if spec.da_compilare else []
        if len(blank_ok) < len(spec.da_compilare):
            blank_ok = []  # a column of them is missing: every row counts
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
                    if ("#" in v and v.strip() in ERRORI_FORMULA) or len(v) > max_cella:
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
            if rid is None and blank_ok and all(_clean(row[i]) is None for i in blank_ok):
                continue  # a row to fill in (SheetSpec.da_compilare), left empty
            if rid is not None:
                rkey = rid if rid.__class__ is int else _as_int(rid)
                first = rkey not in ids
                ids.add(rkey)
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
                if self._nulled:
                    nulled.update((n, k) for i, k in items if (ws.title, n, i) in self._nulled)
                if percent_cells is not None:  # only rows compared field by field need formats
                    pct.update((n, k) for k in percent_cells(n))
        return _Sheet(spec, rows, cols, years, fast, whole=True, seen=set(fast), pct=pct,
                      nulled=nulled)

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
                self._nulled.add((foglio, n, i))
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
        rid: int | None
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
        assert rid is not None  # (a row without ID returned above, an unknown one is refused)
        sh.seen.add(rid)
        return rid

    def persona_id(self, sheet: str, r: _Row, col: Col, raw: Any) -> tuple[bool, int | None]:
        name = _clean(raw)
        if name is None:
            return True, None
        key = chiave_nome(str(name))
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

    def comune_id(self, sheet: str, r: _Row, col: Col, raw: Any) -> tuple[bool, int | None]:
        """A member Comune by name («Comune di Bibbiano» or «Bibbiano»); unknown: said, unchanged."""
        name = _clean(raw)
        if name is None:
            return True, None
        key = norm_label(name)
        for e in [*self.a.enti(), *self.nuovi_comuni]:
            nome = norm_label(e.nome)
            if key in (nome, norm_label(e.codice_fiscale or "")) or nome == norm_label(f"Comune di {name}"):
                return True, e.id
        self.prob(sheet, r.n, f"comune «{name}» non trovato tra gli enti del piano: il campo non è stato "
                  f"cambiato", tipo="comune_sconosciuto", col=col.label)
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
        value: Any
        out: dict[str, Any] = {}
        for key, col in sh.cols.items():
            if col.kind in _SKIP_KINDS or not col.imported or ":" in key:
                continue
            raw = r.cells.get(key)
            if (r.n, key) in sh.nulled:
                continue  # an unusable number, already reported: the field is not changed
            if col.kind == "persona":
                ok, pid = self.persona_id(sh.spec.name, r, col, raw)
                if ok:
                    out[key] = pid
            elif col.kind == "unita":
                ok, uid = self.unita_id(sh.spec.name, r, col, raw)
                if ok:
                    out[key] = uid
            elif col.kind == "comune":
                ok, cid = self.comune_id(sh.spec.name, r, col, raw)
                if ok:
                    out[key] = cid
            elif col.kind == "rischio":  # a level of the ente's scale (the workbook's, if it has one)
                try:
                    out[key] = leggi_livello(None if _clean(raw) is None else str(raw), self.scala_rischio)
                except ValueError as exc:
                    self.prob(sh.spec.name, r.n, f"{exc}: il campo non è stato cambiato", col=col.label)
            elif col.kind == "valore":
                out[key] = ("__valore__", raw)
            elif col.kind == "perc":
                if _clean(raw) is None:
                    out[key] = None
                    continue
                value, avviso = parse_percent(raw, (r.n, key) in sh.pct)
                if value is None:
                    try:  # a number out of any range says so (domain/validazione.py)
                        validazione.campo(key, validazione.numero(raw))
                    except validazione.ValoreNonValido as exc:
                        if "non è un numero" not in str(exc):
                            self.prob(sh.spec.name, r.n, f"{exc} Il campo non è stato cambiato.",
                                      col=col.label)
                            continue
                    self.prob(sh.spec.name, r.n, f"«{raw}» non è una percentuale: il campo non è "
                              f"stato cambiato", col=col.label)
                    continue
                try:
                    value = validazione.campo(key, value)
                except validazione.ValoreNonValido as exc:
                    self.prob(sh.spec.name, r.n, f"{exc} Il campo non è stato cambiato.",
                              col=col.label)
                    continue
                if avviso:
                    self.prob(sh.spec.name, r.n, avviso, tipo="percentuale_ambigua", col=col.label)
                out[key] = value
            else:
                if _clean(raw) is None and col.kind not in _EMPTY_OF and col.kind not in (
                        "bool", "enum") and not key.endswith("_id") and _required(sh.spec.cls, key):
                    # (a link such as «ID indicatore» is resolved, and reported, on its own)
                    self.prob(sh.spec.name, r.n, f"«{col.label}» non può essere vuoto: il campo non "
                              f"è stato cambiato", tipo="valore_obbligatorio", col=col.label)
                    continue
                try:
                    value = parse_cell(col, raw)
                    if value is None and col.kind == "bool":
                        value = False  # an empty Sì/No cell is "No"
                    if value is None and col.kind in _EMPTY_OF:
                        value = _EMPTY_OF[col.kind]()  # an empty list cell is an empty list
                    if value is None and col.kind == "enum":
                        continue  # required enumerations: an empty cell changes nothing
                    value = validazione.campo(key, value)  # ranges: domain/validazione.py
                    out[key] = value
                except validazione.ValoreNonValido as exc:
                    self.prob(sh.spec.name, r.n, f"{exc} Il campo non è stato cambiato."
                              + _default_note(sh.spec.cls, key), col=col.label)
                except ValueError as exc:
                    self.prob(sh.spec.name, r.n, f"{exc}: il campo non è stato cambiato"
                              + _default_note(sh.spec.cls, key), col=col.label)
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
        if col.kind == "comune":
            e = next((e for e in self.a.enti() if e.id == value), None)
            return e.nome if e else ""
        if col.kind == "perc" and value is not None:
            return format_decimal(value, None) + " %"
        return display(value)

    def new_obj(self, cls: type, vals: dict[str, Any], *, tipo_valori: TipoIndicatore | None = None,
                **extra: Any) -> Any:
        """A new row from parsed values; targets/actuals are read by ``tipo_valori`` (else the
        row's own «Tipo», else Numero)."""
        kwargs: dict[str, Any] = {}
        for key, v in vals.items():
            if isinstance(v, tuple) and v and v[0] == "__valore__":
                tipo = tipo_valori or vals.get("tipo") or TipoIndicatore.NUMERO
                t, n = _valore_new(v[1], tipo)
                base = "baseline" if key == "baseline" else key
                kwargs[f"{base}_testo"], kwargs[base] = t, n
            else:
                kwargs[key] = v
        kwargs = {k: v for k, v in kwargs.items() if v is not None}
        kwargs.update(extra)
        return cls(**kwargs)

    # ------------------------------------------------------------------ sheets

    def unita_nuove(self, sh: _Sheet) -> list[tuple[_Row, int | None, int]]:
        """First pass over «Unità»: new units get their id and name, so that the parents,
        the people of «Personale» and the objectives can name them in the same workbook."""
        existing = _by_id(self.units)
        out: list[tuple[_Row, int | None, int]] = []
        for r in sh.rows:
            uid = self.row_id(sh, r, existing)
            if uid == _SCARTATA:
                continue
            if uid is not None:
                out.append((r, uid, uid))
                nome, codice = _clean(r.cells.get("nome")), _clean(r.cells.get("codice"))
                i = next(n for n, u in enumerate(self.units) if u.id == uid)
                self.units.append(dataclasses.replace(  # renamed: found by the new name too
                    self.units[i], nome=str(nome or self.units[i].nome),
                    codice=str(codice) if codice is not None else self.units[i].codice))
                continue
            nome = _clean(r.cells.get("nome"))
            if nome is None:
                self.prob(sh.spec.name, r.n, "manca il nome dell'unità: riga ignorata", gravita="errore")
                continue
            nid = self.a.allocate_id(Unita)
            codice = _clean(r.cells.get("codice"))
            self.units.append(Unita(id=nid, nome=str(nome), codice=None if codice is None else str(codice)))
            out.append((r, None, nid))
        return out

    def unita(self, sh: _Sheet, pending: list[tuple[_Row, int | None, int]]) -> None:
        """Second pass over «Unità» (after «Personale»): inserts and changes."""
        name = sh.spec.name
        existing = _by_id(self.a.unita())
        seen: set[int] = set(sh.fast)
        inserts: list[InsertRow] = []
        for r, uid, rid in pending:
            if self.repeated(sh, r, rid, seen):
                continue
            vals = self.values(sh, r)
            parent = vals.get("parent_id")
            if parent is not None and parent in _unit_subtree(self.units, rid):
                self.prob(name, r.n, "l'unità superiore è l'unità stessa o una sua sotto-unità: "
                          "non cambiata", col="Unità superiore")
                vals.pop("parent_id")
            resp = vals.get("responsabile_id")
            late = resp is not None and self.a.get(Persona, resp) is None
            if late:  # a person added by this workbook: set once the person exists
                vals.pop("responsabile_id")
            if uid is None:
                unit = self.new_obj(Unita, vals, id=rid, posizione=None, ente_id=self.a.piano().ente_id)
                inserts.append(InsertRow(unit, label="Aggiungi unità"))
                self.diffs.append(Differenza("aggiunta", name, unit.codice or unit.nome, unit.nome, r.n))
                if late:
                    self.sets.append(SetFields(Unita, rid, {"responsabile_id": resp}))
                continue
            old = existing[uid]
            changed, campi = self.compare(sh, old, vals)
            if late:
                changed["responsabile_id"] = resp
                campi.append(("Responsabile", self.show(sh.cols["responsabile_id"], old.responsabile_id),
                              self.show(sh.cols["responsabile_id"], resp)))
            if changed:
                self.sets.append(SetFields(Unita, uid, changed, label="Modifica unità"))
                self.diffs.append(Differenza("modifica", name, old.codice or old.nome, old.nome, r.n, campi))
        self.ins_unita = _topo(inserts)
        exported = self.exported.get(name, set())
        gone = [u for uid2, u in existing.items() if uid2 in exported and uid2 not in seen]
        if gone:
            self.prob(name, None, f"{len(gone)} unità non sono più nel foglio: non vengono eliminate "
                      f"dalla cartella (eliminarle dal programma, Organizzazione)", tipo="unita_non_rimossa",
                      gravita="info")

    # ------------------------------------------------------------------ rounds and valuations
    #
    # «Valutazioni», «Monitoraggi», «Stati di avanzamento», «Rilevazioni»: rows with an ID, some
    # references (objective, round, indicator) resolved first, a uniqueness key and the plan's
    # own rules checked before an edit is proposed (a row that breaks them is an error, the
    # plan is untouched).

    def simple_sheet(self, sh: _Sheet, cls: type, existing: dict[int, Any], key_of: Callable[[Any], str],
                     resolve: Callable[[_Sheet, _Row], dict[str, Any] | None],
                     unique: Callable[[Any], Any], check: Callable[[Any, Any], Any],
                     parent_deleted: Callable[[Any], bool], inserts: list[InsertRow]) -> None:
        name = sh.spec.name
        seen: set[int] = set(sh.fast)
        taken = {unique(x): x.id for x in existing.values()}
        for r in sh.rows:
            rid = self.row_id(sh, r, existing)
            if rid == _SCARTATA or (rid is not None and self.repeated(sh, r, rid, seen)):
                continue
            refs = resolve(sh, r)
            if refs is None:
                continue
            tipo = refs.pop("__tipo__", None)
            vals = self.values(sh, r, tipo)
            vals.update(refs)
            if rid is None:
                nid = self.a.allocate_id(cls)
                obj = self.new_obj(cls, vals, tipo_valori=tipo, id=nid)
                old, campi, changed = None, list[tuple[str, str, str]](), dict[str, Any]()
            else:
                old = existing[rid]
                changed, campi = self.compare(sh, old, vals, tipo)
                if not changed:
                    continue
                obj = dataclasses.replace(old, **changed)
            other = taken.get(unique(obj))
            why = check(old, obj)
            if why is None and other is not None and other != obj.id:
                why = f"c'è già una riga per {key_of(obj)} (ID {other})"
            if why is not None:
                why, col = why if isinstance(why, tuple) else (why, None)  # (message, column)
                self.prob(name, r.n, f"{why}: riga non importata", tipo="riga_non_valida", col=col,
                          gravita="errore")
                continue
            taken[unique(obj)] = obj.id
            if rid is None:
                inserts.append(InsertRow(obj, label=f"Aggiungi {name.lower()}"))
                self.diffs.append(Differenza("aggiunta", name, key_of(obj), riga=r.n))
            else:
                self.sets.append(SetFields(cls, rid, changed, label=f"Modifica {name.lower()}"))
                self.diffs.append(Differenza("modifica", name, key_of(old), riga=r.n, campi=campi))
        self.removals(sh, cls, existing, key_of, parent_deleted=parent_deleted, present=seen)

    def repeated(self, sh: _Sheet, r: _Row, rid: int, seen: set[int]) -> bool:
        """True (and an error) when ``rid`` was already on an earlier row; else it is noted."""
        if rid in seen:
            self.prob(sh.spec.name, r.n, "ID ripetuto in più righe: vale la prima", tipo="id_ripetuto",
                      gravita="errore")
            return True
        seen.add(rid)
        return False

    def monitoraggio_ref(self, sh: _Sheet, r: _Row) -> int | None:
        """The round of a row: by «ID monitoraggio», else by its name; None (reported) otherwise."""
        raw = _clean(r.cells.get("monitoraggio_id"))
        if raw is not None:
            mid = _as_int(raw)
            if mid in self.mons:
                return mid
        nome = _clean(r.cells.get("_monname"))
        if nome is not None:
            found = [m.id for m in self.mons.values() if norm_label(m.nome) == norm_label(nome)]
            if len(found) == 1:
                return found[0]
        self.prob(sh.spec.name, r.n, "monitoraggio non trovato (colonne «ID monitoraggio» / "
                  "«Monitoraggio»): riga ignorata", tipo="monitoraggio_sconosciuto",
                  col="ID monitoraggio", gravita="errore")
        return None

    def _in_round(self, what: str, row: Any) -> str:
        m = self.mons.get(row.monitoraggio_id)
        return f"{what} — {m.nome}" if m is not None else what

    def _aperto(self, mid: int) -> str | None:
        m = self.mons.get(mid)
        if m is not None and m.stato == StatoMonitoraggio.CHIUSO:
            return f"il monitoraggio «{m.nome}» è chiuso (riaprirlo per cambiarne i dati)"
        return None

    def monitoraggi(self, sh: _Sheet) -> None:
        existing = _by_id(self.a.monitoraggi())
        self.mons = dict(existing)
        inserts: list[InsertRow] = []

        def check(old: Any, obj: Monitoraggio) -> str | None:
            return "manca l'anno" if not obj.anno else None

        self.simple_sheet(sh, Monitoraggio, existing, lambda m: m.nome or f"ID {m.id}",
                          lambda _sh, _r: {}, lambda m: ("id", m.id), check,
                          lambda _m: False, inserts)
        self.ins_monitoraggi = inserts
        for e in inserts:
            self.mons[e.obj.id] = e.obj
        for s in self.sets:
            if isinstance(s, SetFields) and s.table == "monitoraggi" and "stato" in s.new:
                self.mons[s.row_id] = dataclasses.replace(
                    self.mons[s.row_id], stato=StatoMonitoraggio(s.new["stato"]))
        self.deleted_mons = {e.row_id for e in self.deletes
                             if isinstance(e, DeleteRow) and e.table == "monitoraggi"}

    def stati(self, sh: _Sheet) -> None:
        existing = _by_id(self.a.select(StatoAvanzamento))

        def resolve(sh: _Sheet, r: _Row) -> dict[str, Any] | None:
            mid = self.monitoraggio_ref(sh, r)
            oid = self.obiettivo_ref(sh, r) if mid is not None else None
            return None if oid is None else {"monitoraggio_id": mid, "obiettivo_id": oid}

        def check(old: Any, obj: StatoAvanzamento) -> str | None:
            return (self._aperto(obj.monitoraggio_id)
                    or errore_validata(obj.perc_calcolata, obj.perc_validata, obj.motivo_override))

        self.simple_sheet(sh, StatoAvanzamento, existing, lambda x: self._in_round(
                              self.code_of.get(x.obiettivo_id, ""), x),
                          resolve, lambda x: (x.monitoraggio_id, x.obiettivo_id), check,
                          lambda x: (x.obiettivo_id in self.deleted_obs
                                     or x.monitoraggio_id in self.deleted_mons),
                          self.ins_other)

    def rilevazioni(self, sh: _Sheet, inds: dict[int, Indicatore]) -> None:
        existing = _by_id(self.a.select(RilevazioneIndicatore))
        indicatori = {**inds, **self.new_inds}
        by_code = self._ind_by_code(indicatori)

        def resolve(sh: _Sheet, r: _Row) -> dict[str, Any] | None:
            mid = self.monitoraggio_ref(sh, r)
            if mid is None:
                return None
            ind = self.indicatore_ref(sh, r, _as_int(r.cells.get("indicatore_id")), indicatori, by_code)
            if ind is None:
                return None
            return {"monitoraggio_id": mid, "indicatore_id": ind.id, "__tipo__": self.tipo_of(ind)}

        def check(old: Any, obj: RilevazioneIndicatore) -> str | None:
            return self._aperto(obj.monitoraggio_id)

        self.simple_sheet(sh, RilevazioneIndicatore, existing,
                          lambda x: self._in_round(f"ind. {x.indicatore_id}", x), resolve,
                          lambda x: (x.monitoraggio_id, x.indicatore_id), check,
                          lambda x: (x.indicatore_id in self._deleted_inds
                                     or x.monitoraggio_id in self.deleted_mons),
                          self.ins_other)

    def valutazioni(self, sh: _Sheet) -> None:
        existing = _by_id(self.a.select(Valutazione))

        def resolve(sh: _Sheet, r: _Row) -> dict[str, Any] | None:
            oid = self.obiettivo_ref(sh, r)
            return None if oid is None else {"obiettivo_id": oid}

        def check(old: Any, obj: Valutazione) -> str | None:
            return "manca l'anno" if not obj.anno else None

        self.simple_sheet(sh, Valutazione, existing,
                          lambda x: f"{self.code_of.get(x.obiettivo_id, '')} {x.anno}", resolve,
                          lambda x: (x.obiettivo_id, x.anno), check,
                          lambda x: x.obiettivo_id in self.deleted_obs, self.ins_other)

    # ------------------------------------------------------------------ individual valuations

    def _errore_valutazione(self, persona_id: int, anno: int, **kw: Any) -> str | None:
        """The refusal :func:`modifica_valutazione` gives for these values (its rules, not a copy)."""
        q = self._quadri.get(anno)
        if q is None:
            q = self._quadri[anno] = QuadroValutazioni(self.a, anno)
        try:
            modifica_valutazione(self.a, persona_id, anno, quadro=q, **kw)
        except ErroreValutazione as exc:
            return str(exc).rstrip(".")
        return None

    def _left(self, table: str, obj: Any) -> Any:
        """A row of the plan as this workbook leaves it (its pending field changes applied)."""
        if obj is None:
            return None
        new = {k: v for e in self.sets if isinstance(e, SetFields) and e.table == table
               and e.row_id == obj.id for k, v in e.new.items()}
        return dataclasses.replace(obj, **new) if new else obj

    def _errore_comportamento(self, vid: int, nome: str, valore: Decimal | None) -> str | None:
        """The store's rule for a behaviour score, on the person, units and valuation as the
        workbook leaves them (a category or a responsabile changed in the same file counts)."""
        v = self.vals_ind[vid]
        q = self._quadri.get(v.anno)
        if q is None:
            q = self._quadri[v.anno] = QuadroValutazioni(self.a, v.anno)
        p = self._left("persone", self.persone.get(v.persona_id))
        if p is None:
            return f"persona {v.persona_id} non trovata"
        if self._responsabili is None:
            self._responsabili = {self._left("unita", u).responsabile_id for u in self.units}
        cat = categoria_di(q.sistema, p, p.id in self._responsabili, v.categoria)
        msg = errore_comportamento(q.sistema, cat, nome, valore)
        return msg.rstrip(".") if msg else None

    def valutazioni_individuali(self, sh: _Sheet) -> None:
        existing = _by_id(self.a.select(ValutazioneIndividuale))
        inserts: list[InsertRow] = []
        cols = {c.key: c.label for c in sh.spec.cols}

        def check(old: Any, obj: ValutazioneIndividuale) -> Any:
            if not obj.persona_id:
                return "manca la persona", cols["persona_id"]
            if not obj.anno:
                return "manca l'anno", cols["anno"]
            for key in ("valutatore_id", "categoria", "punteggio_individuali"):
                if old is None or getattr(old, key) != getattr(obj, key):
                    why = self._errore_valutazione(obj.persona_id, obj.anno, **{key: getattr(obj, key)})
                    if why:
                        return why, cols[key]
            return None

        def key_of(x: ValutazioneIndividuale) -> str:
            p = self.persone.get(x.persona_id)
            return f"{p.nominativo if p else x.persona_id} {x.anno}"

        self.simple_sheet(sh, ValutazioneIndividuale, existing, key_of, lambda _sh, _r: {},
                          lambda x: (x.persona_id, x.anno), check,
                          lambda x: x.persona_id in self.removed.get(Persona, set()), inserts)
        self.ins_other += inserts
        self.vals_ind.update({k: self._left(ValutazioneIndividuale.TABLE, v) for k, v in existing.items()})
        self.vals_ind.update({e.obj.id: e.obj for e in inserts})

    def valutazione_ref(self, sh: _Sheet, r: _Row) -> int | None:
        """The valuation of a row: «ID valutazione», else (a new row) «Persona» and «Anno»."""
        raw = _clean(r.cells.get("valutazione_id"))
        vid = _as_int(raw)
        if vid in self.vals_ind:
            return vid
        nome, anno = _clean(r.cells.get("_valpersona")), _as_int(r.cells.get("_valanno"))
        if raw is None and nome is not None and anno is not None:
            pid = self.person_key.get(chiave_nome(str(nome)))
            for v in self.vals_ind.values():
                if v.persona_id == pid and v.anno == anno:
                    return v.id
        self.prob(sh.spec.name, r.n, "valutazione individuale non trovata (colonne «ID valutazione» / "
                  "«Persona» e «Anno»): riga ignorata", tipo="valutazione_sconosciuta",
                  col="ID valutazione", gravita="errore")
        return None

    def _of_valutazione(self, sh: _Sheet, cls: type[Any], unique: Callable[[Any], Any],
                        check: Callable[[Any, Any], Any], what: Callable[[Any], str]) -> None:
        existing = _by_id(self.a.select(cls))

        def resolve(sh: _Sheet, r: _Row) -> dict[str, Any] | None:
            vid = self.valutazione_ref(sh, r)
            return None if vid is None else {"valutazione_id": vid}

        def key_of(x: Any) -> str:
            v = self.vals_ind.get(x.valutazione_id)
            p = self.persone.get(v.persona_id) if v else None
            return f"{p.nominativo if p else ''} {v.anno if v else ''} — {what(x)}".strip()

        gone = self.removed.get(ValutazioneIndividuale, set())
        self.simple_sheet(sh, cls, existing, key_of, resolve, unique, check,
                          lambda x: x.valutazione_id in gone, self.ins_other)

    def comportamenti(self, sh: _Sheet) -> None:
        cols = {c.key: c.label for c in sh.spec.cols}

        def check(old: Any, obj: PunteggioComportamento) -> Any:
            why = None
            if old is None or old.comportamento != obj.comportamento:
                why = self._errore_comportamento(obj.valutazione_id, obj.comportamento, None)
                if why:
                    return why, cols["comportamento"]
            if obj.punteggio is not None and (old is None or old.punteggio != obj.punteggio):
                why = self._errore_comportamento(obj.valutazione_id, obj.comportamento, obj.punteggio)
            return (why, cols["punteggio"]) if why else None

        self._of_valutazione(sh, PunteggioComportamento, lambda x: (x.valutazione_id, x.comportamento),
                             check, lambda x: x.comportamento)

    def ciclo(self, sh: _Sheet) -> None:
        self._of_valutazione(sh, PassoValutazione, lambda x: (x.valutazione_id, str(x.passo)),
                             lambda _old, _obj: None, lambda x: display(x.passo))

    def organizzativa(self, wb: Any, names: set[str]) -> None:
        """«Voci organizzative», «Indicatori organizzativi», «Valori organizzativi»."""
        voci = _by_id(self.a.select(VoceOrganizzativa))
        inds = _by_id(self.a.select(IndicatoreOrganizzativo))
        if VOCI_ORG.name in names:
            ins: list[InsertRow] = []
            self.simple_sheet(self._read_sheet(self._sheet(wb, VOCI_ORG.name), VOCI_ORG, voci),
                              VoceOrganizzativa, voci, lambda x: x.nome or f"ID {x.id}",
                              lambda _sh, _r: {}, lambda x: ("id", x.id), lambda _o, _n: None,
                              lambda x: x.unita_id in self.removed.get(Unita, set()), ins)
            self.ins_other += ins
            voci.update({e.obj.id: e.obj for e in ins})

        def ref(sh: _Sheet, r: _Row, key: str, have: dict[int, Any], what: str) -> int | None:
            rid = _as_int(r.cells.get(key))
            if rid in have:
                return rid
            self.prob(sh.spec.name, r.n, f"{what} non trovato (colonna «{sh.spec.cols[1].label}»): riga "
                      f"ignorata", tipo="riferimento_sconosciuto", col=sh.spec.cols[1].label,
                      gravita="errore")
            return None

        gone_voci = self.removed.get(VoceOrganizzativa, set())
        if INDICATORI_ORG.name in names:
            ins = []
            self.simple_sheet(
                self._read_sheet(self._sheet(wb, INDICATORI_ORG.name), INDICATORI_ORG, inds),
                IndicatoreOrganizzativo, inds, lambda x: x.nome or f"ID {x.id}",
                lambda sh, r: None if (v := ref(sh, r, "voce_id", voci, "voce")) is None else {"voce_id": v},
                lambda x: ("id", x.id), lambda _o, _n: None, lambda x: x.voce_id in gone_voci, ins)
            self.ins_other += ins
            inds.update({e.obj.id: e.obj for e in ins})
        if VALORI_ORG.name in names:
            valori = _by_id(self.a.select(ValoreOrganizzativo))
            gone = self.removed.get(IndicatoreOrganizzativo, set())

            def resolve(sh: _Sheet, r: _Row) -> dict[str, Any] | None:
                i = ref(sh, r, "indicatore_id", inds, "indicatore organizzativo")
                if i is None:
                    return None
                # the values are read by the indicator's type as this workbook leaves it
                tipo = TipoIndicatore(self._left(IndicatoreOrganizzativo.TABLE, inds[i]).tipo)
                return {"indicatore_id": i, "__tipo__": tipo}

            self.simple_sheet(
                self._read_sheet(self._sheet(wb, VALORI_ORG.name), VALORI_ORG, valori),
                ValoreOrganizzativo, valori,
                lambda x: f"{inds[x.indicatore_id].nome if x.indicatore_id in inds else x.indicatore_id} "
                          f"{x.anno}", resolve, lambda x: (x.indicatore_id, x.anno),
                lambda _o, n: "manca l'anno" if not n.anno else None,
                lambda x: x.indicatore_id in gone or (inds.get(x.indicatore_id) is not None
                and inds[x.indicatore_id].voce_id in gone_voci), self.ins_other)

    # ------------------------------------------------------------------ linked rows in one cell

    def links(self, sh: _Sheet, r: _Row, key: str, owner: int, have: list[tuple[int, Any]],
              resolve: Callable[[str], Any], make: Callable[[Any], Any], cls: type,
              ) -> list[tuple[str, str, str]]:
        """A «A; B» cell → the linked rows to add and remove; nothing changes if a name is unknown."""
        col = sh.cols.get(key)
        if col is None:
            return []
        raw = _clean(r.cells.get(key))
        wanted: list[Any] = []
        for part in ([] if raw is None else str(raw).split(";")):
            if not part.strip():
                continue
            value = resolve(part.strip())
            if value is None:
                return []  # reported by resolve: the links stay as they are
            if value not in wanted:
                wanted.append(value)
        current = {value: lid for lid, value in have}
        added = [v for v in wanted if v not in current]
        dropped = [lid for v, lid in current.items() if v not in wanted]
        if not added and not dropped:
            return []
        self.ins_other.extend(InsertRow(make(v)) for v in added)
        # a name taken out of the cell: an edit the user wrote, not a row missing from a sheet
        self.del_links.extend(DeleteRow(cls, lid) for lid in dropped)
        before = self._lookups().links.get(key, {}).get(owner, [])
        return [(col.label, "; ".join(before), "" if raw is None else str(raw))]

    def condivise(self, sh: _Sheet, r: _Row, oid: int) -> list[tuple[str, str, str]]:
        """«Settori condivisi»: the settori a trasversale objective is shared with."""
        col = sh.cols.get("_condivise")
        if col is None:
            return []
        have = [(x.id, x.unita_id) for x in self._grouped(ObiettivoUnita, "obiettivo_id").get(oid, [])]

        def resolve(name: str) -> int | None:
            ok, uid = self.unita_id(sh.spec.name, r, col, name)
            return uid if ok else None

        return self.links(sh, r, "_condivise", oid, have, resolve,
                          lambda uid: ObiettivoUnita(obiettivo_id=oid, unita_id=uid), ObiettivoUnita)

    def alias(self, sh: _Sheet, r: _Row, pid: int) -> list[tuple[str, str, str]]:
        """«Altri nomi»: the other spellings a person is known by in the source documents."""
        if "_alias" not in sh.cols:
            return []
        have = [(x.id, x.alias) for x in self._grouped(AliasPersona, "persona_id").get(pid, [])]
        return self.links(sh, r, "_alias", pid, have, lambda text: text,
                          lambda text: AliasPersona(persona_id=pid, alias=text), AliasPersona)

    def _grouped(self, cls: type, owner: str) -> dict[int, list[Any]]:
        """Rows of ``cls`` by their owner's id (read once per import)."""
        cache = self._groups
        if cls not in cache:
            groups: dict[int, list[Any]] = {}
            x: Any
            for x in self.a.select(cls, order=f"{owner}, id"):
                groups.setdefault(getattr(x, owner), []).append(x)
            cache[cls] = groups
        return cache[cls]

    def piano(self, sh: _Sheet, old: PianoEnte) -> None:
        """«Piano»: the plan's title, triennio, state, act of approval, notes, and its ente."""
        name = sh.spec.name
        for n, r in enumerate(sh.rows):
            if n:
                self.prob(name, r.n, "il foglio ha una sola riga (il piano): riga ignorata",
                          gravita="errore")
                continue
            rid = _as_int(r.cells.get("id"))
            if rid is not None and rid != old.id:
                self.prob(name, r.n, f"l'ID {rid} non è quello del piano ({old.id}): riga ignorata",
                          col="ID", gravita="errore")
                continue
            changed, campi = self.compare(sh, old, self.values(sh, r))
            new = dataclasses.replace(old, **changed)
            why = None
            if not (new.titolo or "").strip():
                why = "il titolo del piano non può essere vuoto"
            elif new.anno_fine < new.anno_inizio:
                why = "l'anno finale non può precedere l'anno iniziale"
            elif new.stato != old.stato and new.stato not in TRANSIZIONI_STATO[old.stato]:
                why = (f"il piano non può passare da «{old.stato.label}» a «{new.stato.label}» "
                       f"(si cambia uno stato alla volta)")
            elif self.a.ente() is None and {"ente_nome", "ente_tipo"} & set(changed):
                why = "il piano non ha un ente da cambiare"
            if why is not None:
                self.prob(name, r.n, f"{why}: il piano non è stato cambiato", gravita="errore")
                continue
            piano = {k: v for k, v in changed.items() if not k.startswith("ente_")}
            ente = {k[5:]: v for k, v in changed.items() if k.startswith("ente_")}
            if piano:
                self.sets.append(SetFields(Piano, old.id, piano, label="Proprietà del piano"))  # type: ignore[arg-type]
            if ente:
                self.sets.append(SetFields(Ente, self.a.piano().ente_id, ente, label="Ente"))  # type: ignore[arg-type]
            if campi:
                self.diffs.append(Differenza("modifica", name, old.titolo, riga=r.n, campi=campi))

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
                self.person_key.setdefault(chiave_nome(p.nominativo), nid)
                self.persone[nid] = p
                self.diffs.append(Differenza("aggiunta", sh.spec.name, p.nominativo, riga=r.n))
                self.alias(sh, r, nid)
                continue
            old = self.persone[pid]
            changed, campi = self.compare(sh, old, vals)
            if {"cognome", "nome"} & set(changed):  # later sheets may name the person as renamed
                renamed = dataclasses.replace(old, **{k: changed[k] for k in ("cognome", "nome")
                                                      if k in changed})
                self.person_key[chiave_nome(renamed.nominativo)] = pid
            if changed:
                self.sets.append(SetFields(Persona, pid, changed, label="Modifica persona"))
            campi += self.alias(sh, r, pid)
            if campi:
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
                if code is not None and norm_label(code) != norm_label(self.code_of.get(oid)):
                    self._recode(oid, str(code), listed)  # later rows may name it by its new code
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
                self.condivise(sh, r, rid)
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
            campi += self.condivise(sh, r, oid)
            if campi:
                self.diffs.append(Differenza("modifica", name, old.codice, old.titolo, r.n, campi))
        # parents before children among the new rows
        self.ins_obiettivi = _topo(self.ins_obiettivi)
        self.removals(sh, Obiettivo, self.obs, lambda o: o.codice, self.deleted_obs)

    def _recode(self, oid: int, code: str, listed: set[int | None]) -> None:
        """An objective's code changed by the workbook: the new code names it from now on."""
        key = norm_label(code)
        holder = self.code_to_id.get(key)
        if holder is not None and holder != oid and holder in listed:
            return  # the code belongs to another listed objective (reported on its own row)
        old_key = norm_label(self.code_of.get(oid))
        if self.code_to_id.get(old_key) == oid:
            del self.code_to_id[old_key]
        self.code_to_id[key] = oid
        self.code_of[oid] = code

    def _ramo_of(self, oid: int | None) -> Ramo:
        ob = self.obs.get(oid) if oid else None
        if ob is not None:
            return ob.ramo
        for e in self.ins_obiettivi:
            if isinstance(e, InsertRow) and e.obj.id == oid:
                ramo: Ramo = e.obj.ramo
                return ramo
        return Ramo.OBIETTIVI

    def child_sheet(self, sh: _Sheet, cls: type, existing: dict[int, Any],
                    key_of: Any) -> list[tuple[_Row, Any, dict[str, Any], int | None]]:
        """Common part of Fasi/Indicatori/Assegnazioni/Risorse: returns rows to post-process."""
        out: list[tuple[_Row, Any, dict[str, Any], int | None]] = []
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
                if "posizione" in cls.__dataclass_fields__:  # type: ignore[attr-defined]
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
                if cls is Indicatore:
                    self.new_inds[nid] = obj
                self.diffs.append(Differenza("aggiunta", sh.spec.name,
                                             f"{self.code_of.get(oid, '')} — {key_of(obj)}",
                                             riga=r.n))
                out.append((r, obj, vals, None))
                continue
            seen.add(rid)
            old = existing[rid]
            if cls is Indicatore:
                if "codice" in vals:
                    self.ind_code_now[rid] = vals["codice"]
                if vals.get("tipo") is not None:
                    self.ind_tipo_now[rid] = vals["tipo"]
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
        rows = self.child_sheet(sh, Indicatore, existing, lambda i: shorten(i.descrizione))
        for r, ind, vals, rid in rows:
            campi: list[tuple[str, str, str]] = list(r.cells.get("__campi__", []))
            tipo = vals.get("tipo") or ind.tipo  # the type as this row sets it
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

    def indicatore_ref(self, sh: _Sheet, r: _Row, ind_id: int | None, indicatori: dict[int, Indicatore],
                       by_code: dict[str, list[int]]) -> Indicatore | None:
        """The indicator of a «Misure periodiche» row: by ID, else by its code (new ones included)."""
        code = _clean(r.cells.get("_indcode"))
        key = norm_label(code) if code is not None else None
        if ind_id is not None and ind_id in indicatori:
            ind = indicatori[ind_id]
            now = self.ind_code_now.get(ind_id, ind.codice)
            if key is None or key == norm_label(now):
                return ind
        if key is not None:
            ids = by_code.get(key, [])
            if len(ids) == 1:
                return indicatori[ids[0]]
            if len(ids) > 1:
                self.prob(sh.spec.name, r.n, f"il codice indicatore «{code}» è di {len(ids)} "
                          f"indicatori: indicare l'ID indicatore. Riga ignorata",
                          tipo="indicatore_ambiguo", col="Codice indicatore", gravita="errore")
                return None
            self.prob(sh.spec.name, r.n, f"indicatore con codice «{code}» non trovato né nel piano "
                      f"né nel foglio Indicatori: riga ignorata", tipo="indicatore_sconosciuto",
                      col="Codice indicatore", gravita="errore")
            return None
        self.prob(sh.spec.name, r.n, "indicatore mancante o inesistente (colonne «ID indicatore» / "
                  "«Codice indicatore»): riga ignorata", tipo="indicatore_sconosciuto",
                  col="ID indicatore", gravita="errore")
        return None

    def tipo_of(self, ind: Indicatore) -> TipoIndicatore:
        """An indicator's type as the workbook leaves it (its values are read by it)."""
        return self.ind_tipo_now.get(ind.id, ind.tipo)  # type: ignore[arg-type]

    def _ind_by_code(self, indicatori: dict[int, Indicatore]) -> dict[str, list[int]]:
        by_code: dict[str, list[int]] = {}
        for iid, ind in indicatori.items():
            code = self.ind_code_now.get(iid, ind.codice)
            if code:
                by_code.setdefault(norm_label(code), []).append(iid)
        return by_code

    def misure(self, sh: _Sheet, indicatori: dict[int, Indicatore],
               existing: dict[int, Misura]) -> None:
        seen: set[int] = set(sh.fast)
        indicatori = {**indicatori, **self.new_inds}
        by_code = self._ind_by_code(indicatori)
        taken: dict[tuple[Any, ...], int | None] = {}  # (indicator, year, period): one row
        if sh.rows:
            for m in [*existing.values(), *self._annual.values()]:
                taken[(m.indicatore_id, m.anno, m.periodo)] = m.id
            for e in self.ins_misure:
                taken[(e.obj.indicatore_id, e.obj.anno, e.obj.periodo)] = None
        for r in sh.rows:
            rid = self.row_id(sh, r, existing)
            if rid == _SCARTATA:
                continue
            vals = self.values(sh, r)
            ind = self.indicatore_ref(sh, r, vals.get("indicatore_id"), indicatori, by_code)
            if ind is None:
                if rid is not None:
                    seen.add(rid)
                continue
            vals["indicatore_id"] = ind.id
            vals["periodo"] = vals.get("periodo") or PERIODO_ANNUALE
            if rid is not None:
                seen.add(rid)
            base = existing[rid] if rid is not None else None
            mkey = (ind.id or 0, vals.get("anno", base.anno if base else None), vals["periodo"])
            if mkey in taken and taken[mkey] != rid:
                self.prob(sh.spec.name, r.n, f"c'è già una misura dell'indicatore per {mkey[1]} "
                          f"«{mkey[2] or 'annuale'}»: riga non importata", tipo="misura_doppia",
                          col="Periodo", gravita="errore")
                continue
            taken[mkey] = rid
            if rid is None:
                if not vals.get("anno"):
                    self.prob(sh.spec.name, r.n, "manca l'anno: riga ignorata", gravita="errore")
                    continue
                kwargs: dict[str, Any] = {}
                for campo in ("target", "valore"):
                    raw = vals.pop(campo, ("__valore__", None))[1]
                    kwargs[f"{campo}_testo"], kwargs[campo] = _valore_new(raw, self.tipo_of(ind))
                obj = Misura(**vals, **kwargs)
                self.ins_misure.append(InsertRow(obj))
                self.diffs.append(Differenza("aggiunta", sh.spec.name,
                                             f"ind. {ind.id} {obj.anno} {obj.periodo}", riga=r.n))
                continue
            old = existing[rid]
            changed, campi = self.compare(sh, old, vals, self.tipo_of(ind))
            if changed:
                self.sets.append(SetFields(Misura, rid, changed, label="Modifica misura"))
                self.diffs.append(Differenza("modifica", sh.spec.name,
                                             f"ind. {old.indicatore_id} {old.anno} {old.periodo}",
                                             riga=r.n, campi=campi))
        self.removals(sh, Misura, existing, lambda m: f"ind. {m.indicatore_id} {m.anno} {m.periodo}",
                      parent_deleted=lambda m: m.indicatore_id in self._deleted_inds, present=seen)

    # class-level defaults, never mutated in place: compare_sheets assigns the instance's own
    _deleted_inds: set[int] = set()  # noqa: RUF012
    _annual: dict[tuple[int, int], Misura] = {}  # noqa: RUF012 - the plan's annual measures (set by compare_sheets)

    def removals(self, sh: _Sheet, cls: type, existing: dict[int, Any], key_of: Any,
                 deleted: set[int] | None = None, parent_deleted: Any = None,
                 present: AbstractSet[int | None] | None = None) -> None:
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
        scala_file = scala_rischio.leggi(self, wb, names)  # before «Obiettivi»: its levels are read against it
        self.scala_rischio = scala_file or scala_rischio.scala_del_piano(self.a)
        if PIANO.name in names:
            pe = PianoEnte.of(self.a)
            self.piano(self._read_sheet(self._sheet(wb, PIANO.name), PIANO, _by_id([pe])), pe)
        unita_sh, unita_rows = None, []
        if UNITA.name in names:
            unita_sh = self._read_sheet(self._sheet(wb, UNITA.name), UNITA, _by_id(self.units))
            unita_rows = self.unita_nuove(unita_sh)
        persone_sheet = PERSONALE.name if PERSONALE.name in names else (
            "Persone" if "Persone" in names else None)
        if persone_sheet:
            self.personale(self._read_sheet(self._sheet(wb, persone_sheet), PERSONALE, self.persone))
        if unita_sh is not None:
            self.unita(unita_sh, unita_rows)
        if COMUNI.name in names:
            self.comuni(wb)
        if "Calendario" in names:
            self.calendario(wb)
        if OBIETTIVI.name in names:
            self.obiettivi(self._read_sheet(self._sheet(wb, OBIETTIVI.name), OBIETTIVI, self.obs))
        if FASI.name in names:
            fasi = _by_id(self.a.fasi())
            self.child_sheet(self._read_sheet(self._sheet(wb, FASI.name), FASI, fasi), Fase, fasi,
                             lambda f: shorten(f.descrizione))
            del fasi
        inds = _by_id(self.a.indicatori())
        if "Indicatori" in names or MISURE.name in names:
            annual: dict[tuple[int, int], Misura] = {}
            periodic: dict[int, Misura] = {}
            for m in self.a.select(Misura, order="indicatore_id, anno, data_riferimento, id"):
                if m.periodo == PERIODO_ANNUALE:
                    annual[(m.indicatore_id, m.anno)] = m
                if m.periodo != PERIODO_ANNUALE or m.anno not in anni:
                    periodic[m.id] = m  # type: ignore[index]
            self._annual = annual
        if "Indicatori" in names:
            sh = self._read_sheet(self._sheet(wb, "Indicatori"), indicatori_spec(anni), inds, annual)
            self.indicatori(sh, inds, annual)
            self._deleted_inds = set(self.removed.get(Indicatore, set())) | {
                i.id for i in inds.values() if i.obiettivo_id in self.deleted_obs}  # type: ignore[misc]
            del sh
        self._lookups().indcode = {i.id: i.codice for i in inds.values()}
        if MISURE.name in names:
            self.misure(self._read_sheet(self._sheet(wb, MISURE.name), MISURE, periodic), inds, periodic)
        if ASSEGNAZIONI.name in names:
            asse = _by_id(self.a.assegnazioni())
            self.child_sheet(self._read_sheet(self._sheet(wb, ASSEGNAZIONI.name), ASSEGNAZIONI, asse),
                             Assegnazione, asse,
                             lambda x: self.persone[x.persona_id].nominativo
                             if x.persona_id in self.persone else "(vacante)")
        if RISORSE.name in names:
            rs = _by_id(self.a.select(Risorsa))
            self.child_sheet(self._read_sheet(self._sheet(wb, RISORSE.name), RISORSE, rs), Risorsa, rs,
                             lambda x: shorten(x.descrizione))
        if VALUTAZIONI.name in names:
            self.valutazioni(self._read_sheet(self._sheet(wb, VALUTAZIONI.name), VALUTAZIONI,
                                              _by_id(self.a.select(Valutazione))))
        self.mons = _by_id(self.a.monitoraggi())
        if MONITORAGGI.name in names:
            self.monitoraggi(self._read_sheet(self._sheet(wb, MONITORAGGI.name), MONITORAGGI, dict(self.mons)))
        if STATI.name in names:
            self.stati(self._read_sheet(self._sheet(wb, STATI.name), STATI,
                                        _by_id(self.a.select(StatoAvanzamento))))
        if RILEVAZIONI.name in names:
            self.rilevazioni(self._read_sheet(self._sheet(wb, RILEVAZIONI.name), RILEVAZIONI,
                                              _by_id(self.a.select(RilevazioneIndicatore))),
                             inds)
        self.vals_ind = _by_id(self.a.select(ValutazioneIndividuale))
        for spec, compare in ((VALUTAZIONI_IND, self.valutazioni_individuali),
                              (COMPORTAMENTI, self.comportamenti), (CICLO, self.ciclo)):
            if spec.name in names:
                compare(self._read_sheet(self._sheet(wb, spec.name), spec,
                                         _by_id(self.a.select(spec.cls))))
        self.organizzativa(wb, names)
        if VALORE_PUBBLICO.name in names:
            self.valore_pubblico(wb)
        if VARIAZIONI.name in names:
            self.variazioni(wb)
        if PARAMETRI.name in names:
            existing = _by_id(self.a.select(ParametroServizio))
            ins: list[InsertRow] = []
            self.simple_sheet(self._read_sheet(self._sheet(wb, PARAMETRI.name), PARAMETRI, existing),
                              ParametroServizio, existing, lambda x: x.nome or f"ID {x.id}",
                              lambda _sh, _r: {}, lambda x: ("id", x.id),
                              lambda _o, n: ("manca il nome del parametro", PARAMETRI.cols[2].label)
                              if not (n.nome or "").strip() else None,
                              lambda x: x.unita_id in self.removed.get(Unita, set()), ins)
            self.ins_other += ins
        scala_rischio.confronta(self, scala_file)

    def variazioni(self, wb: Any) -> None:
        """«Variazioni» (issue 18 point 5): a variation is the plan's history. A row without ID (from
        another plan's workbook) adds a closed record, unless the plan has that act already; a recorded
        one is never rewritten nor removed from the workbook (its act and changes are what happened:
        the GUI does not edit them either), and the import says so."""
        existing = _by_id(variazioni_con_voci(self.a))  # an open one: compared with its changes so far
        sh = self._read_sheet(self._sheet(wb, VARIAZIONI.name), VARIAZIONI, existing)
        ins: list[InsertRow] = []

        def check(old: Variazione | None, new: Variazione) -> tuple[str, str] | None:
            if old is not None:
                return ("una variazione registrata è storia del piano e non si modifica dalla cartella "
                        "(per correggerla, registrarne un'altra)", VARIAZIONI.cols[0].label)
            if not (new.atto_tipo or "").strip() or not (new.motivo or "").strip():
                return "manca il tipo di atto o il motivo", VARIAZIONI.cols[1].label
            return None

        self.simple_sheet(sh, Variazione, existing, lambda x: x.atto if x.atto_tipo else f"N. {x.id}",
                          lambda _sh, _r: {},
                          lambda x: (norm_label(x.atto_tipo), norm_label(x.atto_numero), x.atto_data,
                                     norm_label(x.motivo), x.aperta_il or ""),
                          check, lambda _x: True, ins)  # never removed (see above)
        for e in ins:  # an imported variation is a record of the past: closed
            e.obj.stato = StatoVariazione.CHIUSA
        self.ins_other += ins
        present = {_as_int(r.cells.get("id")) for r in sh.rows} | sh.fast
        mancanti = [rid for rid in self.exported.get(VARIAZIONI.name, set())
                    if rid in existing and rid not in present]
        if mancanti and sh.whole:
            self.prob(VARIAZIONI.name, None, f"{righe_mancanti(len(mancanti))}: le variazioni restano nel "
                      f"piano (sono la sua storia e non si eliminano dalla cartella)", tipo="variazioni_restano",
                      gravita="avviso")

    def calendario(self, wb: Any) -> None:
        """«Calendario» (issue 18 point 9): the ente's deadlines and event dates, one step each."""
        from .calendario import CALENDARIO, leggi

        by_label = {norm_label(c.label): c.key for c in CALENDARIO.cols}
        keys: list[str | None] = []
        rows: list[tuple[int, dict[str, Any]]] = []
        for n, row in enumerate(rows_of(self._sheet(wb, CALENDARIO.name), self.path.name), start=1):
            if n == 1:
                keys = [by_label.get(norm_label(h)) for h in row]
                continue
            rows.append((n, {k: v for k, v in zip(keys, row, strict=False) if k is not None}))
        letto = leggi(self.a, rows)
        for n, msg in letto.problemi:
            self.prob(CALENDARIO.name, n, msg, gravita="errore")
        self.sets += letto.edits
        if letto.campi:
            self.diffs.append(Differenza("modifica", CALENDARIO.name, "del piano", campi=letto.campi))

    def comuni(self, wb: Any) -> None:
        """«Comuni» (issue 18 point 6): the member Comuni of the plan's Unione; new ones can be
        named by the «Comune» cells of the same workbook."""
        ente = self.a.ente()
        existing: dict[int, Ente] = {e.id: e for e in self.a.enti()
                                     if e.id is not None and ente is not None and e.parent_id == ente.id}
        sh = self._read_sheet(self._sheet(wb, COMUNI.name), COMUNI, existing)
        ins: list[InsertRow] = []
        self.simple_sheet(sh, Ente, existing, lambda x: x.nome or f"ID {x.id}", lambda _sh, _r: {},
                          lambda x: ("nome", norm_label(x.nome)),
                          lambda _o, n: ("manca il nome del Comune", COMUNI.cols[1].label)
                          if not (n.nome or "").strip() else None,
                          lambda _x: False, ins)
        for e in ins:  # a member of the plan's ente
            e.obj.parent_id = ente.id if ente is not None else None
            e.obj.tipo = TipoEnte.COMUNE
            self.nuovi_comuni.append(e.obj)
        self.ins_comuni += ins

    def valore_pubblico(self, wb: Any) -> None:
        """«Valore pubblico» (issue 18): the values, and the objectives serving each by code."""
        existing = _by_id(self.a.select(ObiettivoValorePubblico))
        sh = self._read_sheet(self._sheet(wb, VALORE_PUBBLICO.name), VALORE_PUBBLICO, existing)
        ins: list[InsertRow] = []
        self.simple_sheet(sh, ObiettivoValorePubblico, existing, lambda x: x.etichetta or f"ID {x.id}",
                          lambda _sh, _r: {}, lambda x: ("id", x.id),
                          lambda _o, n: ("manca il titolo", VALORE_PUBBLICO.cols[2].label)
                          if not (n.titolo or "").strip() else None,
                          lambda _x: False, ins)
        self.ins_other += ins
        new_by_row: dict[int, int] = {}
        pending = [e.obj for e in ins]
        for r in sh.rows:  # the new rows, in order, got the inserted ids
            if _clean(r.cells.get("id")) is None and (_clean(r.cells.get("titolo")) or "") and pending:
                new_by_row[r.n] = pending.pop(0).id
        col = sh.cols.get("_obiettivi_vp")
        if col is None:
            return
        legami = self._grouped(LegameValorePubblico, "vp_id")
        for r in sh.rows:
            raw_id = _clean(r.cells.get("id"))
            vid = new_by_row.get(r.n) if raw_id is None else _as_int(raw_id)
            if vid is None or (vid not in existing and vid not in new_by_row.values()):
                continue
            have = [(x.id, x.obiettivo_id) for x in legami.get(vid, [])]

            def resolve(code: str, r: _Row = r) -> int | None:
                oid = self.code_to_id.get(norm_label(code))
                if oid is None:
                    self.prob(VALORE_PUBBLICO.name, r.n, f"obiettivo «{code}» non trovato: i collegamenti di "
                              f"questa riga non sono stati cambiati", tipo="obiettivo_sconosciuto",
                              col=col.label)
                return oid

            def legame(oid: int, vid: int = vid) -> LegameValorePubblico:
                return LegameValorePubblico(vp_id=vid, obiettivo_id=oid)

            campi = self.links(sh, r, "_obiettivi_vp", vid, have, resolve, legame, LegameValorePubblico)
            if campi and vid in existing:
                self.diffs.append(Differenza("modifica", VALORE_PUBBLICO.name, existing[vid].etichetta,
                                             riga=r.n, campi=campi))

    def run(self) -> ImportPlan:
        wb = load_workbook(self.path)
        try:
            self._read_info(wb)
            names = set(wb.sheetnames)
            if not names & {s.name for s in (OBIETTIVI, FASI, MISURE, PERSONALE, ASSEGNAZIONI,
                                             RISORSE, UNITA)} | {"Indicatori", "Persone"}:
                raise ExchangeError(f"Nel file «{self.path.name}» non c'è nessuno dei fogli di "
                                    f"piaodesk (Obiettivi, Fasi, Indicatori…).")
            self.compare_sheets(wb, names)
        finally:
            wb.close()
        order = {"misure": 0, "rilevazioni": 0, "stati_avanzamento": 0, "valutazioni": 0,
                 "obiettivi_unita": 0, "alias_persone": 0, "vp_obiettivi": 0, "valore_pubblico": 1,
                 "parametri": 2, "variazioni": 2, "enti": 7,
                 "punteggi_comportamenti": 0,
                 "passi_valutazione": 0, "valori_organizzativi": 0, "valutazioni_individuali": 1,
                 "indicatori_organizzativi": 1, "voci_organizzative": 2,
                 "assegnazioni": 1, "risorse": 2, "fasi": 3, "indicatori": 4, "monitoraggi": 5,
                 "obiettivi": 5, "persone": 6}
        self.deletes.sort(key=lambda e: order.get(getattr(e, "table", ""), 9))
        ins_other = sorted(self.ins_other, key=lambda e: 0 if getattr(e, "table", "") == "indicatori" else 1)
        # removals are only proposed (ImportPlan.rimozioni): edits after the user confirms them
        edits = (self.ins_comuni + self.ins_unita + self.ins_persone + self.ins_obiettivi + self.ins_monitoraggi
                 + self.sets + self.moves + ins_other + self.ins_misure + self.del_links)
        order_of = {n: i for i, n in enumerate(SHEET_ORDER)}
        self.p_read.sort(key=lambda p: order_of.get(p.foglio or "", 99))  # stable: rows in order
        plan = ImportPlan(f"Importa «{self.path.name}»", edits, self.p_read + self.p, self.diffs,
                          origine=self.path.name, rimozioni=list(self.deletes))
        c = plan.conta_differenze()
        plan.riepilogo = {"Righe aggiunte": c.get("aggiunta", 0), "Righe modificate": c.get("modifica", 0),
                          "Righe mancanti nel file (rimosse solo con conferma)": c.get("rimozione", 0)}
        return plan


def _percent_styles(wb: Any) -> frozenset[int]:
    """Style ids of a workbook whose number format shows a percentage."""
    from openpyxl.styles.numbers import BUILTIN_FORMATS, BUILTIN_FORMATS_MAX_SIZE

    custom = getattr(wb, "_number_formats", [])
    out = set()
    for sid, style in enumerate(getattr(wb, "_cell_styles", [])):
        fid = style.numFmtId
        if fid < BUILTIN_FORMATS_MAX_SIZE:
            fmt = BUILTIN_FORMATS.get(fid, "")
        else:
            n = fid - BUILTIN_FORMATS_MAX_SIZE
            fmt = custom[n] if n < len(custom) else ""
        if "%" in str(fmt):
            out.add(sid)
    return frozenset(out)


def _watch_percent_cells(ws: Any, columns: dict[int, str]) -> Callable[[int], list[str]] | None:
    """A probe telling which cells of ``columns`` in the row just streamed are formatted as %.

    The values-only stream has no formats; openpyxl's parser has each cell's style id in
    hand, so a hook keeps the last row it parsed (one assignment per row) and the probe looks
    at its cells only for the rows that need it. None when nothing is formatted as % (or
    this openpyxl has no such hook): cells are then read literally, ambiguous ones reported.
    """
    styles = _percent_styles(ws.parent)
    original = getattr(ws, "_get_row", None)
    if not styles or original is None:
        return None
    last: list[Any] = [()]

    def get_row(row: Any, *args: Any, **kw: Any) -> Any:
        last[0] = row
        return original(row, *args, **kw)

    def probe(n: int) -> list[str]:
        return [columns[c["column"]] for c in last[0]
                if c["column"] in columns and c["style_id"] in styles and c["row"] == n]

    ws._get_row = get_row
    return probe


def _required(cls: type, key: str) -> bool:
    """True when the field cannot be empty (its type does not admit None)."""
    f = getattr(cls, "__dataclass_fields__", {}).get(key)
    return f is not None and "None" not in str(f.type)


def _default_note(cls: type, key: str) -> str:
    """What a new row gets instead of a refused value (said, never silent)."""
    f = getattr(cls, "__dataclass_fields__", {}).get(key)
    default = getattr(f, "default", None)
    if default is None or default is dataclasses.MISSING:
        return ""
    return f" (in una riga nuova vale «{display(default)}»)"


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


def _topo(inserts: list[InsertRow]) -> list[InsertRow]:
    by_id = {e.obj.id: e for e in inserts}
    done: set[int] = set()
    out: list[InsertRow] = []

    def visit(e: InsertRow) -> None:
        if e.obj.id in done:
            return
        done.add(e.obj.id)
        parent = by_id.get(e.obj.parent_id)
        if parent is not None:
            visit(parent)
        out.append(e)

    for e in inserts:
        visit(e)
    return out


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


__all__ = ["FORMATO", "check_formato", "diff_workbook", "is_piaodesk_workbook"]
