"""Issue 18's «Done when», the workbook half: each point of the PIAO vocabulary that the app lets
one edit travels out and back through the workbook (round trip without differences), also the
parts that live outside the objectives' rows (member Comuni, the ente's calendar, the variations)."""

from __future__ import annotations

import openpyxl

from piaodesk.domain.model import Ente, Obiettivo
from piaodesk.exchange.reimport import diff_workbook
from piaodesk.exchange.workbook import write_workbook
from piaodesk.store.edits import SetFields


def _sheet_rows(path, name):
    ws = openpyxl.load_workbook(path)[name]
    head = [c.value for c in ws[1]]
    return head, [dict(zip(head, r, strict=True)) for r in ws.iter_rows(min_row=2, values_only=True)]


def _membri(arc):
    return [e for e in arc.enti() if e.parent_id == arc.piano().ente_id]


def test_member_comuni_travel_and_a_new_one_is_named_in_the_same_workbook(demo, tmp_path):
    """Seed 000 L66/L68 («Sindaci di Cavriago, Bibbiano, San Polo d'Enza e Canossa», «Sindaci di
    Campegine e Gattatico»): an Unione's objectives name its member Comuni. The «Comuni» sheet carries
    them (name, fiscal code); a Comune added there can be named by an objective's «Comune» cell of
    the same workbook; a fiscal code typed in the sheet is read back."""
    membri = _membri(demo)
    out = tmp_path / "piano.xlsx"
    assert write_workbook(demo, out)["Comuni"] == len(membri) == 2
    assert diff_workbook(demo, out).edits == []
    wb = openpyxl.load_workbook(out)
    ws = wb["Comuni"]
    ws.cell(row=2, column=3).value = "80012345678"
    ws.append([None, "Comune di Campegine", None])
    ob_ws = wb["Obiettivi"]
    head = [c.value for c in ob_ws[1]]
    col = head.index("Comune") + 1
    row = next(r for r in range(2, ob_ws.max_row + 1) if ob_ws.cell(row=r, column=2).value == "PC.1")
    ob_ws.cell(row=row, column=col).value = "Campegine"
    wb.save(out)
    plan = diff_workbook(demo, out)
    assert [p.testo() for p in plan.problemi if p.gravita == "errore"] == []
    plan.apply(demo)
    nuovo = next(e for e in _membri(demo) if e.nome == "Comune di Campegine")
    assert nuovo.tipo.value == "comune"
    assert next(e for e in demo.enti() if e.id == membri[0].id).codice_fiscale == "80012345678"
    assert next(o for o in demo.obiettivi() if o.codice == "PC.1").comune_id == nuovo.id
    write_workbook(demo, out)
    assert diff_workbook(demo, out).edits == []


def test_a_settore_file_leaves_the_comuni_out(demo, tmp_path):
    """The Unione's members are the whole entity's, not a settore's to edit (as «Valore pubblico»)."""
    out = tmp_path / "settore.xlsx"
    settore = next(u for u in demo.unita() if u.parent_id is None)
    counts = write_workbook(demo, out, settore=settore.id)
    assert "Comuni" not in counts and "Comuni" not in openpyxl.load_workbook(out).sheetnames


def test_a_comune_missing_from_the_sheet_is_only_proposed_for_removal(demo, tmp_path):
    """Deleting a row of «Comuni» proposes the removal (confirmed by the user), as every sheet does;
    the objectives naming it are then for the whole Unione (the reference is cleared)."""
    membro = _membri(demo)[0]
    ob = next(o for o in demo.obiettivi() if o.codice == "PC.1")
    demo.apply(SetFields(Obiettivo, ob.id, {"comune_id": membro.id}))
    out = tmp_path / "piano.xlsx"
    write_workbook(demo, out)
    wb = openpyxl.load_workbook(out)
    wb["Comuni"].delete_rows(2)
    wb.save(out)
    plan = diff_workbook(demo, out)
    assert plan.edits == [] and len(plan.rimozioni) == 1
    assert isinstance(demo.select(Ente, "id = ?", (membro.id,))[0], Ente)


