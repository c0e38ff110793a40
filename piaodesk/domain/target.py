"""What a written target says: comparator, value, direction, relative deadline, trend, parameters.

Real plans write targets as phrases (seed 001): «Inferiore al 45%» (L73), «Superiore al 53%»
(L74), «≥ 2.400» (L162), «= 100%» (L151), «Data trasmissione … <u><</u> rispetto alla scadenza»
(L237), «Entro 5 giorni dalla stipula definitiva dell'accordo aziendale» (L238-L241), «30 gg dalla
sottoscrizione del progetto» (L612), «Aumento tendenziale … rispetto al biennio 2021-2022»
(L95-L96), «≥ 1 anno 2023 ≥ 2 anno 2024» (L416-L417), «almeno un corso» (L101); services list
PARAMETRI as volumes at a date: «numero di reversali di incasso (2.267 al 31.12.2022)» (L140).

:func:`leggi_target` reads such a phrase into a :class:`LetturaTarget`: the comparator sets the
polarity **with a note saying why** (the user sees it and can change it); a phrase that says no
direction leaves the polarity ``None`` — never a silent default. Pure: no I/O.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from .enums import Polarita
from .formats import format_date, parse_date, parse_decimal


@dataclass(frozen=True, slots=True)
class ScadenzaRelativa:
    """«entro 30 giorni dall'approvazione»: stored as such, resolved when the event's date is known."""

    giorni: int
    evento: str                 # "approvazione", "stipula definitiva dell'accordo aziendale"
    lavorativi: bool = False    # «giorni lavorativi»: resolved skipping Saturdays and Sundays

    def risolvi(self, data_evento: date | None) -> date | None:
        """The absolute deadline once the event's date is known (``None`` before)."""
        if data_evento is None:
            return None
        if not self.lavorativi:
            return data_evento + timedelta(days=self.giorni)
        giorno, restano = data_evento, self.giorni
        while restano > 0:
            giorno += timedelta(days=1)
            if giorno.weekday() < 5:
                restano -= 1
        return giorno

    @property
    def testo(self) -> str:
        tipo = " lavorativi" if self.lavorativi else ""
        return f"entro {self.giorni} giorni{tipo} da: {self.evento}"


@dataclass(frozen=True, slots=True)
class RegolaTrend:
    """«Aumento tendenziale … rispetto al biennio 2021-2022»: the year against past years' values."""

    anni: tuple[int, ...]       # the reference years (their mean is the threshold)
    polarita: Polarita          # CRESCENTE for «aumento», DECRESCENTE for «riduzione»

    def soglia(self, storico: Mapping[int, Decimal]) -> Decimal | None:
        """The mean of the reference years' values; ``None`` while one of them is missing."""
        if not self.anni or any(a not in storico for a in self.anni):
            return None
        return sum((storico[a] for a in self.anni), Decimal(0)) / len(self.anni)

    def raggiunto(self, valore: Decimal | None, storico: Mapping[int, Decimal]) -> bool | None:
        base = self.soglia(storico)
        if valore is None or base is None:
            return None
        return valore > base if self.polarita is Polarita.CRESCENTE else valore < base


@dataclass(frozen=True, slots=True)
class LetturaTarget:
    testo: str
    comparatore: str | None = None          # "<", "<=", ">", ">=", "=" or None
    valore: Decimal | None = None
    unita: str | None = None                # "%", "giorni", or None
    polarita: Polarita | None = None
    #: why the polarity was set (Italian, shown beside it); empty when none was set
    nota: str = ""
    scadenza: ScadenzaRelativa | None = None
    data_entro: date | None = None          # «entro il 30.06.2023»
    trend: RegolaTrend | None = None
    #: «≥ 1 anno 2023 ≥ 2 anno 2024»: one reading per year
    per_anno: dict[int, LetturaTarget] = field(default_factory=dict)

    @property
    def capito(self) -> bool:
        """Something measurable was read (a value, a deadline or a trend)."""
        return (self.valore is not None or self.scadenza is not None or self.trend is not None
                or self.data_entro is not None or bool(self.per_anno))


@dataclass(frozen=True, slots=True)
class Parametro:
    """A service volume at a reference date (seed 001 «PARAMETRI»)."""

    nome: str
    valore: Decimal
    data_riferimento: date | None
    testo: str


