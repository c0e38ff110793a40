"""Import of a flattened PIAO objectives/indicators table (seed 000 layout) from xlsx/csv/txt.

Each physical row holds one indicator; the objective's cells (hierarchical
codes ``N`` → ``N.M`` → ``N.M.K`` → ``N.M.K.1``, title, description, political
referent, responsabile, structure, stakeholders) are filled only on the
objective's "header" row; then come the indicator, its type, two unlabeled
``X`` flags, the data source, a baseline and three yearly targets.

Two ways to find the fields:

* **with a header row** (labels such as *Codice*, *Indicatore*, *Target
  2025*): columns are matched by label (trimmed, case- and
  accent-insensitive) and read by position;
* **without a header** (as seed 000): a column map per position, corrected
  row by row with anchors — codes are recognised by their pattern wherever
  they sit, objective cells are read relative to the title, the indicator
  part is anchored on the ``X`` flags, and a value pushed beyond the last
  target is pulled back. Every row whose anchors differ from its block's
  usual layout is reported as *riga spostata*.

With a header, codes may have any shape (``TS.1``, ``OE0527``,
``2024_PD_8501``): parents are found by dotted prefix or by the *Obiettivo di
valore pubblico* column (the ``--formato portale`` layout), and objectives are
inserted in natural order (:func:`codice_key`).

The weights per manager and the monthly schedule that may follow the table
(:mod:`.sezioni`) become objective weights, responsabile assignments for the
year and one *fase* per activity (dates of its first and last month; months
that are not consecutive are listed in the fase's note).

Importing the same table again is harmless: objectives already in the plan are
matched by code (and title), their indicators by name, fasi and assignments by
what they say; only what differs becomes an edit, one per changed value, and an
empty cell never erases a value. When nothing differs the plan says so
(:attr:`ImportPlan.nota`, «Nessuna modifica: …»).

Nothing is fixed silently: shifted rows, duplicates, duplicate codes, values
that do not parse (kept as text in ``*_testo``), rows whose objective is
uncertain and names that look like an existing person are all reported as
:class:`Problema` with their row numbers.

The work is linear in the rows (a test counts it): one pass over the rows,
the plan read once (or per objective), each distinct text parsed once.
"""

from __future__ import annotations

import calendar
import contextlib
import dataclasses
import difflib
import functools
import json
import re
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from itertools import pairwise
from typing import Any, cast

from ..domain import validazione
from ..domain.enums import Livello, Polarita, Ramo, TipoIndicatore, TipoProdotto
from ..domain.fields import norm_label
from ..domain.formats import format_date, format_decimal, parse_bool, parse_decimal
from ..domain.model import (
    PERIODO_ANNUALE,
    AliasPersona,
    Assegnazione,
    Fase,
    Indicatore,
    Misura,
    Obiettivo,
    Persona,
)
from ..domain.nomi import chiave_nome
from ..domain.rischio import ScalaRischio, leggi_livello
from ..domain.target import leggi_target
from ..domain.valore_pubblico import ObiettivoValorePubblico
from ..domain.valutazione import parse_valore
from ..store import valore_pubblico as vp_store
from ..store.archive import Archive
from ..store.edits import Edit, InsertRow, SetFields
from .collocazione import Gruppo, righe_incerte
from .common import Differenza, ExchangeError, ImportPlan, Problema, SetImpostazione, column_letter, shorten
from .readers import Tabella
from .sezioni import MESI, Blocco, Peso, inizio_sezioni, leggi_sezioni

IMPOSTAZIONE = "import_mappatura"

#: field → (label shown in the mapping step, header spellings recognised)
CAMPI: dict[str, tuple[str, tuple[str, ...]]] = {
    "codice": ("Codice obiettivo", ("codice", "cod", "codice obiettivo", "codice obiettivo gestionale",
                                    "n", "numero")),
    "titolo": ("Obiettivo (titolo)", ("obiettivo", "titolo", "denominazione sintetica",
                                      "denominazione obiettivo", "obiettivo operativo",
                                      "obiettivo gestionale", "denominazione obiettivo gestionale")),
    "descrizione": ("Descrizione obiettivo", ("descrizione", "descrizione obiettivo")),
    "politico": ("Referente politico", ("referente politico", "assessore", "politico",
                                        "assessore di riferimento", "sindaco")),
    "responsabile": ("Responsabile", ("responsabile", "responsabile amministrativo", "dirigente",
                                      "responsabile del servizio")),
    "struttura": ("Struttura / servizio", ("struttura", "servizio", "ufficio", "settore",
                                           "struttura di riferimento", "unita organizzativa")),
    "altri": ("Altri servizi coinvolti", ("altri servizi coinvolti", "altri settori coinvolti",
                                          "altri servizi", "altri settori")),
    "stk_interni": ("Stakeholder interni", ("stakeholder interni",)),
    "stakeholder": ("Stakeholder (esterni)", ("stakeholder", "stakeholder esterni",
                                              "portatori di interesse")),
    "azione": ("Azione / attività", ("azione", "attivita")),
    "indicatore": ("Indicatore", ("indicatore", "denominazione indicatore", "descrizione indicatore",
                                  "indicatori")),
    "tipo": ("Tipo / unità di misura", ("tipo", "tipo indicatore", "unita di misura",
                                        "tipologia indicatore")),
    "formula": ("Formula", ("formula", "formula di calcolo")),
    "dimensione": ("Dimensione", ("dimensione", "dimensione di performance")),
    "sottodimensione": ("Sottodimensione", ("sottodimensione", "sotto dimensione")),
    "rilevante": ("Rilevante", ("rilevante", "indicatore rilevante")),
    "tipologia_piao": ("Tipologia PIAO", ("tipologia piao", "tipologia portale")),
    "rischio": ("Rischio corruttivo", ("rischio corruttivo", "rischio", "rischio corruttivo valutazione criticita",
                                       "livello di rischio")),
    "misura_rischio": ("Misura di prevenzione", ("misura di prevenzione", "misura", "misure di prevenzione")),
    "polarita": ("Polarità", ("polarita",)),
    "flag_a": ("Colonna X (A)", ("flag a", "x a")),
    "flag_b": ("Colonna X (B)", ("flag b", "x b")),
    "fonte": ("Fonte dati", ("fonte", "fonte dati", "fonte del dato")),
    "baseline": ("Baseline", ("baseline", "base line", "valore di partenza", "valore iniziale",
                              "valore di riferimento")),
    "target1": ("Target anno 1", ("target", "target 1", "target n", "target anno 1")),
    "target2": ("Target anno 2", ("target 2", "target n+1", "target anno 2")),
    "target3": ("Target anno 3", ("target 3", "target n+2", "target anno 3")),
    "note": ("Note", ("note", "osservazioni")),
    "ovp": ("Obiettivo di valore pubblico", ("obiettivo di valore pubblico", "valore pubblico",
                                              "ovp")),
    "padre": ("Obiettivo superiore", ("obiettivo superiore", "obiettivo padre", "codice padre",
                                      "codice obiettivo superiore")),
}
TARGETS = ("target1", "target2", "target3")

#: seed 000, block A (23 cells, no header): c0-c5 three code/title pairs, ...
MAPPATURA_000: dict[str, int] = {
    "titolo": 5, "descrizione": 6, "politico": 7, "responsabile": 8, "struttura": 9, "altri": 10,
    "stk_interni": 11, "stakeholder": 12, "indicatore": 13, "tipo": 14, "flag_a": 15, "flag_b": 16,
    "fonte": 17, "baseline": 18, "target1": 19, "target2": 20, "target3": 21,
}
OBJ_FIELDS = ("descrizione", "politico", "responsabile", "struttura", "altri", "stk_interni",
              "stakeholder")
#: the portal's objective fields (issue 18): kinds, risk level and its measure
PIAO_FIELDS = ("tipologia_piao", "rischio", "misura_rischio")
#: «Tipologia PIAO» cell words → objective flag
TIPOLOGIE_PIAO = {"pari opportunita": "pari_opportunita", "accessibilita digitale": "accessibilita_digitale",
                  "accessibilita fisica": "accessibilita_fisica", "semplificazione": "semplificazione"}

_CODE_RE = re.compile(r"^\d{1,2}(?:\.\d{1,2}){0,4}$")
_DOTTED = re.compile(r"^\d+(?:\.\d+)*$")
_NATURAL = re.compile(r"(\d+)")
_MAX_CIFRE = 4000  # below Python's limit on the digits int() converts (4.300)
_OLTRE = 10 ** _MAX_CIFRE
_TARGET_YEAR = re.compile(r"^target\s*(?:anno\s*)?(\d{4})$")
_HONORIFIC = re.compile(r"\b(?:dott\.?ssa|dott\.?|dr\.?|ing\.?|arch\.?|geom\.?|avv\.?|rag\.?|"
                        r"sig\.?ra|sig\.?|prof\.?ssa|prof\.?)\s+", re.I)
_ROLE_WORDS = {"responsabile", "servizio", "ufficio", "settore", "area", "del", "della", "dello",
               "dei", "di", "e", "il", "la", "sst", "corpo", "polizia", "locale", "comandante",
               "coordinamento", "pianificazione", "piano", "unione", "direttore", "dirigente",
               "segretario", "politiche", "educative", "sociale", "sociali", "territoriale",
               "non", "autosufficienza", "accoglienza", "sportelli", "presidente", "sindaco"}

LIVELLI = {1: Livello.LINEA_STRATEGICA, 2: Livello.STRATEGICO, 3: Livello.OPERATIVO,
           4: Livello.SPECIFICO}


# ---------------------------------------------------------------------- mapping


@functools.lru_cache(maxsize=1 << 13)
def _norm_text(text: str) -> str:
    if text.isascii():  # what norm_label does, without the Unicode decomposition
        return " ".join(text.lower().replace("_", " ").split()).strip(" :")
    return norm_label(text)


@functools.lru_cache(maxsize=1 << 13)
def _valore(text: str, tipo: TipoIndicatore) -> Decimal | None:
    """``parse_valore`` once per distinct text (a table repeats SI, NO, 100% … on many rows)."""
    return parse_valore(text, tipo)


