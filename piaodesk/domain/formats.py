"""Italian formats for numbers, percentages and dates, and their parsing.

One module used by the UI, the Excel exchange and the printed sheets, so that a
value reads the same everywhere: ``1.234,56``, ``66,67 %``, ``31/12/2025``.
Parsing is tolerant of what people type and of what the seeds contain
(``1.800,00``, ``95%``, ``01/01/21``), and never guesses silently: it returns
``None`` when a text is not a number (the caller keeps the raw text).
"""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

__all__ = [
    "format_date",
    "format_decimal",
    "format_percent",
    "parse_bool",
    "parse_date",
    "parse_decimal",
    "round_half_up",
    "to_decimal",
]


def round_half_up(value: Decimal, places: int = 2) -> Decimal:
    """Commercial rounding (0,5 goes up), as Excel and the printed plans do."""
    quantum = Decimal(1).scaleb(-places)
    return value.quantize(quantum, rounding=ROUND_HALF_UP)


def to_decimal(value: object) -> Decimal | None:
    """Best effort conversion of stored/native values to Decimal (None stays None)."""
    if value is None or value == "":
        return None
    if isinstance(value, Decimal):
        return value
    if isinstance(value, bool):
        return Decimal(int(value))
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(repr(value))
    if isinstance(value, str):
        try:
            return Decimal(value)
        except InvalidOperation:
            return parse_decimal(value)
    raise TypeError(f"not a number: {value!r}")


def _group(int_part: str) -> str:
    out: list[str] = []
    while len(int_part) > 3:
        out.insert(0, int_part[-3:])
        int_part = int_part[:-3]
    out.insert(0, int_part)
    return ".".join(out)


def format_decimal(value: Decimal | int | float | None, places: int | None = 2,
                   *, strip_zeros: bool = False) -> str:
    """``Decimal("1234.5")`` → ``"1.234,50"``; ``None`` → ``""``.

    ``places=None`` keeps the value's own decimals; ``strip_zeros`` prints
    ``100`` instead of ``100,00`` (as the seeds do for integer percentages).
    """
    dec = to_decimal(value)
    if dec is None:
        return ""
    if places is not None:
        dec = round_half_up(dec, places)
    sign = "-" if dec < 0 else ""
    text = format(abs(dec), "f")
    int_part, _, frac = text.partition(".")
    if strip_zeros:
        frac = frac.rstrip("0")
    result = sign + _group(int_part)
    if frac:
        result += "," + frac
    if result in ("-0", "-0,00"):
        result = result[1:]
    return result


def format_int(value: int) -> str:
    """``40000`` → ``"40.000"`` (counts shown to people)."""
    return ("-" if value < 0 else "") + _group(str(abs(int(value))))


def format_percent(value: Decimal | int | float | None, places: int = 2) -> str:
    """``Decimal("66.6666")`` → ``"66,67 %"`` (a value already in percent)."""
    text = format_decimal(value, places)
    return f"{text} %" if text else ""


def format_date(value: date | None) -> str:
    return value.strftime("%d/%m/%Y") if value else ""


_NUM_RE = re.compile(r"^[+-]?[\d.,' ]*\d[\d.,' ]*$")


def parse_decimal(text: object) -> Decimal | None:
    """Parse an Italian (or plain) number as typed or printed.

    Accepts ``1.234,56``, ``1234,56``, ``1234.56``, ``95%``, ``€ 1.800``, ``-3``.
    A single dot followed by exactly three digits (``1.800``) is a thousands
    separator, as in Italian documents. Returns ``None`` for anything else
    (``"270 + 10"``, ``"4 SU 8"``, ``"PARZIALE"``): the caller keeps the raw text.
    """
    if text is None:
        return None
    if isinstance(text, (int, float, Decimal)) and not isinstance(text, bool):
        return to_decimal(text)
    s = str(text).strip().replace("\u00a0", " ")
    s = s.replace("€", "").replace("%", "").strip()
    if not s or not _NUM_RE.match(s):
        return None
    s = s.replace(" ", "").replace("'", "")
    if "," in s:
        if s.count(",") > 1:
            return None
        int_part, frac = s.split(",")
        if "." in frac:
            return None
        if "." in int_part and not re.fullmatch(r"[+-]?\d{1,3}(\.\d{3})+", int_part):
            return None
        s = int_part.replace(".", "") + "." + frac
    elif s.count(".") > 1:
        if not re.fullmatch(r"[+-]?\d{1,3}(\.\d{3})+", s):
            return None
        s = s.replace(".", "")
    elif "." in s and re.fullmatch(r"[+-]?\d{1,3}\.\d{3}", s):
        s = s.replace(".", "")  # 1.800 is one thousand eight hundred
    try:
        return Decimal(s)
    except InvalidOperation:
        return None