def _ascii(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()


def _pulisci(text: str) -> str:
    # seed 001 L237: an HTML-underlined "<" means "≤"
    t = re.sub(r"<u>\s*<\s*</u>", "≤", text, flags=re.IGNORECASE)
    t = re.sub(r"<u>\s*>\s*</u>", "≥", t, flags=re.IGNORECASE)
    t = re.sub(r"</?[a-z]+>", " ", t, flags=re.IGNORECASE)
    return " ".join(t.split())


#: words → comparator, checked longest first on the ASCII-folded text
_PAROLE: tuple[tuple[str, str], ...] = (
    ("non inferiore a", ">="), ("non superiore a", "<="), ("non meno di", ">="), ("non piu di", "<="),
    ("maggiore o uguale a", ">="), ("minore o uguale a", "<="), ("uguale o superiore a", ">="),
    ("uguale o inferiore a", "<="), ("pari o superiore a", ">="), ("pari o inferiore a", "<="),
    ("inferiore a", "<"), ("superiore a", ">"), ("minore di", "<"), ("maggiore di", ">"),
    ("meno di", "<"), ("piu di", ">"), ("oltre", ">"), ("almeno", ">="), ("minimo", ">="),
    ("massimo", "<="), ("max", "<="), ("min", ">="), ("fino a", "<="), ("pari a", "="), ("uguale a", "="),
)
_SEGNI = {"≥": ">=", ">=": ">=", "=>": ">=", "≤": "<=", "<=": "<=", "=<": "<=", "<": "<", ">": ">",
          "=": "="}
_POLARITA = {">": Polarita.CRESCENTE, ">=": Polarita.CRESCENTE, "<": Polarita.DECRESCENTE,
             "<=": Polarita.DECRESCENTE, "=": Polarita.UGUALE}
_PAROLE_NUMERI = {"un": 1, "uno": 1, "una": 1, "due": 2, "tre": 3, "quattro": 4, "cinque": 5, "sei": 6,
                  "sette": 7, "otto": 8, "nove": 9, "dieci": 10}
_NUM = r"(\d{1,3}(?:\.\d{3})+(?:,\d+)?|\d+(?:[.,]\d+)?)"


def _nota(comparatore: str, scritto: str) -> str:
    pol = _POLARITA[comparatore]
    return f"direzione dal target «{scritto}»: {pol.label.lower()}"


def leggi_target(testo: str | None, *, tipo_giorni: bool = False) -> LetturaTarget:
    """Read a written target. ``tipo_giorni``: the indicator counts days (a deadline in days)."""
    raw = _pulisci(testo or "")
    if not raw:
        return LetturaTarget("")
    per_anno = _per_anno(raw)
    if per_anno:
        primo = per_anno[min(per_anno)]
        return LetturaTarget(raw, primo.comparatore, primo.valore, primo.unita, primo.polarita,
                             primo.nota, per_anno=per_anno)
    a = _ascii(raw)
    trend = _trend(a)
    if trend is not None:
        verbo = "aumento" if trend.polarita is Polarita.CRESCENTE else "riduzione"
        anni = "-".join(str(x) for x in trend.anni)
        return LetturaTarget(raw, polarita=trend.polarita, trend=trend,
                             nota=f"«{verbo}» rispetto a {anni}: {trend.polarita.label.lower()}")
    scad = _relativa(raw)
    if scad is not None:
        return LetturaTarget(raw, "<=", Decimal(scad.giorni), "giorni", Polarita.DECRESCENTE,
                             f"scadenza relativa «{scad.testo}»: decrescente (meno giorni è meglio)",
                             scadenza=scad)
    entro = re.search(r"\bentro (?:il )?(\d{1,2}[./-]\d{1,2}[./-]\d{2,4})", a)
    if entro:
        quando = parse_date(entro.group(1).replace(".", "/").replace("-", "/"))
        if quando is not None:
            return LetturaTarget(raw, "<=", polarita=Polarita.DECRESCENTE, data_entro=quando,
                                 nota=f"entro il {format_date(quando)}: prima è meglio")
    return _confronto(raw, a, tipo_giorni)


def _confronto(raw: str, a: str, tipo_giorni: bool) -> LetturaTarget:
    comp, scritto, resto = None, "", raw
    m = re.match(r"^\s*(≥|≤|>=|<=|=>|=<|<|>|=)\s*", raw)
    if m:
        comp, scritto, resto = _SEGNI[m.group(1)], m.group(1), raw[m.end():]
    else:
        for parola, segno in sorted(_PAROLE, key=lambda p: -len(p[0])):
            pos = re.search(r"(?<![a-z])" + parola.replace(" ", r"\s+") + r"(?:l|ll|lla|llo|i|gli|d)?\b", a)
            if pos:
                comp, scritto = segno, raw[pos.start():pos.end()].strip()
                resto = raw[pos.end():]
                break
    if comp is None:
        for segno in ("≥", "≤", ">=", "<=", "<", ">"):
            if segno in raw:
                comp, scritto = _SEGNI[segno], segno
                resto = raw[raw.index(segno) + len(segno):]
                break
    valore, unita = _numero(resto)
    if comp is None:
        parole = _ascii(raw)
        for verbo, pol in (("aument", Polarita.CRESCENTE), ("increment", Polarita.CRESCENTE),
                           ("riduzion", Polarita.DECRESCENTE), ("ridurre", Polarita.DECRESCENTE),
                           ("diminu", Polarita.DECRESCENTE)):
            if verbo in parole:
                return LetturaTarget(raw, None, valore, unita, pol,
                                     f"«{verbo}…» nel target: {pol.label.lower()}")
        # a bare number (or «1 giorno»): the value, with no direction — the user sets it
        return LetturaTarget(raw, None, valore, unita or ("giorni" if tipo_giorni else None))
    return LetturaTarget(raw, comp, valore, unita, _POLARITA[comp], _nota(comp, scritto))


def _numero(text: str) -> tuple[Decimal | None, str | None]:
    t = text.strip()
    unita_re = r"\s*(%|percento|per cento)?(?:\s*(giorni|gg|giorno))?"
    m = re.match(_NUM + unita_re, t, re.IGNORECASE)
    if m is None:
        first = _ascii(t).split()
        if first and first[0] in _PAROLE_NUMERI:  # «almeno un corso nell'anno 2023» (L101)
            return Decimal(_PAROLE_NUMERI[first[0]]), None
        # any other number, but not a year («nell'anno 2023»)
        m = re.search(r"(?<!anno )(?<!\d)" + _NUM + unita_re, t, re.IGNORECASE)
        while m is not None and re.fullmatch(r"(19|20)\d\d", m.group(1)) and not m.group(2):
            m = re.search(r"(?<!anno )(?<!\d)" + _NUM + unita_re, t[m.end():], re.IGNORECASE)
    if m:
        valore = parse_decimal(m.group(1))
        unita = "%" if m.group(2) else ("giorni" if m.group(3) else None)
        return valore, unita
    return None, None


def _per_anno(raw: str) -> dict[int, LetturaTarget]:
    parts = re.findall(r"((?:≥|≤|>=|<=|<|>|=)?\s*" + _NUM + r"\s*%?)\s*(?:nell'|nel )?anno\s+(\d{4})",
                       raw, re.IGNORECASE)
    if len(parts) < 2:
        return {}
    return {int(anno): _confronto(scritto.strip(), _ascii(scritto), False) for scritto, _n, anno in parts}


def _trend(a: str) -> RegolaTrend | None:
    if "rispetto" not in a and "trend" not in a:
        return None
    anni: tuple[int, ...] = ()
    m = re.search(r"(\d{4})\s*[-/]\s*(\d{2,4})\b", a)
    if m:
        y1 = int(m.group(1))
        y2 = int(m.group(2)) if len(m.group(2)) == 4 else (y1 // 100) * 100 + int(m.group(2))
        if y1 <= y2 <= y1 + 10:
            anni = tuple(range(y1, y2 + 1))
    else:
        m1 = re.search(r"rispetto (?:al|all'|agli|ai)?\s*(?:anno|esercizio)?\s*(\d{4})", a)
        if m1:
            anni = (int(m1.group(1)),)
    if not anni:
        return None
    if any(w in a for w in ("riduzion", "diminu", "calo")):
        return RegolaTrend(anni, Polarita.DECRESCENTE)
    if any(w in a for w in ("aument", "increment", "crescita", "tendenzial", "trend", "maggior")):
        return RegolaTrend(anni, Polarita.CRESCENTE)
    return None


_RELATIVA = re.compile(
    r"(?:entro\s+)?(\d{1,3})\s*(?:giorni|gg\.?|giorno)\s*(lavorativi)?\s*"
    r"(?:dall['’]\s*|dalla\s+|dal\s+|dallo\s+|dagli\s+|dalle\s+|dai\s+|da\s+)(.+)$",
    re.IGNORECASE)


def _relativa(raw: str) -> ScadenzaRelativa | None:
    m = _RELATIVA.search(raw)
    if not m:
        return None
    evento = m.group(3).strip().rstrip(".;").strip()
    evento = re.split(r"\s*/\s*", evento)[0]  # «… dell'utente/ tempi previsti …» (L612-L617)
    return ScadenzaRelativa(int(m.group(1)), evento, bool(m.group(2)))


_PARAMETRO = re.compile(r"^\s*[-•*]?\s*(.+?)\s*\((.+?)\s+al\s+(\d{1,2}[./-]\d{1,2}[./-]\d{2,4})\s*\)\s*$",
                        re.IGNORECASE)


def leggi_parametro(testo: str | None) -> Parametro | None:
    """«numero di reversali di incasso (2.267 al 31.12.2022)» → name, 2267, 31/12/2022.

    A line that holds several volumes («686 determine e 152 delibere al 31.12.2022») gives the
    first and keeps the whole text; a line with no number and date gives ``None``.
    """
    raw = " ".join((testo or "").split())
    m = _PARAMETRO.match(raw)
    if not m:
        return None
    nome, quanto, quando = m.groups()
    n = re.search(_NUM, quanto)
    if not n:
        return None
    valore = parse_decimal(n.group(1))
    if valore is None:
        return None
    return Parametro(nome.strip(), valore, parse_date(quando.replace(".", "/").replace("-", "/")), raw)