@functools.lru_cache(maxsize=1 << 13)
def _decimal(text: str) -> Decimal | None:
    return parse_decimal(text)


@functools.lru_cache(maxsize=1 << 10)
def _polarita(text: str) -> Polarita | None:
    """``Polarita.from_text`` once per distinct word (a table repeats «+» on every row)."""
    return Polarita.from_text(text)


def _norm(value: Any) -> str:
    """``norm_label`` with a cache: a flat table repeats the same texts on many rows."""
    if value is None:
        return ""
    return _norm_text(value if isinstance(value, str) else str(value))


def codice_key(code: str) -> tuple[tuple[int, int, str], ...]:
    """Natural order of codes of any shape: 1.2 < 1.10, TS.1 < TS.2, 5.2.5.1 < 5.2.5.1-B,
    OE0527 < OE052701, 2024_PD_8501 < 2024_PD_10000; a parent's dotted code sorts before its children."""
    out = []
    for i, part in enumerate(_NATURAL.split(code.strip())):
        if not part:
            continue
        if i % 2 == 0:
            out.append((1, 0, part.lower()))
        elif len(part) <= _MAX_CIFRE:
            out.append((0, int(part), ""))
        else:  # int() refuses it (a 32.767-character cell may hold one): after every shorter number
            out.append((0, _OLTRE, part))
    return tuple(out)



def header_key(text: Any) -> str:
    return norm_label(text).replace("'", " ").replace("  ", " ")


def find_header(tab: Tabella) -> tuple[int | None, dict[str, int], list[int]]:
    """(index in tab.righe of the header row, mapping, target years) — None when headerless."""
    for idx, (_n, cells) in enumerate(tab.righe[:15]):
        mapping, years = mapping_from_header(cells)
        if len(mapping) >= 3 and ("indicatore" in mapping or "titolo" in mapping):
            return idx, mapping, years
    return None, {}, []


def mapping_from_header(cells: list[Any]) -> tuple[dict[str, int], list[int]]:
    lookup: dict[str, str] = {}
    for campo, (_lab, names) in CAMPI.items():
        for name in names:
            lookup.setdefault(header_key(name), campo)
    mapping: dict[str, int] = {}
    years: list[int] = []
    targets: list[int] = []
    for i, cell in enumerate(cells):
        key = header_key(cell)
        if not key:
            continue
        m = _TARGET_YEAR.match(key)
        if m:
            years.append(int(m.group(1)))
            targets.append(i)
            continue
        trovato = lookup.get(key)
        if trovato is None and key.startswith("baseline"):
            trovato = "baseline"
        if trovato in TARGETS:
            targets.append(i)
            continue
        if trovato and trovato not in mapping:
            mapping[trovato] = i
    for campo, i in zip(TARGETS, targets, strict=False):
        mapping[campo] = i
    return mapping, years


def fingerprint(cells: list[Any]) -> list[str]:
    return [header_key(c) for c in cells]


# ---------------------------------------------------------------------- row parsing


def _s(cells: list[Any], i: int | None) -> str:
    if i is None or i < 0 or i >= len(cells):
        return ""
    v = cells[i]
    if v is None:
        return ""
    if v.__class__ is str:
        return v.strip()
    if isinstance(v, float):
        from ..domain.formats import format_decimal

        return format_decimal(Decimal(repr(v)), None)
    return str(v).strip()


def _is_x(text: str) -> bool:
    return text.strip().upper() == "X"


def _looks_code(text: str) -> bool:
    return bool(_CODE_RE.match(text.strip()))


def _looks_value(text: str) -> bool:
    t = text.strip()
    return bool(t) and (parse_decimal(t) is not None or parse_bool(t) is not None
                        or bool(re.match(r"^\d+(?:[.,]\d+)?\s*(?:su|/|\+)\s*\d", t, re.I)))


_NO_CODES: tuple[tuple[str, str], ...] = ()


@dataclass(slots=True)
class Riga:
    n: int
    # codici, obj: assigned (never mutated in place) on the rows that have them; the empty
    # defaults are shared, a large table has one Riga per row
    codici: Sequence[tuple[str, str]] = _NO_CODES  # (code, title) by depth order
    title_pos: int | None = None
    obj: dict[str, str] | None = None
    azione: str = ""
    indicatore: str = ""
    tipo: str = ""
    formula: str = ""
    dimensione: str = ""
    sottodimensione: str = ""
    rilevante: str = ""
    polarita: str = ""
    flag_a: bool = False
    flag_b: bool = False
    fonte: str = ""
    valori: list[str] = field(default_factory=list)  # baseline, t1, t2, t3
    note: str = ""
    anchors: tuple[int, int, int] | None = None  # (indicatore, flags, fonte)
    stray: bool = False
    blocco: int = 0
    shift: int = 0


def scan_codes(cells: list[Any], limit: int) -> tuple[list[tuple[str, str]], int | None]:
    """(code, title) pairs at the start of a row, wherever they sit; and the last title's cell."""
    out: list[tuple[str, str]] = []
    last = None
    i = 0
    while i < min(limit, len(cells)) and not _s(cells, i):
        i += 1
    while i < limit:
        a, b = _s(cells, i), _s(cells, i + 1)
        if not a and not b:
            i += 2
            continue
        if a and _looks_code(a) and b and not _looks_code(b):
            out.append((a, b))
            last = i + 1
            i += 2
            continue
        break
    return out, last


def parse_row(n: int, cells: list[Any], m: dict[str, int], anchored: bool,
              h_prev: int = 0, colonne: Colonne | None = None) -> Riga:
    """One row; ``h_prev`` is the shift of the last objective header (inherited by its rows)."""
    r = Riga(n)
    ind_col = m.get("indicatore", m.get("titolo", 0))
    if anchored:
        r.codici, r.title_pos = scan_codes(cells, ind_col + 1)
    elif "codice" in m or "titolo" in m:
        code, title = _s(cells, m.get("codice")), _s(cells, m.get("titolo"))
        if code or title:
            r.codici = [(code, title)]
            r.title_pos = m.get("titolo")
    header = bool(r.codici)
    h = (r.title_pos - m["titolo"]) if (anchored and header and r.title_pos is not None
                                        and "titolo" in m) else h_prev
    r.shift = h
    if anchored and "flag_a" in m:
        lb = ind_col + min(0, h)
        start = (r.title_pos + 1) if header and r.title_pos is not None else lb
        hi = min(len(cells), m.get("baseline", ind_col + 5) + 4)
        xs = [i for i in range(max(start, lb), hi) if _is_x(_s(cells, i))]
        if len(xs) >= 2 and xs[1] == xs[0] + 1:
            f, r.flag_a, r.flag_b, after = xs[0], True, True, xs[0] + 2
        elif xs:
            p = xs[0]
            if not _s(cells, p - 1) and _s(cells, p - 2) and p - 1 >= lb:
                f, r.flag_b, after = p - 1, True, p + 1
            else:
                f, r.flag_a = p, True
                after = p + 2 if not _s(cells, p + 1) else p + 1
        else:
            f = m["flag_a"] + min(0, h)
            after = f + 2
        if f - 2 >= lb and _s(cells, f - 2):
            ind, tipo = f - 2, f - 1
        else:
            ind, tipo = f - 1, None
        r.indicatore = _s(cells, ind)
        r.tipo = _s(cells, tipo)
        obj_end = ind
        for i in range(max(lb, (r.title_pos + len(OBJ_FIELDS) + 1) if header and r.title_pos is not None
                           else lb), ind):
            if _s(cells, i):
                r.azione = _s(cells, i)
                obj_end = min(obj_end, i)
                break
        r.fonte = _s(cells, after)
        nvals = 1 + sum(1 for t in TARGETS if t in m)
        vals = [_s(cells, after + 1 + k) for k in range(nvals)]
        rest = [_s(cells, i) for i in range(after + 1 + nvals, len(cells))]
        rest_vals = [x for x in rest if x and _looks_value(x)]
        if rest_vals and any(not v for v in vals):
            r.stray = True
            compact = [v for v in vals if v] + rest_vals
            vals = compact[:nvals] + [""] * (nvals - len(compact[:nvals]))
            rest = [x for x in rest if x and not _looks_value(x)]
        r.valori = vals
        r.note = " ".join(x for x in rest if x)
        r.anchors = (ind, f, after)
        if header and r.title_pos is not None:
            offsets = {k: m[k] - m["titolo"] for k in OBJ_FIELDS if k in m}
            r.obj = {}
            for k, off in offsets.items():
                pos = r.title_pos + off
                if pos < obj_end:
                    r.obj[k] = _s(cells, pos)
    else:
        testi, valori, oggetto = colonne or colonne_mappate(m)
        for attr, i in testi:
            setattr(r, attr, _s(cells, i))
        if "flag_a" in m:
            r.flag_a = _is_x(_s(cells, m["flag_a"]))
        if "flag_b" in m:
            r.flag_b = _is_x(_s(cells, m["flag_b"]))
        r.valori = [_s(cells, i) for i in valori]
        if header:
            r.obj = {k: _s(cells, i) for k, i in oggetto}
    return r


_TESTI = ("indicatore", "tipo", "formula", "dimensione", "sottodimensione", "rilevante", "polarita", "azione",
          "fonte", "note")
Colonne = tuple[list[tuple[str, int]], list[int | None], list[tuple[str, int]]]


def colonne_mappate(m: dict[str, int]) -> Colonne:
    """(text fields, value columns, objective fields) a mapping reads: computed once per table."""
    return ([(k, m[k]) for k in _TESTI if k in m],
            [m.get("baseline"), *(m[t] for t in TARGETS if t in m)],
            [(k, m[k]) for k in (*OBJ_FIELDS, *PIAO_FIELDS, "ovp", "padre") if k in m])


# ---------------------------------------------------------------------- values and types


