"""Issue 18 «printed where the seed prints it»: the PIAO vocabulary on the printed sheets, read back
with pdftotext (each test names the seed line that prints the field)."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from piaodesk.domain.model import Indicatore, Obiettivo
from piaodesk.reports import data, sheets
from piaodesk.store.edits import SetFields


def pdf_text(pdf: bytes) -> str:
    return subprocess.run(["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True,
                          check=True).stdout.decode("utf-8")

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils mancante")


def _fin1(demo):
    fin = next(u for u in demo.unita() if "FINANZIAR" in u.nome.upper())
    return fin, next(o for o in demo.obiettivi() if o.codice == "FIN.1")


def test_risk_level_and_measure_printed_on_both_sheets(demo):
    """Seed 001 L114 («RISCHIO CORRUTTIVO VALUTAZIONE CRITICITA'») and L436 («CRITICITA' BASSA»): each
    objective's risk is graded and printed with its measure, on the settore's and the objective's sheet."""
    fin, ob = _fin1(demo)
    demo.apply(SetFields(Obiettivo, ob.id, {"rischio_corruttivo": True, "rischio_livello": "BASSA",
                                            "rischio_misura": "Rotazione degli incarichi"}))
    for pdf in (sheets.build_scheda_obiettivi(demo, fin.id, 2025), sheets.build_scheda_obiettivo(demo, ob.id, 2025)):
        assert "BASSA — Rotazione degli incarichi" in " ".join(pdf_text(pdf).split())


def test_responsabile_operativo_printed_from_the_field(demo):
    """Seed 002 L166 («Responsabile Generale RIGHI, ANNALISA  Responsabile Operativo PAPOTTI BARBARA»):
    the objective's sheet prints the operational manager chosen in the form, and the approval phase."""
    _fin, ob = _fin1(demo)
    altro = next(p for p in demo.persone() if p.id != ob.responsabile_id and p.cognome)
    demo.apply(SetFields(Obiettivo, ob.id, {"responsabile_operativo_id": altro.id, "fase_approvazione": "Proposta"}))
    t = " ".join(pdf_text(sheets.build_scheda_obiettivo(demo, ob.id, 2025)).split())
    assert f"Responsabile Operativo {altro.cognome.upper()}" in t
    assert "Responsabile Generale" in t and "Fase Proposta" in t


def test_product_kind_printed(demo):
    """Seed 004 L89 («Prodotto») and L1151 («Prodotto Prioritario»): the kind heads the objective; the
    sheets print it with the PIAO kinds."""
    fin, ob = _fin1(demo)
    demo.apply(SetFields(Obiettivo, ob.id, {"tipo_prodotto": "prioritario"}))
    for pdf in (sheets.build_scheda_obiettivi(demo, fin.id, 2025), sheets.build_scheda_obiettivo(demo, ob.id, 2025)):
        assert "Prodotto prioritario" in pdf_text(pdf)


def test_solo_individuale_indicator_not_on_the_objective_sheet(demo):
    """Seed 004 L688 («La valutazione dell'indicatore è inserita esclusivamente nella scheda individuale
    del dirigente»): such an indicator is on neither the settore's nor the objective's sheet (whose %
    leaves it out too), and the others stay."""
    fin, ob = _fin1(demo)
    ind = demo.indicatori(ob.id)[0]
    nome = "Tempo medio di certificazione"
    demo.apply(SetFields(Indicatore, ind.id, {"descrizione": nome}))
    assert nome in pdf_text(sheets.build_scheda_obiettivo(demo, ob.id, 2025))
    demo.apply(SetFields(Indicatore, ind.id, {"solo_individuale": True}))
    assert nome not in pdf_text(sheets.build_scheda_obiettivo(demo, ob.id, 2025))
    assert nome not in pdf_text(sheets.build_scheda_obiettivi(demo, fin.id, 2025))
    snap = data.snapshot_scheda_obiettivo(demo, ob.id, 2025)
    assert all(r.descrizione != nome for leaf in snap.figli for r in leaf.indicatori)


