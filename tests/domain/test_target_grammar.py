"""Target grammar of seed 001 (issue 18 point 7): comparators set the polarity with a note."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from piaodesk.domain.enums import Polarita
from piaodesk.domain.target import leggi_parametro, leggi_target

SEED_001 = Path(__file__).parent / "data" / "001_142f2b20942e7c60.txt"


def _riga(n: int) -> str:
    return SEED_001.read_text(encoding="utf-8").splitlines()[n - 1]


@pytest.mark.parametrize(("testo", "comp", "valore", "unita", "pol"), [
    ("Inferiore al 45%", "<", "45", "%", Polarita.DECRESCENTE),          # 001 L73
    ("Superiore al 53%", ">", "53", "%", Polarita.CRESCENTE),            # 001 L74
    ("Inferiore al 20%", "<", "20", "%", Polarita.DECRESCENTE),          # 001 L76
    ("≥ 2.400", ">=", "2400", None, Polarita.CRESCENTE),                 # 001 L162
    ("≥ 4.000", ">=", "4000", None, Polarita.CRESCENTE),                 # 001 L163
    ("= 100%", "=", "100", "%", Polarita.UGUALE),                        # 001 L151
    ("non inferiore al 30%", ">=", "30", "%", Polarita.CRESCENTE),
    ("max 10 giorni", "<=", "10", "giorni", Polarita.DECRESCENTE),
])
def test_comparators_set_the_polarity_with_a_note(testo, comp, valore, unita, pol) -> None:
    r = leggi_target(testo)
    assert (r.comparatore, r.valore, r.unita, r.polarita) == (comp, Decimal(valore), unita, pol)
    assert r.nota and pol.label.lower() in r.nota  # the user is told why
    assert r.capito


def test_underlined_less_than_is_less_or_equal() -> None:
    r = leggi_target("Data trasmissione dei documenti <u><</u> rispetto alla scadenza prevista")  # L237
    assert r.comparatore == "<=" and r.polarita is Polarita.DECRESCENTE


def test_relative_deadlines_are_stored_as_such_and_resolved_later() -> None:
    r = leggi_target("entro 30 giorni dall'approvazione")  # 001 L158-L159
    assert r.scadenza is not None and r.scadenza.giorni == 30 and r.scadenza.evento == "approvazione"
    assert r.scadenza.risolvi(None) is None                      # unknown until the event happens
    assert r.scadenza.risolvi(date(2023, 3, 15)) == date(2023, 4, 14)
    r2 = leggi_target("Entro 5 giorni dalla stipula definitiva dell'accordo aziendale")  # L238-L241
    assert r2.scadenza.evento == "stipula definitiva dell'accordo aziendale"
    r3 = leggi_target("30 gg dalla sottoscrizione del progetto da parte dell'utente/ tempi previsti")  # L612
    assert r3.scadenza.giorni == 30 and r3.scadenza.evento.startswith("sottoscrizione del progetto")
    lav = leggi_target("entro 5 giorni lavorativi dalla richiesta").scadenza
    assert lav.lavorativi and lav.risolvi(date(2026, 12, 4)) == date(2026, 12, 11)  # a Friday


def test_trend_against_past_years() -> None:
    r = leggi_target(_riga(95).split("\t")[-1])  # «Aumento tendenziale … rispetto al biennio 2021-2022»
    assert r.trend is not None and r.trend.anni == (2021, 2022)
    assert r.polarita is Polarita.CRESCENTE
    storico = {2021: Decimal(100), 2022: Decimal(120)}
    assert r.trend.soglia(storico) == Decimal(110)
    assert r.trend.raggiunto(Decimal(111), storico) is True
    assert r.trend.raggiunto(Decimal(110), storico) is False
    assert r.trend.raggiunto(Decimal(111), {2021: Decimal(1)}) is None  # a past year missing: unknown
    assert leggi_target("trend rispetto al 2021-22").trend.anni == (2021, 2022)


def test_per_year_targets_and_words() -> None:
    r = leggi_target("≥ 1 anno 2023 ≥ 2 anno 2024")  # 001 L416-L417
    assert {a: (x.comparatore, x.valore) for a, x in r.per_anno.items()} == {
        2023: (">=", Decimal(1)), 2024: (">=", Decimal(2))}
    r = leggi_target("Organizzazione a favore dei lavoratori di almeno un corso nell'anno 2023")  # L101
    assert (r.comparatore, r.valore) == (">=", Decimal(1))


def test_no_direction_means_none_never_a_default() -> None:
    for testo in ("1 giorno", "Semestrale", "Certificazione annuale a cura del Nucleo di valutazione", ""):
        r = leggi_target(testo)
        assert r.polarita is None and r.nota == ""


def test_parameters_with_reference_date() -> None:
    p = leggi_parametro(_riga(140))  # «- numero di reversali di incasso (2.267 al 31.12.2022)»
    assert p is not None
    assert (p.nome, p.valore, p.data_riferimento) == ("numero di reversali di incasso", Decimal(2267),
                                                      date(2022, 12, 31))
    assert leggi_parametro(_riga(141)).valore == Decimal(4281)
    assert leggi_parametro("INDICATORI Servizio Bilancio") is None


def test_trend_target_is_scored_against_past_years_values() -> None:
    """Seed 001 L95: «Aumento tendenziale … rispetto al biennio 2021-2022» — met or not against the
    mean of the two years' values (pass/fail); not computable while a year lacks its value."""
    from piaodesk.domain.model import Indicatore, Misura
    from piaodesk.domain.valutazione import risultato_indicatore

    testo = _riga(95).split("\t")[-1]
    ind = Indicatore(id=1, descrizione="Atti spediti via PEC (%)")
    misure = [Misura(indicatore_id=1, anno=2021, valore=Decimal(40)),
              Misura(indicatore_id=1, anno=2022, valore=Decimal(50)),
              Misura(indicatore_id=1, anno=2023, target_testo=testo, valore=Decimal(46))]
    assert risultato_indicatore(ind, misure, 2023).raggiungimento == Decimal(1)   # 46 > 45
    misure[-1] = Misura(indicatore_id=1, anno=2023, target_testo=testo, valore=Decimal(44))
    assert risultato_indicatore(ind, misure, 2023).raggiungimento == Decimal(0)
    assert risultato_indicatore(ind, misure[1:], 2023).raggiungimento is None     # 2021 unknown
    # the baseline counts as its year's value
    ind_b = Indicatore(id=1, descrizione="x", baseline=Decimal(40), anno_baseline=2021)
    assert risultato_indicatore(ind_b, misure[1:], 2023).raggiungimento == Decimal(0)