@functools.lru_cache(maxsize=4096)
def _tipo_esplicito(testo: str) -> tuple[TipoIndicatore, str | None, str | None, bool] | None:
    """The type a type cell states by itself (None: it depends on the values)."""
    t = _norm(testo)
    if t in ("s/no", "si/no", "s no", "si no", "presenza", "sino"):
        return TipoIndicatore.SI_NO, None, None, False
    if t.startswith("percentual") or t == "%":
        return TipoIndicatore.PERCENTUALE, "%", None, False
    if testo.strip().startswith("("):
        return None
    if t.startswith(("numero", "n ", "n.", "num")) or t == "n":
        unit = None if t == "numero" else testo.strip()
        return TipoIndicatore.NUMERO, unit, None, False
    return None


def tipo_da_testo(testo: str, valori: list[str]) -> tuple[TipoIndicatore, str | None, str | None, bool]:
    """(tipo, unità di misura, formula, inferred?) from the type cell and the values."""
    found = _tipo_esplicito(testo)
    if found is not None:
        return found
    t = _norm(testo)
    vals = [v for v in valori if v]
    if testo.strip().startswith("("):
        giorni = any("giorn" in v.lower() for v in vals)
        return (TipoIndicatore.GIORNI if giorni else TipoIndicatore.NUMERO), \
            ("giorni" if giorni else None), testo.strip(), False
    # "NO", empty or unknown: infer from the values
    if vals and all(parse_bool(v) is not None or _norm(v) == "parziale" for v in vals):
        return TipoIndicatore.SI_NO, None, None, True
    if vals and all(_valore(v, TipoIndicatore.NUMERO) is not None for v in vals):
        giorni = any("giorn" in v.lower() for v in vals)
        return (TipoIndicatore.GIORNI if giorni else TipoIndicatore.NUMERO), \
            ("giorni" if giorni else (testo.strip() or None) if t not in ("", "no") else None), None, True
    return TipoIndicatore.TESTO, testo.strip() or None, None, True


_UNIT_RE = re.compile(r"^\s*\d+(?:[.,]\d+)?\s+([a-zA-Zàèéìòù]+)\s*$")


@functools.lru_cache(maxsize=1 << 12)
def _unit_of_one(v: str) -> str | None:
    m = _UNIT_RE.match(v)
    return m.group(1).lower() if m else None


def unit_of(valori: list[str]) -> str | None:
    for v in valori:
        if v:
            u = _unit_of_one(v)
            if u:
                return u
    return None


def person_name(text: str) -> str | None:
    """The person inside a role string: after an honorific, else the last two name-like words."""
    if not text.strip():
        return None
    m = None
    for m in _HONORIFIC.finditer(text):  # noqa: B007 (the last match is wanted)
        pass
    if m is not None:
        words = text[m.end():].split()
        if len(words) >= 2:
            return " ".join(w.capitalize() if w.isupper() else w for w in words[:3] if w[0].isalpha())
    words = [w.strip(",.;") for w in text.split()]
    if len(words) >= 2 and all(w and w[0].isalpha() and w.lower() not in _ROLE_WORDS
                               and "'" not in w for w in words[-2:]):
        return " ".join(w.capitalize() if w.isupper() else w for w in words[-2:])
    return None


# ---------------------------------------------------------------------- the import


@dataclass(slots=True)
class _Nodo:
    code: str
    title: str
    row: int
    fields: dict[str, str] = field(default_factory=dict)
    holder: bool = False
    id: int | None = None
    stub: bool = False  # named only by the weights/schedule sections
    peso: Decimal | None = None
    existing: Obiettivo | None = None
    diff: Differenza | None = None


