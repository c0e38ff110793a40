"""Printed sheets, read back: text (pdftotext -layout), pages, metadata, empty signature fields."""

from __future__ import annotations

import io
import shutil
import subprocess
import threading
from decimal import Decimal

import pytest
from pypdf import PdfReader

from piaodesk.domain.model import Obiettivo, Unita
from piaodesk.reports import data, sheets
from piaodesk.store.edits import InsertRow

needs_poppler = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils mancante")


def pdf_text(pdf: bytes, page: int | None = None) -> str:
    args = ["pdftotext", "-layout"]
    if page is not None:
        args += ["-f", str(page), "-l", str(page)]
    out = subprocess.run([*args, "-", "-"], input=pdf, capture_output=True, check=True)
    return out.stdout.decode("utf-8")


def sig_fields(pdf: bytes) -> dict[str, int]:
    """Signature field name → 0-based page index, checking /FT /Sig and emptiness."""
    reader = PdfReader(io.BytesIO(pdf))
    fields = reader.get_fields() or {}
    out = {}
    for name, f in fields.items():
        assert f.get("/FT") == "/Sig", name
        assert f.get("/V") is None, f"{name} should be empty"
    for i, page in enumerate(reader.pages):
        for annot in page.get("/Annots") or []:
            a = annot.get_object()
            if a.get("/FT") == "/Sig" or a.get("/Parent", {}).get("/FT") == "/Sig":
                out[a.get("/T")] = i
    return out


def unit_by_code(arc, code):
    return next(u for u in arc.unita() if u.codice == code)


@needs_poppler
def test_scheda_obiettivi_coordinamento(demo):
    u = unit_by_code(demo, "Coordinamento")
    pdf = sheets.build_scheda_obiettivi(demo, u.id, 2025)
    reader = PdfReader(io.BytesIO(pdf))
    n = len(reader.pages)
    assert n >= 3
    first = reader.pages[0].mediabox
    assert first.width > first.height  # RIEPILOGO in landscape
    assert reader.pages[1].mediabox.width < reader.pages[1].mediabox.height
    meta = reader.metadata
    assert "Scheda obiettivi 2025/2027" in meta.title and "PROGRAMMAZIONE E CONTROLLO" in meta.title
    assert meta.author == "Unione Marca Occidentale"
    assert "Valutazione 2025" in meta.subject
    p1 = pdf_text(pdf, 1)
    assert f"pagina 1 di {n}" in p1
    for needle in ("SCHEDA OBIETTIVI 2025/2027", "dott.ssa Chiara Rossetto", "Coordinamento",
                   "RIEPILOGO OBIETTIVI PIAO", "Fascia di Valutazione (2)", "0-14", "15-19", "20-25",
                   "26-28", "29-30", "(1 * 2)", "VALUTAZIONE FINALE",
                   # TS.1 10 % x 27, TS.2 30 % x 29, PC.1 30 % x 27, PC.2 30 % x 22
                   "2,70", "8,70", "8,10", "6,60", "26,10", "96,84 %", "100,00 %",
                   "Risultato della struttura: 87,00 %", "30,00"):
        assert needle in p1, needle
    assert "raggiunto" in p1 and "superato" in p1  # band descriptors
    full = pdf_text(pdf)
    for needle in ("Elenco obiettivi", "Obiettivo PC.1", "Approvazione delle convenzioni nel Consiglio",
                   "30/06/2025", "31/12/2025", "Totale % realizzazione delle Fasi:", "80,00 %",
                   "Totale % realizzazione Indicatori", "N° di Convenzioni approvate",
                   "☒ 2025", "☐ 2026", "☒ Gestionale", "Risorse umane", "Rossetto Chiara",
                   "FUNZIONARIO EQ", "Il Nucleo di Valutazione", "Il Segretario dell'Unione",
                   "Il Presidente dell'Unione",
                   "Luogo", "lì", "obiettivo trasversale"):
        assert needle in full, needle
    assert f"pagina {n} di {n}" in pdf_text(pdf, n)
    fields = sig_fields(pdf)
    assert set(fields) == {"Firma_Responsabile", "Firma_Nucleo", "Firma_Segretario", "Firma_Presidente"}
    assert set(fields.values()) == {n - 1}  # all on the last page
    fonts = {f.get_object()["/BaseFont"] for p in reader.pages for f in p["/Resources"]["/Font"].values()}
    assert any("DejaVuSans" in str(f) for f in fonts)