def test_the_ente_calendar_travels_in_the_workbook(demo, tmp_path):
    """Seed 002 L1004/L1174 («richiesta di variazione entro il 30/09/2021»): the deadlines are the ente's own. The
    «Calendario» sheet carries the dates the ente moved or switched off, the bilancio's approval and the
    events of relative deadlines (seed 001 L158-L159 «entro 30 giorni dall'approvazione»); export → import
    changes nothing, an edited cell is read back, a bad one is refused by name."""
    from datetime import date

    from piaodesk.store import calendario as cal

    demo.apply(cal.imposta(demo, {"relazione": "15/06", "variazioni_peg": None}, date(2025, 3, 10)))
    edit, _ = cal.risolvi(demo, "approvazione del regolamento", date(2025, 4, 1))
    demo.apply(edit)
    before = (demo.impostazione(cal.CHIAVE), demo.impostazione(cal.CHIAVE_EVENTI))
    out = tmp_path / "piano.xlsx"
    write_workbook(demo, out)
    _head, rows = _sheet_rows(out, "Calendario")
    by = {r["Voce"]: r for r in rows}
    assert by["Relazione sulla performance"]["Data dell'ente (gg/mm)"] == "15/06"
    assert by["Ultime variazioni del PEG"]["Attiva"] == "No"
    assert by["Termine per le richieste di variazione degli obiettivi"]["Data di legge"] == "30/09"
    assert "Evento: approvazione del regolamento" in by
    plan = diff_workbook(demo, out)
    assert plan.edits == [] and plan.differenze == []
    wb = openpyxl.load_workbook(out)
    ws = wb["Calendario"]
    for r in range(2, ws.max_row + 1):
        voce = ws.cell(row=r, column=1).value
        if voce == "Monitoraggio intermedio":
            ws.cell(row=r, column=3).value = "31/07"
        elif voce == "Ultime variazioni del PEG":
            ws.cell(row=r, column=4).value = "Sì"
        elif voce == "Relazione sulla performance":
            ws.cell(row=r, column=3).value = "31/02"
    wb.save(out)
    plan = diff_workbook(demo, out)
    assert any("31/02" in p.messaggio and p.gravita == "errore" for p in plan.problemi)
    batch, _ = plan.apply(demo)
    giorni = {s.chiave: s.data for s in cal.scadenze(demo, 2025)}
    assert giorni["monitoraggio"] == date(2025, 7, 31) and giorni["variazioni_peg"] == date(2025, 12, 15)
    assert giorni["relazione"] == date(2026, 6, 15)  # the refused cell kept the ente's date
    assert demo.impostazione(cal.CHIAVE_EVENTI) == before[1]
    demo.revert(batch)  # one undoable step
    assert (demo.impostazione(cal.CHIAVE), demo.impostazione(cal.CHIAVE_EVENTI)) == before


def _variazione_row(path):
    _head, rows = _sheet_rows(path, "Variazioni")
    return rows


def test_a_recorded_variation_is_history_the_workbook_neither_rewrites_nor_removes_it(demo, tmp_path):
    """Seed 002 L1004 («presentare richiesta di variazione entro il 30/09/2021») and issue 18 point 5:
    a variation (act, reason, before/after) is the plan's history. Importing a workbook into the same
    plan: an edited record is refused by name, a row deleted from the sheet leaves the record in the
    plan (said), and a row whose ID was cleared is not added a second time."""
    from piaodesk.domain.variazioni import Variazione

    before = demo.select(Variazione)
    assert len(before) == 1
    out = tmp_path / "piano.xlsx"
    write_workbook(demo, out)
    wb = openpyxl.load_workbook(out)
    ws = wb["Variazioni"]
    head = [c.value for c in ws[1]]
    ws.cell(row=2, column=head.index("Motivo") + 1).value = "riscritto"
    wb.save(out)
    plan = diff_workbook(demo, out)
    assert plan.edits == []
    assert any(p.gravita == "errore" and "storia del piano" in p.messaggio for p in plan.problemi)
    # the row deleted: not proposed for removal, the import says the record stays
    wb = openpyxl.load_workbook(out)
    wb["Variazioni"].delete_rows(2)
    wb.save(out)
    plan = diff_workbook(demo, out)
    assert plan.edits == [] and plan.rimozioni == []
    assert any(p.tipo == "variazioni_restano" for p in plan.problemi)
    # the same record without its ID (as a copy from another plan's workbook): not doubled
    write_workbook(demo, out)
    wb = openpyxl.load_workbook(out)
    wb["Variazioni"].cell(row=2, column=1).value = None
    wb.save(out)
    plan = diff_workbook(demo, out)
    assert plan.edits == [] and any("c'è già una riga" in p.messaggio for p in plan.problemi)
    plan.apply(demo)
    assert demo.select(Variazione) == before


