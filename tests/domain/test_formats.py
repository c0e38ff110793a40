from datetime import date
from decimal import Decimal

import pytest

from piaodesk.domain.formats import (
    format_date,
    format_decimal,
    format_percent,
    parse_bool,
    parse_date,
    parse_decimal,
    round_half_up,
)


@pytest.mark.parametrize("text,expected", [
    ("1.234,56", Decimal("1234.56")),
    ("1.800,00", Decimal("1800.00")),      # seed 002 L2707
    ("14.819,00", Decimal("14819.00")),    # seed 002 L3188
    ("1.800", Decimal("1800")),            # Italian thousands separator
    ("66,67", Decimal("66.67")),
    ("95%", Decimal("95")),
    ("€ 1.234", Decimal("1234")),
    ("-3", Decimal("-3")),
    ("1234.5", Decimal("1234.5")),
    ("1.234.567,8", Decimal("1234567.8")),
])
def test_parse_decimal_accepts_italian_and_plain_numbers(text, expected):
    assert parse_decimal(text) == expected


@pytest.mark.parametrize("text", ["270 + 10", "4 SU 8", "PARZIALE", "", "1,2,3", "12.34.5", "abc"])
def test_parse_decimal_refuses_non_numbers(text):
    assert parse_decimal(text) is None


def test_format_decimal_italian():
    assert format_decimal(Decimal("1234.5")) == "1.234,50"
    assert format_decimal(Decimal("-1234567.891"), 2) == "-1.234.567,89"
    assert format_decimal(Decimal("100.00"), 2, strip_zeros=True) == "100"
    assert format_decimal(None) == ""
    assert format_decimal(Decimal("-0.001")) == "0,00"
    assert format_percent(Decimal("66.666666")) == "66,67 %"


def test_round_half_up_not_bankers():
    assert round_half_up(Decimal("28.5"), 0) == Decimal("29")
    assert round_half_up(Decimal("94.3130"), 2) == Decimal("94.31")
    assert round_half_up(Decimal("0.125"), 2) == Decimal("0.13")


def test_dates():
    assert parse_date("31/12/2025") == date(2025, 12, 31)
    assert parse_date("01/01/21") == date(2021, 1, 1)  # seed 002 two-digit years
    assert parse_date("2025-06-30") == date(2025, 6, 30)
    assert parse_date("31/02/2025") is None
    assert parse_date("domani") is None
    assert format_date(date(2025, 1, 5)) == "05/01/2025"


def test_bool():
    assert parse_bool("si") is True and parse_bool("SÌ") is True and parse_bool("X") is True
    assert parse_bool("no") is False
    assert parse_bool("rispetto tempistica") is None


def test_format_int_groups_thousands_the_italian_way():
    from piaodesk.domain.formats import format_int

    assert [format_int(n) for n in (0, 7, 999, 1000, 40000, 1234567, -2500)] == [
        "0", "7", "999", "1.000", "40.000", "1.234.567", "-2.500"]
