"""One-pass template: units, people, objectives, indicators and their half-year measures in one
workbook; the words of real documents; percentages read as people mean them, or a warning."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from piaodesk.domain.enums import Aggregazione, Polarita, TipoIndicatore, TipoUnita
from piaodesk.domain.model import Indicatore, Unita
from piaodesk.exchange.reimport import diff_workbook
from piaodesk.exchange.workbook import write_template, write_workbook
from piaodesk.store.edits import SetFields


def _put(ws, **cells) -> int:
    """Append a row given as {header: value}; returns its row number."""
    heads = {c.value: c.column for c in ws[1] if c.value}
    row = [None] * len(heads)
    for label, value in cells.items():
        row[heads[label.replace("_", " ")] - 1] = value
    ws.append(row)
    return ws.max_row


def _cell(ws, row: int, label: str):
    heads = {c.value: c.column for c in ws[1] if c.value}
    return ws.cell(row=row, column=heads[label])


def _errors(plan) -> list[str]:
    return [p.testo() for p in plan.problemi if p.gravita == "errore"]


@pytest.fixture
def template(tmp_path: Path) -> Path:
    out = tmp_path / "modello.xlsx"
    write_template(out, [2025, 2026, 2027])
    return out


def test_one_pass_fills_a_plan_from_zero(empty_plan, template):
    wb = openpyxl.load_workbook(template)
    assert {"Unità", "Personale", "Assegnazioni", "Misure periodiche"} <= set(wb.sheetnames)
    u = wb["Unità"]
    _put(u, **{"Codice (CdR)": "RA01", "Nome": "Settore Affari generali", "Tipo": "Settore",
               "Responsabile": "Rossi Maria"})
    _put(u, **{"Codice (CdR)": "RA01.1", "Nome": "Servizio protocollo", "Tipo": "servizio",
               "Unità superiore": "Settore Affari generali"})
    _put(wb["Personale"], Cognome="Rossi", Nome="Maria", **{"Settore/Unità": "Servizio protocollo"})
    _put(wb["Obiettivi"], Codice="OB.1", Titolo="Digitalizzare il protocollo", Peso=30,
         Responsabile="Rossi Maria", **{"Settore/Unità": "Settore Affari generali"})
    _put(wb["Indicatori"], **{"Codice obiettivo": "OB.1", "Codice indicatore": "I1",
                              "Indicatore": "Tempo medio di protocollazione", "Tipo": "Numerico",
                              "Polarità": "Negativo", "Aggregazione periodi": "Media",
                              "Target 2025": 3})
    _put(wb["Indicatori"], **{"Codice obiettivo": "OB.1", "Codice indicatore": "I2",
                              "Indicatore": "Documenti protocollati", "Polarità": "Positivo",
                              "Aggregazione periodi": "Ultimo", "Tipo": "%"})
    mp = wb["Misure periodiche"]
    _put(mp, **{"Codice indicatore": "I1", "Anno": 2025, "Periodo": "Giugno",
                "Data di riferimento": datetime(2025, 6, 30), "Target": 4, "Valore": 5})
    _put(mp, **{"Codice indicatore": "I1", "Anno": 2025, "Periodo": "Dicembre", "Target": 3,
                "Valore": 2})
    _put(wb["Assegnazioni"], **{"Codice obiettivo": "OB.1", "Persona": "Rossi Maria", "Impegno": 30,
                                "Responsabile": "Sì"})
    _put(wb["Monitoraggi"], Nome="Primo semestre", Data=datetime(2025, 6, 30), Anno=2025)
    _put(wb["Rilevazioni"], **{"Monitoraggio": "Primo semestre", "Codice indicatore": "I2",
                               "Target": "80%", "Valore": 75})
    _put(wb["Stati di avanzamento"], **{"Monitoraggio": "Primo semestre", "Codice obiettivo": "OB.1",
                                        "Relazione del settore": "In linea con il cronoprogramma"})
    _put(wb["Valutazioni"], **{"Codice obiettivo": "OB.1", "Anno": 2025, "Punteggio": 27,
                               "Valutatore": "Nucleo di Valutazione"})
    wb.save(template)

    plan = diff_workbook(empty_plan, template)
    assert _errors(plan) == [], plan.report()
    assert [p for p in plan.problemi if p.gravita == "avviso"] == [], plan.report()
    plan.apply(empty_plan)

    units = {u.nome: u for u in empty_plan.unita()}
    sett, serv = units["Settore Affari generali"], units["Servizio protocollo"]
    assert (sett.codice, sett.tipo, serv.tipo, serv.parent_id) == ("RA01", TipoUnita.SETTORE,
                                                                   TipoUnita.SERVIZIO, sett.id)
    rossi = empty_plan.persone()[0]
    assert rossi.unita_id == serv.id and sett.responsabile_id == rossi.id
    ob = empty_plan.obiettivi()[0]
    assert ob.peso == Decimal(30) and ob.unita_id == sett.id and ob.responsabile_id == rossi.id
    i1, i2 = empty_plan.indicatori(ob.id)
    assert (i1.polarita, i1.aggregazione, i1.tipo) == (Polarita.DECRESCENTE, Aggregazione.MEDIA,
                                                       TipoIndicatore.NUMERO)
    assert (i2.polarita, i2.aggregazione, i2.tipo) == (Polarita.CRESCENTE, Aggregazione.ULTIMO,
                                                       TipoIndicatore.PERCENTUALE)
    periodi = {(m.periodo, m.target, m.valore) for m in empty_plan.misure([i1.id]) if m.periodo}
    assert periodi == {("Giugno", 4, 5), ("Dicembre", 3, 2)}
    asg = empty_plan.assegnazioni(ob.id)[0]
    assert (asg.persona_id, asg.impegno, asg.responsabile) == (rossi.id, Decimal(30), True)
    from piaodesk.domain.model import RilevazioneIndicatore, StatoAvanzamento, Valutazione

    (rnd,) = empty_plan.monitoraggi()
    (ril,) = empty_plan.select(RilevazioneIndicatore)
    assert (ril.monitoraggio_id, ril.indicatore_id, ril.target_testo, ril.target, ril.valore) == (
        rnd.id, i2.id, "80%", Decimal(80), Decimal(75))
    (stato,) = empty_plan.select(StatoAvanzamento)
    assert (stato.obiettivo_id, stato.relazione_settore) == (ob.id, "In linea con il cronoprogramma")
    (val,) = empty_plan.select(Valutazione)
    assert (val.obiettivo_id, val.anno, val.punteggio) == (ob.id, 2025, Decimal(27))
    # and the export of what was built reads back without a difference
    again = template.with_name("di-nuovo.xlsx")
    write_workbook(empty_plan, again)
    assert diff_workbook(empty_plan, again).differenze == []


def test_units_and_people_sheets_update(demo, tmp_path):
    out = tmp_path / "piano.xlsx"
    write_workbook(demo, out)
    wb = openpyxl.load_workbook(out)
    u = wb["Unità"]
    row = next(r for r in range(2, u.max_row + 1)
               if _cell(u, r, "Nome").value == "SETTORE FINANZIARIO")
    _cell(u, row, "Codice (CdR)").value = "RF01"
    _cell(u, row, "Tipo").value = "Area"
    # the sheet of people may be called «Persone», as many documents do
    wb["Personale"].title = "Persone"
    p = wb["Persone"]
    _cell(p, 2, "Email").value = "nuova@esempio.invalid"
    pid = _cell(p, 2, "ID").value
    wb.save(out)
    plan = diff_workbook(demo, out)
    assert plan.conta_differenze() == {"modifica": 2}, plan.report()
    plan.apply(demo)
    fin = next(x for x in demo.unita() if x.nome == "SETTORE FINANZIARIO")
    assert (fin.codice, fin.tipo) == ("RF01", TipoUnita.AREA)
    assert demo.get(type(demo.persone()[0]), pid).email == "nuova@esempio.invalid"


def _score(arc, oid: int) -> Decimal:
    """The computed % of a scheda, as the engine rolls it up (2 decimals)."""
    return arc.perc_avanzamento(oid, 2025).quantize(Decimal("0.01"))


def test_polarity_words_of_the_documents_pin_10701(demo, tmp_path):
    """«Negativo» in the Polarità column is decrescente: 10701 scores 98,51, not 88,72."""
    scheda = next(o for o in demo.obiettivi() if o.codice == "10701")
    inds = [i for oid in demo.discendenti(scheda.id, include_self=True) for i in demo.indicatori(oid)]
    tempo = next(i for i in inds if i.descrizione.startswith("Tempo medio di risposta"))
    assert tempo.polarita == Polarita.DECRESCENTE
    assert _score(demo, scheda.id) == Decimal("98.51")
    out = tmp_path / "piano.xlsx"
    write_workbook(demo, out)
    # the indicator as a first import left it (default polarity), then the words of the scheda
    demo.apply(SetFields(Indicatore, tempo.id, {"polarita": Polarita.CRESCENTE}))
    assert _score(demo, scheda.id) == Decimal("88.72")
    wb = openpyxl.load_workbook(out)
    ws = wb["Indicatori"]
    ids = {i.id: i for i in inds}
    for r in range(2, ws.max_row + 1):
        ind = ids.get(_cell(ws, r, "ID").value)
        if ind is not None:
            _cell(ws, r, "Polarità").value = ("Negativo" if ind.polarita == Polarita.DECRESCENTE
                                              else "Positivo")
    wb.save(out)
    plan = diff_workbook(demo, out)
    assert [p.testo() for p in plan.problemi if p.gravita != "info"] == []
    assert plan.conta_differenze() == {"modifica": 1}, plan.report()
    plan.apply(demo)
    assert demo.get(Indicatore, tempo.id).polarita == Polarita.DECRESCENTE
    assert _score(demo, scheda.id) == Decimal("98.51")


@pytest.mark.parametrize("value,formatted,expected,warned", [
    (30, False, Decimal(30), False),          # a plain 30 is 30 %
    ("30%", False, Decimal(30), False),
    (0.3, True, Decimal(30), False),          # 0,3 in a cell formatted as % is 30 %
    (0.3, False, Decimal("0.3"), True),       # 0,3 in a plain cell: 0,3 %, and said so
    ("0,3", False, Decimal("0.3"), True),
    (30, True, None, False),                  # 30 in a % cell shows 3000 %: refused (0–100)
])
def test_percent_columns(empty_plan, template, value, formatted, expected, warned):
    wb = openpyxl.load_workbook(template)
    ws = wb["Obiettivi"]
    row = _put(ws, Codice="OB.1", Titolo="Obiettivo")
    c = _cell(ws, row, "Peso")
    c.value = value
    c.number_format = "0.00%" if formatted else "General"
    row_f = _put(wb["Fasi"], **{"Codice obiettivo": "OB.1", "Descrizione fase": "Fase"})
    f = _cell(wb["Fasi"], row_f, "% realizzazione")
    f.value = value
    f.number_format = "0%" if formatted else "General"
    wb.save(template)
    plan = diff_workbook(empty_plan, template)
    avvisi = [p for p in plan.problemi if p.tipo == "percentuale_ambigua"]
    if warned:
        assert {(p.foglio, p.riga, p.colonna) for p in avvisi} == {("Obiettivi", row, "Peso"),
                                                                   ("Fasi", row_f, "% realizzazione")}
        assert all("%" in p.messaggio for p in avvisi)
    else:
        assert avvisi == []
    if expected is None:  # out of the 0–100 range (domain/validazione.py): said, field empty
        fuori = {(p.foglio, p.colonna) for p in plan.problemi if "tra 0 e 100" in p.messaggio}
        assert fuori == {("Obiettivi", "Peso"), ("Fasi", "% realizzazione")}
    plan.apply(empty_plan)
    ob = empty_plan.obiettivi()[0]
    assert ob.peso == expected
    assert empty_plan.fasi(ob.id)[0].perc_realizzazione == expected


def test_measure_with_unknown_or_ambiguous_indicator_code_is_an_error(empty_plan, template):
    wb = openpyxl.load_workbook(template)
    _put(wb["Obiettivi"], Codice="OB.1", Titolo="Obiettivo")
    for desc in ("Primo", "Secondo"):
        _put(wb["Indicatori"], **{"Codice obiettivo": "OB.1", "Codice indicatore": "X",
                                  "Indicatore": desc})
    r1 = _put(wb["Misure periodiche"], **{"Codice indicatore": "X", "Anno": 2025, "Periodo": "Giugno"})
    r2 = _put(wb["Misure periodiche"], **{"Codice indicatore": "Y", "Anno": 2025, "Periodo": "Giugno"})
    wb.save(template)
    plan = diff_workbook(empty_plan, template)
    errs = {(p.riga, p.colonna): p.messaggio for p in plan.problemi if p.gravita == "errore"}
    assert "2 indicatori" in errs[(r1, "Codice indicatore")]
    assert "«Y» non trovato" in errs[(r2, "Codice indicatore")]


def test_unit_cycle_is_refused(demo, tmp_path):
    out = tmp_path / "piano.xlsx"
    parent = Unita(nome="Area", tipo=TipoUnita.AREA)
    from piaodesk.store.edits import InsertRow

    demo.apply(InsertRow(parent))
    area = next(u for u in demo.unita() if u.nome == "Area")
    fin = next(u for u in demo.unita() if u.nome == "SETTORE FINANZIARIO")
    demo.apply(SetFields(Unita, fin.id, {"parent_id": area.id}))
    write_workbook(demo, out)
    wb = openpyxl.load_workbook(out)
    u = wb["Unità"]
    row = next(r for r in range(2, u.max_row + 1) if _cell(u, r, "Nome").value == "Area")
    _cell(u, row, "Unità superiore").value = "SETTORE FINANZIARIO"
    wb.save(out)
    plan = diff_workbook(demo, out)
    assert any(p.riga == row and p.colonna == "Unità superiore" for p in plan.problemi)
    assert plan.edits == []


def test_refused_word_in_a_new_row_says_what_the_row_gets(empty_plan, template):
    wb = openpyxl.load_workbook(template)
    _put(wb["Obiettivi"], Codice="OB.1", Titolo="Obiettivo")
    row = _put(wb["Indicatori"], **{"Codice obiettivo": "OB.1", "Indicatore": "Pratiche",
                                    "Polarità": "Boh"})
    wb.save(template)
    plan = diff_workbook(empty_plan, template)
    msgs = [p.testo() for p in plan.problemi if p.colonna == "Polarità"]
    assert len(msgs) == 1 and f"riga {row}" in msgs[0] and "«Boh»" in msgs[0]
    assert "in una riga nuova vale «Crescente (più è meglio)»" in msgs[0]


def test_cli_template_then_import_in_one_pass(tmp_path):
    """`piaodesk nuovo`, `piaodesk template`, fill in, `piaodesk import`: units, people,
    indicators and their half-year values in one go."""
    from piaodesk.cli import main
    from piaodesk.store.archive import Archive

    plan, tpl = tmp_path / "nuovo.piao", tmp_path / "modello.xlsx"
    assert main(["nuovo", str(plan), "--ente", "Comune di Prova", "--anno", "2026"]) == 0
    assert main(["template", str(tpl), "--anno", "2026"]) == 0
    wb = openpyxl.load_workbook(tpl)
    _put(wb["Unità"], Nome="Settore Tecnico", Tipo="Settore")
    _put(wb["Personale"], Cognome="Bianchi", Nome="Luca", **{"Settore/Unità": "Settore Tecnico"})
    _put(wb["Obiettivi"], Codice="T.1", Titolo="Manutenzioni", Peso=100,
         **{"Settore/Unità": "Settore Tecnico", "Responsabile": "Bianchi Luca"})
    _put(wb["Indicatori"], **{"Codice obiettivo": "T.1", "Codice indicatore": "T.1.a",
                              "Indicatore": "Giorni medi di intervento", "Polarità": "Negativo",
                              "Aggregazione periodi": "Media", "Target 2026": 10})
    for periodo, valore in (("Giugno", 12), ("Dicembre", 8)):
        _put(wb["Misure periodiche"], **{"Codice indicatore": "T.1.a", "Anno": 2026,
                                         "Periodo": periodo, "Valore": valore})
    wb.save(tpl)
    assert main(["import", str(tpl), "--into", str(plan)]) == 0
    with Archive.open(plan) as arc:
        ob = arc.obiettivi()[0]
        ind = arc.indicatori(ob.id)[0]
        assert arc.get(Unita, ob.unita_id).nome == "Settore Tecnico"
        assert ind.polarita == Polarita.DECRESCENTE
        assert sorted((m.periodo, m.valore) for m in arc.misure([ind.id]) if m.periodo) == [
            ("Dicembre", 8), ("Giugno", 12)]
        # the year's value rolls up from the half-years by the indicator's aggregation (media)
        ris = arc.risultato_obiettivo(ob.id, 2026).indicatori[0]
        assert ris.annuale.valore == 10


def test_rounds_and_valuations_keep_the_plan_rules(demo, tmp_path):
    """A closed round is not changed from a workbook; a validated % different from the computed
    one needs its reason; a second valuation of the same objective and year is refused."""
    from piaodesk.domain.enums import StatoMonitoraggio
    from piaodesk.domain.model import Monitoraggio

    out = tmp_path / "piano.xlsx"
    first, second = demo.monitoraggi()
    demo.apply(SetFields(Monitoraggio, first.id, {"stato": StatoMonitoraggio.CHIUSO}))
    write_workbook(demo, out)
    wb = openpyxl.load_workbook(out)
    st = wb["Stati di avanzamento"]
    closed_row = next(r for r in range(2, st.max_row + 1)
                      if _cell(st, r, "ID monitoraggio").value == first.id)
    _cell(st, closed_row, "Osservazioni del Nucleo").value = "Osservazione tardiva"
    open_row = next(r for r in range(2, st.max_row + 1)
                    if _cell(st, r, "ID monitoraggio").value == second.id)
    _cell(st, open_row, "% validata").value = 55
    _cell(st, open_row, "Motivo della % validata").value = None
    va = wb["Valutazioni"]
    code, anno = _cell(va, 2, "Codice obiettivo").value, _cell(va, 2, "Anno").value
    dup = _put(va, **{"Codice obiettivo": code, "Anno": anno, "Punteggio": 12})
    wb.save(out)
    plan = diff_workbook(demo, out)
    errs = {(p.foglio, p.riga): p.messaggio for p in plan.problemi if p.gravita == "errore"}
    assert "è chiuso" in errs[("Stati di avanzamento", closed_row)]
    assert "motivazione" in errs[("Stati di avanzamento", open_row)]
    assert "c'è già una riga" in errs[("Valutazioni", dup)]
    assert plan.edits == []


def test_flat_table_reads_the_same_polarity_words(empty_plan, tmp_path):
    """The flat PIAO table uses the one vocabulary of domain/enums.py too."""
    from piaodesk.exchange import prepare_import

    path = tmp_path / "tabella.csv"
    rows = ["Codice;Obiettivo;Indicatore;Polarità;Target 2025",
            "1.1;Servizi demografici;Tempo medio di attesa;Negativo;10",
            ";;Certificati rilasciati;Positivo;100",
            ";;Reclami;boh;5"]
    path.write_text("\r\n".join(rows) + "\r\n", encoding="utf-8")
    plan = prepare_import(empty_plan, path)
    avvisi = [p for p in plan.problemi if p.tipo == "polarita_sconosciuta"]
    assert len(avvisi) == 1 and avvisi[0].riga == 4 and "«boh»" in avvisi[0].messaggio
    plan.apply(empty_plan)
    pol = {i.descrizione: i.polarita for i in empty_plan.indicatori()}
    assert pol == {"Tempo medio di attesa": Polarita.DECRESCENTE,
                   "Certificati rilasciati": Polarita.CRESCENTE, "Reclami": Polarita.CRESCENTE}


def test_piano_sheet_changes_the_plan_within_its_rules(demo, tmp_path):
    from piaodesk.domain.enums import TRANSIZIONI_STATO, StatoPiano, TipoEnte

    out = tmp_path / "piano.xlsx"
    write_workbook(demo, out)
    wb = openpyxl.load_workbook(out)
    ws = wb["Piano"]
    assert ws.max_row == 2 and _cell(ws, 2, "Titolo del piano").value == demo.piano().titolo
    _cell(ws, 2, "Numero dell'atto").value = "123"
    _cell(ws, 2, "Tipo di ente").value = "Unione"
    wb.save(out)
    plan = diff_workbook(demo, out)
    assert plan.conta_differenze() == {"modifica": 1}, plan.report()
    plan.apply(demo)
    assert demo.piano().atto_numero == "123" and demo.ente().tipo == TipoEnte.UNIONE
    # a jump of state that the program itself does not allow is refused, nothing changes
    stato = demo.piano().stato
    far = next(s for s in StatoPiano if s != stato and s not in TRANSIZIONI_STATO[stato])
    _cell(ws, 2, "Stato del piano").value = far.label
    wb.save(out)
    plan = diff_workbook(demo, out)
    errs = [p for p in plan.problemi if p.gravita == "errore"]
    assert len(errs) == 1 and errs[0].foglio == "Piano" and "non può passare" in errs[0].messaggio
    assert plan.edits == []
    _cell(ws, 2, "Stato del piano").value = stato.label
    _cell(ws, 2, "Anno finale").value = 2000
    wb.save(out)
    plan = diff_workbook(demo, out)
    assert [p.messaggio for p in plan.problemi if p.gravita == "errore"] == [
        "l'anno finale non può precedere l'anno iniziale: il piano non è stato cambiato"]


def test_a_required_cell_left_empty_is_said_and_changes_nothing(demo, tmp_path):
    """Titles, names, years cannot be emptied from a workbook: a warning naming the cell, and the
    plan keeps its value (no crash when the edits are applied)."""
    out = tmp_path / "piano.xlsx"
    write_workbook(demo, out)
    wb = openpyxl.load_workbook(out)
    blank = [("Obiettivi", "Titolo"), ("Personale", "Cognome"), ("Monitoraggi", "Nome"),
             ("Piano", "Anno iniziale"), ("Piano", "Ente"), ("Valutazioni", "Anno"), ("Unità", "Nome")]
    for sheet, label in blank:
        _cell(wb[sheet], 2, label).value = None
    wb.save(out)
    before = demo.counts()
    plan = diff_workbook(demo, out)
    said = {(p.foglio, p.riga, p.colonna) for p in plan.problemi if p.tipo == "valore_obbligatorio"}
    assert said == {(sheet, 2, label) for sheet, label in blank}
    assert plan.edits == []
    plan.apply(demo)
    assert demo.counts() == before
