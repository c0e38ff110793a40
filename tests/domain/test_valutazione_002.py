"""The seed 002 rule (seed-002.md §3), checked against the printed numbers."""

from decimal import Decimal

from piaodesk.domain.enums import Aggregazione, Polarita, TipoIndicatore
from piaodesk.domain.formats import round_half_up
from piaodesk.domain.model import Indicatore, Misura
from piaodesk.domain.valutazione import (
    media_pesata,
    parse_valore,
    perc_scheda,
    raggiungimento,
    risultato_indicatore,
    valore_annuale,
)

D = Decimal


def ind(peso=None, agg=Aggregazione.SOMMA, pol=Polarita.CRESCENTE, tipo=TipoIndicatore.NUMERO):
    return Indicatore(id=1, peso=None if peso is None else D(peso), aggregazione=agg, polarita=pol,
                      tipo=tipo)


def periods(*rows):
    """rows of (periodo, target, valore) for 2021."""
    return [Misura(indicatore_id=1, anno=2021, periodo=p, target=None if t is None else D(t),
                   target_testo=t, valore=None if v is None else D(v)) for p, t, v in rows]


def test_somma_rolls_up_half_years():
    # OE054401: 20+20 = 40 target, 25+27 = 52 actual (L529-531)
    v = valore_annuale(ind(), periods(("", "40", "52"), ("Giugno", "20", "25"),
                                      ("Dicembre", "20", "27")), 2021)
    assert (v.target, v.valore) == (D(40), D(52))


def test_media_is_mean_of_non_empty_periods():
    # UO041456 "Tasso di copertura": June 81, December 80 → 80,5 (Nucleo, L3295), target 90
    v = valore_annuale(ind(agg=Aggregazione.MEDIA),
                       periods(("", "90", "80"), ("Giugno", "90", "81"), ("Dicembre", "90", "80")), 2021)
    assert v.valore == D("80.5")
    r = raggiungimento(ind(), v.target, v.valore)
    assert round_half_up(r * 100, 2) == D("89.44")


def test_media_ignores_unmeasured_zero_period():
    # L3853-3855: June 0,00/0,00 (not measured), December 60/53,14 → annual = December
    v = valore_annuale(ind(agg=Aggregazione.MEDIA),
                       periods(("Giugno", "0", "0"), ("Dicembre", "60", "53.14")), 2021)
    assert (v.target, v.valore) == (D(60), D("53.14"))


def test_cap_is_per_indicator_uo046704():
    # UO046704 (L2664-2669): 50 × min(100/95,1) + 50 × 33/47 = 85,11
    a1 = raggiungimento(ind(), D(95), D(100))
    a2 = raggiungimento(ind(), D(47), D(33))
    leaf = media_pesata([(D(50), a1), (D(50), a2)]) * 100
    assert round_half_up(leaf, 2) == D("85.11")
    # 10701 = mean of 9 × 100 and 85,11 → 98,51 (L2462)
    assert round_half_up(perc_scheda([D(100)] * 9 + [leaf]), 2) == D("98.51")


def test_oe0527_unweighted_mean_of_leaves():
    # OE052703 'N. aggiornamenti' 1 → 0 (L142) scores 0; the other two 100 → 66,67 (L37)
    zero = raggiungimento(ind(), D(1), D(0)) * 100
    assert round_half_up(perc_scheda([D(100), D(100), zero]), 2) == D("66.67")


def test_negativo_lower_is_better():
    # UO045821 'N. minori' target 200, actual 174, Negativo → 100 % (L4813-4815)
    assert raggiungimento(ind(pol=Polarita.DECRESCENTE), D(200), D(174)) == 1
    # UO047601 1.300 → 1.495 Negativo: not achieved, target/actual = 86,96 %
    r = raggiungimento(ind(pol=Polarita.DECRESCENTE), D(1300), D(1495))
    assert round_half_up(r * 100, 2) == D("86.96")


def test_not_due_and_missing_actual():
    assert raggiungimento(ind(), None, D(5), target_testo="NO") is None
    assert raggiungimento(ind(), None, D(5), target_testo="") is None
    assert raggiungimento(ind(), D(5), None) is None
    r = risultato_indicatore(ind(), [], 2021)
    assert r.raggiungimento is None and r.perc is None


def test_value_parsing_kinds():
    assert parse_valore("270 + 10") == D(280)
    assert parse_valore("4 SU 8", TipoIndicatore.RAPPORTO) == D(50)
    assert parse_valore("si", TipoIndicatore.SI_NO) == 1
    assert parse_valore("n.1 atto amministrativo") == D(1)
    assert parse_valore("PARZIALE") is None
    assert parse_valore("entro il 31/07/2024", TipoIndicatore.DATA) is not None


def test_date_indicator_on_time():
    dl = ind(tipo=TipoIndicatore.DATA)
    due = parse_valore("31/07/2024", TipoIndicatore.DATA)
    assert raggiungimento(dl, due, parse_valore("15/07/2024", TipoIndicatore.DATA)) == 1
    assert raggiungimento(dl, due, parse_valore("02/08/2024", TipoIndicatore.DATA)) == 0
