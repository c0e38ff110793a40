"""One validation of the values a person types, pastes or imports (grids, form, workbook
import, command line): the same ranges and the same Italian message everywhere.

* weights (``peso``) and percentages (completion of a fase, impegno, % validata): 0–100;
* weekly hours (``ore_settimanali``): 0–60;
* years (``anno``, ``anno_baseline`` …): 2000–2100; dates: years 1900–2100 (no 01/01/0001);
* text where a number is expected: «abc» non è un numero valido … (the grids, the importers
  and the CLI say it with these words).

Every check raises :class:`ValoreNonValido` (a ``ValueError``) whose ``str`` is the message;
``dove`` (e.g. «(colonna «Peso»)») is appended where the caller knows it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from .enums import TipoIndicatore
from .formats import format_decimal, parse_decimal


class ValoreNonValido(ValueError):
    """A value that cannot be accepted; ``str(exc)`` is the Italian message."""


@dataclass(frozen=True, slots=True)
class Regola:
    """A numeric range: ``cosa`` names the value in the message («Il peso»)."""

    cosa: str
    minimo: Decimal | None
    massimo: Decimal | None
    intero: bool = False


PESO = Regola("Il peso", Decimal(0), Decimal(100))
PERCENTUALE = Regola("La percentuale", Decimal(0), Decimal(100))
ORE = Regola("Il numero di ore settimanali", Decimal(0), Decimal(60))
ANNO = Regola("L'anno", Decimal(2000), Decimal(2100), intero=True)
#: the years a date may have
ANNO_DATA_MIN, ANNO_DATA_MAX = 1900, 2100

#: field name (in the domain model, the grids and the workbook) → its rule
CAMPI: dict[str, Regola] = {
    "peso": PESO,
    "perc_realizzazione": PERCENTUALE,
    "impegno": PERCENTUALE,
    "perc_validata": PERCENTUALE,
    "perc_calcolata": PERCENTUALE,
    "ore_settimanali": ORE,
    "anno": ANNO,
    "anno_baseline": ANNO,
    "anno_inizio": ANNO,
    "anno_fine": ANNO,
}


def _dove(dove: str) -> str:
    return f" {dove}" if dove else ""


def messaggio_numero(testo: Any, dove: str = "") -> str:
    """The one message for text where a number is expected."""
    return (f"«{testo}» non è un numero valido{_dove(dove)}. "
            "Usare la virgola per i decimali, es. 12,5.")


def numero(valore: Any, dove: str = "") -> Decimal | None:
    """Typed text or a native number → ``Decimal`` (``None`` when empty); text that is not
    a number is refused with :func:`messaggio_numero`."""
    if valore is None:
        return None
    if isinstance(valore, bool):
        raise ValoreNonValido(messaggio_numero(valore, dove))
    if isinstance(valore, Decimal):
        num: Decimal | None = valore
    elif isinstance(valore, int):
        num = Decimal(valore)
    elif isinstance(valore, float):
        try:
            num = Decimal(repr(valore))
        except InvalidOperation:
            num = None
    else:
        testo = str(valore).strip()
        if not testo:
            return None
        num = parse_decimal(testo)
    if num is None or not num.is_finite():
        raise ValoreNonValido(messaggio_numero(valore, dove))
    return num


def _fmt(d: Decimal | None, intero: bool = False) -> str:
    if d is None:
        return ""
    if intero and d == d.to_integral_value():
        return str(int(d))  # a year: 2100, not 2.100
    return format_decimal(d, None)


def controlla(regola: Regola, valore: Any, dove: str = "") -> Any:
    """``valore`` (a number, or text to read as one) within ``regola``; returns the number
    (``int`` for a whole rule), ``None`` when empty."""
    num = numero(valore, dove)
    if num is None:
        return None
    lo, hi = regola.minimo, regola.massimo
    if (lo is not None and num < lo) or (hi is not None and num > hi):
        w = regola.intero
        if lo is not None and hi is not None:
            rng = f"tra {_fmt(lo, w)} e {_fmt(hi, w)}"
        elif lo is not None:
            rng = f"almeno {_fmt(lo, w)}"
        else:
            rng = f"al massimo {_fmt(hi, w)}"
        shown = _fmt(num, w) if abs(num) < Decimal(10) ** 15 else f"{num:.3E}"
        ammesso = "ammessa" if regola.cosa.startswith("La ") else "ammesso"
        raise ValoreNonValido(f"{regola.cosa} {shown} non è {ammesso}{_dove(dove)}: "
                              f"deve essere {rng}.")
    if regola.intero:
        if num != num.to_integral_value():
            raise ValoreNonValido(f"«{valore}» non è un numero intero{_dove(dove)}.")
        return int(num)
    return num


def data(valore: date | None, dove: str = "") -> date | None:
    """A date whose year is plausible (1900–2100): 01/01/0001 and 31/12/9999 are refused."""
    if valore is None:
        return None
    if not ANNO_DATA_MIN <= valore.year <= ANNO_DATA_MAX:
        raise ValoreNonValido(
            f"La data {valore.day:02d}/{valore.month:02d}/{valore.year:04d} non è plausibile"
            f"{_dove(dove)}: l'anno deve essere tra {ANNO_DATA_MIN} e {ANNO_DATA_MAX}.")
    return valore


def campo(nome: str, valore: Any, dove: str = "") -> Any:
    """The check of a field by its name (see :data:`CAMPI`; dates by their type); values of
    fields without a rule come back unchanged."""
    if valore is None:
        return None
    if isinstance(valore, date):
        return data(valore, dove)
    regola = CAMPI.get(nome)
    if regola is None:
        return valore
    checked = controlla(regola, valore, dove)
    if isinstance(valore, Decimal) and not regola.intero:
        return valore  # the number as given (its exponent kept)
    return checked


def valore_indicatore(testo: str | None, tipo: TipoIndicatore | str | None, dove: str = "") -> None:
    """A target or a value typed for an indicator: a number where the indicator counts numbers
    (text such as «abc» is refused with the message of :func:`numero`); an empty cell or a
    «not due» word (n.d., -, non previsto) is accepted; a «testo» indicator takes any text."""
    from .valutazione import non_dovuto, parse_valore

    if testo is None or not str(testo).strip():
        return
    if isinstance(tipo, TipoIndicatore):
        kind = tipo
    else:
        found = TipoIndicatore.from_text(str(tipo)) if tipo else None
        kind = found if isinstance(found, TipoIndicatore) else TipoIndicatore.NUMERO
    if kind == TipoIndicatore.TESTO or non_dovuto(str(testo), None):
        return
    if parse_valore(str(testo), kind) is not None:
        return
    if kind == TipoIndicatore.SI_NO:
        raise ValoreNonValido(f"«{testo}» non è Sì o No{_dove(dove)}.")
    if kind == TipoIndicatore.DATA:
        raise ValoreNonValido(f"«{testo}» non è una data valida{_dove(dove)}: "
                              "scrivere gg/mm/aaaa, es. 31/12/2025.")
    raise ValoreNonValido(messaggio_numero(testo, dove))
