"""The portal's fields, risk level, programme code, roles (issue 18 points 2-4, 8) through both
layouts: exported, imported back without differences, bad cells refused by name (seed 001 grades
risk BASSA/MEDIA per row, L436/L452/L456/L501; seed 002 prints Responsabile Operativo and Fase, L166-L167)."""

from __future__ import annotations

import csv

import openpyxl

from piaodesk.domain.model import Indicatore, Obiettivo
from piaodesk.exchange import prepare_import
from piaodesk.exchange.portale import write_portale
from piaodesk.exchange.reimport import diff_workbook
from piaodesk.exchange.workbook import write_workbook
from piaodesk.store.edits import SetFields


def _ob(arc, code):
    return next(o for o in arc.obiettivi() if o.codice == code)


def test_portale_carries_the_portal_fields_and_reads_them_back(demo, empty_plan, tmp_path):
    ind = demo.indicatori(_ob(demo, "TS.1").id)[0]
    demo.apply(SetFields(Indicatore, ind.id, {"sottodimensione": "Efficienza temporale", "rilevante": True}))
    out = tmp_path / "portale.xlsx"
    write_portale(demo, out)
    ws = openpyxl.load_workbook(out).active
    head = [c.value for c in ws[1]]
    rows = [dict(zip(head, r, strict=True)) for r in ws.iter_rows(min_row=2, values_only=True)]
    ts1 = next(r for r in rows if r["Codice"] == "TS.1" and r["Indicatore"] == ind.descrizione)
    assert ts1["Rischio corruttivo"] == "MEDIA" and ts1["Misura di prevenzione"].startswith("Solo piattaforme")
    assert ts1["Tipologia PIAO"] == "Accessibilità digitale, Semplificazione"
    assert ts1["Sottodimensione"] == "Efficienza temporale" and ts1["Rilevante"] == "Sì"
    result = prepare_import(empty_plan, out)
    result.apply(empty_plan)
    got = _ob(empty_plan, "TS.1")
    assert (got.rischio_livello, got.rischio_corruttivo, got.accessibilita_digitale, got.semplificazione,
            got.pari_opportunita) == ("MEDIA", True, True, True, False)
    assert _ob(empty_plan, "PC.2").pari_opportunita
    gi = next(i for i in empty_plan.indicatori(got.id) if i.descrizione == ind.descrizione)
    assert gi.sottodimensione == "Efficienza temporale" and gi.rilevante
    assert prepare_import(empty_plan, out).edits == []  # imported back: no differences


def _csv(path, rows):
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, delimiter=";").writerows(rows)
    return path


def test_flat_risk_words_of_seed_001_and_unknown_ones(empty_plan, tmp_path):
    rows = [["Codice", "Obiettivo", "Indicatore", "Rischio corruttivo", "Tipologia PIAO"],
            ["R.1", "Uno", "i", "BASSO", "Pari opportunità"],            # L501
            ["R.2", "Due", "i", "CRITICITA' BASSA", ""],                 # L436
            ["R.3", "Tre", "i", "MEDIA", "performance; semplificazione"],
            ["R.4", "Quattro", "i", "ALTISSIMO", "Sostenibilità"]]
    result = prepare_import(empty_plan, _csv(tmp_path / "r.csv", rows))
    probs = {p.tipo: p for p in result.problemi}
    assert "ALTISSIMO" in probs["rischio_sconosciuto"].messaggio and probs["rischio_sconosciuto"].riga == 5
    assert "sostenibilita" in probs["tipologia_piao_sconosciuta"].messaggio
    result.apply(empty_plan)
    livelli = {o.codice: o.rischio_livello for o in empty_plan.obiettivi()}
    assert livelli == {"R.1": "BASSA", "R.2": "BASSA", "R.3": "MEDIA", "R.4": None}  # never guessed
    assert _ob(empty_plan, "R.1").pari_opportunita and _ob(empty_plan, "R.3").semplificazione


def test_workbook_round_trip_and_refused_cells(demo, tmp_path):
    op = _ob(demo, "OE0527")
    assert op.responsabile_operativo_id is not None and op.fase_approvazione == "Approvato"  # seed 002 L166-L167
    out = tmp_path / "piano.xlsx"
    write_workbook(demo, out)
    assert diff_workbook(demo, out).edits == []
    wb = openpyxl.load_workbook(out)
    ws = wb["Obiettivi"]
    head = [c.value for c in ws[1]]
    col = {h: i + 1 for i, h in enumerate(head)}
    codes = {ws.cell(row=r, column=col["Codice"]).value: r for r in range(2, ws.max_row + 1)}
    ws.cell(row=codes["PC.1"], column=col["Livello di rischio"]).value = "basso"
    ws.cell(row=codes["PC.1"], column=col["Codice programma (catalogo)"]).value = "11.1"
    ws.cell(row=codes["PL.1"], column=col["Livello di rischio"]).value = "forse"
    ws.cell(row=codes["PL.1"], column=col["Codice programma (catalogo)"]).value = "77.01"
    ws.cell(row=codes["PL.2"], column=col["Tipo di prodotto"]).value = "Prioritario"
    wb.save(out)
    plan = diff_workbook(demo, out)
    msgs = " | ".join(p.messaggio for p in plan.problemi)
    assert "«forse» sconosciuto" in msgs and "«77.01» non è un programma del catalogo" in msgs
    plan.apply(demo)
    pc1, pl1 = _ob(demo, "PC.1"), _ob(demo, "PL.1")
    assert (pc1.rischio_livello, pc1.programma_cod) == ("BASSA", "11.01")
    assert (pl1.rischio_livello, pl1.programma_cod) == (None, None)  # refused cells change nothing
    assert str(_ob(demo, "PL.2").tipo_prodotto) == "prioritario"
    assert isinstance(_ob(demo, "PL.2"), Obiettivo)


