"""The sections that follow a flat objectives table: weights per manager and monthly schedule.

Seed 000 (seed-000-001.md §1.5, §1.6) ends its objectives table with, for each
*Responsabile di Servizio*: a heading naming the structure, the lines
``Responsabile del Servizio: NAME`` and ``Numero degli obiettivi gestionali …: N``,
a weights table (*Codice obiettivo gestionale* | *Denominazione* | *Pesatura …
Anno 2024*, ``30%`` …, a total row ``<b>100%</b>``) and a *Cronoprogramma
attività 2024* (code | activity | one column per month, ``X`` where the
activity is planned; the month labels ``gen-24`` … may sit on the line below
the header, and the months need not be consecutive).

This module only reads those rows into :class:`Blocco` objects, with the
row numbers; :mod:`.flat` turns them into weights, assignments and phases.
Every row it cannot place is reported, never dropped silently.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from ..domain.fields import norm_label
from ..domain.formats import parse_decimal
from .common import Problema

MESI = ("gen", "feb", "mar", "apr", "mag", "giu", "lug", "ago", "set", "ott", "nov", "dic")
_MESE_RE = re.compile(r"^(gen|feb|mar|apr|mag|giu|lug|ago|set|ott|nov|dic)[a-z]*\.?[\s\-/'’.]*"
                      r"(\d{2}|\d{4})?$")
_ANNO_RE = re.compile(r"\b(19\d{2}|20\d{2})\b")
_MARKUP_RE = re.compile(r"</?[a-zA-Z][^>]*>")


def pulisci(cell: Any) -> str:
    """A cell's text without Markdown heading marks, bold stars and HTML tags."""
    if cell is None:
        return ""
    s = _MARKUP_RE.sub("", str(cell)).strip()
    s = s.lstrip("#").strip()
    while s.startswith("**") and s.endswith("**") and len(s) >= 4:
        s = s[2:-2].strip()
    return s


def _celle(cells: list[Any]) -> list[str]:
    return [pulisci(c) for c in cells]


def mese(label: str, anno: int | None) -> date | None:
    """``gen-24``, ``Gennaio 2024``, ``feb`` (with the section's year) → first day of the month."""
    m = _MESE_RE.match(norm_label(label))
    if not m:
        return None
    y = m.group(2)
    year = (2000 + int(y) if len(y) == 2 else int(y)) if y else anno
    if year is None:
        return None
    return date(year, MESI.index(m.group(1)) + 1, 1)


_INIZI = {"pes", "cro", "res", "cod"}


def inizio_sezioni(righe: list[tuple[int, list[Any]]]) -> int | None:
    """Index of the first row that opens a weights/schedule section (None: there is none)."""
    for idx, (_n, cells) in enumerate(righe):
        head = next((c for c in cells if c is not None and c != ""), None)
        if not isinstance(head, str) or head.lstrip("#*<b> ")[:3].lower() not in _INIZI:
            continue  # the cheap test first: this runs on every row of a large table
        testi = [t for t in _celle(cells) if t]
        if not testi:
            continue
        first = norm_label(testi[0])
        if len(testi) == 1 and first.startswith(("pesatura", "cronoprogramma")):
            return idx
        if first.startswith("responsabile del servizio") and len(testi) == 2 and testi[0].endswith(":"):
            return idx
        if first.startswith("codice obiettivo gestionale") and len(testi) >= 2:
            return idx
    return None


@dataclass
class Peso:
    riga: int
    codice: str
    titolo: str
    testo: str
    valore: Decimal | None


@dataclass
class Attivita:
    riga: int
    codice: str
    testo: str
    mesi: list[date]


@dataclass
class Blocco:
    """One manager's part: structure, name, declared count, weights, schedule."""

    riga: int
    responsabile: str
    struttura: str = ""
    dichiarati: int | None = None
    riga_dichiarati: int | None = None
    anno_pesi: int | None = None
    pesi: list[Peso] = field(default_factory=list)
    totale: tuple[int, str] | None = None
    anno_crono: int | None = None
    attivita: list[Attivita] = field(default_factory=list)


