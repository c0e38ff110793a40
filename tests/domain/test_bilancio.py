"""Budget rules against the printed numbers of seed 004 (Reggio Emilia, 2° monitoraggio PEG 2024).

Line numbers (``L``) refer to ``shared/seeds/004_21d346d5e7ba11e2.txt``; see
``shared/reference/seed-003-004.md`` §3.7–3.8.
"""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from piaodesk.domain.bilancio import (
    VoceBilancio,
    assorbimento,
    quota,
    riepilogo_bilancio,
    stato_avanzamento,
    stato_avanzamento_risorsa,
)
from piaodesk.domain.enums import TipoRisorsa
from piaodesk.domain.formats import format_percent, parse_decimal
from piaodesk.domain.model import Risorsa

# CDR 85 summary table (L31-87): (line, codice, Budget as printed, % as printed, azione)
CDR85 = [
    (32, "2022_PG_8553", "145.706,00", "0,66", "barriere"),
    (33, "2022_PG_8554", "44.392,00", "0,20", "barriere"),
    (34, "A_44501", "218.603,84", "0,98", "barriere"),
    (37, "2022_PG_8555", "84.000,00", "0,38", "poverta"),
    (38, "2022_PG_8556", "72.000,00", "0,32", "poverta"),
    (39, "2024_PD_8559", "252.992,40", "1,14", "poverta"),
    (40, "2024_PD_8906", "314.519,33", "1,42", "poverta"),
    (41, "2024_PD_8907", "303.560,20", "1,37", "poverta"),
    (42, "2024_PD_8908", "358.439,80", "1,61", "poverta"),
    (43, "2024_PG_8516", "27.000,00", "0,12", "poverta"),
    (44, "2024_PG_8523", "4.101.643,07", "18,46", "poverta"),
    (45, "2024_PG_8546", "107.012,84", "0,48", "poverta"),
    (47, "2024_PG_8557", "359.353,47", "1,62", "poverta"),
    (50, "2024_PD_8501", "1.468.296,70", "6,61", "integrazione"),
    (51, "2024_PD_8530", "45.000,00", "0,20", "integrazione"),
    (52, "2024_PD_8716", "9.183.213,09", "41,34", "integrazione"),
    (54, "2022_PG_8551", "70.500,00", "0,32", "famiglie"),
    (55, "2022_PG_8552", "131.973,20", "0,59", "famiglie"),
    (56, "2023_PG_8558", "104.000,00", "0,47", "famiglie"),
    (57, "2024_PD_8504", "857.265,92", "3,86", "famiglie"),
    (59, "Z_23101", "3.700.000,00", "16,66", "famiglie"),
    (63, "2024_PD_8901", "225.999,40", "1,02", "diversita"),
    (64, "2024_PD_8903", "0,00", "0,00", "diversita"),
    (66, "2024_PG_8917", "39.000,00", "0,18", "diversita"),
]
# products without a budget (L46 2024_PG_8549, L58 2024_PD_8518, L65 2024_PG_8547, L70-83 transversal)
SENZA_BUDGET = ["2024_PG_8549", "2024_PD_8518", "2024_PG_8547", "2024_PD_85PA", "2024_PD_85PT"]


def _cdr85():
    voci = [VoceBilancio(code, code, code, (Risorsa(tipo=TipoRisorsa.SPESA,
                                                     assestato=parse_decimal(budget)),))
            for _, code, budget, _, _ in CDR85]
    voci += [VoceBilancio(code, code, code, ()) for code in SENZA_BUDGET]
    return riepilogo_bilancio(voci)


def test_totale_cdr_85_and_every_product_share():
    rie = _cdr85()
    assert rie.totale_budget == D("22214471.26")  # L87
    assert format_percent(rie.assorbimento_totale) == "100,00 %"  # L87
    by_code = {r.chiave: r for r in rie.righe}
    for line, code, _, printed, _ in CDR85:
        assert format_percent(by_code[code].assorbimento) == f"{printed} %", f"L{line} {code}"
    for code in SENZA_BUDGET:  # blank budget → blank share, not 0
        assert by_code[code].budget is None and by_code[code].assorbimento is None


def test_totale_azione_from_raw_sums_not_rounded_children():
    rie = _cdr85()
    famiglie = [code for _, code, _, _, az in CDR85 if az == "famiglie"]
    # L60: Totale Azione Politiche familiari 4.863.739,12 → 21,89 % (rounded children sum to 21,90)
    assert sum(by.budget for by in rie.righe if by.chiave in famiglie) == D("4863739.12")
    assert rie.assorbimento_di(famiglie) == D("21.89")
    assert sum(D(p.replace(",", ".")) for _, _, _, p, az in CDR85 if az == "famiglie") == D("21.90")
    poverta = [code for _, code, _, _, az in CDR85 if az == "poverta"]
    assert rie.assorbimento_di(poverta) == D("26.92")  # L49: 5.980.521,11 → 26,92 %
    integr = [code for _, code, _, _, az in CDR85 if az == "integrazione"]
    assert rie.assorbimento_di(integr) == D("48.15")  # L53: 10.696.509,79 → 48,15 %
    assert rie.assorbimento_di([]) is None  # empty group: blank, not 0