def test_catalogue_missione_and_programma_printed(demo):
    """Seed 001 L442 («MISSIONE 12 – DIRITTI SOCIALI, POLITICHE SOCIALI E FAMIGLIA - PROGRAMMA 2:
    INTERVENTI PER LA DISABILITÀ»): the settore's sheet names the objective's missione and programma of
    the harmonised catalogue, when it has one (the text as written otherwise)."""
    fin, ob = _fin1(demo)
    demo.apply(SetFields(Obiettivo, ob.id, {"programma_cod": "12.02", "missione": None}))
    t = " ".join(pdf_text(sheets.build_scheda_obiettivi(demo, fin.id, 2025)).split())
    assert "Missione 12 – Diritti sociali" in t and "Programma 12.02 – Interventi per la disabilità" in t


def test_indicator_dimension_printed(demo):
    """Seed 001 L147-L151 («Dimensione di performance | Denominazione indicatore | Formula | Standard»,
    «Tempestività»): the settore's sheet names each indicator's dimension (and sottodimensione)."""
    fin, ob = _fin1(demo)
    ind = demo.indicatori(ob.id)[0]
    demo.apply(SetFields(Indicatore, ind.id, {"dimensione": "Tempestività", "sottodimensione": "Invio"}))
    t = " ".join(pdf_text(sheets.build_scheda_obiettivi(demo, fin.id, 2025)).split())
    assert "Dimensione: Tempestività / Invio" in t


def test_dup_strategy_of_the_values_printed(demo):
    """Seed 001 L444 («OBIETTIVO STRATEGICO: GARANTIRE INTERVENTI/SERVIZI A FAVORE DELLE PERSONE CON
    DISABILITA'…» above the objective): the sheets print the DUP's linea and indirizzo of the values the
    objective serves, beside the value itself; an objective serving none prints no such line."""
    ts1 = data.trova_obiettivo(demo, "TS.1")
    t = " ".join(pdf_text(sheets.build_scheda_obiettivo(demo, ts1.id, 2025)).split())
    assert "Strategia del DUP" in t and "Linea 1 – Innovazione e semplificazione" in t
    assert "Digitalizzare i procedimenti" in t
    fin, _ob = _fin1(demo)
    snap = data.snapshot_scheda_obiettivi(demo, fin.id, 2025)
    with_vp = [o for o in snap.obiettivi if o.valore_pubblico]
    assert with_vp and all(o.strategia_dup for o in with_vp)
    assert all(not o.strategia_dup for o in snap.obiettivi if not o.valore_pubblico)
    ts = " ".join(pdf_text(sheets.render_scheda_obiettivi(snap)).split())
    assert "Strategia del DUP:" in ts and "Linea 1 – Innovazione e semplificazione" in ts


def test_relative_deadline_printed_as_written_until_it_has_a_date(demo):
    """Seed 001 L158-L159 («entro 30 giorni dall'approvazione»): a phase whose deadline is relative to an
    event not yet dated prints it as written in «Scadenza» (not an empty cell); once dated, the date."""
    from piaodesk.domain.model import Fase

    fin, ob = _fin1(demo)
    fase = next(f for f in demo.select(Fase) if f.obiettivo_id == ob.id)
    demo.apply(SetFields(Fase, fase.id, {"scadenza": None, "fine_prevista": None,
                                         "scadenza_relativa": "entro 30 giorni dall'approvazione"}))
    for pdf in (sheets.build_scheda_obiettivi(demo, fin.id, 2025), sheets.build_scheda_obiettivo(demo, ob.id, 2025)):
        t = pdf_text(pdf)  # the narrow «Scadenza» cell wraps: its words, in that column's lines
        assert "entro 30" in t and "dall'approvazione" in t
    snap = data.snapshot_scheda_obiettivi(demo, fin.id, 2025)
    o = next(x for x in snap.obiettivi if x.codice == "FIN.1")
    assert any(f.scadenza == "entro 30 giorni dall'approvazione" for f in o.fasi)
