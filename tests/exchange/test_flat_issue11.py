"""Issue 11, flat imports: linear, repeatable, real layouts.

* seed 000 exactly as delivered (``data/seed000_completo.txt``, a byte copy of
  ``000_b08630932ede6248.txt``) with its weights per manager and year and its monthly
  schedule (seed-000-001.md §1.5, §1.6, acceptance facts AF-11 … AF-15);
* codes of any shape, in natural order; piaodesk's own ``--formato portale`` export and a
  LibreOffice CSV of it (``data/demo_portale_libreoffice.csv``: the demo's portale export
  converted by ``soffice --headless --convert-to csv``, Windows-1252 as LibreOffice writes it)
  imported into an empty plan;
* a second import of the same file changes nothing and says so; a changed value is one change;
* the work of an import grows linearly with the rows (counted, not timed: Python lines executed
  and SQLite VM steps, on 300 and 2.400 rows).
"""

from __future__ import annotations

import sys
from datetime import date
from decimal import Decimal
from pathlib import Path

import openpyxl

from piaodesk.domain.enums import Livello, Polarita
from piaodesk.domain.model import (
    Assegnazione,
    Ente,
    Fase,
    Indicatore,
    Misura,
    Obiettivo,
    Persona,
    Piano,
)
from piaodesk.exchange import prepare_import
from piaodesk.exchange.flat import codice_key, import_flat
from piaodesk.exchange.readers import Tabella, detect_separator, read_table, text_from_rows
from piaodesk.store.archive import Archive
from piaodesk.store.edits import SetFields

from .test_flat_seed000 import _probs
from .test_flat_seed000 import plan as unione  # noqa: F401 - the Unione's 2024-2026 plan (fixture)

DATA = Path(__file__).parent / "data"
SEED = DATA / "seed000_completo.txt"
SEED_TABLE = DATA / "seed000_tabella.txt"
LIBRE_CSV = DATA / "demo_portale_libreoffice.csv"


def _import_csv(arc, path: Path, rows: list[list[str]]):
    path.write_text(text_from_rows(rows), encoding="utf-8")
    return prepare_import(arc, path)


def _ob(arc, code):
    return next(o for o in arc.obiettivi() if o.codice == code)


# ---------------------------------------------------------------------- point 7: seed 000 as delivered


def test_seed000_as_delivered_reads_every_row(unione):
    tab = read_table(SEED)
    assert tab.separatore == "tabulazione"  # was "punto e virgola": 0 rows read
    result = prepare_import(unione, SEED)
    r = result.riepilogo
    assert (r["Righe lette"], r["Indicatori"], r["Obiettivi con indicatori"]) == (74, 66, 27)
    assert (r["Responsabili con pesatura"], r["Pesi letti"], r["Attività del cronoprogramma"]) == \
        (5, 18, 41)
    # nothing of the trailing sections is left unread
    assert not [p for p in result.problemi if p.riga and p.riga > 80 and p.tipo == "riga_ignorata"]
    # R1: every manager's weights add up to 100 % and match the declared count
    assert not _probs(result, "pesatura_somma") and not _probs(result, "pesatura_conteggio")


def test_separator_guess_ignores_trailing_sections():
    lines = SEED.read_text(encoding="utf-8").splitlines()
    assert detect_separator(lines) == "\t"
    # an ordinary semicolon CSV with a few one-cell heading lines is still read as such
    csv_lines = ["## Titolo", "Codice;Obiettivo;Indicatore", "1;Uno;Ind. a, b", "2;Due;Ind. c", "",
                 "Note finali, varie"]
    assert detect_separator(csv_lines) == ";"


