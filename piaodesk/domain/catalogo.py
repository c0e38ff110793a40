"""The harmonised catalogue of missioni and programmi (D.Lgs. 118/2011, allegato 14).

The catalogue ships in ``resources/catalogo/missioni_programmi.csv`` (source and year in
``FONTE.md`` beside it). Plans written before the catalogue, and documents like seed 001,
carry missione and programma as free text ("MISSIONE 12 DIRITTI SOCIALI … – PROGRAMMA 3:
INTERVENTI PER GLI ANZIANI OBIETTIVO STRATEGICO: …"): :func:`riconosci` proposes the
catalogue entry with how sure it is, and the caller shows the proposal for review — a text
that matches nothing, or matches a code whose name disagrees, is never mapped silently.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from enum import StrEnum
from functools import cache

from ..paths import resource

FONTE = ("D.Lgs. 23 giugno 2011, n. 118, allegato n. 14 (elenco delle missioni e dei programmi), "
         "testo in vigore per gli esercizi 2024-2026")
ANNO_CATALOGO = 2024


@dataclass(frozen=True, slots=True)
class Missione:
    codice: str          # "01"
    nome: str

    @property
    def etichetta(self) -> str:
        return f"Missione {self.codice} – {self.nome}"


@dataclass(frozen=True, slots=True)
class Programma:
    missione: str        # "12"
    codice: str          # "03"
    nome: str
    solo_regioni: bool = False

    @property
    def chiave(self) -> str:
        """The stored form: ``"12.03"``."""
        return f"{self.missione}.{self.codice}"

    @property
    def etichetta(self) -> str:
        return f"Programma {self.missione}.{self.codice} – {self.nome}"


@dataclass(frozen=True, slots=True)
class Catalogo:
    missioni: tuple[Missione, ...]
    programmi: tuple[Programma, ...]

    def missione(self, codice: str | int | None) -> Missione | None:
        cod = _due_cifre(codice)
        return next((m for m in self.missioni if m.codice == cod), None)

    def programma(self, missione: str | int | None, codice: str | int | None) -> Programma | None:
        mis, cod = _due_cifre(missione), _due_cifre(codice)
        return next((p for p in self.programmi if p.missione == mis and p.codice == cod), None)

    def da_chiave(self, chiave: str | None) -> Programma | None:
        """The programma stored as ``"12.03"`` (``None`` for an empty or unknown key)."""
        if not chiave or "." not in chiave:
            return None
        mis, _, cod = chiave.partition(".")
        return self.programma(mis, cod)

    def programmi_di(self, missione: str | int, *, per_enti_locali: bool = True) -> list[Programma]:
        """The programmi of a missione, for a choice list (the regions-only ones left out)."""
        mis = _due_cifre(missione)
        return [p for p in self.programmi
                if p.missione == mis and not (per_enti_locali and p.solo_regioni)]


def _due_cifre(value: str | int | None) -> str:
    if value is None:
        return ""
    text = str(value).strip()
    return text.zfill(2) if text.isdigit() else text


@cache
def catalogo() -> Catalogo:
    """The shipped catalogue (read once)."""
    missioni: dict[str, Missione] = {}
    programmi: list[Programma] = []
    righe = resource("catalogo", "missioni_programmi.csv").read_text(encoding="utf-8").splitlines()
    head = [h.strip() for h in righe[0].split(";")]
    for riga in righe[1:]:
        if not riga.strip():
            continue
        row = dict(zip(head, (c.strip() for c in riga.split(";")), strict=False))
        mis = row["missione"]
        missioni.setdefault(mis, Missione(mis, row["nome_missione"]))
        programmi.append(Programma(mis, row["programma"], row["nome_programma"],
                                   row.get("solo_regioni", "").upper() == "S"))
    return Catalogo(tuple(missioni.values()), tuple(programmi))


class Certezza(StrEnum):
    """How a free text was matched to the catalogue."""

    ESATTA = "esatta"            # codes and names agree
    SOLO_CODICE = "solo_codice"  # codes found, names absent
    SOLO_NOME = "solo_nome"      # no codes, the programme's name matched
    DISCORDE = "discorde"        # codes found but the name says another programme: review
    NESSUNA = "nessuna"          # nothing recognisable


@dataclass(frozen=True, slots=True)
class Riconoscimento:
    testo: str
    programma: Programma | None
    certezza: Certezza
    #: the text after "OBIETTIVO STRATEGICO:" on the same heading, if any (seed 001 L393)
    obiettivo_strategico: str = ""

    @property
    def da_rivedere(self) -> bool:
        return self.certezza in (Certezza.DISCORDE, Certezza.NESSUNA, Certezza.SOLO_NOME)

    @property
    def nota(self) -> str:
        """One Italian line for the review list."""
        p = self.programma
        return {
            Certezza.ESATTA: f"riconosciuto: {p.etichetta}" if p else "",
            Certezza.SOLO_CODICE: f"riconosciuto dal codice: {p.etichetta}" if p else "",
            Certezza.SOLO_NOME: f"riconosciuto dal nome, da confermare: {p.etichetta}" if p else "",
            Certezza.DISCORDE: (f"il codice indica «{p.etichetta}» ma il nome scritto è diverso: "
                                "da confermare" if p else ""),
            Certezza.NESSUNA: "non corrisponde a nessun programma del catalogo: da scegliere a mano",
        }[self.certezza]


# seed 001 S11: "MISSIONE 01:" / "MISSIONE 04 –" / "MISSIONE 12 DIRITTI", "PROGRAMMA 2:" / "PROGRAMMA 02:"
_TITOLO = re.compile(
    r"MISSIONE\s+0?(\d{1,2})\s*[:\u2013\u2014-]?\s*(.*?)\s*[-\u2013\u2014]\s*PROGRAMMA\s+0?(\d{1,2})"
    r"\s*:?\s*(.*?)(?:\s+OBIETTIVO\s+STRATEGICO\s*:\s*(.*))?$",
    re.IGNORECASE | re.DOTALL)
_SOLO_PROGRAMMA = re.compile(r"^\s*(?:PROGRAMMA\s+)?0?(\d{1,2})\s*[.:/]\s*0?(\d{1,2})\s*(?:[-\u2013:]\s*(.*))?$",
                             re.IGNORECASE)


def _parole(text: str) -> set[str]:
    norm = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    words = re.findall(r"[a-z]{3,}", norm)
    return {w for w in words if w not in _VUOTE}


_VUOTE = {"per", "dei", "delle", "degli", "della", "del", "gli", "all", "alla", "allo", "con", "servizio",
          "servizi", "interventi", "politica", "regionale", "unitaria", "altri", "altre"}


def _somiglia(scritto: str, nome: str) -> bool:
    """The written name says the catalogue's name (most of its words, in any order)."""
    a, b = _parole(scritto), _parole(nome)
    if not b:
        return not a
    return len(a & b) >= max(1, (len(b) + 1) // 2)


def riconosci(testo: str | None, cat: Catalogo | None = None) -> Riconoscimento:
    """The catalogue programme a free text names, with how sure the match is."""
    cat = cat or catalogo()
    raw = " ".join((testo or "").split())
    if not raw:
        return Riconoscimento("", None, Certezza.NESSUNA)
    m = _TITOLO.search(raw)
    if m:
        mis, _nome_mis, prog, nome_prog, strategico = m.groups()
        # "PROGRAMMA 03: GESTIONE … – SERVIZIO PROVVEDITORATO E CUC" (seed 001 L247): the service
        # after the dash is not part of the programme's name
        nome_prog = re.split(r"\s+[\u2013\u2014]\s+", nome_prog or "")[0]
        p = cat.programma(mis, prog)
        extra = (strategico or "").strip()
        if p is None:
            return _per_nome(raw, nome_prog, cat, extra)
        if not nome_prog.strip():
            return Riconoscimento(raw, p, Certezza.SOLO_CODICE, extra)
        if _somiglia(nome_prog, p.nome):
            return Riconoscimento(raw, p, Certezza.ESATTA, extra)
        return Riconoscimento(raw, p, Certezza.DISCORDE, extra)
    m2 = _SOLO_PROGRAMMA.match(raw)
    if m2:
        p = cat.programma(m2.group(1), m2.group(2))
        if p is not None:
            nome = m2.group(3) or ""
            if not nome:
                return Riconoscimento(raw, p, Certezza.SOLO_CODICE)
            return Riconoscimento(raw, p, Certezza.ESATTA if _somiglia(nome, p.nome) else Certezza.DISCORDE)
    return _per_nome(raw, raw, cat, "")


def _per_nome(raw: str, nome: str, cat: Catalogo, extra: str) -> Riconoscimento:
    scritte = _parole(nome)
    best: tuple[float, Programma] | None = None
    for p in cat.programmi:
        if p.solo_regioni:
            continue
        words = _parole(p.nome)
        if not words:
            continue
        score = len(scritte & words) / len(words | scritte)
        if best is None or score > best[0]:
            best = (score, p)
    if best is not None and best[0] >= 0.5:
        return Riconoscimento(raw, best[1], Certezza.SOLO_NOME, extra)
    return Riconoscimento(raw, None, Certezza.NESSUNA, extra)