def test_a_variation_arrives_whole_in_another_plan(demo, empty_plan, tmp_path):
    """Issue 18 point 5 «round trip without differences»: every column of the record (act, number,
    date, reason, who, when opened and closed, the frozen before/after) arrives in another plan as a
    closed record."""
    import dataclasses

    from piaodesk.domain.variazioni import Variazione

    out = tmp_path / "piano.xlsx"
    write_workbook(demo, out)
    wb = openpyxl.load_workbook(out)
    for name in wb.sheetnames:
        if name not in ("Variazioni", "Istruzioni"):
            del wb[name]
    wb["Variazioni"].cell(row=2, column=1).value = None
    wb.save(out)
    diff_workbook(empty_plan, out).apply(empty_plan)
    (orig,), (got,) = demo.select(Variazione), empty_plan.select(Variazione)
    assert orig.stato.value == got.stato.value == "chiusa"
    assert dataclasses.replace(got, id=orig.id) == orig


def test_an_open_variation_reimported_changes_nothing(demo, tmp_path):
    """An open variation (its steps still being recorded) exported and read back: no edit, no
    problem (the «storia» refusal is only for a real change); the sheet carries the changes it has
    recorded so far (as a closed one carries its frozen list)."""
    from datetime import date

    from piaodesk.domain.variazioni import Variazione
    from piaodesk.store import variazioni as var

    demo.apply(var.ApriVariazione(Variazione(atto_tipo="Delibera", atto_numero="5", atto_data=date(2025, 5, 5),
                                             motivo="prova")))
    ob = next(o for o in demo.obiettivi() if o.codice == "FIN.1")
    demo.apply(SetFields(Obiettivo, ob.id, {"titolo": "Rendiconto spese per sanzioni (variato)"}))
    out = tmp_path / "piano.xlsx"
    write_workbook(demo, out)
    plan = diff_workbook(demo, out)
    assert plan.edits == [] and plan.problemi == [], plan.report()
    # its changes so far are in the sheet: another plan gets them in its closed copy
    _head, rows = _sheet_rows(out, "Variazioni")
    riga = next(r for r in rows if r["Numero dell'atto"] == "5")
    assert "sanzioni (variato)" in riga["Modifiche (prima → dopo, JSON)"]


def test_portale_product_kind_read_back(demo, empty_plan, tmp_path):
    """Seed 004 L89/L1151 («Prodotto», «Prodotto Prioritario»): the portale layout writes the product kind
    first in «Tipologia PIAO»; read back it is the kind again (not an «unknown tipologia»), in another
    plan and, unchanged, in the same one."""
    from piaodesk.exchange import prepare_import
    from piaodesk.exchange.portale import write_portale

    ts1 = next(o for o in demo.obiettivi() if o.codice == "TS.1")
    demo.apply(SetFields(Obiettivo, ts1.id, {"tipo_prodotto": "prioritario"}))
    out = tmp_path / "portale.xlsx"
    write_portale(demo, out)
    _head, rows = _sheet_rows(out, "Obiettivi e indicatori")
    assert next(r for r in rows if r["Codice"] == "TS.1")["Tipologia PIAO"].startswith("Prodotto prioritario")
    result = prepare_import(empty_plan, out)
    assert not [p for p in result.problemi if p.tipo == "tipologia_piao_sconosciuta"]
    result.apply(empty_plan)
    got = next(o for o in empty_plan.obiettivi() if o.codice == "TS.1")
    assert str(got.tipo_prodotto) == "prioritario" and got.accessibilita_digitale and got.semplificazione
    again = prepare_import(demo, out)
    assert not [p for p in again.problemi if p.tipo == "tipologia_piao_sconosciuta"]
    assert not [d for d in again.differenze if d.chiave == "TS.1"]