def test_seed000_weights_and_schedule_facts(unione):
    result = prepare_import(unione, SEED)
    # AF-15: Grazioli (weights) proposed as the same person as Grazzoli (tree), user confirms
    alias = _probs(result, "alias_persona")
    assert [(p.riga, p.scelte) for p in alias] == [(116, ("collega", "nuova persona"))]
    assert "Davide Grazioli" in alias[0].messaggio and "Grazzoli Davide" in alias[0].messaggio
    # AF-12 / Q11: 1.1.x objectives are absent from the tree: created once, reported
    stubs = {p.messaggio.split()[1] for p in _probs(result, "obiettivo_da_pesatura")}
    assert stubs == {"1.1.4.1", "1.1.1.1", "1.1.2.1", "1.1.3.1"}
    # Q11: 2.1.1.1, 4.1.1.1 and 6.1.1.1 exist in the tree with 3 levels: referred, reported
    referred = {p.messaggio.split()[2]: p for p in _probs(result, "codice_riferito")}
    assert set(referred) == {"2.1.1.1", "4.1.1.1", "6.1.1.1"}
    assert "AFFIDAMENTO REALIZZAZIONE STUDI DI MICROZONAZIONE" in referred["6.1.1.1"].messaggio
    result.apply(unione)
    a = unione
    people = {p.id: f"{p.nome} {p.cognome}" for p in a.persone()}
    # AF-12: one shared 1.1.4.1, 30 %, five responsabile assignments for 2024
    shared = [o for o in a.obiettivi() if o.codice == "1.1.4.1"]
    assert len(shared) == 1 and shared[0].peso == Decimal(30)
    assert shared[0].titolo == "RISPETTO DEI TEMPI MEDI DI PAGAMENTO"
    ass = a.assegnazioni(shared[0].id)
    assert sorted(people[x.persona_id] for x in ass) == [
        "Alberto Grassi", "Antonino Basiricò", "Carla Pinelli", "Davide Grazzoli", "Luca Viani"]
    assert {(x.responsabile, x.data_inizio, x.data_fine) for x in ass} == {
        (True, date(2024, 1, 1), date(2024, 12, 31))}
    # AF-11: Basiricò's table
    basirico = next(pid for pid, n in people.items() if n == "Antonino Basiricò")
    pesi = {a.obiettivo(x.obiettivo_id).codice: a.obiettivo(x.obiettivo_id).peso
            for x in a.assegnazioni(persona_id=basirico)}
    assert pesi == {"1.1.4.1": 30, "1.1.1.1": 25, "1.1.2.1": 25, "1.1.3.1": 20}
    assert _ob(a, "1.1.3.1").titolo == ('PROMOZIONE DEL TESSUTO COMMERCIALE ATTRAVERSO IL PROGETTO '
                                        '"I BORGHI DI MATILDE"')
    # AF-13: Carla Pinelli's weights
    pinelli = next(pid for pid, n in people.items() if n == "Carla Pinelli")
    pesi = {a.obiettivo(x.obiettivo_id).codice: a.obiettivo(x.obiettivo_id).peso
            for x in a.assegnazioni(persona_id=pinelli)}
    assert pesi == {"1.1.4.1": 30, "5.2.3.1": 5, "5.2.13.1": 25, "5.2.14.1": 22, "5.2.15.1": 18}
    # weights of 3-level tree codes sit on the objective that holds the indicators
    assert (_ob(a, "2.1.1").peso, _ob(a, "4.1.1").peso, _ob(a, "6.1.1").peso) == (35, 35, 70)
    # AF-14: 41 activities, one fase each
    assert a.count(Fase) == 41
    fasi = {(a.obiettivo(f.obiettivo_id).codice, f.descrizione): f for f in a.fasi()}
    ms3 = fasi[("6.1.1", "Affidamento studi di MS3")]
    assert (ms3.inizio_previsto, ms3.fine_prevista) == (date(2024, 4, 1), date(2024, 6, 30))
    assert ms3.note == "Responsabile: Luca Viani"  # consecutive months: the dates say it all
    incontri = fasi[("4.1.1", "PARTECIPAZIONE AD INCONTRI CON ASSOCIAZIONI DI VOLONTARIATO "
                              "INDIRIZZATI AD OMOGENEIZZARE IL COORDINAMENTO DEGLI INTERVENTI")]
    assert (incontri.inizio_previsto, incontri.fine_prevista) == (date(2024, 1, 1), date(2024, 10, 31))
    assert "Mesi previsti: gen-24, ott-24" in incontri.note
    # AF-13: four months that are not consecutive, kept exactly
    confronto = fasi[("5.2.3.1", "CONFRONTO E AGGIORNAMENTO COLLEGHI RESPONSABILI")]
    assert (confronto.inizio_previsto, confronto.fine_prevista) == (date(2024, 2, 1), date(2024, 12, 31))
    assert confronto.note == "Responsabile: Carla Pinelli\nMesi previsti: feb-24, apr-24, set-24, dic-24"
    assert len(a.fasi(_ob(a, "5.2.14.1").id)) == 5
    # the same activity of four managers on the shared objective: one fase each, named
    trasmissione = [f.descrizione for f in a.fasi(shared[0].id) if f.descrizione.startswith("Trasmissione")]
    assert sorted(t.rsplit("[", 1)[1] for t in trasmissione) == [
        "Alberto Grassi]", "Carla Pinelli]", "Davide Grazioli]", "Luca Viani]"]
    assert len(a.fasi(shared[0].id)) == 3 + 4