@needs_poppler
def test_scheda_obiettivi_servizi_sociali_values(demo):
    u = unit_by_code(demo, "SERVIZI SOCIALI")
    snap = data.snapshot_scheda_obiettivi(demo, u.id, 2025)
    # SS.1-SS.4 are the weighted operativi of a strategico (SS.0): the scheda evaluates them
    assert [r.codice for r in snap.righe] == ["TS.1", "TS.2", "SS.1", "SS.2", "SS.3", "SS.4"]
    assert snap.finale_d == Decimal("27.00")  # 10 % × 27 + 30 % × 29 + 15 % × (26 + 28 + 27 + 23)
    assert not snap.avvisi
    text = pdf_text(sheets.render_scheda_obiettivi(snap))
    assert text.count("Obiettivo di riferimento:") == 4 and "Obiettivo strategico SS.0" in text
    for needle in ("91,67 %", "93,75 %", "89,29 %", "76,00 %", "Diritti sociali, politiche sociali e famiglia",
                   "☒ 2026", "31/05/2025", "02/12/2025", "Nessuna fase prevista", "Vaghi Giuseppina",
                   "352", "OPERATORE ESPERTO", "27,00", "Risultato della struttura: 90,00 %"):
        assert needle in text, needle


def _long_plan(arc):
    u = InsertRow(Unita(nome="SETTORE DI PROVA", codice="PROVA"))
    arc.apply(u)
    long_desc = " ".join(["Testo molto lungo della descrizione dell'obiettivo."] * 120) + " FINEDESCRIZIONE"
    for i in range(40):
        arc.apply(InsertRow(Obiettivo(codice=f"P.{i + 1}", titolo=f"Obiettivo di prova numero {i + 1}",
                                      unita_id=u.row_id, peso=Decimal("2.5"), anni=[2025],
                                      descrizione=long_desc if i == 0 else "Breve.")))
    return u.row_id


@needs_poppler
def test_long_riepilogo_repeats_header_and_keeps_long_text(empty_plan):
    uid = _long_plan(empty_plan)
    pdf = sheets.build_scheda_obiettivi(empty_plan, uid, 2025)
    p2 = pdf_text(pdf, 2)
    assert "Obiettivo di prova numero" in p2  # the summary continues on page 2 ...
    for needle in ("Fascia di Valutazione (2)", "Peso (1)", "Punteggio", "0-14", "29-30"):
        assert needle in p2, needle  # ... under a repeated header
    full = pdf_text(pdf)
    assert "Obiettivo di prova numero 40" in full
    assert "FINEDESCRIZIONE" in full  # long text wrapped, never cut
    assert "VALUTAZIONE FINALE" in full and "Attenzione" not in full  # 40 × 2,5 % = 100 %
    n = len(PdfReader(io.BytesIO(pdf)).pages)
    assert f"pagina 2 di {n}" in p2


@needs_poppler
def test_scheda_obiettivo_oe0527_and_10701(demo):
    oe = data.trova_obiettivo(demo, "OE0527")
    pdf = sheets.build_scheda_obiettivo(demo, oe.id, 2025)
    t = pdf_text(pdf)
    for needle in ("Piano Esecutivo di Gestione - Sezione Obiettivi", "Scheda Obiettivo Esecutivo n° - OE0527",
                   "Implementazione software ICARO", "Dettaglio % Avanzamento Annuale", "66,67",
                   "% Convalidata dal Nucleo di Valutazione", "ELENCO OBIETTIVI SPECIFICI",
                   "Obiettivo Specifico OE052701", "OE052703", "--- 2025 Giugno", "--- 2025 Dicembre",
                   "Positivo", "Media", "Somma", "Resp.", "01/01/2025", "30/06/2025", "Categoria D3",
                   "Primo stato di avanzamento", "Eventuali osservazioni Nucleo di",
                   "Si rileva il mancato conseguimento", "RIGHI, ANNALISA", "IN Corso"):
        assert needle in t, needle
    assert t.count("100,00 %") >= 2 and "0,00 %" in t  # OS 100, 100, 0
    # a Comune di Modena sheet: the Comune's own signatories, never the Unione's (issue 15)
    assert set(sig_fields(pdf)) == {"Firma_Responsabile", "Firma_Nucleo", "Firma_Segretario", "Firma_Sindaco"}
    assert "Il Segretario comunale" in t and "Il Sindaco" in t and "Unione" not in t
    assert "Settore SETTORE" not in t
    uo = data.trova_obiettivo(demo, "10701")
    t2 = pdf_text(sheets.build_scheda_obiettivo(demo, uo.id, 2025))
    assert "98,51" in t2 and "Sezione Attività" in t2 and "Scheda UO n° - 10701" in t2
    assert "85,11 %" in t2  # UO046704: cap per indicator