_DATE_RE = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{2}|\d{4})$")


def parse_date(text: object) -> date | None:
    """``31/12/2025``, ``31-12-25``, ``2025-12-31`` → date; anything else → None."""
    if text is None:
        return None
    if isinstance(text, datetime):
        return text.date()
    if isinstance(text, date):
        return text
    s = str(text).strip()
    if not s:
        return None
    try:
        return date.fromisoformat(s[:10]) if re.match(r"^\d{4}-\d{2}-\d{2}", s) else _dmy(s)
    except ValueError:
        return None


def _dmy(s: str) -> date | None:
    m = _DATE_RE.match(s)
    if not m:
        return None
    day, month, year = (int(g) for g in m.groups())
    if len(m.group(3)) <= 2:  # «31/12/25»; «01/01/0001» is year 1 (refused by validazione)
        year += 2000
    return date(year, month, day)


_TRUE = {"si", "sì", "s", "yes", "y", "true", "vero", "x", "1", "ok", "fatto", "raggiunto"}
_FALSE = {"no", "n", "false", "falso", "0", "non raggiunto"}


def parse_bool(text: object) -> bool | None:
    """``si``/``sì``/``SI``/``X`` → True; ``no`` → False; other text → None."""
    if text is None:
        return None
    if isinstance(text, bool):
        return text
    s = str(text).strip().lower().rstrip(".")
    if s in _TRUE:
        return True
    if s in _FALSE:
        return False
    return None


def parse_percent(value: object, formato_percento: bool = False) -> tuple[Decimal | None, str | None]:
    """A cell of a % column (peso, % realizzazione, % impegno) → (percent, warning or None).

    ``30`` and ``30%`` mean 30 %. A fraction (``0,3``) means 30 % only when
    the cell itself says so: a number in a cell formatted as a percentage.
    Anything that could be read two ways is read literally and comes with an
    Italian warning, never silently rescaled. ``(None, None)`` for an
    unreadable value (the caller reports it).
    """
    if isinstance(value, bool):
        return None, None
    explicit = isinstance(value, str) and "%" in value
    num = to_decimal(value) if isinstance(value, (int, float, Decimal)) else parse_decimal(value)
    if num is None or not num.is_finite() or abs(num) >= _PERCENT_MAX:
        return None, None  # not a percentage anyone means (1e308, INF…): reported as unreadable
    if formato_percento and not isinstance(value, str):
        pct = _norm_percent(num * 100)
        if abs(pct) > 100:
            return pct, (f"la cella è formattata come percentuale e vale {format_decimal(pct, None)} %: "
                         f"verificare (per 30 % scrivere 30%)")
        return pct, None
    pct = _norm_percent(num)
    if not explicit and 0 < abs(num) <= 1:
        return pct, (f"«{format_decimal(num, None)}» letto come {format_decimal(pct, None)} %: se si "
                     f"intendeva {format_decimal(_norm_percent(num * 100), None)} % scrivere "
                     f"{format_decimal(_norm_percent(num * 100), None)}%")
    return pct, None


_PERCENT_MAX = Decimal(10) ** 9


def _norm_percent(d: Decimal) -> Decimal:
    n = d.normalize()
    return n.quantize(Decimal(1)) if n == n.to_integral_value() else n


def parse_anni(text: str) -> list[int]:
    """``2025, 2026`` or ``2025-2027`` → [2025, 2026(, 2027)]; ValueError (Italian) otherwise.
    Years (also at both ends of a range) within the range of domain/validazione.py."""
    from .validazione import ANNO

    lo, hi = int(ANNO.minimo or 0), int(ANNO.massimo or 9999)
    out: list[int] = []
    for part in str(text).replace(";", ",").split(","):
        part = part.strip()
        if not part:
            continue
        if "-" in part:
            a, _, b = part.partition("-")
            if a.strip().isdigit() and b.strip().isdigit() and int(a) <= int(b):
                if not (lo <= int(a) and int(b) <= hi):
                    raise ValueError(f"«{part}»: gli anni devono essere tra {lo} e {hi} "
                                     "(campo «Anni»).")
                out.extend(range(int(a), int(b) + 1))
                continue
        if not part.isdigit() or not lo <= int(part) <= hi:
            raise ValueError(f"«{part}» non è un anno valido (campo «Anni»): scrivere es. 2025, "
                             f"2026 (tra {lo} e {hi}).")
        out.append(int(part))
    return sorted(set(out))