def test_sections_check_weights_and_months(unione):
    rows = [
        ["1.1", "Obiettivo uno", "Ind. 1", "10"],
        [],
        ["**Settore Uno**"],
        ["Responsabile del Servizio:", "Mario Rossi"],
        ["Numero degli obiettivi gestionali del Responsabile del Servizio:", "3"],
        ["Codice obiettivo gestionale", "Denominazione obiettivo gestionale",
         "Pesatura ai fini dell'erogazione della retribuzione di risultato - Anno 2025"],
        ["1.1", "Obiettivo uno", "60%"],
        ["TS.1", "Trasversale", "30%"],
        ["", "", "<b>100%</b>"],
        ["### Cronoprogramma attività 2025"],
        ["Codice obiettivo gestionale a cui si riferisce l'attività", "Denominazione attività",
         "Cronoprogramma 2025"],
        ["", "", "gen-25", "mar-25", "giu-25", "dic-25"],  # months need not be consecutive
        ["1.1", "Prima attività", "X", "X", "", ""],
        ["1.1", "Seconda attività", "", "", "X", "X"],
        ["TS.1", "Terza attività", "X", "", "", "forse"],
        ["## Settore Due"],
        ["Responsabile del Servizio:", "Anna Bianchi"],
        ["Codice obiettivo gestionale", "Denominazione obiettivo gestionale", "Pesatura - Anno 2025"],
        ["TS.1", "Trasversale", "40%"],
        ["1.1", "Obiettivo uno", "60%"],
    ]
    tab = Tabella("t.csv", [(n, r) for n, r in enumerate(
        [["Codice", "Obiettivo", "Indicatore", "Target 2025"], *rows], start=1)])
    result = import_flat(unione, tab)
    assert [p.riga for p in _probs(result, "pesatura_conteggio")] == [6]  # 3 declared, 2 rows
    somma = _probs(result, "pesatura_somma")
    assert len(somma) == 1 and "90 %" in somma[0].messaggio and "Mario Rossi" in somma[0].messaggio
    assert [p.riga for p in _probs(result, "pesatura_totale")] == [10]
    # TS.1 weighs 30 % for one manager, 40 % for the other: no silent choice
    diversi = _probs(result, "pesi_diversi")
    assert len(diversi) == 1 and diversi[0].righe == (9, 20)
    strana = _probs(result, "cella_inattesa")
    assert [p.riga for p in strana] == [16] and "forse" in strana[0].messaggio
    result.apply(unione)
    assert _ob(unione, "1.1").peso == 60
    ts = _ob(unione, "TS.1")
    assert ts.peso is None and ts.extra["pesatura"] == "Mario Rossi 30%; Anna Bianchi 40%"
    fasi = {f.descrizione: f for f in unione.fasi()}
    assert (fasi["Prima attività"].inizio_previsto, fasi["Prima attività"].fine_prevista) == \
        (date(2025, 1, 1), date(2025, 3, 31))
    assert "Mesi previsti: gen-25, mar-25" in fasi["Prima attività"].note
    assert (fasi["Seconda attività"].inizio_previsto, fasi["Seconda attività"].fine_prevista) == \
        (date(2025, 6, 1), date(2025, 12, 31))
    assert fasi["Terza attività"].fine_prevista == date(2025, 1, 31)


# ---------------------------------------------------------------------- point 7: codes of any shape


def test_codes_sort_naturally():
    codes = ["5.2.10", "TS.10", "5.2.9", "TS.2", "OE052701", "TS.1", "5.2.5.1-B", "OE0527",
             "2024_PD_10000", "5.2.5.1", "2024_PD_8501", "5.2", "UO046714", "10701"]
    assert sorted(codes, key=codice_key) == [
        "5.2", "5.2.5.1", "5.2.5.1-B", "5.2.9", "5.2.10", "2024_PD_8501", "2024_PD_10000", "10701",
        "OE0527", "OE052701", "TS.1", "TS.2", "TS.10", "UO046714"]