@needs_poppler
def test_scheda_individuale(demo):
    p = demo.trova_persona("Rossetto Chiara")
    q = data.quadro(demo, 2025)
    v = q.persona(p.id)
    snap = data.snapshot_scheda_individuale(demo, p.id, 2025)
    pdf = sheets.render_scheda_individuale(snap)
    t = pdf_text(pdf)
    struttura = next(c for c in v.esito.componenti if c.chiave == "struttura")
    for needle in ("SCHEDA DI VALUTAZIONE INDIVIDUALE", "dott.ssa Rossetto Chiara", "FUNZIONARIO EQ",
                   "Valutatore:", v.valutatore_nome, "Obiettivi della struttura", data._pct(struttura.valore),
                   "Valutazione complessiva", "Ciclo di valutazione", "Presa visione", "Esito del riesame",
                   "Per presa visione — il dipendente", "Chiara Rossetto"):
        assert needle in t, needle
    # she is the responsabile of her settore: her evaluator is not herself
    assert v.valutatore.persona_id != p.id
    assert snap.firme[0].campo == "Firma_Valutatore" and "Rossetto" not in snap.firme[0].nome
    assert "Il valutatore" in t
    fields = set(sig_fields(pdf))
    assert {"Firma_Valutatore", "Firma_Dipendente"} <= fields and "Firma_Responsabile" not in fields
    # a 002 person with leaf assignments lists them with their results
    r = demo.trova_persona("TERENZIANI MASSIMO")
    t2 = pdf_text(sheets.build_scheda_individuale(demo, r.id, 2025))
    assert "OE052702" in t2 and "Responsabile" in t2 and "al 31/01/2025" in t2


def test_signature_blocks_configurable_per_ente(demo):
    demo._set_setting_raw(data.CHIAVE_FIRME, '{"luogo": "Loria", "obiettivi": ['
                          '{"ruolo": "Il Responsabile", "campo": "Firma_Responsabile"},'
                          '{"ruolo": "L\'OIV", "campo": "Firma_OIV"}]}')
    u = unit_by_code(demo, "POLIZIA LOCALE")
    snap = data.snapshot_scheda_obiettivi(demo, u.id, 2025)
    assert [f.campo for f in snap.firme] == ["Firma_Responsabile", "Firma_OIV"]
    assert snap.luogo_data.startswith("Loria, lì")
    pdf = sheets.render_scheda_obiettivi(snap)
    assert set(sig_fields(pdf)) == {"Firma_Responsabile", "Firma_OIV"}


def test_batch_with_progress_and_cancel(demo, tmp_path):
    ids = [p.id for p in demo.persone()[:4]]
    snaps = sheets.snapshots_individuali(demo, 2025, ids)
    seen = []
    files = sheets.render_batch(snaps, tmp_path / "tutte", progress=lambda i, n, name: seen.append((i, n)))
    assert len(files) == 4 and all(f.read_bytes().startswith(b"%PDF") for f in files)
    assert seen[0] == (0, 4) and seen[-1] == (4, 4)
    cancel = threading.Event()

    def stop_after_first(i, n, name):
        if i == 1:
            cancel.set()

    files = sheets.render_batch(snaps, tmp_path / "annullato", cancel=cancel, progress=stop_after_first)
    assert len(files) == 1
    assert not list((tmp_path / "annullato").glob("*.part"))


def test_valore_pubblico_printed_where_the_sheet_names_the_objective(demo):
    """Issue 18 point 1: the obiettivi di valore pubblico an objective serves (its own link or its
    ancestor's) on both layouts of the sheet; an objective serving none prints no such line."""
    ts1 = data.trova_obiettivo(demo, "TS.1")
    t = pdf_text(sheets.build_scheda_obiettivo(demo, ts1.id, 2025))
    assert "Obiettivo di valore" in t and "VP1 Un'amministrazione digitale, trasparente e tempestiva" in t
    oe = data.trova_obiettivo(demo, "OE052701")  # linked through its parent OE0527
    assert "VP1 Un'amministrazione digitale" in pdf_text(sheets.build_scheda_obiettivo(demo, oe.id, 2025))
    pc2 = data.trova_obiettivo(demo, "PC.2")
    assert "valore pubblico" not in pdf_text(sheets.build_scheda_obiettivo(demo, pc2.id, 2025)).lower()


def test_settore_sheet_prints_its_parametri(demo):
    """Seed 001 L138-L143 prints a service's PARAMETRI (volumes at a date): so does its settore's sheet."""
    fin = next(u for u in demo.unita() if "FINANZIAR" in u.nome.upper())
    t = pdf_text(sheets.build_scheda_obiettivi(demo, fin.id, 2025))
    assert "PARAMETRI" in t and "numero di reversali di incasso" in t and "2.267" in t and "31/12/2022" in t
    assert "686 determine e 152 delibere" in t  # the line that says two numbers is kept as written
    other = next(u for u in demo.unita() if "SOCIALI" in u.nome.upper())
    assert "PARAMETRI" not in pdf_text(sheets.build_scheda_obiettivi(demo, other.id, 2025))