def _cell_rows(ws, key_col: str, key: str):
    head = [c.value for c in ws[1]]
    col = head.index(key_col) + 1
    return head, next(r for r in range(2, ws.max_row + 1) if ws.cell(row=r, column=col).value == key)


def test_target_grammar_travels_as_written(demo, tmp_path):
    """Seed 001 L158-L159 («entro 30 giorni dall'approvazione») and L95 («Aumento tendenziale … rispetto
    al biennio 2021-2022»): a relative deadline and a trend target go out and come back as written
    (no difference); a «Scadenza relativa» cell that is no relative deadline is refused by name."""
    from piaodesk.domain.model import Fase, Misura

    ob = next(o for o in demo.obiettivi() if o.codice == "FIN.1")
    fase = next(f for f in demo.select(Fase) if f.obiettivo_id == ob.id)
    rel = "entro 30 giorni dall'approvazione del bilancio"
    demo.apply(SetFields(Fase, fase.id, {"scadenza_relativa": rel}))
    ind = demo.indicatori(ob.id)[0]
    trend = "Aumento tendenziale rispetto al biennio 2021-2022"
    m = next(x for x in demo.select(Misura) if x.indicatore_id == ind.id and x.anno == 2025 and not x.periodo)
    demo.apply(SetFields(Misura, m.id, {"target_testo": trend, "target": None}))
    out = tmp_path / "piano.xlsx"
    write_workbook(demo, out)
    assert diff_workbook(demo, out).edits == []
    wb = openpyxl.load_workbook(out)
    ws = wb["Fasi"]
    head, row = _cell_rows(ws, "ID", fase.id)
    assert ws.cell(row=row, column=head.index("Scadenza relativa") + 1).value == rel
    ws.cell(row=row, column=head.index("Scadenza relativa") + 1).value = "quando capita"
    wsi = wb["Indicatori"]
    ihead, irow = _cell_rows(wsi, "ID", ind.id)
    assert wsi.cell(row=irow, column=ihead.index("Target 2025") + 1).value == trend
    wb.save(out)
    plan = diff_workbook(demo, out)
    assert any("quando capita" in p.messaggio for p in plan.problemi) and plan.edits == []


def test_parametri_travel_with_their_reference_date(demo, tmp_path):
    """Seed 001 L138-L143 («numero di reversali di incasso (2.267 al 31.12.2022)»): the «Parametri» sheet
    carries each volume with its reference date and the text as the plan wrote it; read back, no
    difference; a changed date is one edit."""
    from datetime import date

    from piaodesk.domain.parametri import ParametroServizio

    out = tmp_path / "piano.xlsx"
    write_workbook(demo, out)
    assert diff_workbook(demo, out).edits == []
    wb = openpyxl.load_workbook(out)
    ws = wb["Parametri"]
    head = [c.value for c in ws[1]]
    rows = [dict(zip(head, [c.value for c in r], strict=True)) for r in ws.iter_rows(min_row=2)]
    rev = next(r for r in rows if str(r["Parametro"]).startswith("numero di reversali"))
    assert rev["Valore"] == 2267 and rev["Al (data)"].date() == date(2022, 12, 31)
    n = rows.index(rev) + 2
    ws.cell(row=n, column=head.index("Al (data)") + 1).value = date(2023, 12, 31)
    wb.save(out)
    plan = diff_workbook(demo, out)
    assert len(plan.edits) == 1
    plan.apply(demo)
    got = next(p for p in demo.select(ParametroServizio) if p.id == rev["ID"])
    assert got.data_riferimento == date(2023, 12, 31) and got.valore == 2267
