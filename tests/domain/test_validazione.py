"""The one validation of values (issue 14 point 2): ranges and the same Italian messages."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from piaodesk.domain import validazione as v
from piaodesk.domain.enums import TipoIndicatore
from piaodesk.domain.formats import parse_anni, parse_date


@pytest.mark.parametrize("campo,valore,detto", [
    ("peso", Decimal(-50), "tra 0 e 100"),
    ("peso", Decimal(10) ** 20, "tra 0 e 100"),
    ("perc_realizzazione", Decimal(-200), "tra 0 e 100"),
    ("ore_settimanali", Decimal(-36), "tra 0 e 60"),
    ("anno", 99999, "tra 2000 e 2100"),
    ("anno_baseline", 1999, "tra 2000 e 2100"),
])
def test_out_of_range(campo, valore, detto):
    with pytest.raises(v.ValoreNonValido) as exc:
        v.campo(campo, valore, "(colonna «X»)")
    assert detto in str(exc.value) and "(colonna «X»)" in str(exc.value)


def test_in_range_values_come_back():
    assert v.campo("peso", Decimal("12.50")) == Decimal("12.50")
    assert v.campo("anno", 2026) == 2026
    assert v.campo("ore_settimanali", Decimal(36)) == Decimal(36)
    assert v.campo("titolo", "abc") == "abc"  # no rule
    assert v.campo("peso", None) is None


def test_dates_need_a_plausible_year():
    assert parse_date("01/01/0001") == date(1, 1, 1)  # never read as 2001
    assert parse_date("31/12/25") == date(2025, 12, 31)
    with pytest.raises(v.ValoreNonValido, match="tra 1900 e 2100"):
        v.campo("scadenza", date(1, 1, 1))
    assert v.data(date(2025, 6, 30)) == date(2025, 6, 30)


def test_text_in_a_number_has_one_message():
    with pytest.raises(v.ValoreNonValido) as a:
        v.numero("abc", "(colonna «Target 2025»)")
    with pytest.raises(v.ValoreNonValido) as b:
        v.valore_indicatore("abc", TipoIndicatore.NUMERO, "(colonna «Target 2025»)")
    assert str(a.value) == str(b.value) == v.messaggio_numero("abc", "(colonna «Target 2025»)")
    assert str(a.value).startswith("«abc» non è un numero valido")


def test_indicator_values_that_count_are_accepted():
    for text, tipo in (("12,5", TipoIndicatore.NUMERO), ("4 su 8", TipoIndicatore.RAPPORTO),
                       ("n.d.", TipoIndicatore.NUMERO), ("sì", TipoIndicatore.SI_NO),
                       ("entro il 30/06/2025", TipoIndicatore.DATA), ("qualsiasi", TipoIndicatore.TESTO),
                       ("", TipoIndicatore.NUMERO), (None, TipoIndicatore.NUMERO)):
        v.valore_indicatore(text, tipo)
    with pytest.raises(v.ValoreNonValido, match="Sì o No"):
        v.valore_indicatore("forse", TipoIndicatore.SI_NO)


def test_years_of_an_objective_in_range():
    assert parse_anni("2025-2027") == [2025, 2026, 2027]
    for bad in ("1-99999", "99999", "1999"):
        with pytest.raises(ValueError, match="2000 e 2100"):
            parse_anni(bad)
