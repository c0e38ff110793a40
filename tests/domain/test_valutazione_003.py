"""Seed 003's valuation model (seed-003-004.md §2) and achievement per indicator type."""

from decimal import Decimal

import pytest

from piaodesk.domain.enums import Polarita, TipoIndicatore
from piaodesk.domain.formats import format_decimal
from piaodesk.domain.model import Indicatore, Misura
from piaodesk.domain.valutazione import (
    SistemaValutazione,
    parse_valore,
    raggiungimento,
    riepilogo,
    risultato_indicatore,
)

D = Decimal
SMVP = SistemaValutazione()


def ragg(tipo, target, valore, pol=Polarita.CRESCENTE, cap=True):
    ind = Indicatore(id=1, tipo=tipo, polarita=pol)
    return raggiungimento(ind, parse_valore(target, tipo), parse_valore(valore, tipo),
                          target_testo=target, cap=cap)


# ---------------------------------------------------------------- the 003 sheet formula


def test_coordinamento_30_30_with_27_and_22():
    r = riepilogo(SMVP, [("Convenzioni", D(30), None, D(27)), ("Fabbisogno", D(30), None, D(22))])
    assert [format_decimal(x.punteggio_pesato) for x in r.righe] == ["8,10", "6,60"]
    assert format_decimal(r.valutazione_finale) == "14,70"
    assert r.massimo(SMVP) == D(18)
    assert [x.fascia.lettera for x in r.righe] == ["D", "C"]
    assert r.avvisi() and "60" in r.avvisi()[0]  # Σ pesi = 60 % → warning


def test_tutti_i_settori_50_50_with_30_and_15():
    r = riepilogo(SMVP, [("Digitalizzazione", D(50), None, D(30)), ("Pagamenti", D(50), None, D(15))])
    assert format_decimal(r.valutazione_finale) == "22,50"
    assert r.massimo(SMVP) == D(30)
    assert r.avvisi() == []


def test_empty_sheet_is_zero_not_error():
    r = riepilogo(SMVP, [("a", None, None, None), ("b", None, None, None)])
    assert r.valutazione_finale == 0


@pytest.mark.parametrize("score,letter", [(0, "A"), (14, "A"), (15, "B"), (19, "B"), (20, "C"),
                                          (25, "C"), (26, "D"), (28, "D"), (29, "E"), (30, "E")])
def test_band_boundaries(score, letter):
    assert SMVP.fascia(D(score)).lettera == letter


def test_score_outside_scale_is_refused():
    with pytest.raises(ValueError):
        SMVP.fascia(D(31))


@pytest.mark.parametrize("perc,score", [(100, 30), (95, 29), (90, 27), (70, 21), (50, 15), (45, 14),
                                        (0, 0), (120, 30)])
def test_suggested_score_half_up(perc, score):
    assert SMVP.punteggio_suggerito(D(perc)) == D(score)


def test_suggested_score_used_when_evaluator_gave_none():
    r = riepilogo(SMVP, [("x", D(100), D(95), None)])
    assert r.righe[0].punteggio == D(29) and r.righe[0].fascia.lettera == "E"


# ---------------------------------------------------------------- achievement per type


def test_si_no():
    assert ragg(TipoIndicatore.SI_NO, "si", "SI") == 1
    assert ragg(TipoIndicatore.SI_NO, "si", "no") == 0
    assert ragg(TipoIndicatore.SI_NO, "NO", "no") is None  # "NO" target: nothing due this year


def test_numero_and_cap_per_indicator():
    assert ragg(TipoIndicatore.NUMERO, "12", "10") == D(10) / D(12)
    assert ragg(TipoIndicatore.NUMERO, "2", "3") == 1
    assert ragg(TipoIndicatore.NUMERO, "2", "3", cap=False) == D("1.5")
    assert ragg(TipoIndicatore.NUMERO, "n.1 atto amministrativo", "1") == 1


def test_percentuale():
    assert round(ragg(TipoIndicatore.PERCENTUALE, "95% delle fatture", "92%") * 100, 2) == D("96.84")
    # "< o = a 80%" printed as lower-is-better
    assert ragg(TipoIndicatore.PERCENTUALE, "< o = a 80%", "75%", Polarita.DECRESCENTE) == 1
    assert ragg(TipoIndicatore.PERCENTUALE, "< o = a 80%", "100%", Polarita.DECRESCENTE) == D("0.8")


def test_giorni_lower_is_better():
    assert ragg(TipoIndicatore.GIORNI, "90 giorni", "80 giorni", Polarita.DECRESCENTE) == 1
    assert ragg(TipoIndicatore.GIORNI, "90", "100", Polarita.DECRESCENTE) == D("0.9")


def test_data_deadline():
    assert ragg(TipoIndicatore.DATA, "entro il 31/07/2025", "15/07/2025") == 1
    assert ragg(TipoIndicatore.DATA, "entro il 31/07/2025", "31/07/2025") == 1
    assert ragg(TipoIndicatore.DATA, "entro il 31/07/2025", "01/08/2025") == 0


def test_rapporto_n_su_m():
    assert parse_valore("4 SU 8", TipoIndicatore.RAPPORTO) == D(50)
    assert ragg(TipoIndicatore.RAPPORTO, "5 SU 8", "4 SU 8") == D("0.8")


def test_composite_sum():
    assert parse_valore("270 + 10") == D(280)
    assert ragg(TipoIndicatore.NUMERO, "270 + 10", "275") == D(275) / D(280)


def test_not_due_and_not_computable():
    assert ragg(TipoIndicatore.NUMERO, "", "5") is None  # empty target: not due
    assert ragg(TipoIndicatore.NUMERO, "NO", "5") is None
    assert ragg(TipoIndicatore.NUMERO, "3", None) is None  # no actual yet
    # a text target only the evaluator can judge: not computable, never an error
    assert ragg(TipoIndicatore.TESTO, "rispetto tempistica", "rispettata") is None


def test_risultato_indicatore_from_annual_row():
    ind = Indicatore(id=7, tipo=TipoIndicatore.NUMERO)
    m = Misura(indicatore_id=7, anno=2025, target_testo="12", target=D(12), valore_testo="10", valore=D(10))
    r = risultato_indicatore(ind, [m], 2025)
    assert format_decimal(r.perc) == "83,33"
