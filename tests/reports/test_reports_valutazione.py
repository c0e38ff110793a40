"""Issue 10: every number printed on two sheets comes from QuadroValutazioni; the sheets of the cycle and
of the organisational performance; printing asks first when the plan has problems. PDFs read back."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from datetime import date
from decimal import Decimal

import pytest
from pypdf import PdfReader

from piaodesk.cli import main
from piaodesk.domain.formats import format_percent
from piaodesk.domain.model import Misura, Obiettivo
from piaodesk.reports import data, sheets
from piaodesk.store.edits import InsertRow, SetFields
from piaodesk.store.valutazioni import TUTTI, modifica_valutazione

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils mancante")


def pdf_text(pdf: bytes) -> str:
    out = subprocess.run(["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True)
    return out.stdout.decode("utf-8")


def sig_fields(pdf: bytes) -> set[str]:
    reader = PdfReader(io.BytesIO(pdf))
    fields = reader.get_fields() or {}
    for name, f in fields.items():
        assert f.get("/FT") == "/Sig" and f.get("/V") is None, name  # empty signature fields
    return set(fields)


def _scores(piano, valori=(30, 24, 27, 27)):
    q = data.quadro(piano.arc, 2025)
    nomi = [n for n, _, _ in q.persona(piano.staff).esito.comportamenti]
    assert len(nomi) == len(valori)
    piano.arc.apply(modifica_valutazione(piano.arc, piano.staff, 2025,
                                         comportamenti={n: Decimal(v) for n, v in zip(nomi, valori, strict=True)}))


# ---------------------------------------------------------------------- scheda obiettivi


def test_nested_plan_prints_the_weighted_operativi_with_a_non_zero_final(piano):
    q = data.quadro(piano.arc, 2025)
    snap = data.snapshot_scheda_obiettivi(piano.arc, piano.unita, quadro=q)
    assert [r.codice for r in snap.righe] == ["O.1", "O.2"]  # not the strategico alone
    assert snap.risultato_d == q.scheda(piano.unita).risultato.perc == Decimal(88)
    t = pdf_text(sheets.render_scheda_obiettivi(snap))
    for needle in ("RIEPILOGO OBIETTIVI PIAO", "Digitalizzare le pratiche edilizie", "Ridurre i tempi di risposta",
                   "60 %", "40 %", "80,00 %", "100,00 %", "14,40", "12,00", "26,40",
                   "Risultato della struttura: 88,00 %",
                   "Obiettivo strategico S.1 — Semplificare i procedimenti",  # the operativo's context
                   "Analisi dei flussi", "Nuovo modello di risposta", "Pratiche digitalizzate",
                   "Risposte entro 30 giorni", "Obiettivo O.1 — peso 60 %"):
        assert needle in t, needle
    assert "Nessuna fase" not in t and "Nessun indicatore" not in t
    assert not re.search(r"VALUTAZIONE FINALE\s+0,00", t)


def test_the_units_result_is_the_same_number_on_both_sheets(piano):
    ctx = data.ContestoSchede(piano.arc, 2025)
    scheda = data.snapshot_scheda_obiettivi(piano.arc, piano.unita, quadro=ctx.quadro)
    ind = ctx.scheda_individuale(piano.staff)
    struttura = next(c for c in ind.componenti if c[0].startswith("Obiettivi della struttura"))
    assert struttura[2] == format_percent(scheda.risultato_d) == "88,00 %"
    assert "88,00 %" in ind.struttura


def test_missing_weights_and_results_are_said_never_a_bare_zero(piano):
    arc = piano.arc
    arc.apply(SetFields(Obiettivo, piano.o1, {"peso": None}))
    arc.apply(SetFields(Obiettivo, piano.o2, {"peso": None}))
    snap = data.snapshot_scheda_obiettivi(arc, piano.unita, 2025)
    # no weight anywhere: the strategico is evaluated as a whole (mean of its operativi), said as pari peso
    assert [r.codice for r in snap.righe] == ["S.1"]
    assert snap.pari_peso and any("pari peso (100 % ciascuno)" in a for a in snap.avvisi)
    t = pdf_text(sheets.render_scheda_obiettivi(snap))
    assert "pari peso" in t and "Risultato della struttura: 90,00 %" in t  # 90 % → score 27 of 30
    for needle in ("Sotto-obiettivi", "O.1", "80,00 %", "O.2", "% dell'obiettivo (media dei sotto-obiettivi)",
                   "90,00 %", "[O.1] Pratiche digitalizzate", "[O.2] Nuovo modello di risposta"):
        assert needle in t, needle
    assert "Nessuna fase" not in t and "Nessun indicatore" not in t
    # no result for O.2 and no score: the scheda is incomplete and says what lacks
    arc.apply(SetFields(Obiettivo, piano.o1, {"peso": Decimal(60)}))
    arc.apply(SetFields(Obiettivo, piano.o2, {"peso": Decimal(40)}))
    misura = next(m for m in arc.select(Misura) if m.valore == 4)
    arc.apply(SetFields(Misura, misura.id, {"valore": None}))
    snap = data.snapshot_scheda_obiettivi(arc, piano.unita, 2025)
    assert snap.incompleta and snap.risultato_d is None and snap.finale == ""
    t = pdf_text(sheets.render_scheda_obiettivi(snap))
    assert "Risultato della struttura non disponibile — manca: risultato di O.2" in t
    assert re.search(r"VALUTAZIONE FINALE \(incompleta: vedi sotto\)\s+n\.d\.", t)
    assert not re.search(r"VALUTAZIONE FINALE.*0,00", t)


def test_tutti_i_settori_with_parametro_di_riferimento(piano):
    arc = piano.arc
    for titolo, parametro in (("Digitalizzazione del ciclo di vita dei contratti pubblici", "D.LGS 36/2023"),
                              ("Riduzione dei tempi di pagamento", "PNRR")):
        arc.apply(InsertRow(Obiettivo(codice="", titolo=titolo, peso=Decimal(50), anni=[2025], trasversale=True,
                                      extra={"Parametro di riferimento": parametro})))
    q = data.quadro(arc, 2025)
    assert data.schede_obiettivi_da_stampare(q)[0] == TUTTI
    snap = data.snapshot_scheda_obiettivi(arc, TUTTI, quadro=q)
    assert snap.tutti and snap.nome_file == "scheda_obiettivi_2025_TUTTI_I_SETTORI.pdf"
    assert snap.parametri == (("Digitalizzazione del ciclo di vita dei contratti pubblici", "D.LGS 36/2023",
                               "50 %"), ("Riduzione dei tempi di pagamento", "PNRR", "50 %"))
    t = pdf_text(sheets.render_scheda_obiettivi(snap))
    for needle in ("TUTTI I SETTORI", "Tutti i responsabili di settore", "OBIETTIVI PREVISTI",
                   "Parametro di riferimento", "D.LGS 36/2023", "PNRR"):
        assert needle in t, needle
    assert "Risorse umane" not in t


# ---------------------------------------------------------------------- scheda individuale


def test_incomplete_valuation_prints_what_lacks_and_no_final_or_fascia(piano):
    snap = data.snapshot_scheda_individuale(piano.arc, piano.staff, 2025)
    assert snap.stato == "incompleta" and snap.finale_d is None
    pdf = sheets.render_scheda_individuale(snap)
    t = pdf_text(pdf)
    assert "Valutazione incompleta — manca: punteggi dei comportamenti" in t
    assert "Fascia di valutazione" not in t and "VALUTAZIONE FINALE" not in t and "punti" not in t
    for needle in ("Categoria di valutazione:", "Personale", "Valutatore:", "Bianchi Anna",
                   "Digitalizzare le pratiche edilizie", "Impegno", "50 %", "Capacità di programmazione e",
                   "Ciclo di valutazione"):
        assert needle in t, needle
    assert sig_fields(pdf) == {"Firma_Valutatore", "Firma_Nucleo", "Firma_Segretario", "Firma_Sindaco",
                              "Firma_Dipendente"}
    assert snap.firme[0].nome == "dott.ssa Anna Bianchi" and snap.firme[-1].nome == "Marco Verdi"


def test_complete_valuation_prints_the_quadros_final_and_fascia(piano):
    _scores(piano)
    esito = data.quadro(piano.arc, 2025).persona(piano.staff).esito
    assert esito.stato == "completa"
    assert esito.finale == Decimal(89)  # 50 % × 88 + 50 % × mean(30, 24, 27, 27)/30
    snap = data.snapshot_scheda_individuale(piano.arc, piano.staff, 2025)
    assert snap.finale_d == esito.finale and snap.fascia.startswith(esito.fascia.lettera)
    t = pdf_text(sheets.render_scheda_individuale(snap))
    assert re.search(r"VALUTAZIONE FINALE\s+89,00 %\s+26,70 / 30 punti", t), t
    assert "Fascia di valutazione: D (26-28)" in t
    assert "Valutazione incompleta" not in t
    for score in ("30", "24", "27"):
        assert re.search(rf"25 %\s+{score}\b", t), score


def test_responsabile_is_evaluated_by_the_smvps_body_not_by_themself(piano):
    snap = data.snapshot_scheda_individuale(piano.arc, piano.resp, 2025)
    assert snap.valutatore == "Nucleo di Valutazione" and snap.valutatore_id is None
    assert snap.firme[0].ruolo == "Il valutatore — Nucleo di Valutazione" and snap.firme[0].nome == ""
    # the configured «Il Nucleo di Valutazione» block is the same body: printed once
    assert [f.campo for f in snap.firme] == ["Firma_Valutatore", "Firma_Segretario", "Firma_Sindaco",
                                            "Firma_Dipendente"]
    t = pdf_text(sheets.render_scheda_individuale(snap))
    assert t.count("Anna Bianchi") == 1  # only in the block of the person evaluated


def test_no_demo_sheet_names_the_person_evaluated_as_evaluator(demo):
    ctx = data.ContestoSchede(demo, 2025)
    q = ctx.quadro
    snaps = ctx.schede_individuali()
    assert len(snaps) == len(list(demo.persone()))
    responsabili = {u.responsabile_id for u in demo.unita() if u.responsabile_id}
    for s in snaps:
        v = q.persona(s.persona_id)
        d = v.come_dict()
        assert s.valutatore_id != s.persona_id and s.valutatore == d["valutatore"]
        firme = {f.campo: f for f in s.firme}
        assert firme["Firma_Valutatore"].nome != firme["Firma_Dipendente"].nome, s.nominativo
        assert "Firma_Responsabile" not in firme
        # the same valuation as `piaodesk valutazione mostra --json`
        assert s.stato == d["stato"]
        assert (s.finale_d is None) == (d["finale"] is None)
        if d["finale"] is not None:
            assert s.finale_perc == format_percent(s.finale_d) and s.fascia.startswith(d["fascia"])
        else:
            assert s.incompleta.startswith("Valutazione incompleta — manca:") and not s.fascia
    for s in snaps:  # the sheets of the responsabili, rendered: their name only in their own block
        if s.persona_id in responsabili:
            chi = next(f.nome for f in s.firme if f.campo == "Firma_Dipendente")
            assert pdf_text(sheets.render_scheda_individuale(s)).count(chi) == 1, s.nominativo


# ---------------------------------------------------------------------- the cycle


def _ciclo(piano):
    piano.arc.apply(modifica_valutazione(piano.arc, piano.staff, 2025, passi={
        "assegnazione": (date(2025, 1, 15), "Obiettivi illustrati al dipendente", None),
        "verifica_intermedia": (date(2025, 6, 30), "Avanzamento regolare; rivedere i tempi di O.2", None),
        "valutazione_finale": (date(2026, 1, 20), None, None),
        "presa_visione": (date(2026, 1, 25), None, None),
        "richiesta_riesame": (date(2026, 2, 10), "Chiedo il riesame del punteggio dei comportamenti", None),
        "esito_riesame": (date(2026, 2, 28), "Punteggio confermato dopo il colloquio", "confermata"),
    }))


def test_cycle_sheets_with_dates_notes_and_empty_signatures(piano):
    _scores(piano)
    _ciclo(piano)
    ctx = data.ContestoSchede(piano.arc, 2025)
    pdf = sheets.render_scheda_ciclo(ctx.scheda_ciclo(piano.staff, "assegnazione"))
    t = pdf_text(pdf)
    for needle in ("SCHEDA DI ASSEGNAZIONE DEGLI OBIETTIVI", "Verdi Marco", "Bianchi Anna",
                   "Obiettivi della struttura — SETTORE PROVA", "O.1", "60 %", "O.2", "40 %",
                   "Obiettivi individuali", "Componenti della valutazione", "Comportamenti oggetto di valutazione",
                   "Collaborazione e integrazione organizzativa", "Data di assegnazione: 15/01/2025",
                   "Obiettivi illustrati al dipendente", "Il valutatore", "Il valutato"):
        assert needle in t, needle
    assert sig_fields(pdf) == {"Firma_Valutatore", "Firma_Dipendente"}
    pdf = sheets.render_scheda_ciclo(ctx.scheda_ciclo(piano.staff, "colloquio"))
    t = pdf_text(pdf)
    assert "VERIFICA INTERMEDIA — COLLOQUIO" in t and "Data del colloquio: 30/06/2025" in t
    assert "rivedere i tempi di O.2" in t and sig_fields(pdf) == {"Firma_Valutatore", "Firma_Dipendente"}
    [riesame] = ctx.schede_ciclo("riesame")  # everyone: only who asked for it
    pdf = sheets.render_scheda_ciclo(riesame)
    t = pdf_text(pdf)
    for needle in ("RICHIESTA DI RIESAME DELLA VALUTAZIONE", "Valutazione finale: 89,00 %", "fascia D",
                   "Richiesta di riesame del 10/02/2026", "Chiedo il riesame del punteggio",
                   "Esito del riesame del 28/02/2026", "Esito: confermata", "Punteggio confermato"):
        assert needle in t, needle
    assert sig_fields(pdf) == {"Firma_Valutatore", "Firma_Dipendente"}
    # the individual sheet ends with the cycle's steps and their dates
    t = pdf_text(sheets.build_scheda_individuale(piano.arc, piano.staff, 2025))
    cycle = t[t.index("Ciclo di valutazione"):]
    for needle in ("15/01/2025", "30/06/2025", "25/01/2026", "10/02/2026", "28/02/2026", "Esito: confermata"):
        assert needle in cycle, needle


# ---------------------------------------------------------------------- performance organizzativa


def test_organisational_tables_1_and_2_read_back(piano):
    q = data.quadro(piano.arc, 2025)
    snap = data.snapshot_organizzativa(piano.arc, quadro=q)
    assert snap.ente.totale_d == q.sintesi(None).perc == Decimal("87.75")  # (88 + 87,5) / 2
    assert [u.titolo for u in snap.unita] == ["SETTORE PROVA"]
    pdf = sheets.render_scheda_organizzativa(snap)
    t = pdf_text(pdf)
    for needle in ("PERFORMANCE ORGANIZZATIVA", "Tabella 1 — 2.1 Programmazione e gestione delle risorse",
                   "INDICATORE", "FATTORI", "TARGET", "RISULTATO", "Grado di attendibilità della",
                   "Stanziamenti definitivi /", "90,00", "95,00", "100,00 %", "80,00", "60,00", "75,00 %",
                   "Tabella 2 — Tabella di sintesi valutazione performance organizzativa",
                   "MISURA REALIZZAZIONE", "VALUTAZIONE", "Percentuale di realizzazione degli obiettivi",
                   "media dei risultati delle schede obiettivi", "2 indicatori (pari peso)",
                   "88,00 %", "87,50 %", "87,75 %",
                   "Performance organizzativa di struttura — SETTORE PROVA", "Atti spediti via PEC",
                   "ente 50 %, unità 50 %"):
        assert needle in t, needle
    assert re.search(r"TOTALE\s+87,75 %", t) and re.search(r"TOTALE\s+80,00 %", t)
    perc, _, _ = q.organizzativa(piano.unita)
    assert format_percent(perc) == "83,88 %" and "83,88 %" in t
    assert sig_fields(pdf) == {"Firma_Nucleo", "Firma_Segretario", "Firma_Sindaco"}
    assert "Peso nella valutazione individuale" in t and re.search(r"Personale\s+0 ?%\s+50 ?%", t)


def test_organisational_total_missing_is_said(piano):
    from piaodesk.domain.model import ValoreOrganizzativo

    v = next(x for x in piano.arc.select(ValoreOrganizzativo) if x.valore == 60)
    piano.arc.apply(SetFields(ValoreOrganizzativo, v.id, {"valore": None}))
    snap = data.snapshot_organizzativa(piano.arc, 2025)
    assert snap.ente.totale_d is None
    t = pdf_text(sheets.render_scheda_organizzativa(snap))
    assert re.search(r"TOTALE\s+n\.d\.", t) and "Totale non disponibile — manca:" in t
    assert "manca il valore" in t


# ---------------------------------------------------------------------- printing asks first


def _errore(piano):
    """O.3 without a weight beside the weighted O.1 and O.2: an «errore» of the scheda."""
    piano.arc.apply(InsertRow(Obiettivo(codice="O.3", titolo="Obiettivo senza peso", parent_id=piano.s1,
                                        unita_id=piano.unita, anni=[2025])))


def test_cli_refuses_a_sheet_with_errors_unless_forza(piano, tmp_path, capsys):
    path = str(piano.arc.path)
    out = tmp_path / "out"
    assert main(["print", path, "--scheda", "obiettivi", "--settore", "PROVA", "--out", str(out)]) == 0
    assert "Verifica del piano" not in capsys.readouterr().err  # nothing to report
    _errore(piano)
    out2 = tmp_path / "out2"
    assert main(["print", path, "--scheda", "obiettivi", "--settore", "PROVA", "--out", str(out2)]) == 2
    err = capsys.readouterr().err
    assert "[errore] Scheda SETTORE PROVA" in err and "O.3" in err and "--forza" in err
    assert not out2.exists() or not list(out2.glob("*.pdf"))
    # the staff's sheets are fed by that scheda: refused too
    assert main(["print", path, "--scheda", "individuale", "--persona", "Verdi Marco", "--out", str(out2)]) == 2
    assert "O.3" in capsys.readouterr().err
    assert main(["print", path, "--scheda", "obiettivi", "--settore", "PROVA", "--out", str(out2),
                 "--forza"]) == 0
    cap = capsys.readouterr()
    assert "[errore]" in cap.err and "nonostante 1 errore (--forza)" in cap.out
    assert [f.name for f in out2.glob("*.pdf")] == ["scheda_obiettivi_2025_PROVA.pdf"]


def test_cli_prints_the_new_kinds(piano, tmp_path, capsys):
    _scores(piano)
    path = str(piano.arc.path)
    out = tmp_path / "out"
    for kind in ("assegnazione", "colloquio"):
        assert main(["print", path, "--scheda", kind, "--persona", "Verdi Marco", "--out", str(out)]) == 0
    assert main(["print", path, "--scheda", "riesame", "--out", str(out)]) == 2
    assert "nessuno ha chiesto il riesame" in capsys.readouterr().err
    assert main(["print", path, "--scheda", "riesame", "--persona", "Verdi Marco", "--out", str(out)]) == 0
    assert main(["print", path, "--scheda", "organizzativa", "--out", str(out)]) == 0
    names = sorted(f.name for f in out.glob("*.pdf"))
    assert names == ["performance_organizzativa_2025.pdf", "scheda_assegnazione_2025_Verdi_Marco_2.pdf",
                     "scheda_colloquio_2025_Verdi_Marco_2.pdf", "scheda_riesame_2025_Verdi_Marco_2.pdf"]
    t = pdf_text((out / "performance_organizzativa_2025.pdf").read_bytes())
    assert "87,75 %" in t


def test_every_demo_sheet_prints_what_valutazione_mostra_json_says(demo_path, tmp_path, capsys):
    """`piaodesk valutazione mostra --json` and the printed individual sheet agree, person by person."""
    import json

    from piaodesk.store.archive import Archive

    with Archive.open(demo_path, readonly=True) as arc:
        ids = [p.id for p in arc.persone()]
        files = sheets.render_batch(data.ContestoSchede(arc, 2025).schede_individuali(ids), tmp_path / "schede")
    assert len(files) == len(ids) > 100
    complete = 0
    for pid, path in zip(ids, files, strict=True):
        assert main(["valutazione", str(demo_path), "mostra", "--persona", str(pid), "--json"]) == 0
        d = json.loads(capsys.readouterr().out)
        t = " ".join(subprocess.run(["pdftotext", "-raw", str(path), "-"], capture_output=True,
                                    check=True).stdout.decode().split())
        assert f"Valutatore: {d['valutatore']}" in t, (pid, d["valutatore"])
        assert f"Categoria di valutazione: {d['categoria']}" in t
        for c in d["componenti"]:
            assert c["nome"] in t
            if c["valore"] is not None:
                assert format_percent(Decimal(c["valore"])) in t, (pid, c)
        if d["stato"] == "completa":
            complete += 1
            assert re.search(rf"VALUTAZIONE FINALE {re.escape(format_percent(Decimal(d['finale'])))} ", t), pid
            assert f"Fascia di valutazione: {d['fascia']} (" in t
            assert "Valutazione incompleta" not in t
        else:
            assert "Valutazione incompleta — manca:" in t and "Fascia di valutazione" not in t, pid
    assert complete > 0