@pytest.mark.parametrize("line, budget, totale, printed", [
    (1947, "963.674,92", "9.205.754,94", "10,47 %"),   # 2024_PD_8944 (CDR 87)
    (1959, "1.711.597,53", "9.205.754,94", "18,59 %"),  # 2024_PD_8735, misaligned row
    (1966, "5.283.037,16", "9.205.754,94", "57,39 %"),  # Totale Azione Politiche familiari (87)
    (44, "4.101.643,07", "22.214.471,26", "18,46 %"),
    (59, "3.700.000,00", "22.214.471,26", "16,66 %"),
])
def test_assorbimento_rows(line, budget, totale, printed):
    assert format_percent(assorbimento(parse_decimal(budget), parse_decimal(totale))) == printed


@pytest.mark.parametrize("line, tipo, assestato, realizzato, printed", [
    (108, "entrata", "2.967.550,89", "575.580,00", "19,4 %"),   # 2024_PD_8501 revenue
    (113, "spesa", "1.468.296,70", "528.868,07", "36,0 %"),     # 2024_PD_8501 expenditure
    (455, "spesa", "252.992,40", "291.565,87", "115,2 %"),      # 2024_PD_8559, > 100 %
    (1101, "entrata", "251.000,00", "1.006,50", "0,4 %"),       # 2024_PD_8908
    (1217, "entrata", "98.980,00", "98.979,60", "100,0 %"),     # 2022_PG_8552: 99,9996 % prints 100,0
    (1880, "spesa", "39.000,00", "46.518,45", "119,3 %"),       # 2024_PG_8917
    (2010, "spesa", "26.082,00", "80.204,06", "307,5 %"),       # 2024_PD_8721
    (2717, "spesa", "1.711.597,53", "1.711.545,98", "100,0 %"),  # 2024_PD_8735
    (2378, "spesa", "500.000,00", "305.005,14", "61,0 %"),      # 2024_PD_8729
])
def test_stato_avanzamento(line, tipo, assestato, realizzato, printed):
    a, x = parse_decimal(assestato), parse_decimal(realizzato)
    if tipo == "entrata":
        value = stato_avanzamento(tipo, a, accertato=x)
        r = Risorsa(tipo=TipoRisorsa.ENTRATA, assestato=a, accertato=x, impegnato=D(1))
    else:
        value = stato_avanzamento(tipo, a, impegnato=x)
        r = Risorsa(tipo=TipoRisorsa.SPESA, assestato=a, impegnato=x, accertato=D(1))
    assert format_percent(value, 1) == printed, f"L{line}"
    assert stato_avanzamento_risorsa(r) == value  # the right column for each direction


def test_stato_avanzamento_uses_one_decimal_half_up_and_blank_without_base():
    assert stato_avanzamento("spesa", D("1000"), D("1000.5")) == D("100.1")  # 100,05 → 100,1
    assert stato_avanzamento("spesa", D("0"), D("10")) is None
    assert stato_avanzamento("spesa", None, D("10")) is None
    assert stato_avanzamento("spesa", D("100"), None) == D("0.0")  # nothing committed yet


def test_quota_impegnato_cdr87_objective_totals():
    # L1940/1967/1971: 'Totale Obiettivo' of CDR 87 = share of Impegnato over 7.111.711,42
    tot = D("7111711.42")
    assert quota(D("305005.14"), tot) == D("4.29")
    assert quota(D("6504664.02"), tot) == D("91.46")
    assert quota(D("302042.26"), tot) == D("4.25")
    # the budget shares would be different (5,43 / 89,28 / 5,29): the base matters
    assert assorbimento(D("500000.00"), D("9205754.94")) == D("5.43")


def test_riepilogo_mixes_revenue_and_expenditure_of_one_product():
    # 2024_PD_8501 (L106-113): both blocks on one product
    voce = VoceBilancio(1, "2024_PD_8501", "Programmazione sociale", (
        Risorsa(tipo=TipoRisorsa.ENTRATA, assestato=D("2967550.89"), accertato=D("575580.00"),
                incassato=D("125580.00")),
        Risorsa(tipo=TipoRisorsa.SPESA, assestato=D("1468296.70"), impegnato=D("528868.07"),
                pagato=D("12125.82")),
    ))
    rie = riepilogo_bilancio([voce, VoceBilancio(2, "X", "senza", ())])
    r = rie.righe[0]
    assert (r.budget, r.stato_spesa, r.stato_entrata) == (D("1468296.70"), D("36.0"), D("19.4"))
    assert r.assorbimento == D("100.00") and not r.oltre_cento
    assert rie.stato_spesa == D("36.0") and rie.stato_entrata == D("19.4")
    assert rie.righe[1].assorbimento is None
