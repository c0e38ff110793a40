"""«In linea»: value at the round's date against the pro-rata annual target (seed 004 §3.6)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

from piaodesk.domain.avanzamento import IN_LINEA, IN_RITARDO, NON_IN_LINEA, NON_RILEVATO, in_linea, quota_anno


def test_cumulative_value_against_pro_rata_target() -> None:
    # 004 l.2017: Sportello Sociale 1692 utenti at 30/09 against 1900 in the year: in line
    g = in_linea("numero", "crescente", "somma", D(1900), D(1692), date(2024, 9, 30), 2024)
    assert g.esito == IN_LINEA
    assert D(1420) < g.atteso < D(1430)  # 1900 × 274/366
    # the same value would be behind at year end
    assert in_linea("numero", "crescente", "somma", D(1900), D(1692), date(2024, 12, 31), 2024).esito == NON_IN_LINEA
    assert in_linea("numero", "crescente", "somma", D(1900), D(1000), date(2024, 9, 30), 2024).esito == NON_IN_LINEA


def test_decreasing_and_mean_use_the_annual_target() -> None:
    # 004 l.705: tempo medio dei pagamenti ≤ 30, 10,77 measured
    g = in_linea("giorni", "decrescente", "media", D(30), D("10.77"), date(2024, 9, 30), 2024)
    assert g.esito == IN_LINEA and g.atteso == D(30)
    assert in_linea("giorni", "decrescente", "media", D(30), D(31), date(2024, 9, 30), 2024).esito == NON_IN_LINEA


def test_deadlines() -> None:
    s = D(date(2024, 7, 31).toordinal())
    assert in_linea("data", "crescente", "ultimo", s, None, date(2024, 9, 30), 2024).esito == IN_RITARDO
    assert in_linea("data", "crescente", "ultimo", s, None, date(2024, 6, 30), 2024).esito == IN_LINEA
    assert in_linea("data", "crescente", "ultimo", s, D(date(2024, 7, 1).toordinal()), date(2024, 9, 30),
                    2024).esito == IN_LINEA
    assert in_linea("numero", "crescente", "somma", D(5), None, date(2024, 9, 30), 2024).esito == NON_RILEVATO


def test_quota_anno() -> None:
    assert quota_anno(date(2025, 12, 31), 2025) == 1
    assert quota_anno(date(2024, 12, 31), 2025) == 0
    assert quota_anno(date(2025, 7, 2), 2025) == D(183) / D(365)
