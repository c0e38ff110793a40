"""Monitoring annex per CDR (seed 004): subtotals, Stato di avanzamento of expenditure and revenue,
notes per indicator per round, «in linea»; ``piaodesk bilancio`` prints revenue."""

from __future__ import annotations

from decimal import Decimal as D

from pypdf import PdfReader

from piaodesk.cli import main
from piaodesk.domain.enums import TipoRisorsa
from piaodesk.domain.model import Risorsa
from piaodesk.store import allegato as sa
from piaodesk.store.archive import Archive
from piaodesk.store.edits import Batch, InsertRow


def _con_risorse(path) -> None:
    with Archive.open(path) as arc:
        arc.apply(Batch([
            InsertRow(Risorsa(obiettivo_id=8, anno=2025, tipo=TipoRisorsa.SPESA, assestato=D(1000), impegnato=D(500))),
            InsertRow(Risorsa(obiettivo_id=9, anno=2025, tipo=TipoRisorsa.SPESA, assestato=D(3000),
                              impegnato=D(3000))),
            InsertRow(Risorsa(obiettivo_id=10, anno=2025, tipo=TipoRisorsa.ENTRATA, assestato=D(2000),
                              accertato=D(500))),
            InsertRow(Risorsa(obiettivo_id=13, anno=2025, tipo=TipoRisorsa.SPESA, assestato=D(700))),
        ], "risorse di prova"))


def test_subtotals_and_stato_avanzamento(demo_path):
    _con_risorse(demo_path)
    with Archive.open(demo_path, readonly=True) as arc:
        a = sa.allegato(arc)
    assert a.monitoraggio.nome == "Secondo stato di avanzamento"
    cdr = {c.unita.id: c for c in a.cdr}
    ss = cdr[4]
    tipi = [r.tipo for r in ss.riepilogo]
    assert tipi == ["progetto", "progetto", "progetto", "Totale Azione", "Totale Obiettivo", "Totale Indirizzo",
                    "Totale CDR"]
    by = {r.codice: r for r in ss.riepilogo if r.tipo == "progetto"}
    assert by["SS.1"].assorbimento == D("25.00") and by["SS.2"].assorbimento == D("75.00")
    assert by["SS.1"].azione.startswith("Rafforzare la rete")
    tot = ss.riepilogo[-1]
    assert tot.budget == D(4000) and tot.assorbimento == D("100.00")
    assert ss.totali.stato_spesa == D("87.5") and ss.totali.stato_entrata == D("25.0")
    fin = {s.obiettivo.codice: s.finanziario for s in ss.schede}
    assert fin["SS.1"][0].stato == D("50.0")
    assert fin["SS.3"][0].tipo == TipoRisorsa.ENTRATA and fin["SS.3"][0].stato == D("25.0")
    # every indicator of the CDR has a judgement
    assert all(ri.giudizio.esito for s in ss.schede for ri in s.indicatori)


def test_cli_allegato_with_a_note_and_bilancio_revenue(demo_path, tmp_path, capsys):
    _con_risorse(demo_path)
    out = tmp_path / "all"
    assert main(["allegato", str(demo_path), "--monitoraggio", "30/06/2025", "--nota", "14",
                 "Verbali degli incontri agli atti", "--out", str(out)]) == 0
    with Archive.open(demo_path, readonly=True) as arc:
        assert sa.note_rilevazioni(arc) == {1: {14: "Verbali degli incontri agli atti"}}
    pdf = PdfReader(out / "allegato-monitoraggio-30-06-2025.pdf")
    testo = " ".join(p.extract_text() for p in pdf.pages)
    assert "Verbali degli incontri agli atti" in testo
    assert "Totale Azione" in testo and "Totale CDR" in testo and "4.000,00" in testo
    assert "in linea" in testo
    assert {"Firma_Responsabile", "Firma_Nucleo"} <= set(pdf.get_fields() or {})
    capsys.readouterr()
    assert main(["bilancio", str(demo_path)]) == 0
    bil = capsys.readouterr().out
    assert "Entrate" in bil and "Accertato" in bil and "2.000,00" in bil and "25,0 %" in bil


def test_note_undoable_and_errors(demo_path, tmp_path, capsys):
    with Archive.open(demo_path) as arc:
        e = sa.imposta_nota(arc, 1, 14, "prima")
        arc.apply(e)
        assert sa.note_rilevazioni(arc)[1][14] == "prima"
        arc.revert(e)
        assert sa.note_rilevazioni(arc) == {}
    assert main(["allegato", str(demo_path), "--nota", "ZZZ", "x", "--out", str(tmp_path)]) == 2
    assert "Indicatore «ZZZ» non trovato" in capsys.readouterr().err
    assert main(["allegato", str(demo_path), "--monitoraggio", "01/01/2020", "--out", str(tmp_path)]) == 2
    assert "non trovato" in capsys.readouterr().err
