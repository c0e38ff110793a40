"""Obiettivi di valore pubblico through the exchange boundary (issue 18 point 1): the portal layout's
own column (anchors-domain §1.2, «Obiettivo di valore pubblico»), the workbook's «Valore pubblico»
sheet, and both imported back without differences."""

from __future__ import annotations

import openpyxl

from piaodesk.exchange import prepare_import
from piaodesk.exchange.portale import write_portale
from piaodesk.exchange.reimport import diff_workbook
from piaodesk.exchange.workbook import write_workbook
from piaodesk.store import valore_pubblico as vp


def _links(arc) -> set[tuple[str, str]]:
    codes = {o.id: o.codice for o in arc.obiettivi()}
    vps = {v.id: v.codice for v in vp.elenco(arc)}
    return {(vps[x.vp_id], codes[x.obiettivo_id]) for x in vp.legami(arc)}


def test_portale_column_holds_the_values_served_not_the_top_title(demo, tmp_path):
    out = tmp_path / "portale.xlsx"
    write_portale(demo, out)
    ws = openpyxl.load_workbook(out).active
    head = [c.value for c in ws[1]]
    assert head[1] == "Obiettivo di valore pubblico" and head[-1] == "Obiettivo superiore"
    rows = {r[0]: r for r in ws.iter_rows(min_row=2, values_only=True)}
    assert rows["TS.1"][1] == "VP1 Un'amministrazione digitale, trasparente e tempestiva"
    assert rows["SS.1"][1] == "VP3 Servizi sociali accessibili e vicini alle famiglie"  # inherited
    assert rows["SS.1"][-1] == "SS.0"
    assert rows["PC.2"][1] is None  # serves no value: empty, never the top objective's title
    assert rows["FIN.1"][1] is None


def test_portale_export_into_an_empty_plan_recreates_values_and_links(demo, empty_plan, tmp_path):
    out = tmp_path / "portale.xlsx"
    write_portale(demo, out)
    result = prepare_import(empty_plan, out)
    nuovi = [p for p in result.problemi if p.tipo == "valore_pubblico_nuovo"]
    assert len(nuovi) == 3 and all(p.gravita == "info" for p in nuovi)  # said, not silent
    result.apply(empty_plan)
    assert [(v.codice, v.titolo) for v in vp.elenco(empty_plan)] == [(v.codice, v.titolo) for v in vp.elenco(demo)]
    assert _links(empty_plan) == _links(demo)  # children inherit: no extra direct links
    again = prepare_import(empty_plan, out)
    assert again.edits == [] and "Nessuna modifica" in (again.nota or "")


def test_workbook_sheet_round_trip_and_edits(demo, tmp_path):
    out = tmp_path / "piano.xlsx"
    counts = write_workbook(demo, out)
    assert counts["Valore pubblico"] == 3
    assert diff_workbook(demo, out).edits == []
    wb = openpyxl.load_workbook(out)
    ws = wb["Valore pubblico"]
    head = [c.value for c in ws[1]]
    col = head.index("Obiettivi collegati (codici)") + 1
    assert ws.cell(row=2, column=col).value == "TS.1; TS.2; OE0527"
    ws.cell(row=2, column=col).value = "TS.1; TS.2; OE0527; FIN.1"
    ws.cell(row=3, column=col).value = "PC.1; NON.ESISTE"
    ws.append([None, "VP4", "Sostenibilità ambientale"] + [None] * (len(head) - 3))
    wb.save(out)
    plan = diff_workbook(demo, out)
    assert any(p.tipo == "obiettivo_sconosciuto" and "NON.ESISTE" in p.messaggio for p in plan.problemi)
    plan.apply(demo)
    assert ("VP1", "FIN.1") in _links(demo)
    assert ("VP2", "PL.1") in _links(demo)  # the row with an unknown code was left as it was
    assert [v.codice for v in vp.elenco(demo)][-1] == "VP4"


def test_settore_workbook_leaves_the_values_out(demo, tmp_path):
    out = tmp_path / "settore.xlsx"
    counts = write_workbook(demo, out, settore="SETTORE FINANZIARIO")
    assert "Valore pubblico" not in counts
    assert "Valore pubblico" not in openpyxl.load_workbook(out).sheetnames
