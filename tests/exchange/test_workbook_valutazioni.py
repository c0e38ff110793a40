"""Issue 10: the individual valuations and the organisational performance go through the workbook."""

from __future__ import annotations

import shutil
from decimal import Decimal

import openpyxl

from piaodesk.domain.model import PunteggioComportamento, ValutazioneIndividuale
from piaodesk.exchange.reimport import diff_workbook
from piaodesk.exchange.workbook import write_workbook
from piaodesk.store.archive import Archive
from piaodesk.store.valutazioni import QuadroValutazioni

PERSONA = "GRECO ANTONIO"


def _header(ws) -> dict[str, int]:
    return {c.value: c.column for c in ws[1] if c.value}


def _his_rows(ws, col) -> list[int]:
    return [r for r in range(2, ws.max_row + 1) if ws.cell(r, col["Persona"]).value == PERSONA]


def _fill(src, dst, scores) -> list[str]:
    """Write ``scores`` (in catalogue order) in GRECO ANTONIO's rows of «Comportamenti»."""
    wb = openpyxl.load_workbook(src)
    ws = wb["Comportamenti"]
    col = _header(ws)
    rows = _his_rows(ws, col)
    names = [ws.cell(r, col["Comportamento"]).value for r in rows]
    for r, s in zip(rows, scores, strict=True):
        ws.cell(r, col["Punteggio"]).value = s
    wb.save(dst)
    return names


def test_behaviour_scores_entered_in_the_sheet_complete_the_valuation(demo_path, tmp_path):
    out = tmp_path / "piano.xlsx"
    with Archive.open(demo_path) as arc:
        write_workbook(arc, out)
        pid = arc.trova_persona(PERSONA).id
        q = QuadroValutazioni(arc)
        before = q.persona(pid).esito
        assert before.stato == "incompleta" and "comportamenti" in before.mancanti[0]
        catalogo = [c.nome for c in q.sistema.comportamenti_di(q.categoria(q.persone[pid]))]
    # his four behaviours are in the sheet, one row each, ready to fill in
    wb = openpyxl.load_workbook(out)
    ws = wb["Comportamenti"]
    col = _header(ws)
    rows = _his_rows(ws, col)
    assert [ws.cell(r, col["Comportamento"]).value for r in rows] == catalogo and len(catalogo) == 4
    assert all(ws.cell(r, col["Punteggio"]).value is None for r in rows)
    edited = tmp_path / "compilato.xlsx"
    _fill(out, edited, [24, 27.5, 21, 30])
    with Archive.open(demo_path) as arc:
        plan = diff_workbook(arc, edited)
        assert not plan.bloccante, plan.report()
        assert sum(1 for d in plan.differenze if d.foglio == "Comportamenti") == 4
        plan.apply(arc)
        esito = QuadroValutazioni(arc).persona(pid).esito
        assert esito.stato == "completa", esito.mancanti
        vid = next(v.id for v in arc.select(ValutazioneIndividuale) if v.persona_id == pid)
        got = {x.comportamento: x.punteggio for x in arc.select(PunteggioComportamento)
               if x.valutazione_id == vid}
        assert got == dict(zip(catalogo, map(Decimal, ("24", "27.5", "21", "30")), strict=True))


def test_an_out_of_scale_behaviour_score_is_an_error_and_nothing_is_applied(demo_path, tmp_path):
    out = tmp_path / "piano.xlsx"
    copy = tmp_path / "copia.piao"
    shutil.copyfile(demo_path, copy)
    with Archive.open(copy) as arc:
        write_workbook(arc, out)
    edited = tmp_path / "fuori_scala.xlsx"
    names = _fill(out, edited, [24, 31, 21, 30])  # the demo's scale is 0-30
    with Archive.open(copy) as arc:
        plan = diff_workbook(arc, edited)
        errori = [p for p in plan.problemi if p.gravita == "errore"]
        assert len(errori) == 1 and plan.bloccante
        e = errori[0]
        assert e.foglio == "Comportamenti" and e.colonna == "Punteggio" and e.riga is not None
        assert names[1] in e.messaggio
        assert "[errore]" in plan.report()
        n = len(arc.select(PunteggioComportamento))
        stato = QuadroValutazioni(arc).persona(arc.trova_persona(PERSONA).id).esito.stato
    # the CLI refuses the file (exit 2): none of his four scores is written, the valid ones neither
    from piaodesk.cli import main

    assert main(["import", str(edited), "--into", str(copy)]) == 2
    with Archive.open(copy) as arc:
        assert len(arc.select(PunteggioComportamento)) == n
        assert QuadroValutazioni(arc).persona(arc.trova_persona(PERSONA).id).esito.stato == stato == "incompleta"

def test_a_person_as_their_own_evaluator_is_refused(demo_path, tmp_path):
    out = tmp_path / "piano.xlsx"
    with Archive.open(demo_path) as arc:
        write_workbook(arc, out)
    wb = openpyxl.load_workbook(out)
    ws = wb["Valutazioni individuali"]
    col = _header(ws)
    r = next(r for r in range(2, ws.max_row + 1) if ws.cell(r, col["Persona"]).value == PERSONA)
    ws.cell(r, col["Valutatore"]).value = PERSONA
    wb.save(tmp_path / "sestesso.xlsx")
    with Archive.open(demo_path) as arc:
        plan = diff_workbook(arc, tmp_path / "sestesso.xlsx")
    errori = [p for p in plan.problemi if p.gravita == "errore"]
    assert [(p.foglio, p.riga, p.colonna) for p in errori] == [("Valutazioni individuali", r, "Valutatore")]
    assert "sé stess" in errori[0].messaggio