def leggi_sezioni(righe: list[tuple[int, list[Any]]], foglio: str | None = None
                  ) -> tuple[list[Blocco], list[Problema]]:
    """Read the rows from :func:`inizio_sezioni` on into blocks and problems."""
    blocchi: list[Blocco] = []
    probs: list[Problema] = []
    titolo_struttura = ""
    modo = ""  # "pesi" | "crono"
    colonne_mesi: list[tuple[int, date]] = []
    anno_crono: int | None = None

    def prob(tipo: str, msg: str, riga: int, gravita: str = "avviso") -> None:
        probs.append(Problema(tipo, msg, riga=riga, foglio=foglio, gravita=gravita))

    def blocco(n: int) -> Blocco:
        if not blocchi:
            blocchi.append(Blocco(n, "", titolo_struttura))
            prob("sezione_senza_responsabile", "tabella di pesatura o cronoprogramma senza la riga "
                 "«Responsabile del Servizio:» prima: i pesi non sono attribuiti a nessuno", n)
        return blocchi[-1]

    for n, cells in righe:
        testi = _celle(cells)
        filled = [(i, t) for i, t in enumerate(testi) if t]
        if not filled:
            continue
        first_i, first = filled[0]
        key = norm_label(first)
        # headings: a single cell
        if len(filled) == 1 and first_i == 0:
            if key.startswith("cronoprogramma"):
                m = _ANNO_RE.search(first)
                anno_crono = int(m.group(1)) if m else None
                modo = ""
            elif key.startswith("pesatura"):
                modo = ""
            else:
                titolo_struttura = first
                modo = ""
            continue
        if key.startswith("responsabile del servizio") and len(filled) >= 2:
            blocchi.append(Blocco(n, filled[1][1], titolo_struttura))
            modo, colonne_mesi = "", []
            continue
        if key.startswith("numero degli obiettivi") and len(filled) >= 2:
            b = blocco(n)
            d = parse_decimal(filled[1][1])
            if d is None or d != d.to_integral_value():
                prob("valore_non_numerico", f"numero degli obiettivi «{filled[1][1]}» non è un numero "
                     "intero: non verificato", n)
            else:
                b.dichiarati, b.riga_dichiarati = int(d), n
            continue
        if key.startswith("codice obiettivo gestionale"):
            rest = " ".join(t for _i, t in filled[1:])
            if "pesatura" in norm_label(rest) or "peso" in norm_label(rest):
                b = blocco(n)
                m = _ANNO_RE.search(rest)
                b.anno_pesi = int(m.group(1)) if m else None
                modo = "pesi"
            else:
                b = blocco(n)
                m = _ANNO_RE.search(rest)
                if m:
                    anno_crono = int(m.group(1))
                b.anno_crono = anno_crono
                modo = "crono"
                colonne_mesi = [(i, dm) for i, t in filled[2:] if (dm := mese(t, anno_crono))]
            continue
        if modo == "crono" and first_i >= 2 and all(mese(t, anno_crono) for _i, t in filled):
            colonne_mesi = [(i, dm) for i, t in filled if (dm := mese(t, anno_crono)) is not None]
            continue
        if modo == "pesi":
            b = blocco(n)
            if first_i >= 2 or (len(filled) == 1 and parse_decimal(first) is not None):
                b.totale = (n, first)
                continue
            codice = testi[0]
            titolo = testi[1] if len(testi) > 1 else ""
            testo = testi[2] if len(testi) > 2 else ""
            if not codice or not testo:
                prob("riga_ignorata", "riga della pesatura senza codice o senza peso: ignorata ("
                     + " | ".join(t for _i, t in filled)[:80] + ")", n)
                continue
            valore = parse_decimal(testo)
            if valore is None:
                prob("valore_non_numerico", f"peso «{testo}» dell'obiettivo {codice} non è una "
                     "percentuale: non importato", n)
            b.pesi.append(Peso(n, codice, titolo, testo, valore))
            continue
        if modo == "crono":
            b = blocco(n)
            codice = testi[0]
            testo = testi[1] if len(testi) > 1 else ""
            if not codice or not testo:
                prob("riga_ignorata", "riga del cronoprogramma senza codice o senza attività: ignorata",
                     n)
                continue
            if not colonne_mesi:
                prob("mesi_mancanti", "cronoprogramma senza le intestazioni dei mesi (es. «gen-24»): "
                     "l'attività è importata senza date", n)
            mesi: list[date] = []
            strani: list[str] = []
            for i, dm in colonne_mesi:
                t = testi[i] if i < len(testi) else ""
                if not t:
                    continue
                if t.strip().upper() == "X":
                    mesi.append(dm)
                else:
                    strani.append(t)
            known = {i for i, _d in colonne_mesi} | {0, 1}
            strani += [t for i, t in filled if i not in known]
            if strani:
                prob("cella_inattesa", "nel cronoprogramma c'è «" + "», «".join(strani)[:60]
                     + "» dove ci si aspetta una X o niente: non letto come mese", n)
            b.attivita.append(Attivita(n, codice, testo, sorted(set(mesi))))
            continue
        prob("riga_ignorata", "riga ignorata dopo la tabella degli obiettivi: non è né una pesatura "
             "né un cronoprogramma (" + " | ".join(t for _i, t in filled)[:80] + ")", n, "info")
    return blocchi, probs