class FlatImport:
    def __init__(self, archive: Archive, tab: Tabella, mapping: dict[str, int] | None,
                 decisioni: dict[str, str] | None):
        self.a = archive
        self.tab = tab
        self.dec = decisioni or {}
        self.p: list[Problema] = list(tab.problemi)
        self.edits: list[Edit] = []
        self.user_mapping = mapping
        self.mapping: dict[str, int] = {}
        self.anchored = False
        self.header_idx: int | None = None
        self.years: list[int] = []
        self.diffs: list[Differenza] = []
        self.sezioni_da: int | None = None
        self.anno0 = archive.piano().anno_inizio
        self._ids: dict[type, int] = {}
        self._nuove: set[int] = set()
        self._cand: dict[str, list[tuple[str, int, str]]] | None = None
        self._rinvii: dict[str, str] = {}
        self._chi_fa: dict[tuple[str, str], set[str]] = {}
        self._titoli: dict[str, _Nodo] = {}
        self._scala_rischio: ScalaRischio | None = None  # the plan's risk scale, read when needed
        self._code_of_id: dict[int, str] = {}

    def prob(self, tipo: str, msg: str, riga: int | None = None, gravita: str = "avviso",
             righe: tuple[int, ...] = (), chiave: str | None = None,
             scelte: tuple[str, ...] = (), colonna: str | None = None) -> None:
        self.p.append(Problema(tipo, msg, riga=riga, gravita=gravita, righe=righe, chiave=chiave,
                               scelte=scelte, colonna=colonna, foglio=self.tab.foglio))

    # ------------------------------------------------------------------ mapping

    def choose_mapping(self) -> None:
        idx, auto, years = find_header(self.tab)
        self.header_idx = idx
        remembered = self._remembered()
        if self.user_mapping:
            self.mapping = dict(self.user_mapping)
            self.anchored = idx is None and "flag_a" in self.mapping
            self.fonte_mappatura = "indicata dall'utente"
        elif idx is not None:
            fp = fingerprint(self.tab.righe[idx][1])
            if remembered and remembered.get("firma") == fp:
                self.mapping = {k: int(v) for k, v in remembered["mappatura"].items()}
                self.fonte_mappatura = "ricordata dal piano"
            else:
                self.mapping = auto
                self.fonte_mappatura = "riconosciuta dalle intestazioni"
            self.anchored = False
        else:
            if remembered and remembered.get("firma") is None:
                self.mapping = {k: int(v) for k, v in remembered["mappatura"].items()}
                self.fonte_mappatura = "ricordata dal piano"
            else:
                self.mapping = dict(MAPPATURA_000)
                self.fonte_mappatura = "per posizione (tabella PIAO senza intestazioni)"
            self.anchored = "flag_a" in self.mapping
        self.years = years if years else []
        anni = self.a.piano().anni
        ntarget = sum(1 for t in TARGETS if t in self.mapping)
        if len(self.years) < ntarget:
            start = self.years[0] if self.years else anni[0]
            self.years = [start + k for k in range(ntarget)]
        self._labels = ["Baseline"] + [f"Target {y}" for y in self.years]
        if "indicatore" not in self.mapping and "titolo" not in self.mapping:
            self.prob("mappatura", "la mappatura non indica né la colonna dell'indicatore né quella "
                      "dell'obiettivo: niente da importare", gravita="errore")
        elif not self.anchored and "codice" not in self.mapping:
            riga = self.tab.righe[idx][0] if idx is not None else None
            self.prob("mappatura", "manca la colonna «Codice» dell'obiettivo: senza il codice gli "
                      "obiettivi non si possono riconoscere né ritrovare a una nuova importazione, "
                      "niente da importare (aggiungere la colonna o indicarla nella mappatura)",
                      riga=riga, gravita="errore")
        first = (self.header_idx + 1) if self.header_idx is not None else 0
        da = inizio_sezioni(self.tab.righe[first:])
        self.sezioni_da = None if da is None else first + da

    def _remembered(self) -> dict[str, Any] | None:
        text = self.a.impostazione(IMPOSTAZIONE)
        if not text:
            return None
        try:
            data = json.loads(text)
            return data if isinstance(data, dict) and "mappatura" in data else None
        except json.JSONDecodeError:
            return None

    # ------------------------------------------------------------------ parsing

    def parse(self) -> list[Riga]:
        m = self.mapping
        start = (self.header_idx + 1) if self.header_idx is not None else 0
        ind_col = m.get("indicatore", m.get("titolo", 0))
        # with a header a short row is a row whose last cells are empty (an objective alone)
        min_len = m.get("baseline", ind_col) if self.anchored else 1
        end = self.sezioni_da if self.sezioni_da is not None else len(self.tab.righe)
        righe: list[Riga] = []
        blocco = 0
        h_prev = 0
        colonne = colonne_mappate(m)
        for n, cells in self.tab.righe[start:end]:
            if not any(c is not None and (c.__class__ is not str or c.strip()) for c in cells):
                blocco += 1
                continue
            if len(cells) < min_len:
                filled = [c for c in cells if c is not None and str(c).strip()]
                self.prob("riga_ignorata", "riga ignorata: non ha la forma della tabella obiettivi/"
                          "indicatori (" + shorten(" ".join(str(c) for c in filled), 60) + ")",
                          riga=n, gravita="info")
                continue
            if blocco != getattr(self, "_blocco", 0):
                h_prev = 0
            self._blocco = blocco
            r = parse_row(n, cells, m, self.anchored, h_prev if righe else 0, colonne)
            h_prev = r.shift
            r.blocco = blocco
            righe.append(r)
        if self.anchored:
            self._check_layout(righe)
        return righe

    def _check_layout(self, righe: list[Riga]) -> None:
        by_block: dict[int, list[Riga]] = {}
        for r in righe:
            by_block.setdefault(r.blocco, []).append(r)
        for rows in by_block.values():
            usual = Counter(r.anchors for r in rows if r.anchors).most_common(1)
            usual_title = Counter(r.title_pos for r in rows if r.codici).most_common(1)
            if not usual:
                continue
            ind0, f0, a0 = usual[0][0]
            t0 = usual_title[0][0] if usual_title else None
            for r in rows:
                msgs = []
                if r.codici and t0 is not None and r.title_pos is not None and r.title_pos != t0:
                    msgs.append(f"le celle dell'obiettivo sono spostate di {r.title_pos - t0:+d}")
                if r.anchors:
                    ind, f, a = r.anchors
                    if a != a0 or ind != ind0:
                        d = a - a0 if a != a0 else ind - ind0
                        letter = column_letter(ind)
                        msgs.append(f"celle spostate di {d:+d} (indicatore in colonna {letter}"
                                    + (f" invece di {column_letter(ind0)}" if ind != ind0 else "") + ")")
                    if f - ind == 1 and f0 - ind0 == 2:
                        msgs.append("manca la cella del tipo")
                if r.azione:
                    msgs.append(f"cella in più prima dell'indicatore («{shorten(r.azione, 40)}»), "
                                f"letta come azione")
                if r.stray:
                    msgs.append("un valore era oltre l'ultimo target ed è stato riportato nei target: "
                                "verificare")
                if msgs:
                    self.prob("riga_spostata", "riga spostata: " + "; ".join(msgs) + ".", riga=r.n)

    # ------------------------------------------------------------------ building

    def build(self) -> ImportPlan:
        self.choose_mapping()
        righe = self.parse() if not any(p.gravita == "errore" and p.tipo == "mappatura"
                                        for p in self.p) else []
        nodes: dict[str, _Nodo] = {}
        order: list[str] = []
        groups: dict[str, list[Riga]] = {}
        current: str | None = None
        senza_codice: int | None = None  # header row of an objective without a code
        # the objectives' runs of rows in table order (an objective may come back later in the
        # table: ``groups`` gathers its rows, ``runs`` keeps each run for «collocazione incerta»)
        runs: list[tuple[str, list[Riga]]] = []
        run: list[Riga] = []
        for r in righe:
            if r.codici:
                holder = self._register_codes(r, nodes, order)
                if holder is None:  # an objective without a code: ignored with its indicators
                    current, senza_codice = None, r.n
                    continue
                current, senza_codice = holder, None
                groups.setdefault(holder, [])
                run = []
                runs.append((holder, run))
            if not r.indicatore:
                if not r.codici:
                    self.prob("riga_vuota", "riga senza indicatore né obiettivo: ignorata", riga=r.n,
                              gravita="info")
                continue
            if current is None:
                if senza_codice is not None:
                    self.prob("senza_obiettivo", f"indicatore dell'obiettivo senza codice della "
                              f"riga {senza_codice}: riga ignorata", riga=r.n, gravita="errore")
                    continue
                self.prob("senza_obiettivo", "indicatore prima di qualsiasi obiettivo: riga ignorata",
                          riga=r.n, gravita="errore")
                continue
            groups[current].append(r)
            run.append(r)
        self._collocazione(nodes, runs)
        blocchi = self._sections()
        return self._emit(nodes, order, groups, righe, blocchi)

    def _collocazione(self, nodes: dict[str, _Nodo], runs: list[tuple[str, list[Riga]]]) -> None:
        """Rows that precede the next objective's header and read like it: «collocazione
        incerta» (see :mod:`.collocazione`), not every last row of an objective. ``runs``: each
        objective header's rows, in table order."""
        gruppi = []
        for holder, rows in runs:
            node = nodes[holder]
            gruppi.append(Gruppo(holder, rows[0].blocco if rows else -1,
                                 f"{node.title} {node.fields.get('descrizione', '')}",
                                 [(r.n, f"{r.indicatore} {r.formula}", bool(r.codici))
                                  for r in rows]))
        for n, code_next, code in righe_incerte(gruppi):
            self.prob("collocazione_incerta",
                      f"collocazione incerta: la riga precede l'intestazione dell'obiettivo "
                      f"{code_next} e il suo testo somiglia più a quello; è stata assegnata a "
                      f"{code}", riga=n)

    def _holder_code(self, r: Riga) -> str:
        return max(r.codici, key=lambda ct: ct[0].count("."))[0]

    def _register_codes(self, r: Riga, nodes: dict[str, _Nodo], order: list[str]) -> str | None:
        codici = []
        for code, title in r.codici:
            if not code:
                if title:
                    self.prob("codice_mancante", f"l'obiettivo «{shorten(title)}» non ha il codice: "
                              "riga ignorata con i suoi indicatori (scrivere un codice nella colonna "
                              "del codice)", riga=r.n, gravita="errore",
                              colonna=self._col_name("codice"))
                continue
            if not title:
                title = nodes[code].title if code in nodes else ""
                if not title:
                    self.prob("titolo_mancante", f"obiettivo {code} senza titolo: importato con il "
                              "codice come titolo", riga=r.n, colonna=self._col_name("titolo"))
                    title = code
            codici.append((code, title))
        if not codici:
            return None
        holder_code = max(codici, key=lambda ct: ct[0].count("."))[0]
        for code, title in codici:
            key = code
            if code in nodes and _norm(nodes[code].title) != _norm(title):
                if code == holder_code:
                    first = nodes[code]
                    choice = self.dec.get(f"codice:{code}:{r.n}", "rinumera")
                    new_code = f"{code}-B"
                    k = 2
                    while new_code in nodes:
                        k += 1
                        new_code = f"{code}-{chr(64 + k)}"
                    self.prob("codice_duplicato",
                              f"il codice {code} compare con due obiettivi diversi: «{shorten(first.title)}» "
                              f"(riga {first.row}) e «{shorten(title)}» (riga {r.n}); "
                              + ("il secondo è importato come " + new_code if choice == "rinumera"
                                 else "le righe sono unite nel primo"),
                              riga=r.n, righe=(first.row, r.n), gravita="errore",
                              chiave=f"codice:{code}:{r.n}", scelte=("rinumera", "unisci"))
                    if choice == "unisci":
                        holder_code = code
                        continue
                    key = new_code
                    holder_code = new_code
                else:
                    self.prob("titolo_diverso",
                              f"il codice {code} ha due titoli: «{shorten(nodes[code].title)}» (riga "
                              f"{nodes[code].row}) e «{shorten(title)}»; tenuto il primo",
                              riga=r.n, righe=(nodes[code].row, r.n))
                    continue
            if key not in nodes:
                nodes[key] = _Nodo(key, title, r.n)
                order.append(key)
        node = nodes[holder_code]
        node.holder = True
        for nome, v in (r.obj or {}).items():
            if v and not node.fields.get(nome):
                node.fields[nome] = v
        return holder_code

    def _col_name(self, campo: str) -> str | None:
        i = self.mapping.get(campo)
        return None if i is None else column_letter(i)

    def _sections(self) -> list[Blocco]:
        if self.sezioni_da is None:
            return []
        blocchi, probs = leggi_sezioni(self.tab.righe[self.sezioni_da:], self.tab.foglio)
        self.p.extend(probs)
        return blocchi

    # ------------------------------------------------------------------ emitting

    def _emit(self, nodes: dict[str, _Nodo], order: list[str], groups: dict[str, list[Riga]],
              righe: list[Riga], blocchi: list[Blocco]) -> ImportPlan:
        a = self.a
        ctx = _Piano(a)
        self.ctx = ctx
        stats: Counter[str] = Counter()
        person_ids: dict[str, int] = {}
        aliases_seen: set[str] = set()
        self._stub_sections(blocchi, nodes, order, ctx)
        # -- ids first (a parent may sort after its child), then the rows
        for code in order:
            node = nodes[code]
            ex = ctx.by_code.get(_norm(code))
            node.existing = ex
            nid = cast("int", ex.id) if ex is not None else self._next_id(Obiettivo)  # stored: has an id
            node.id = nid
            self._titoli.setdefault(_norm(node.title), node)
            self._code_of_id[nid] = code
        depth: dict[str, int] = {}
        ins_obj: list[Edit] = []
        upd_obj: list[Edit] = []
        parents = {code: self._parent_of(code, nodes, ctx) for code in order
                   if nodes[code].existing is None}
        livello = self._livelli_albero(parents, nodes)
        # parents are inserted before their children, siblings in natural order
        for code in sorted(order, key=lambda c: (livello.get(c, 0), codice_key(c))):
            node = nodes[code]
            f = node.fields
            resp_id = None
            if f.get("responsabile"):
                resp_id = self._persona(f["responsabile"], node.row, person_ids, aliases_seen)
                resp_id = None if resp_id == -1 else resp_id
            unita_id = ctx.unita_id(f.get("struttura", ""))
            extra = {k: v for k, v in (("struttura", f.get("struttura")),
                                       ("stakeholder_interni", f.get("stk_interni")),
                                       ("pesatura", f.get("pesatura"))) if v}
            altri = f.get("altri") or None
            if altri and altri.strip() == "0":
                altri = None
            if node.existing is not None:
                self._update_obiettivo(node, resp_id, unita_id, extra, altri, upd_obj, stats)
                continue
            parent = parents[code]
            d = self._depth(code, nodes, ctx, depth)
            if node.stub:
                extra["origine"] = f"{self.tab.nome} riga {node.row} (pesatura/cronoprogramma)"
            else:
                extra["origine"] = f"{self.tab.nome} riga {node.row}"
            ob = Obiettivo(id=node.id, parent_id=parent, posizione=None,
                           ramo=Ramo.OBIETTIVI, livello=_livello(code, d),
                           codice=code, titolo=node.title, descrizione=f.get("descrizione") or None,
                           assessore=f.get("politico") or None, responsabile_id=resp_id,
                           unita_id=unita_id, stakeholder=f.get("stakeholder") or None,
                           altri_settori=altri, extra=extra, peso=node.peso,
                           **self._campi_piao(node))
            ins_obj.append(InsertRow(ob, label="Importa obiettivo"))
            node.diff = Differenza("aggiunta", "Obiettivi", code, node.title, node.row,
                                   [("Peso", "", f"{format_decimal(node.peso, None)} %")]
                                   if node.peso is not None else [])
            self.diffs.append(node.diff)
            stats["obiettivi_nuovi"] += 1
        people_edits = list(self.edits)
        self.edits = []
        vp_edits = self._valore_pubblico(nodes, sorted(order, key=lambda c: (livello.get(c, 0), codice_key(c))),
                                         parents, ctx)
        # -- indicators
        ins_ind: list[Edit] = []
        n_dup = 0
        seen: dict[str, tuple[str, int]] = {}
        for holder, rows in groups.items():
            node = nodes[holder]
            seen_here: dict[str, int] = {}
            esistenti = ctx.indicatori_di(node.id) if node.existing is not None else {}
            pos = 0
            nuovi = 0
            for r in rows:
                # one string per row (kept for every row: a tuple of texts would weigh twice)
                sig = "\x1f".join((_norm_text(r.indicatore), _norm_text(r.tipo), _norm_text(r.fonte),
                                    *map(_norm_text, r.valori)))
                if sig in seen_here:
                    n_dup += 1
                    self.prob("riga_duplicata", f"riga uguale alla riga {seen_here[sig]} dello stesso "
                              f"obiettivo {holder}: importata una volta sola", riga=r.n,
                              righe=(seen_here[sig], r.n), gravita="info")
                    continue
                seen_here[sig] = r.n
                if sig in seen and seen[sig][0] != holder:
                    other, orow = seen[sig]
                    self.prob("riga_duplicata_altrove", f"riga uguale alla riga {orow} "
                              f"(obiettivo {other}): verificare a quale obiettivo appartiene",
                              riga=r.n, righe=(orow, r.n))
                seen.setdefault(sig, (holder, r.n))
                same = esistenti.get(_norm(r.indicatore))
                if same:
                    ins_ind.extend(self._aggiorna_indicatore(r, node, same.pop(0), ctx, stats))
                else:
                    ins_ind.extend(self._indicatore(r, node, pos))
                    nuovi += 1
                pos += 1
            stats["indicatori_nuovi"] += nuovi
            if node.diff is not None and nuovi:
                node.diff.campi.append(("Indicatori", "", str(nuovi)))
            elif nuovi:
                self.diffs.append(Differenza("modifica", "Obiettivi", holder, node.title, node.row,
                                             [("Indicatori nuovi", "", str(nuovi))]))
        sect = self._emit_sections(blocchi, nodes, ctx, person_ids, aliases_seen, stats)
        # -- mapping remembered in the plan
        firma = fingerprint(self.tab.righe[self.header_idx][1]) if self.header_idx is not None else None
        remember = json.dumps({"firma": firma, "mappatura": self.mapping}, ensure_ascii=False)
        edits = [*people_edits, *self.edits, *ins_obj, *upd_obj, *vp_edits, *ins_ind, *sect]
        if edits and a.impostazione(IMPOSTAZIONE) != remember:
            edits.append(SetImpostazione(IMPOSTAZIONE, remember, "Ricorda la mappatura delle colonne"))
        new_people = sum(1 for e in [*people_edits, *self.edits]
                         if isinstance(e, InsertRow) and e.table == "persone")
        problemi = sorted(self.p, key=lambda p: (p.riga is None, p.riga or 0))
        plan = ImportPlan(f"Importa «{self.tab.nome}»", edits, problemi, self.diffs,
                          origine=self.tab.nome)
        n_ind = sum(len(rows) for rows in groups.values()) - n_dup
        plan.riepilogo = {
            "Righe lette": len(righe),
            "Obiettivi nuovi": stats["obiettivi_nuovi"],
            "Obiettivi con indicatori": sum(1 for n in nodes.values() if n.holder),
            "Indicatori": n_ind,
            "Righe duplicate unite": n_dup,
            "Persone nuove": new_people,
        }
        if ctx.letto_esistente:
            plan.riepilogo.update({
                "Obiettivi già nel piano": stats["obiettivi_presenti"],
                "Indicatori già nel piano": n_ind - stats["indicatori_nuovi"],
                "Valori modificati": stats["valori_modificati"],
            })
        if blocchi:
            plan.riepilogo.update({
                "Responsabili con pesatura": sum(1 for b in blocchi if b.responsabile),
                "Pesi letti": sum(len(b.pesi) for b in blocchi),
                "Attività del cronoprogramma": sum(len(b.attivita) for b in blocchi),
            })
        plan.mappatura = dict(self.mapping)
        plan.mappatura_origine = self.fonte_mappatura
        plan.anni = list(self.years)
        if not edits and ctx.letto_esistente:
            plan.nota = (f"Nessuna modifica: i {stats['obiettivi_presenti']} obiettivi e i "
                         f"{n_ind} indicatori di «{self.tab.nome}» sono già nel piano con gli stessi "
                         "valori; il piano non cambia.")
        return plan

    def _livelli_albero(self, parents: dict[str, int | None], nodes: dict[str, _Nodo]) -> dict[str, int]:
        """Depth of each new objective under the other new ones; a loop of parents (rows naming
        each other as *obiettivo superiore*) is cut where it closes, and reported."""
        out: dict[str, int] = {}

        def depth(start: str) -> None:
            chain: list[str] = []
            code: str | None = start
            while code is not None and code not in out:
                if code in chain:
                    self.prob("obiettivo_superiore_circolare", f"l'obiettivo {code} risulta sopra e "
                              f"sotto a {chain[-1]}: importato senza obiettivo superiore",
                              riga=nodes[code].row)
                    parents[code] = None
                    depth(start)
                    return
                chain.append(code)
                pid = parents.get(code)
                nxt = self._code_of_id.get(pid) if pid is not None else None
                code = nxt if nxt in parents else None  # a parent already in the plan ends it
            base = out[code] if code is not None else 0
            for c in reversed(chain):
                base += 1
                out[c] = base

        for start in parents:
            depth(start)
        return out

    def _update_obiettivo(self, node: _Nodo, resp_id: int | None, unita_id: int | None,
                          extra: dict[str, str], altri: str | None, out: list[Edit],
                          stats: Counter[str]) -> None:
        """An objective already in the plan (same code): change only what the file says otherwise."""
        ex = node.existing
        assert ex is not None and ex.id is not None
        stats["obiettivi_presenti"] += 1
        f = node.fields
        wanted: dict[str, Any] = {
            "titolo": node.title, "descrizione": f.get("descrizione"), "assessore": f.get("politico"),
            "stakeholder": f.get("stakeholder"), "altri_settori": altri, "responsabile_id": resp_id,
            "unita_id": unita_id, "peso": node.peso, **self._campi_piao(node)}
        changes: dict[str, Any] = {}
        campi: list[tuple[str, str, str]] = []
        for k, v in wanted.items():
            if v is None or v == "" or (k == "titolo" and node.stub):
                continue  # an empty cell says nothing: the plan keeps its value
            old = getattr(ex, k)
            if (_norm(old) == _norm(v)) if isinstance(v, str) else old == v:
                continue
            changes[k] = v
            if k == "responsabile_id":
                campi.append(("Responsabile", self.ctx.persona(old), f.get("responsabile", "")))
            elif k == "unita_id":
                campi.append(("Settore/Unità", self.ctx.nome_unita(old), f.get("struttura", "")))
            else:
                campi.append((_LABEL_OB.get(k, k), _testo(old), _testo(v)))
        new_extra = dict(ex.extra)
        for k, v in extra.items():
            if v and _norm(new_extra.get(k)) != _norm(v):
                campi.append((k.replace("_", " ").capitalize(), new_extra.get(k) or "", v))
                new_extra[k] = v
        if new_extra != ex.extra:
            changes["extra"] = new_extra
        if "titolo" in changes:
            self.prob("titolo_cambiato", f"l'obiettivo {node.code} nel piano si chiama «{shorten(ex.titolo)}»,"
                      f" nel file «{shorten(node.title)}»: il titolo è aggiornato (se è un altro obiettivo, "
                      "dargli un codice diverso)", riga=node.row)
        if changes:
            out.append(SetFields(Obiettivo, ex.id, changes, label="Aggiorna obiettivo"))
            self.diffs.append(Differenza("modifica", "Obiettivi", node.code, node.title, node.row, campi))
            stats["valori_modificati"] += len(campi)

    def _campi_piao(self, node: _Nodo) -> dict[str, Any]:
        """The portal's objective fields a row says (issue 18); empty cells say nothing."""
        f = node.fields
        out: dict[str, Any] = {}
        tip = (f.get("tipologia_piao") or "").strip()
        if tip:
            parole = [_norm(x) for x in re.split(r"[;,]", tip) if x.strip()]
            # seed 004's product kind, which the portale layout writes first in this cell
            kinds = {_norm(m.label): m for m in TipoProdotto} | {_norm(m.value): m for m in TipoProdotto}
            out["tipo_prodotto"] = None  # the cell says the whole set, as for the flags below
            for w in parole:
                if w in kinds:
                    out["tipo_prodotto"] = kinds[w]
                elif w not in TIPOLOGIE_PIAO and w != "performance":
                    self.prob("tipologia_piao_sconosciuta", f"tipologia PIAO «{w}» sconosciuta (ammesse: Pari "
                              "opportunità, Accessibilità digitale, Accessibilità fisica, Semplificazione; "
                              "Prodotto, Prodotto prioritario, Progetto)",
                              riga=node.row, colonna=self._col_name("tipologia_piao"))
            for w, campo in TIPOLOGIE_PIAO.items():
                out[campo] = w in parole
        raw = (f.get("rischio") or "").strip()
        if raw:
            try:
                if self._scala_rischio is None:  # the ente's own scale (issue 18 point 4), read once
                    from .scala_rischio import scala_del_piano

                    self._scala_rischio = scala_del_piano(self.a)
                out["rischio_livello"] = leggi_livello(raw, self._scala_rischio)
                out["rischio_corruttivo"] = True
            except (ValueError, ExchangeError) as exc:  # an unknown level; the plan's scale unreadable
                self.prob("rischio_sconosciuto", f"{exc}: il livello non è stato importato", riga=node.row,
                          colonna=self._col_name("rischio"))
        if (f.get("misura_rischio") or "").strip():
            out["rischio_misura"] = f["misura_rischio"].strip()
        return out

    def _aggiorna_indicatore(self, r: Riga, node: _Nodo, ex: Indicatore, ctx: _Piano,
                             stats: Counter[str]) -> list[Edit]:
        """The same indicator (same objective and name) already in the plan: one edit per change."""
        new = self._indicatore(r, node, 0, alloc=False)
        ind: Indicatore = new[0].obj
        assert ex.id is not None
        changes: dict[str, Any] = {}
        campi: list[tuple[str, str, str]] = []
        given = {"formula": ind.formula, "unita_misura": ind.unita_misura,
                 "tipo": ind.tipo if r.tipo.strip() else None,
                 "dimensione": ind.dimensione, "fonte": ind.fonte, "note": ind.note,
                 "sottodimensione": ind.sottodimensione,
                 "rilevante": ind.rilevante if r.rilevante.strip() else None,
                 "polarita": ind.polarita if r.polarita.strip() else None,
                 "baseline_testo": ind.baseline_testo}
        for k, v in given.items():
            if v is None or v == "":
                continue
            old = getattr(ex, k)
            if old == v or (k == "baseline_testo" and _stesso_valore(old, str(v))):
                continue
            changes[k] = v
            if k == "baseline_testo":
                changes["baseline"] = ind.baseline
                changes["anno_baseline"] = ex.anno_baseline or ind.anno_baseline
            campi.append((_LABEL_IND.get(k, k), _testo(old), _testo(v)))
        out: list[Edit] = []
        if changes:
            out.append(SetFields(Indicatore, ex.id, changes, label="Aggiorna indicatore"))
        for e in new[1:]:
            m: Misura = e.obj
            old_m = ctx.target(ex.id, m.anno)
            if old_m is None:
                out.append(InsertRow(dataclasses.replace(m, indicatore_id=ex.id), label="Importa target"))
                campi.append((f"Target {m.anno}", "", m.target_testo or ""))
            elif not _stesso_valore(old_m.target_testo, m.target_testo):
                assert old_m.id is not None
                out.append(SetFields(Misura, old_m.id, {"target_testo": m.target_testo,
                                                         "target": m.target}, label="Aggiorna target"))
                campi.append((f"Target {m.anno}", old_m.target_testo or "", m.target_testo or ""))
        if campi:
            self.diffs.append(Differenza("modifica", "Indicatori", node.code, r.indicatore, r.n, campi))
            stats["valori_modificati"] += len(campi)
        return out

    def _valore_pubblico(self, nodes: dict[str, _Nodo], order: list[str], parents: dict[str, int | None],
                         ctx: _Piano) -> list[Edit]:
        """The «Obiettivo di valore pubblico» column (issue 18): a text naming an objective of the
        file or the plan is its parent (older files); any other text names obiettivi di valore
        pubblico («A; B»), linked to the objective unless an ancestor already serves them (the
        portal export repeats the inherited value on every row); unknown ones are created, and
        said so."""
        esistenti = vp_store.elenco(self.a)
        per_testo: dict[str, ObiettivoValorePubblico] = {}
        for esistente in esistenti:
            for k in (esistente.etichetta, esistente.titolo, esistente.codice):
                if k:
                    per_testo.setdefault(_norm(k), esistente)
        ereditati = vp_store.mappa(self.a)
        parent_id_of = {o.id: o.parent_id for o in self.a.obiettivi()}
        assegnati: dict[int, list[int]] = {}  # node id → VP ids it serves after this import
        edits: list[Edit] = []
        for code in order:
            node = nodes[code]
            if node.id is None:
                continue
            parent = parents.get(code) if node.existing is None else parent_id_of.get(node.id)
            da_padre = assegnati.get(parent, ereditati.get(parent, [])) if parent is not None else []
            testo = (node.fields.get("ovp") or "").strip()
            key = _norm(testo)
            if not testo or (self._titoli.get(key) is not None and self._titoli.get(key) is not node) \
                    or (key in ctx.by_title and ctx.by_title[key].id != node.id):
                assegnati[node.id] = ereditati.get(node.id, da_padre) if node.existing is not None else da_padre
                continue
            ids: list[int] = []
            for parte in (x.strip() for x in testo.split(";")):
                if not parte:
                    continue
                v = per_testo.get(_norm(parte))
                if v is None:
                    m = re.match(r"^(\S*\d\S*)\s+(.+)$", parte)
                    cod, tit = (m.group(1), m.group(2)) if m else ("", parte)
                    v = ObiettivoValorePubblico(id=self._next_id(ObiettivoValorePubblico), codice=cod,
                                                titolo=tit, posizione=None)
                    edits.append(InsertRow(v, label="Importa obiettivo di valore pubblico"))
                    for k in (v.etichetta, v.titolo, v.codice):
                        if k:
                            per_testo.setdefault(_norm(k), v)
                    self.prob("valore_pubblico_nuovo", f"nuovo obiettivo di valore pubblico «{parte}» "
                              f"(colonna «Obiettivo di valore pubblico»)", riga=node.row, gravita="info")
                    self.diffs.append(Differenza("aggiunta", "Valore pubblico", v.etichetta, riga=node.row))
                if v.id is not None and v.id not in ids:
                    ids.append(v.id)
            diretti = set(vp_store.diretti(self.a, node.id)) if node.existing is not None else set()
            nuovi = [i for i in ids if i not in diretti and i not in da_padre]
            for vid in nuovi:
                edits.append(vp_store.collega(vid, node.id))
            assegnati[node.id] = ids
            if nuovi:
                etich = "; ".join(testo.split(";")).strip()
                if node.diff is not None:
                    node.diff.campi.append(("Obiettivo di valore pubblico", "", etich))
                else:
                    self.diffs.append(Differenza("modifica", "Obiettivi", code, node.title, node.row,
                                                 [("Obiettivo di valore pubblico", "", etich)]))
        return edits

    def _parent_of(self, code: str, nodes: dict[str, _Nodo], ctx: _Piano) -> int | None:
        node = nodes[code]
        padre = (node.fields.get("padre") or "").strip()
        if padre:  # «Obiettivo superiore»: the parent's code (or its title)
            key = _norm(padre)
            if padre in nodes and nodes[padre] is not node and nodes[padre].id is not None:
                return nodes[padre].id
            ex = ctx.by_code.get(key) or ctx.by_title.get(key)
            if ex is not None and ex.id != node.id:
                return ex.id
            other = self._titoli.get(key)
            if other is not None and other is not node and other.id is not None:
                return other.id
        if node.fields.get("ovp"):  # older files: the top objective's title in this column
            key = _norm(node.fields["ovp"])
            other = self._titoli.get(key)  # the file's own objectives first
            if other is not None and other is not node and other.id is not None:
                return other.id
            ex = ctx.by_title.get(key)
            if ex is not None and ex.id != node.id:
                return ex.id
        base = code.split("-")[0]
        parts = base.split(".")
        for k in range(len(parts) - 1, 0, -1):
            pre = ".".join(parts[:k])
            if pre in nodes and nodes[pre].id is not None:
                return nodes[pre].id
            ex = ctx.by_code.get(_norm(pre))
            if ex is not None:
                return ex.id
        return None

    def _depth(self, code: str, nodes: dict[str, _Nodo], ctx: _Piano, memo: dict[str, int]) -> int:
        if code in memo:
            return memo[code]
        memo[code] = 1
        base = code.split("-")[0]
        if _DOTTED.match(base):
            memo[code] = base.count(".") + 1
            return memo[code]
        parent = self._parent_of(code, nodes, ctx)
        pcode = self._code_of_id.get(parent) if parent is not None else None
        if pcode is not None:
            memo[code] = self._depth(pcode, nodes, ctx, memo) + 1
        elif parent is not None:
            memo[code] = 2  # under an objective already in the plan
        return memo[code]

    def _indicatore(self, r: Riga, node: _Nodo, pos: int, alloc: bool = True) -> list[InsertRow]:
        """The indicator of a row and its yearly targets (``alloc=False``: to compare, no new id)."""
        vals = r.valori + [""] * (4 - len(r.valori))
        tipo, unita, formula, inferred = tipo_da_testo(r.tipo, vals)
        if r.formula:
            formula = r.formula
        if inferred and alloc:  # an indicator already in the plan keeps its type
            shown = f"«{r.tipo}»" if r.tipo else "vuoto"
            self.prob("tipo_dedotto", f"tipo dell'indicatore {shown}: dedotto dai valori come "
                      f"«{tipo.label}»", riga=r.n, colonna="Tipo")
        unit_from_vals = unit_of(vals)
        if unit_from_vals and not unita:
            unita = unit_from_vals
        polarita = Polarita.DECRESCENTE if tipo == TipoIndicatore.GIORNI else Polarita.CRESCENTE
        if r.polarita:  # the words of the documents (Positivo/Negativo, +/−…): domain/enums.py
            scritta = _polarita(r.polarita)
            if scritta is not None:
                polarita = scritta
            else:
                self.prob("polarita_sconosciuta", f"polarità «{shorten(r.polarita, 30)}» non riconosciuta "
                          f"(+, -, =, Crescente, Decrescente, Positiva, Negativa): considerata "
                          f"«{polarita.label}», da verificare", riga=r.n, colonna="Polarità")
        else:  # no polarity written: the target's own words may say it («Inferiore al 45%», seed 001 L73)
            for text in vals[1:]:
                lettura = leggi_target(text, tipo_giorni=tipo == TipoIndicatore.GIORNI)
                if lettura.polarita is not None:
                    polarita = lettura.polarita
                    if alloc:
                        self.prob("polarita_dal_target", f"{lettura.nota} (nessuna polarità scritta): "
                                  "da verificare", riga=r.n, gravita="info")
                    break
        fraction = tipo == TipoIndicatore.PERCENTUALE and all(
            (d := _decimal(v)) is None or d <= 1 for v in vals if v) and any(
            _decimal(v) is not None for v in vals if v)
        si_no = tipo == TipoIndicatore.SI_NO
        if fraction:
            self.prob("percentuale_frazione", "valori percentuali scritti come frazione (es. 0,12): "
                      "letti come percentuali (12 %)", riga=r.n, gravita="info")

        values: dict[str, Decimal | None] = {"": None}
        for text in vals:
            if text in values:
                continue
            d = _valore(text, tipo)
            if d is None and si_no and _norm(text) == "parziale":
                d = Decimal("0.5")
            elif d is not None and fraction and _decimal(text) is not None:
                d = d * 100
            values[text] = d
        parsed = values.__getitem__
        if tipo != TipoIndicatore.TESTO:
            for text, lab in zip(vals, self._labels, strict=False):
                if text and values[text] is None:
                    self.prob("valore_testo", f"«{shorten(text, 60)}» non è un valore numerico o Sì/No: "
                              f"conservato come testo", riga=r.n, colonna=lab, gravita="info")
        notes = []
        if r.flag_a or r.flag_b:
            notes.append("Colonne X: " + ", ".join(x for x, on in (("A", r.flag_a), ("B", r.flag_b)) if on))
        if r.azione:
            notes.append(f"Azione: {r.azione}")
        if r.note:
            notes.append(r.note)
        iid = self._next_id(Indicatore) if alloc else 0
        y0 = self.years[0] if self.years else self.anno0
        ind = Indicatore(id=iid, obiettivo_id=node.id or 0, posizione=None,
                         descrizione=r.indicatore, tipo=tipo, unita_misura=unita, formula=formula,
                         dimensione=r.dimensione or None, polarita=polarita,
                         sottodimensione=r.sottodimensione or None, rilevante=self._rilevante(r),
                         baseline_testo=vals[0] or None, baseline=parsed(vals[0]),
                         anno_baseline=y0 - 1 if vals[0] else None, fonte=r.fonte or None,
                         note="\n".join(notes) or None)
        out = [InsertRow(ind, label="Importa indicatore")]
        for year, text in zip(self.years, vals[1:], strict=False):
            if not text:
                continue
            out.append(InsertRow(Misura(indicatore_id=iid, anno=year, periodo=PERIODO_ANNUALE,
                                        target_testo=text, target=parsed(text)), label="Importa target"))
        return out

    def _rilevante(self, r: Riga) -> bool:
        if not r.rilevante.strip():
            return False
        b = parse_bool(r.rilevante)
        if b is None:
            self.prob("rilevante_illeggibile", f"«{r.rilevante}» non è Sì o No: indicatore non «rilevante»",
                      riga=r.n, colonna=self._col_name("rilevante"))
            return False
        return b

    def _next_id(self, cls: type) -> int:
        """A fresh id for a row of this import: one query per table, then counted here."""
        last = self._ids.get(cls)
        nid = self.a.allocate_id(cls) if last is None else last + 1
        self._ids[cls] = nid
        return nid

    # ------------------------------------------------------------------ people and units

    def _persona(self, text: str, riga: int, cache: dict[str, int], aliases_seen: set[str]) -> int:
        name = person_name(text)
        if not name:
            self.prob("responsabile_senza_nome", f"responsabile «{shorten(text, 60)}»: nessun nome di "
                      f"persona riconosciuto, il ruolo resta solo nel testo", riga=riga, gravita="info")
            return -1
        return self._persona_nome(name, riga, cache, aliases_seen)

    def _persona_nome(self, name: str, riga: int, cache: dict[str, int], aliases_seen: set[str]) -> int:
        key = chiave_nome(name)
        if key in cache:
            return cache[key]
        found = self.a.trova_persona(name)
        if found is not None and found.id is not None:
            cache[key] = found.id
            return found.id
        best, _score = self._simile(key)
        if best is not None:
            best_id, best_name = best
            chiave = f"alias:{key}"
            choice = self.dec.get(chiave, "collega")
            if key not in aliases_seen:
                aliases_seen.add(key)
                self.prob("alias_persona", f"«{name}» sembra la stessa persona di «{best_name}» "
                          + ("già nel piano" if best_id not in self._nuove else "letta prima nel file")
                          + ": " + ("proposto il collegamento (il nome letto diventa un alias)"
                                    if choice == "collega" else "sarà creata una persona nuova"),
                          riga=riga, chiave=chiave, scelte=("collega", "nuova persona"))
            if choice == "collega":
                self.edits.append(InsertRow(AliasPersona(persona_id=best_id, alias=name),
                                            label="Alias persona"))
                cache[key] = best_id
                return best_id
        words = name.split()
        pid = self._next_id(Persona)
        self.edits.append(InsertRow(Persona(id=pid, cognome=words[-1], nome=" ".join(words[:-1])),
                                    label="Importa persona"))
        cache[key] = pid
        self._nuove.add(pid)
        self._add_candidate(key, pid, f"{words[-1]} {' '.join(words[:-1])}".strip())
        return pid

    def _candidates(self) -> dict[str, list[tuple[str, int, str]]]:
        if self._cand is None:
            self._cand = {}
            for p in self.a.persone():
                if p.id is not None:
                    self._add_candidate(chiave_nome(p.nominativo), p.id, p.nominativo)
        return self._cand

    def _add_candidate(self, key: str, pid: int, shown: str) -> None:
        cand = self._candidates() if self._cand is None else self._cand
        for bucket in {w[:2] for w in key.split()}:
            cand.setdefault(bucket, []).append((key, pid, shown))

    def _simile(self, key: str) -> tuple[tuple[int, str] | None, float]:
        """The most similar known person (ratio ≥ 0,85), looking only at names sharing a word start."""
        cand = self._candidates()
        best, score = None, 0.0
        seen: set[int] = set()
        for bucket in {w[:2] for w in key.split()}:
            for other, pid, shown in cand.get(bucket, ()):
                if pid in seen:
                    continue
                seen.add(pid)
                sm = difflib.SequenceMatcher(None, key, other)
                if sm.real_quick_ratio() < 0.85 or sm.quick_ratio() < 0.85:
                    continue
                s = sm.ratio()
                if s > score:
                    best, score = (pid, shown), s
        return (best, score) if score >= 0.85 else (None, score)

    # ------------------------------------------------------------------ weights and schedule

    def _nodo_sezione(self, code: str, title: str, riga: int, nodes: dict[str, _Nodo],
                      order: list[str], ctx: _Piano) -> _Nodo:
        """The objective a weight or an activity refers to: by code, else ``X.Y.Z`` for
        ``X.Y.Z.1``, else a new objective made from the section (reported)."""
        if code in self._rinvii:
            return nodes[self._rinvii[code]]
        if code in nodes:
            self._rinvii[code] = code
            return nodes[code]
        ex = ctx.by_code.get(_norm(code))
        target = code if ex is not None else None
        if target is None and code.endswith(".1") and _DOTTED.match(code):
            up = code[:-2]
            if up in nodes or ctx.by_code.get(_norm(up)) is not None:
                target = up
                shown = nodes[up].title if up in nodes else ctx.by_code[_norm(up)].titolo
                self.prob("codice_riferito", f"il codice {code} della pesatura/cronoprogramma non è "
                          f"nella tabella degli obiettivi: riferito a {up} «{shorten(shown)}»"
                          + (f" (nella pesatura si chiama «{shorten(title)}»)"
                             if title and _norm(title) != _norm(shown) else ""),
                          riga=riga, gravita="info")
        if target is None:
            target = code
            self.prob("obiettivo_da_pesatura", f"l'obiettivo {code} «{shorten(title)}» non è nella "
                      "tabella degli obiettivi: creato dalla pesatura/cronoprogramma (senza indicatori)",
                      riga=riga)
        if target not in nodes:
            ex = ctx.by_code.get(_norm(target))
            nodes[target] = _Nodo(target, title or (ex.titolo if ex else target), riga, stub=True)
            order.append(target)
        self._rinvii[code] = target
        return nodes[target]

    def _stub_sections(self, blocchi: list[Blocco], nodes: dict[str, _Nodo], order: list[str],
                       ctx: _Piano) -> None:
        """Before ids are given: the objectives the sections name, and each one's weight."""
        pesi: dict[str, list[tuple[Blocco, Peso]]] = {}
        for b in blocchi:
            for p in b.pesi:
                node = self._nodo_sezione(p.codice, p.titolo, p.riga, nodes, order, ctx)
                if p.valore is not None:
                    pesi.setdefault(node.code, []).append((b, p))
            for att in b.attivita:
                node = self._nodo_sezione(att.codice, "", att.riga, nodes, order, ctx)
                self._chi_fa.setdefault((node.code, _norm(att.testo)), set()).add(_norm(b.responsabile))
        for code, items in pesi.items():
            valori = {p.valore for _b, p in items}
            if len(valori) == 1:
                peso = next(iter(valori))
                try:  # the ranges of domain/validazione.py, as in the grids
                    validazione.controlla(validazione.PESO, peso)
                except validazione.ValoreNonValido as exc:
                    self.prob("valore_non_valido", f"obiettivo {code}: {exc} Il peso resta vuoto.",
                              riga=items[0][1].riga, colonna="Peso")
                    continue
                nodes[code].peso = peso
                continue
            elenco = "; ".join(f"{b.responsabile or '—'} {p.testo}" for b, p in items)
            self.prob("pesi_diversi", f"l'obiettivo {code} ha pesi diversi per responsabile ({elenco}): "
                      "il peso dell'obiettivo resta vuoto, i pesi sono scritti nelle sue note",
                      riga=items[0][1].riga, righe=tuple(p.riga for _b, p in items))
            nodes[code].fields.setdefault("pesatura", elenco)

    def _emit_sections(self, blocchi: list[Blocco], nodes: dict[str, _Nodo], ctx: _Piano,
                       person_ids: dict[str, int], aliases_seen: set[str],
                       stats: Counter[str]) -> list[Edit]:
        out: list[Edit] = []
        for b in blocchi:
            pid = None
            if b.responsabile:
                name = person_name(b.responsabile) or b.responsabile.strip()
                pid = self._persona_nome(name, b.riga, person_ids, aliases_seen) \
                    if len(name.split()) >= 2 else None
                if pid is None:
                    self.prob("responsabile_senza_nome", f"responsabile «{b.responsabile}»: nessun nome "
                              "di persona riconosciuto, pesi e attività senza assegnazione", riga=b.riga)
            self._controlla_pesi(b)
            anno = b.anno_pesi or self.anno0
            if b.pesi and b.anno_pesi is None:
                self.prob("anno_pesatura", f"la pesatura di {b.responsabile or '—'} non dice l'anno: "
                          f"considerata del {anno}", riga=b.pesi[0].riga)
            codes: dict[str, int] = {}  # objective → its row in this manager's weights
            for p in b.pesi:
                codes.setdefault(nodes[self._rinvii[p.codice]].code, p.riga)
            for code, riga in codes.items():
                node = nodes[code]
                if pid is None or node.id is None:
                    continue
                key = (node.id, pid, True, date(anno, 1, 1), date(anno, 12, 31))
                if key in ctx.assegnazioni():
                    continue
                ctx.assegnazioni().add(key)
                out.append(InsertRow(Assegnazione(obiettivo_id=node.id, persona_id=pid,
                                                  data_inizio=key[3], data_fine=key[4],
                                                  responsabile=True,
                                                  ruolo=b.struttura or None),
                                     label="Importa assegnazione"))
                self.diffs.append(Differenza("aggiunta", "Assegnazioni", code,
                                             f"{b.responsabile} responsabile {anno}", riga))
            out.extend(self._fasi(b, nodes, ctx))
        return out

    def _controlla_pesi(self, b: Blocco) -> None:
        if not b.pesi:
            return
        chi = b.responsabile or "—"
        if b.dichiarati is not None and b.dichiarati != len(b.pesi):
            self.prob("pesatura_conteggio", f"{chi}: dichiarati {b.dichiarati} obiettivi gestionali, "
                      f"nella pesatura ce ne sono {len(b.pesi)}", riga=b.riga_dichiarati)
        known = [p.valore for p in b.pesi if p.valore is not None]
        total = sum(known, Decimal(0))
        if known and total != 100:
            self.prob("pesatura_somma", f"{chi}: i pesi sommano a {format_decimal(total, None)} %, non "
                      "a 100 %", riga=b.pesi[0].riga, righe=tuple(p.riga for p in b.pesi))
        if b.totale is not None:
            dichiarato = parse_decimal(b.totale[1])
            if dichiarato is not None and dichiarato != total:
                self.prob("pesatura_totale", f"{chi}: la riga del totale dice {b.totale[1]}, la somma "
                          f"dei pesi è {format_decimal(total, None)} %", riga=b.totale[0])

    def _fasi(self, b: Blocco, nodes: dict[str, _Nodo], ctx: _Piano) -> list[Edit]:
        out: list[Edit] = []
        chi = b.responsabile.strip()
        for att in b.attivita:
            node = nodes[self._rinvii[att.codice]]
            if node.id is None:
                continue
            descr = att.testo
            if len(self._chi_fa.get((node.code, _norm(att.testo)), ())) > 1 and chi:
                descr = f"{att.testo} [{chi}]"
            notes = [f"Responsabile: {chi}"] if chi else []
            inizio = fine = None
            if att.mesi:
                inizio = att.mesi[0]
                last = att.mesi[-1]
                fine = date(last.year, last.month, calendar.monthrange(last.year, last.month)[1])
                if not _consecutivi(att.mesi):
                    notes.append("Mesi previsti: " + ", ".join(
                        f"{MESI[d.month - 1]}-{d.year % 100:02d}" for d in att.mesi))
            else:
                self.prob("attivita_senza_mesi", f"attività «{shorten(att.testo)}» senza mesi segnati: "
                          "importata senza date", riga=att.riga)
            note = "\n".join(notes) or None
            old = ctx.fase(node.id, descr) if node.existing is not None else None
            if old is not None:
                changes = {k: v for k, v in (("inizio_previsto", inizio), ("fine_prevista", fine),
                                             ("note", note)) if v is not None and getattr(old, k) != v}
                if changes and old.id is not None:
                    out.append(SetFields(Fase, old.id, changes, label="Aggiorna fase"))
                    self.diffs.append(Differenza("modifica", "Fasi", node.code, descr, att.riga,
                                                 [(_LABEL_FASE[k], _testo(getattr(old, k)), _testo(v))
                                                  for k, v in changes.items()]))
                continue
            out.append(InsertRow(Fase(obiettivo_id=node.id, posizione=None,
                                      descrizione=descr, inizio_previsto=inizio, fine_prevista=fine,
                                      note=note), label="Importa fase"))
            self.diffs.append(Differenza("aggiunta", "Fasi", node.code, descr, att.riga))
        return out