def test_a_code_of_thousands_of_digits_sorts_after_the_others(empty_plan, tmp_path):
    """int() refuses more than 4.300 digits; a cell may hold 32.767 characters."""
    huge = "1" * 5000
    assert sorted([huge, "2" * 4000, "TS.1", "9"], key=codice_key) == ["9", "2" * 4000, huge, "TS.1"]
    result = _import_csv(empty_plan, tmp_path / "lungo.csv",
                         [["Codice", "Obiettivo", "Indicatore", "Target 2025"],
                          [huge, "Lungo", "i1", "1"], ["2", "Due", "i2", "2"]])
    assert not [p for p in result.problemi if p.gravita == "errore"]
    result.apply(empty_plan)
    assert [o.codice for o in empty_plan.obiettivi()] == ["2", huge]


def test_codes_of_any_shape_import_in_natural_order(empty_plan, tmp_path):
    rows = [["Codice", "Obiettivo", "Indicatore", "Target 2025"],
            ["TS.10", "Dieci", "i10", "1"], ["TS.2", "Due", "i2", "2"], ["TS", "Trasversali", "", ""],
            ["TS.1", "Uno", "i1", "3"], ["2024_PD_8501", "Progetto", "ip", "si"],
            ["OE0527", "Strategico", "io", "4"], ["", "Senza codice", "x", "5"],
            ["1.1.10", "Dieci dotted", "d10", "6"], ["1.1.9", "Nove dotted", "d9", "7"]]
    result = _import_csv(empty_plan, tmp_path / "codici.csv", rows)
    miss = _probs(result, "codice_mancante")
    assert [(p.riga, p.gravita) for p in miss] == [(8, "errore")] and "Senza codice" in miss[0].messaggio
    result.apply(empty_plan)
    obs = empty_plan.obiettivi()
    roots = [o.codice for o in obs if o.parent_id is None]
    assert roots == ["1.1.9", "1.1.10", "2024_PD_8501", "OE0527", "TS"]
    ts = _ob(empty_plan, "TS")
    assert [o.codice for o in obs if o.parent_id == ts.id] == ["TS.1", "TS.2", "TS.10"]
    assert _ob(empty_plan, "TS.1").livello == Livello.SPECIFICO


def test_header_without_code_column_is_one_error_not_a_traceback(empty_plan, tmp_path):
    result = _import_csv(empty_plan, tmp_path / "senza_codice.csv",
                         [["Obiettivo", "Indicatore", "Target 2025"], ["Uno", "i", "1"]])
    err = [p for p in result.problemi if p.gravita == "errore"]
    assert len(err) == 1 and "codice" in err[0].messaggio and not result.edits


def test_portale_export_reimports_into_an_empty_plan(demo, empty_plan, tmp_path):
    from piaodesk.exchange.portale import write_portale

    out = tmp_path / "portale.xlsx"
    n_rows = write_portale(demo, out)
    # decreasing polarity as an ASCII "-": a Windows-1252 CSV of the sheet keeps it
    signs = {row[8] for row in openpyxl.load_workbook(out, read_only=True).active.iter_rows(
        min_row=2, values_only=True) if row[0] == "PL.2"}
    assert signs == {"-"}
    result = prepare_import(empty_plan, out)
    assert not [p for p in result.problemi if p.gravita == "errore"]
    result.apply(empty_plan)
    _same_as_demo(demo, empty_plan, n_rows)
    again = prepare_import(empty_plan, out)
    assert again.vuoto and "Nessuna modifica:" in again.report()
    # into the plan it was exported from: the same (100,00 written by Excel as 100 is no change)
    same = prepare_import(demo, out)
    assert same.vuoto and same.nota.startswith(
        f"Nessuna modifica: i {len(demo.obiettivi())} obiettivi")
    assert not _probs(same, "tipo_dedotto")


def test_libreoffice_csv_of_the_demo_reimports(demo, empty_plan):
    tab = read_table(LIBRE_CSV)
    assert (tab.codifica, tab.separatore) == ("Windows-1252", "virgola")
    result = prepare_import(empty_plan, LIBRE_CSV)
    assert not [p for p in result.problemi if p.gravita == "errore"]
    assert not _probs(result, "polarita_sconosciuta")
    result.apply(empty_plan)
    _same_as_demo(demo, empty_plan, len(tab.righe) - 1)


def _same_as_demo(demo, arc, n_rows):
    codes = {o.codice: o for o in demo.obiettivi()}
    got = {o.codice: o for o in arc.obiettivi()}
    assert set(got) == set(codes)
    for code, o in got.items():
        assert o.titolo == codes[code].titolo
        parent = codes[code].parent_id
        assert (o.parent_id is None) == (parent is None), code
        if parent is not None:
            assert arc.obiettivo(o.parent_id).codice == demo.obiettivo(parent).codice
    with_rows = sum(1 for o in demo.obiettivi() if demo.indicatori(o.id))
    assert arc.count(Indicatore) == n_rows - (len(codes) - with_rows)
    pl2 = arc.indicatori(got["PL.2"].id)
    assert {i.polarita for i in pl2} == {Polarita.DECRESCENTE}
    assert arc.get(Persona, got["PL.2"].responsabile_id).cognome.upper() == "MANUPPELLI"


