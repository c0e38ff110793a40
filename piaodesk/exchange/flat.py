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

Nothing is fixed silently: shifted rows, duplicates, duplicate codes, values
that do not parse (kept as text in ``*_testo``), rows whose objective is
uncertain and names that look like an existing person are all reported as
:class:`Problema` with their row numbers.
"""

from __future__ import annotations

import difflib
import json
import re
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from ..domain.enums import Livello, Polarita, Ramo, TipoIndicatore
from ..domain.fields import norm_label
from ..domain.formats import parse_bool, parse_decimal
from ..domain.model import PERIODO_ANNUALE, AliasPersona, Indicatore, Misura, Obiettivo, Persona
from ..domain.valutazione import parse_valore
from ..store.archive import Archive
from ..store.edits import Edit, InsertRow
from .collocazione import Gruppo, righe_incerte
from .common import Differenza, ImportPlan, Problema, SetImpostazione
from .readers import Tabella

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

_CODE_RE = re.compile(r"^\d{1,2}(?:\.\d{1,2}){0,4}$")
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
        campo = lookup.get(key)
        if campo is None and key.startswith("baseline"):
            campo = "baseline"
        if campo in TARGETS:
            targets.append(i)
            continue
        if campo and campo not in mapping:
            mapping[campo] = i
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


@dataclass
class Riga:
    n: int
    codici: list[tuple[str, str]] = field(default_factory=list)  # (code, title) by depth order
    title_pos: int | None = None
    obj: dict[str, str] = field(default_factory=dict)
    azione: str = ""
    indicatore: str = ""
    tipo: str = ""
    formula: str = ""
    dimensione: str = ""
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
              h_prev: int = 0) -> Riga:
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
            for k, off in offsets.items():
                pos = r.title_pos + off
                if pos < obj_end:
                    r.obj[k] = _s(cells, pos)
    else:
        r.indicatore = _s(cells, m.get("indicatore"))
        r.tipo = _s(cells, m.get("tipo"))
        r.formula = _s(cells, m.get("formula"))
        r.dimensione = _s(cells, m.get("dimensione"))
        r.polarita = _s(cells, m.get("polarita"))
        r.azione = _s(cells, m.get("azione"))
        r.flag_a = _is_x(_s(cells, m.get("flag_a")))
        r.flag_b = _is_x(_s(cells, m.get("flag_b")))
        r.fonte = _s(cells, m.get("fonte"))
        r.valori = [_s(cells, m.get("baseline"))] + [_s(cells, m.get(t)) for t in TARGETS if t in m]
        r.note = _s(cells, m.get("note"))
        if header:
            for k in OBJ_FIELDS:
                if k in m:
                    r.obj[k] = _s(cells, m[k])
    return r


# ---------------------------------------------------------------------- values and types


def tipo_da_testo(testo: str, valori: list[str]) -> tuple[TipoIndicatore, str | None, str | None, bool]:
    """(tipo, unità di misura, formula, inferred?) from the type cell and the values."""
    t = norm_label(testo)
    vals = [v for v in valori if v]
    bools = vals and all(parse_bool(v) is not None or norm_label(v) == "parziale" for v in vals)
    if t in ("s/no", "si/no", "s no", "si no", "presenza", "sino"):
        return TipoIndicatore.SI_NO, None, None, False
    if t.startswith("percentual") or t == "%":
        return TipoIndicatore.PERCENTUALE, "%", None, False
    if testo.strip().startswith("("):
        giorni = any("giorn" in v.lower() for v in vals)
        return (TipoIndicatore.GIORNI if giorni else TipoIndicatore.NUMERO), \
            ("giorni" if giorni else None), testo.strip(), False
    if t.startswith(("numero", "n ", "n.", "num")) or t == "n":
        unit = None if t == "numero" else testo.strip()
        return TipoIndicatore.NUMERO, unit, None, False
    # "NO", empty or unknown: infer from the values
    if bools:
        return TipoIndicatore.SI_NO, None, None, True
    if vals and all(parse_valore(v, TipoIndicatore.NUMERO) is not None for v in vals):
        giorni = any("giorn" in v.lower() for v in vals)
        return (TipoIndicatore.GIORNI if giorni else TipoIndicatore.NUMERO), \
            ("giorni" if giorni else (testo.strip() or None) if t not in ("", "no") else None), None, True
    return TipoIndicatore.TESTO, testo.strip() or None, None, True


def unit_of(valori: list[str]) -> str | None:
    for v in valori:
        m = re.match(r"^\s*\d+(?:[.,]\d+)?\s+([a-zA-Zàèéìòù]+)\s*$", v or "")
        if m:
            return m.group(1).lower()
    return None


def person_name(text: str) -> str | None:
    """The person inside a role string: after an honorific, else the last two name-like words."""
    if not text.strip():
        return None
    m = None
    for m in _HONORIFIC.finditer(text):
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


def _name_key(text: str) -> str:
    return " ".join(sorted(norm_label(text).replace("-", " ").replace("'", " ").split()))


# ---------------------------------------------------------------------- the import


@dataclass
class _Nodo:
    code: str
    title: str
    row: int
    fields: dict[str, str] = field(default_factory=dict)
    holder: bool = False
    id: int | None = None


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
        if "indicatore" not in self.mapping and "titolo" not in self.mapping:
            self.prob("mappatura", "la mappatura non indica né la colonna dell'indicatore né quella "
                      "dell'obiettivo: niente da importare", gravita="errore")
        elif not self.anchored and "codice" not in self.mapping:
            riga = self.tab.righe[idx][0] if idx is not None else None
            self.prob("mappatura", "manca la colonna «Codice» dell'obiettivo: senza il codice gli "
                      "obiettivi non si possono riconoscere, niente da importare (aggiungere la "
                      "colonna o indicarla nella mappatura)", riga=riga, gravita="errore")

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
        min_len = (m.get("baseline", ind_col) if self.anchored else ind_col + 1)
        righe: list[Riga] = []
        blocco = 0
        h_prev = 0
        for n, cells in self.tab.righe[start:]:
            filled = [c for c in cells if c is not None and str(c).strip()]
            if not filled:
                blocco += 1
                continue
            if len(cells) < min_len:
                self.prob("riga_ignorata", "riga ignorata: non ha la forma della tabella obiettivi/"
                          "indicatori (" + _short(" ".join(str(c) for c in filled), 60) + ")",
                          riga=n, gravita="info")
                continue
            if blocco != getattr(self, "_blocco", 0):
                h_prev = 0
            self._blocco = blocco
            r = parse_row(n, cells, m, self.anchored, h_prev if righe else 0)
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
            ind0, f0, a0 = usual[0][0]  # type: ignore[misc]
            t0 = usual_title[0][0] if usual_title else None
            for r in rows:
                msgs = []
                if r.codici and t0 is not None and r.title_pos != t0:
                    msgs.append(f"le celle dell'obiettivo sono spostate di {r.title_pos - t0:+d}")
                if r.anchors:
                    ind, f, a = r.anchors
                    if a != a0 or ind != ind0:
                        d = a - a0 if a != a0 else ind - ind0
                        letter = _col(ind)
                        msgs.append(f"celle spostate di {d:+d} (indicatore in colonna {letter}"
                                    + (f" invece di {_col(ind0)}" if ind != ind0 else "") + ")")
                    if f - ind == 1 and f0 - ind0 == 2:
                        msgs.append("manca la cella del tipo")
                if r.azione:
                    msgs.append(f"cella in più prima dell'indicatore («{_short(r.azione, 40)}»), "
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
        groups: list[tuple[str, list[Riga]]] = []
        current: str | None = None
        header_rows: dict[str, int] = {}
        senza_codice: int | None = None  # header row of an objective without a code
        for idx, r in enumerate(righe):
            if r.codici and not self._holder_code(r).strip():
                self.prob("codice_mancante", f"l'obiettivo «{_short(r.codici[0][1])}» non ha il "
                          f"codice: riga ignorata con i suoi indicatori", riga=r.n,
                          colonna=_col(self.mapping["codice"]) if "codice" in self.mapping else None,
                          gravita="errore")
                current, senza_codice = None, r.n
                continue
            if r.codici:
                senza_codice = None
                holder = self._register_codes(r, nodes, order, header_rows)
                current = holder
                groups.append((holder, []))
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
            groups[-1][1].append(r)
        self._collocazione(nodes, groups)
        return self._emit(nodes, order, groups, righe)

    def _collocazione(self, nodes: dict[str, _Nodo], groups: list[tuple[str, list[Riga]]]) -> None:
        """Rows that precede the next objective's header and read like it: «collocazione
        incerta» (see :mod:`.collocazione`), not every last row of an objective."""
        gruppi = []
        for holder, rows in groups:
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

    def _register_codes(self, r: Riga, nodes: dict[str, _Nodo], order: list[str],
                        header_rows: dict[str, int]) -> str:
        deepest = max(r.codici, key=lambda ct: ct[0].count("."))
        holder_code = deepest[0]
        for code, title in r.codici:
            key = code
            if code in nodes and norm_label(nodes[code].title) != norm_label(title):
                if code == holder_code:
                    first = nodes[code]
                    choice = self.dec.get(f"codice:{code}:{r.n}", "rinumera")
                    new_code = f"{code}-B"
                    k = 2
                    while new_code in nodes:
                        k += 1
                        new_code = f"{code}-{chr(64 + k)}"
                    self.prob("codice_duplicato",
                              f"il codice {code} compare con due obiettivi diversi: «{_short(first.title)}» "
                              f"(riga {first.row}) e «{_short(title)}» (riga {r.n}); "
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
                              f"il codice {code} ha due titoli: «{_short(nodes[code].title)}» (riga "
                              f"{nodes[code].row}) e «{_short(title)}»; tenuto il primo",
                              riga=r.n, righe=(nodes[code].row, r.n))
                    continue
            if key not in nodes:
                nodes[key] = _Nodo(key, title, r.n)
                order.append(key)
        node = nodes[holder_code]
        node.holder = True
        for k, v in r.obj.items():
            if v and not node.fields.get(k):
                node.fields[k] = v
        header_rows[holder_code] = r.n
        return holder_code

    def _emit(self, nodes: dict[str, _Nodo], order: list[str], groups: list[tuple[str, list[Riga]]],
              righe: list[Riga]) -> ImportPlan:
        a = self.a
        existing = {}
        for o in a.obiettivi():
            existing.setdefault(norm_label(o.codice), o)
        person_ids: dict[str, int] = {}
        new_people = 0
        aliases_seen: set[str] = set()
        # -- objectives, parents first
        def depth_key(code: str) -> tuple[tuple[int, int, str], ...]:
            # parents first; codes of any shape (TS.1, OE0527, 2024_PD_8501) without a crash
            base = code.split("-")[0]
            parts = tuple((0, int(x), "") if x.isascii() and x.isdigit() else (1, 0, x.lower())
                          for x in base.split("."))
            return parts + (((2, 1, ""),) if "-" in code else ())

        ins_obj: list[Edit] = []
        n_obj = 0
        for code in sorted(order, key=depth_key):
            node = nodes[code]
            ex = existing.get(norm_label(code))
            if ex is not None:
                node.id = ex.id
                self.prob("codice_esistente", f"l'obiettivo {code} esiste già nel piano: gli "
                          f"indicatori sono aggiunti a quello esistente", riga=node.row, gravita="info")
                continue
            parent = self._parent_of(code, nodes, existing)
            depth = code.split("-")[0].count(".") + 1
            f = node.fields
            resp_id = self._persona(f.get("responsabile", ""), node.row, person_ids, aliases_seen) \
                if f.get("responsabile") else None
            if resp_id == -1:
                resp_id = None
            unita_id = self._unita(f.get("struttura", ""))
            extra = {k: v for k, v in (("struttura", f.get("struttura")),
                                       ("stakeholder_interni", f.get("stk_interni")),
                                       ("origine", f"{self.tab.nome} riga {node.row}")) if v}
            altri = f.get("altri") or None
            if altri and altri.strip() == "0":
                altri = None
            nid = a.allocate_id(Obiettivo)
            node.id = nid
            ob = Obiettivo(id=nid, parent_id=parent, posizione=None,  # type: ignore[arg-type]
                           ramo=Ramo.OBIETTIVI, livello=LIVELLI.get(depth, Livello.AZIONE),
                           codice=code, titolo=node.title, descrizione=f.get("descrizione") or None,
                           assessore=f.get("politico") or None, responsabile_id=resp_id,
                           unita_id=unita_id, stakeholder=f.get("stakeholder") or None,
                           altri_settori=altri, extra=extra)
            ins_obj.append(InsertRow(ob, label="Importa obiettivo"))
            self.diffs.append(Differenza("aggiunta", "Obiettivi", code, node.title, node.row))
            n_obj += 1
        people_edits = [e for e in self.edits]
        self.edits = []
        # -- indicators
        ins_ind: list[Edit] = []
        n_ind = n_dup = 0
        seen: dict[tuple[Any, ...], tuple[str, int]] = {}
        for holder, rows in groups:
            node = nodes[holder]
            seen_here: dict[tuple[Any, ...], int] = {}
            pos = 0
            for r in rows:
                sig = (norm_label(r.indicatore), norm_label(r.tipo), norm_label(r.fonte),
                       tuple(norm_label(v) for v in r.valori))
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
                ins_ind.extend(self._indicatore(r, node, pos))
                pos += 1
                n_ind += 1
        # -- mapping remembered in the plan
        firma = fingerprint(self.tab.righe[self.header_idx][1]) if self.header_idx is not None else None
        remember = json.dumps({"firma": firma, "mappatura": self.mapping}, ensure_ascii=False)
        edits = [*people_edits, *self.edits, *ins_obj, *ins_ind]
        if edits and a.impostazione(IMPOSTAZIONE) != remember:
            edits.append(SetImpostazione(IMPOSTAZIONE, remember, "Ricorda la mappatura delle colonne"))
        new_people = sum(1 for e in people_edits if isinstance(e, InsertRow) and e.table == "persone")
        for d in self.diffs:
            n_here = next((len(rows) for h, rows in groups if h == d.chiave), 0)
            if n_here:
                d.campi = [("Indicatori", "", str(n_here))]
        problemi = sorted(self.p, key=lambda p: (p.riga is None, p.riga or 0))
        plan = ImportPlan(f"Importa «{self.tab.nome}»", edits, problemi, self.diffs,
                          origine=self.tab.nome)
        plan.riepilogo = {
            "Righe lette": len(righe),
            "Obiettivi nuovi": n_obj,
            "Obiettivi con indicatori": sum(1 for n in nodes.values() if n.holder),
            "Indicatori": n_ind,
            "Righe duplicate unite": n_dup,
            "Persone nuove": new_people,
        }
        plan.mappatura = dict(self.mapping)
        plan.mappatura_origine = self.fonte_mappatura
        plan.anni = list(self.years)
        return plan

    def _parent_of(self, code: str, nodes: dict[str, _Nodo], existing: dict[str, Obiettivo]) -> int | None:
        base = code.split("-")[0]
        parts = base.split(".")
        for k in range(len(parts) - 1, 0, -1):
            pre = ".".join(parts[:k])
            if pre in nodes and nodes[pre].id is not None:
                return nodes[pre].id
            ex = existing.get(norm_label(pre))
            if ex is not None:
                return ex.id
        return None

    def _indicatore(self, r: Riga, node: _Nodo, pos: int) -> list[Edit]:
        vals = r.valori + [""] * (4 - len(r.valori))
        tipo, unita, formula, inferred = tipo_da_testo(r.tipo, vals)
        if r.formula:
            formula = r.formula
        if inferred:
            shown = f"«{r.tipo}»" if r.tipo else "vuoto"
            self.prob("tipo_dedotto", f"tipo dell'indicatore {shown}: dedotto dai valori come "
                      f"«{tipo.label}»", riga=r.n, colonna="Tipo")
        unit_from_vals = unit_of(vals)
        if unit_from_vals and not unita:
            unita = unit_from_vals
        polarita = Polarita.DECRESCENTE if tipo == TipoIndicatore.GIORNI else Polarita.CRESCENTE
        pol = norm_label(r.polarita)
        if pol in ("-", "negativa", "decrescente", "−"):
            polarita = Polarita.DECRESCENTE
        fraction = tipo == TipoIndicatore.PERCENTUALE and all(
            (d := parse_decimal(v)) is None or d <= 1 for v in vals if v) and any(
            parse_decimal(v) is not None for v in vals if v)
        if fraction:
            self.prob("percentuale_frazione", "valori percentuali scritti come frazione (es. 0,12): "
                      "letti come percentuali (12 %)", riga=r.n, gravita="info")

        def parsed(text: str) -> Decimal | None:
            if not text:
                return None
            if norm_label(text) == "parziale" and tipo == TipoIndicatore.SI_NO:
                return Decimal("0.5")
            d = parse_valore(text, tipo)
            if d is not None and fraction and parse_decimal(text) is not None:
                d = d * 100
            return d

        labels = ["Baseline"] + [f"Target {y}" for y in self.years]
        for text, lab in zip(vals, labels, strict=False):
            if text and parsed(text) is None and tipo != TipoIndicatore.TESTO:
                self.prob("valore_testo", f"«{_short(text, 60)}» non è un valore numerico o Sì/No: "
                          f"conservato come testo", riga=r.n, colonna=lab, gravita="info")
        notes = []
        flags = [x for x, on in (("A", r.flag_a), ("B", r.flag_b)) if on]
        if flags:
            notes.append("Colonne X: " + ", ".join(flags))
        if r.azione:
            notes.append(f"Azione: {r.azione}")
        if r.note:
            notes.append(r.note)
        iid = self.a.allocate_id(Indicatore)
        y0 = self.years[0] if self.years else self.a.piano().anno_inizio
        ind = Indicatore(id=iid, obiettivo_id=node.id or 0, posizione=None,  # type: ignore[arg-type]
                         descrizione=r.indicatore, tipo=tipo, unita_misura=unita, formula=formula,
                         dimensione=r.dimensione or None, polarita=polarita,
                         baseline_testo=vals[0] or None, baseline=parsed(vals[0]),
                         anno_baseline=y0 - 1 if vals[0] else None, fonte=r.fonte or None,
                         note="\n".join(notes) or None)
        out: list[Edit] = [InsertRow(ind, label="Importa indicatore")]
        for year, text in zip(self.years, vals[1:], strict=False):
            if not text:
                continue
            out.append(InsertRow(Misura(indicatore_id=iid, anno=year, periodo=PERIODO_ANNUALE,
                                        target_testo=text, target=parsed(text)), label="Importa target"))
        return out

    def _persona(self, text: str, riga: int, cache: dict[str, int], aliases_seen: set[str]) -> int:
        name = person_name(text)
        if not name:
            self.prob("responsabile_senza_nome", f"responsabile «{_short(text, 60)}»: nessun nome di "
                      f"persona riconosciuto, il ruolo resta solo nel testo", riga=riga, gravita="info")
            return -1
        key = _name_key(name)
        if key in cache:
            return cache[key]
        found = self.a.trova_persona(name)
        if found is not None and found.id is not None:
            cache[key] = found.id
            return found.id
        words = name.split()
        best, score = None, 0.0
        for p in self.a.persone():
            s = difflib.SequenceMatcher(None, key, _name_key(p.nominativo)).ratio()
            if s > score:
                best, score = p, s
        if best is not None and score >= 0.85 and best.id is not None:
            chiave = f"alias:{key}"
            choice = self.dec.get(chiave, "collega")
            if key not in aliases_seen:
                aliases_seen.add(key)
                self.prob("alias_persona", f"«{name}» sembra la stessa persona di «{best.nominativo}» "
                          f"già nel piano: "
                          + ("proposto il collegamento (il nome letto diventa un alias)"
                             if choice == "collega" else "sarà creata una persona nuova"),
                          riga=riga, chiave=chiave, scelte=("collega", "nuova persona"))
            if choice == "collega":
                self.edits.append(InsertRow(AliasPersona(persona_id=best.id, alias=name),
                                            label="Alias persona"))
                cache[key] = best.id
                return best.id
        pid = self.a.allocate_id(Persona)
        self.edits.append(InsertRow(Persona(id=pid, cognome=words[-1], nome=" ".join(words[:-1])),
                                    label="Importa persona"))
        cache[key] = pid
        return pid

    def _unita(self, text: str) -> int | None:
        key = norm_label(text)
        if not key:
            return None
        for u in self.a.unita():
            if key in (norm_label(u.nome), norm_label(u.codice)):
                return u.id
        return None


def _col(i: int) -> str:
    out = ""
    i += 1
    while i:
        i, rem = divmod(i - 1, 26)
        out = chr(65 + rem) + out
    return out


def _short(text: str, n: int = 50) -> str:
    s = (text or "").replace("\n", " ")
    return s if len(s) <= n else s[: n - 1] + "…"


def import_flat(archive: Archive, tab: Tabella, mapping: dict[str, int] | None = None,
                decisioni: dict[str, str] | None = None) -> ImportPlan:
    """Read a flat objectives/indicators table into an ImportPlan (nothing written)."""
    return FlatImport(archive, tab, mapping, decisioni).build()


def describe_mapping(mapping: dict[str, int]) -> list[tuple[str, str, int]]:
    """(campo, label, column) for display, in column order."""
    return sorted(((k, CAMPI[k][0] if k in CAMPI else k, v) for k, v in mapping.items()),
                  key=lambda x: x[2])