class _Piano:
    """What the plan already holds, read once per import (not per row)."""

    def __init__(self, archive: Archive) -> None:
        self.a = archive
        self.by_code: dict[str, Obiettivo] = {}
        self.by_title: dict[str, Obiettivo] = {}
        obs = archive.obiettivi()
        for o in obs:
            self.by_code.setdefault(_norm(o.codice), o)
            self.by_title.setdefault(_norm(o.titolo), o)
        self.letto_esistente = bool(obs)
        self._unita: dict[str, int] | None = None
        self._targets: dict[tuple[int, int], Misura] | None = None
        self._fasi: dict[tuple[int, str], Fase] | None = None
        self._ass: set[tuple[Any, ...]] | None = None
        self._persone: dict[int, str] | None = None

    def unita_id(self, text: str) -> int | None:
        if self._unita is None:
            self._unita = {}
            for u in self.a.unita():
                if u.id is None:
                    continue
                for k in (_norm(u.nome), _norm(u.codice)):
                    if k:
                        self._unita.setdefault(k, u.id)
        key = _norm(text)
        return self._unita.get(key) if key else None

    def indicatori_di(self, oid: int | None) -> dict[str, list[Indicatore]]:
        """The objective's indicators by name, and their yearly targets (read per objective:
        a second import of a large table holds one objective's rows at a time, not the plan's)."""
        inds = self.a.indicatori(oid) if oid is not None else []
        self._targets = {}
        for m in self.a.misure([i.id for i in inds if i.id is not None]):
            if m.periodo == PERIODO_ANNUALE:
                self._targets.setdefault((m.indicatore_id, m.anno), m)
        out: dict[str, list[Indicatore]] = {}
        for ind in inds:
            out.setdefault(_norm(ind.descrizione), []).append(ind)
        return out

    def target(self, iid: int, anno: int) -> Misura | None:
        """A target of an indicator of the objective last given to :meth:`indicatori_di`."""
        return (self._targets or {}).get((iid, anno))

    def fase(self, oid: int, descr: str) -> Fase | None:
        if self._fasi is None:
            self._fasi = {}
            for f in self.a.fasi():
                self._fasi.setdefault((f.obiettivo_id, _norm(f.descrizione)), f)
        return self._fasi.get((oid, _norm(descr)))

    def assegnazioni(self) -> set[tuple[Any, ...]]:
        if self._ass is None:
            self._ass = {(x.obiettivo_id, x.persona_id, x.responsabile, x.data_inizio, x.data_fine)
                         for x in self.a.assegnazioni()}
        return self._ass

    def nome_unita(self, uid: int | None) -> str:
        return next((u.nome for u in self.a.unita() if u.id == uid), "") if uid is not None else ""

    def persona(self, pid: int | None) -> str:
        if self._persone is None:
            self._persone = {p.id: p.nominativo for p in self.a.persone() if p.id is not None}
        return self._persone.get(pid or 0, str(pid or ""))