def test_flat_polarity_from_the_target_words_is_said(empty_plan, tmp_path):
    """Seed 001 L73-L76 and L162: «Inferiore al 45%», «Superiore al 53%», «≥ 2.400» carry the direction;
    with no «Polarità» column it is taken from them, and the import says so (issue 18 point 7)."""
    rows = [["Codice", "Obiettivo", "Indicatore", "Target 2025"],
            ["T.1", "Uno", "Rigidità strutturale", "Inferiore al 45%"],
            ["T.1", "Uno", "Autonomia finanziaria", "Superiore al 53%"],
            ["T.1", "Uno", "Reversali", "≥ 2.400"],
            ["T.1", "Uno", "Relazione", "Semestrale"]]
    result = prepare_import(empty_plan, _csv(tmp_path / "t.csv", rows))
    said = [p for p in result.problemi if p.tipo == "polarita_dal_target"]
    assert [p.riga for p in said] == [2, 3, 4] and "«Inferiore al»" in said[0].messaggio
    result.apply(empty_plan)
    pol = {i.descrizione: i.polarita.value for i in empty_plan.indicatori()}
    assert pol == {"Rigidità strutturale": "decrescente", "Autonomia finanziaria": "crescente",
                   "Reversali": "crescente", "Relazione": "crescente"}


def test_comune_of_objectives_and_indicators_round_trip(demo, tmp_path):
    """Issue 18 point 6: objectives and indicators per member Comune of the Unione."""
    ente = demo.ente()
    comuni = [e for e in demo.enti() if e.parent_id == ente.id]
    ob, ind = _ob(demo, "PC.1"), demo.indicatori(_ob(demo, "PC.1").id)[0]
    demo.apply(SetFields(Obiettivo, ob.id, {"comune_id": comuni[0].id}))
    demo.apply(SetFields(Indicatore, ind.id, {"comune_id": comuni[1].id}))
    out = tmp_path / "piano.xlsx"
    write_workbook(demo, out)
    assert diff_workbook(demo, out).edits == []
    wb = openpyxl.load_workbook(out)
    ws = wb["Obiettivi"]
    head = [c.value for c in ws[1]]
    col = head.index("Comune") + 1
    row = next(r for r in range(2, ws.max_row + 1) if ws.cell(row=r, column=2).value == "PC.1")
    assert ws.cell(row=row, column=col).value == comuni[0].nome
    ws.cell(row=row, column=col).value = comuni[1].nome.replace("Comune di ", "")  # the bare name
    row2 = next(r for r in range(2, ws.max_row + 1) if ws.cell(row=r, column=2).value == "PL.1")
    ws.cell(row=row2, column=col).value = "Comune di Atlantide"
    wb.save(out)
    plan = diff_workbook(demo, out)
    assert any(p.tipo == "comune_sconosciuto" and "Atlantide" in p.messaggio for p in plan.problemi)
    plan.apply(demo)
    assert _ob(demo, "PC.1").comune_id == comuni[1].id and _ob(demo, "PL.1").comune_id is None


def test_variations_travel_in_the_workbook(demo, empty_plan, tmp_path):
    """Issue 18 point 5: the demo's variation (act, reason, before/after) is exported, imported
    back without differences, and re-created in another plan as a closed record."""
    from piaodesk.store import variazioni as var

    out = tmp_path / "piano.xlsx"
    counts = write_workbook(demo, out)
    assert counts["Variazioni"] == 1
    assert diff_workbook(demo, out).edits == []
    ws = openpyxl.load_workbook(out)["Variazioni"]
    head = [c.value for c in ws[1]]
    row = dict(zip(head, [c.value for c in ws[2]], strict=True))
    assert row["Tipo di atto"] == "Deliberazione di Giunta" and row["Numero dell'atto"] == "98"
    assert "Giovani e Comuni" in row["Motivo"] and "Scadenza" in row["Modifiche (prima → dopo, JSON)"]
    # into another plan (as every sheet of the workbook: a row without ID is a new row)
    wb = openpyxl.load_workbook(out)
    wb["Variazioni"].cell(row=2, column=1).value = None
    only = tmp_path / "solo_variazioni.xlsx"
    for name in wb.sheetnames:
        if name not in ("Variazioni", "Istruzioni"):
            del wb[name]
    wb.save(only)
    plan = diff_workbook(empty_plan, only)
    plan.apply(empty_plan)
    v = var.elenco(empty_plan)[0]
    assert v.stato.value == "chiusa" and v.atto.startswith("Deliberazione di Giunta n. 98")
    assert var.voci(empty_plan, v) == var.voci(demo, var.elenco(demo)[0])
    assert var.aperta(empty_plan) is None
