"""Legal calendar (issue 18 point 9) and risk levels (point 4, seed 001 L436/L452/L456/L501)."""

from __future__ import annotations

from datetime import date

import pytest

from piaodesk.domain.calendario import regole_da_impostazioni, scadenze_legali
from piaodesk.domain.rischio import leggi_livello, ordine, scala


def test_default_calendar_of_a_year() -> None:
    s = {x.chiave: x for x in scadenze_legali(2026)}
    assert s["piao"].data == date(2026, 1, 31)
    assert s["variazioni"].data == date(2026, 9, 30)
    assert s["relazione"].data == date(2027, 6, 30)
    assert s["validazione"].data == date(2027, 6, 30)
    dates = [x.data for x in scadenze_legali(2026)]
    assert dates == sorted(dates)
    assert s["variazioni"].giorni_mancanti(date(2026, 9, 20)) == 10
    assert s["variazioni"].stato(date(2026, 9, 20)) == "tra 10 giorni"
    assert s["variazioni"].stato(date(2026, 10, 3)) == "scaduta da 3 giorni"
    assert s["variazioni"].stato(date(2026, 9, 30)) == "oggi"
    assert "30/09/2026" in s["variazioni"].etichetta


def test_late_budget_moves_the_piao_deadline() -> None:
    s = {x.chiave: x for x in scadenze_legali(2026, approvazione_bilancio=date(2026, 3, 10))}
    assert s["piao"].data == date(2026, 4, 9)
    assert "bilancio" in s["piao"].fonte


def test_ente_settings_move_or_switch_off_and_refuse_garbage() -> None:
    regole = regole_da_impostazioni({"relazione": "15/06", "variazioni_peg": None})
    s = {x.chiave: x for x in scadenze_legali(2026, regole)}
    assert s["relazione"].data == date(2027, 6, 15)
    assert "variazioni_peg" not in s
    with pytest.raises(ValueError, match="non è una data"):
        regole_da_impostazioni({"relazione": "31/02"})
    with pytest.raises(ValueError, match="sconosciute"):
        regole_da_impostazioni({"ferragosto": "15/08"})


@pytest.mark.parametrize(("testo", "livello"), [
    ("BASSA", "BASSA"), ("MEDIA", "MEDIA"), ("BASSO", "BASSA"),          # L452, L456, L501
    ("CRITICITA' BASSA", "BASSA"), ("criticità media", "MEDIA"), ("Alto", "ALTA"),  # L436
])
def test_risk_levels_of_seed_001(testo, livello) -> None:
    assert leggi_livello(testo) == livello


def test_unknown_level_is_refused_not_defaulted() -> None:
    assert leggi_livello("") is None and leggi_livello(None) is None
    with pytest.raises(ValueError, match="sconosciuto"):
        leggi_livello("SI")
    mia = scala("Basso, Medio, Alto, Critico")
    assert mia == ("Basso", "Medio", "Alto", "Critico")  # the ente's names, as written
    assert leggi_livello("critico", mia) == "Critico" and leggi_livello("BASSA", mia) == "Basso"
    assert ordine("ALTA") > ordine("MEDIA") > ordine("BASSA") > ordine(None)
    with pytest.raises(ValueError):
        scala("Alto")