_LABEL_OB = {"titolo": "Titolo", "descrizione": "Descrizione", "assessore": "Referente politico",
             "rischio_livello": "Rischio corruttivo", "rischio_misura": "Misura di prevenzione",
             "rischio_corruttivo": "Rischio corruttivo (sì/no)", "pari_opportunita": "Pari opportunità",
             "accessibilita_digitale": "Accessibilità digitale", "accessibilita_fisica": "Accessibilità fisica",
             "semplificazione": "Semplificazione", "tipo_prodotto": "Tipo di prodotto",
             "stakeholder": "Stakeholder", "altri_settori": "Altri servizi coinvolti",
             "responsabile_id": "Responsabile", "unita_id": "Settore/Unità", "peso": "Peso"}
_LABEL_FASE = {"inizio_previsto": "Inizio previsto", "fine_prevista": "Fine prevista", "note": "Note"}
_LABEL_IND = {"formula": "Formula", "unita_misura": "Unità di misura", "tipo": "Tipo",
              "dimensione": "Dimensione", "fonte": "Fonte dati", "note": "Note",
              "sottodimensione": "Sottodimensione", "rilevante": "Rilevante",
              "polarita": "Polarità", "baseline_testo": "Baseline"}


def _testo(v: Any) -> str:
    if v is None:
        return ""
    if hasattr(v, "label"):
        return str(v.label)
    if isinstance(v, Decimal):
        return format_decimal(v, None)
    if isinstance(v, date):
        return format_date(v)
    return str(v)