# ---------------------------------------------------------------------- point 6: repeatable


def test_second_import_of_the_same_file_changes_nothing_and_says_so(unione, capsys):
    from piaodesk.cli import main

    first = prepare_import(unione, SEED)
    first.apply(unione)
    counts = unione.counts()
    second = prepare_import(unione, SEED)
    assert second.edits == [] and second.differenze == []
    assert second.riepilogo["Obiettivi nuovi"] == 0 and second.riepilogo["Valori modificati"] == 0
    assert second.riepilogo["Indicatori già nel piano"] == 66
    assert second.nota.startswith("Nessuna modifica: i 64 obiettivi e i 66 indicatori")
    path = unione.path
    unione.close()
    assert main(["import", str(SEED), "--into", str(path), "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "Nessuna modifica: i 64 obiettivi" in out
    with Archive.open(path) as arc:
        assert arc.counts() == counts  # no duplicated indicator, target, fase or assignment


def test_a_changed_value_is_exactly_one_change(unione, tmp_path):
    prepare_import(unione, SEED_TABLE).apply(unione)
    lines = SEED_TABLE.read_text(encoding="utf-8").split("\n")
    cells = lines[4].split("\t")  # L5: 1.6.1.1, first indicator, targets "80 giorni" ×3
    assert cells[20] == "80 giorni"
    cells[20] = "75 giorni"
    lines[4] = "\t".join(cells)
    changed = tmp_path / "seed000_modificato.txt"
    changed.write_text("\n".join(lines), encoding="utf-8")
    result = prepare_import(unione, changed)
    assert len(result.edits) == 1 and isinstance(result.edits[0], SetFields)
    assert [(d.tipo, d.chiave, d.campi) for d in result.differenze] == [
        ("modifica", "1.6.1.1", [("Target 2025", "80 giorni", "75 giorni")])]
    assert result.riepilogo["Valori modificati"] == 1
    n_ind, n_mis = unione.count(Indicatore), unione.count(Misura)
    result.apply(unione)
    assert (unione.count(Indicatore), unione.count(Misura)) == (n_ind, n_mis)
    ob = _ob(unione, "1.6.1.1")
    ind = unione.indicatori(ob.id)[0]
    assert {m.anno: m.target_testo for m in unione.misure([ind.id])} == {
        2024: "80 giorni", 2025: "75 giorni", 2026: "80 giorni"}
    assert unione.misure([ind.id])[1].target == 75


def test_changed_objective_text_is_one_change_and_an_empty_cell_erases_nothing(empty_plan, tmp_path):
    head = ["Codice", "Obiettivo", "Descrizione", "Indicatore", "Fonte", "Target 2025"]
    path = tmp_path / "t.csv"
    _import_csv(empty_plan, path, [head, ["A.1", "Uno", "Prima", "i", "Ufficio", "5"]]).apply(empty_plan)
    result = _import_csv(empty_plan, path, [head, ["A.1", "Uno", "Seconda", "i", "", "5"]])
    assert [(d.foglio, d.campi) for d in result.differenze] == [
        ("Obiettivi", [("Descrizione", "Prima", "Seconda")])]
    result.apply(empty_plan)
    ob = _ob(empty_plan, "A.1")
    assert ob.descrizione == "Seconda" and empty_plan.indicatori(ob.id)[0].fonte == "Ufficio"


def test_schedule_and_weights_are_not_repeated(unione):
    prepare_import(unione, SEED).apply(unione)
    n = (unione.count(Fase), unione.count(Assegnazione), unione.count(Obiettivo))
    assert prepare_import(unione, SEED).vuoto
    assert (unione.count(Fase), unione.count(Assegnazione), unione.count(Obiettivo)) == n


# ---------------------------------------------------------------------- point 5: linear


def _table(n_rows: int) -> Tabella:
    """A flat table with many objectives side by side (the worst case for sibling lists)."""
    head = ["Codice", "Obiettivo", "Responsabile", "Indicatore", "Tipo", "Baseline", "Target 2025",
            "Target 2026", "Target 2027"]
    rows = [(1, head)]
    for i in range(n_rows):
        k, j = divmod(i, 4)
        first = [f"OB{k:05d}", f"Obiettivo {k}", f"Dott. Nome{k % 7} Cognome{k % 11}"] if j == 0 \
            else [None, None, None]
        rows.append((i + 2, [*first, f"Indicatore {j} di {k}", "NUMERO", str(i % 50), str(i % 60),
                             "SI" if j == 3 else str(k % 9), f"{i % 40} giorni"]))
    return Tabella("grande.csv", rows)


def _work(arc, tab) -> tuple[int, int]:
    """(Python lines run inside piaodesk while preparing, SQLite VM steps while applying)."""
    lines = 0

    def local(frame, event, arg):
        nonlocal lines
        if event == "line":
            lines += 1
        return local

    def tracer(frame, event, arg):
        return local if "piaodesk" in frame.f_code.co_filename else None

    sys.settrace(tracer)
    try:
        result = import_flat(arc, tab)
    finally:
        sys.settrace(None)
    steps = 0

    def progress():
        nonlocal steps
        steps += 1
        return 0

    arc.db.conn.set_progress_handler(progress, 100)
    try:
        result.apply(arc)
    finally:
        arc.db.conn.set_progress_handler(None, 0)
    return lines, steps


def test_flat_import_work_grows_linearly(tmp_path):
    """Equal steps of rows must cost equal steps of work: W(3n) - W(2n) ≈ W(2n) - W(n).

    (The fixed cost cancels out; a step that looks at every earlier objective for each new one
    makes the second difference larger: about +9 % at these sizes, so 4 % is the bound.)
    """
    work = []
    for i, rows in enumerate((600, 1200, 1800)):
        arc = Archive.create(tmp_path / f"p{i}.piao", Piano(titolo="P", anno_inizio=2025, anno_fine=2027),
                             Ente(nome="Comune"))
        try:
            work.append(_work(arc, _table(rows)))
            assert arc.count(Indicatore) == rows and arc.count(Obiettivo) == rows // 4
        finally:
            arc.close()
    (py1, sql1), (py2, sql2), (py3, sql3) = work
    growth_py = (py3 - py2) / (py2 - py1)
    growth_sql = (sql3 - sql2) / (sql2 - sql1)
    assert growth_py < 1.04, work
    assert growth_sql < 1.04, work


def test_polarity_words_and_unknown_signs(empty_plan, tmp_path):
    """«-», «Negativa», «=» are read; a sign lost by an encoding («?») is a warning, not a silent «+»."""
    head = ["Codice", "Obiettivo", "Indicatore", "Polarità", "Target 2025"]
    rows = [head, ["P.1", "Uno", "meno", "-", "5"], ["P.1", "Uno", "negativa", "Negativa", "5"],
            ["P.1", "Uno", "uguale", "=", "5"], ["P.1", "Uno", "perso", "?", "5"]]
    result = _import_csv(empty_plan, tmp_path / "polarita.csv", rows)
    unknown = _probs(result, "polarita_sconosciuta")
    assert [(p.riga, p.colonna) for p in unknown] == [(5, "Polarità")] and "«?»" in unknown[0].messaggio
    result.apply(empty_plan)
    pol = {i.descrizione: i.polarita for i in empty_plan.indicatori()}
    assert pol == {"meno": Polarita.DECRESCENTE, "negativa": Polarita.DECRESCENTE,
                   "uguale": Polarita.UGUALE, "perso": Polarita.CRESCENTE}


def test_parents_named_by_title_are_inserted_first_and_loops_are_cut(empty_plan, tmp_path):
    head = ["Codice", "Obiettivo di valore pubblico", "Denominazione sintetica", "Indicatore"]
    rows = [head, ["A1", "Zeta", "Figlio", "i1"], ["Z9", "", "Zeta", ""],  # child sorts first
            ["L1", "Elle due", "Elle uno", "x"], ["L2", "Elle uno", "Elle due", "y"]]  # a loop
    result = _import_csv(empty_plan, tmp_path / "padri.csv", rows)
    loop = _probs(result, "obiettivo_superiore_circolare")
    assert len(loop) == 1 and loop[0].riga in (4, 5)
    result.apply(empty_plan)  # no foreign-key error: the parent row exists first
    assert empty_plan.obiettivo(_ob(empty_plan, "A1").parent_id).codice == "Z9"
    l1, l2 = _ob(empty_plan, "L1"), _ob(empty_plan, "L2")
    assert (l1.parent_id is None) != (l2.parent_id is None)