def _stesso_valore(old: str | None, new: str | None) -> bool:
    """The same text, or the same plain number written otherwise (``100,00`` and ``100``: a
    spreadsheet turns the one into the other)."""
    a, b = (old or "").strip(), (new or "").strip()
    if a == b:
        return True
    x = _decimal(a) if a else None
    return x is not None and x == (_decimal(b) if b else None)


def _consecutivi(mesi: list[date]) -> bool:
    return all((b.year * 12 + b.month) - (a.year * 12 + a.month) == 1 for a, b in pairwise(mesi))


def _livello(code: str, depth: int) -> Livello:
    if _DOTTED.match(code.split("-")[0]):
        return LIVELLI.get(depth, Livello.AZIONE)
    return {1: Livello.OPERATIVO, 2: Livello.SPECIFICO}.get(depth, Livello.AZIONE)


def import_flat(archive: Archive, tab: Tabella, mapping: dict[str, int] | None = None,
                decisioni: dict[str, str] | None = None) -> ImportPlan:
    """Read a flat objectives/indicators table into an ImportPlan (nothing written).

    The import makes a few objects per row and no reference cycles: the cyclic garbage
    collector is paused meanwhile, else its full passes over the growing heap cost as much as
    the import itself on a large table.
    """
    with gc_paused():
        try:
            return FlatImport(archive, tab, mapping, decisioni).build()
        finally:
            for cached in _CACHES:  # each import starts afresh and holds nothing afterwards
                cached.cache_clear()


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """Formerly paused the cyclic garbage collector (process-wide, for the whole import): the
    collector is now left alone, as everywhere in piaodesk. Kept as a no-op for callers."""
    yield


_CACHES = (_norm_text, _valore, _decimal, _tipo_esplicito, _unit_of_one)


def describe_mapping(mapping: dict[str, int]) -> list[tuple[str, str, int]]:
    """(campo, label, column) for display, in column order."""
    return sorted(((k, CAMPI[k][0] if k in CAMPI else k, v) for k, v in mapping.items()),
                  key=lambda x: x[2])
