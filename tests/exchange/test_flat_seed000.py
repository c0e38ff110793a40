"""Import of seed 000's flattened PIAO table (lines 1-80 of the seed, tab-separated).

The test data file is the seed text itself; CSV and XLSX variants are built
inside the tests. Row numbers in problems are the seed's line numbers.
Facts: seed-000-001.md §5 and §6 (AF-01 … AF-10, AF-15), Appendix A.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from piaodesk.domain.enums import Polarita, TipoIndicatore
from piaodesk.domain.model import Ente, Indicatore, Obiettivo, Persona, Piano
from piaodesk.exchange import prepare_import
from piaodesk.exchange.flat import IMPOSTAZIONE, person_name
from piaodesk.store.archive import Archive

SEED = Path(__file__).parent / "data" / "seed000_tabella.txt"


def seed_lines() -> list[str]:
    return SEED.read_text(encoding="utf-8").split("\n")


@pytest.fixture
def plan(tmp_path: Path):
    arc = Archive.create(tmp_path / "unione.piao",
                         Piano(titolo="PIAO 2024-2026", anno_inizio=2024, anno_fine=2026),
                         Ente(nome="Unione Val d'Enza"))
    yield arc
    arc.close()


@pytest.fixture(scope="module")
def seed_xlsx(tmp_path_factory) -> Path:
    """The same table as an Excel workbook (rows = seed lines, one cell per tab field)."""
    out = tmp_path_factory.mktemp("x") / "seed000.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    for line in seed_lines():
        ws.append([c if c else None for c in line.split("\t")] if line else [])
    wb.save(out)
    return out


def _probs(plan, tipo):
    return [p for p in plan.problemi if p.tipo == tipo]


def _ind(arc, code, start):
    ob = next(o for o in arc.obiettivi() if o.codice == code)
    return ob, next(i for i in arc.indicatori(ob.id) if i.descrizione.startswith(start))


def _targets(arc, ind):
    return {m.anno: (m.target_testo, m.target) for m in arc.misure([ind.id])}


@pytest.mark.parametrize("source", ["txt", "xlsx"])
def test_seed000_counts_and_problems(plan, source, seed_xlsx):
    path = SEED if source == "txt" else seed_xlsx
    result = prepare_import(plan, path)
    r = result.riepilogo
    # Appendix A: 74 physical rows; 66 after removing duplicates inside the naive parent;
    # 27 objective header rows (26 codes, 5.2.5.1 twice)
    assert r["Righe lette"] == 74
    assert r["Indicatori"] == 66
    assert r["Righe duplicate unite"] == 8
    assert r["Obiettivi con indicatori"] == 27
    assert r["Persone nuove"] == 8
    shifted = {p.riga for p in _probs(result, "riga_spostata")}
    # §5.1 Q4: every shifted row is reported with its line number
    assert {26, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40, 41, 43, 44, 45, 46, 47, 48,
            61, 62, 63, 64, 71, 77} == shifted
    # AF-09: duplicate code, blocking error with both rows
    dup = _probs(result, "codice_duplicato")
    assert len(dup) == 1 and dup[0].righe == (61, 66) and dup[0].gravita == "errore"
    # Q7: the four identical rows 61-64 collapse to one; L15=L16; L17-L20
    merged = {p.riga for p in _probs(result, "riga_duplicata")}
    assert {62, 63, 64, 16, 18, 19, 20, 38} == merged
    # cross-objective duplicates go to review (L28/L29, L31/L33, L32/L34, L15/L17)
    elsewhere = {p.righe for p in _probs(result, "riga_duplicata_altrove")}
    assert {(28, 29), (31, 33), (32, 34), (15, 17)} <= elsewhere
    # V1/V2 type inferred from the values (L39 "NO" but numeric)
    inferred = {p.riga: p.messaggio for p in _probs(result, "tipo_dedotto")}
    assert ("Numero" in inferred[39] and "Sì/No" in inferred[26]) or "Numero" in inferred[26]
    # Q6: rows preceding an objective header
    uncertain = {p.riga for p in _probs(result, "collocazione_incerta")}
    assert {12, 24, 28, 56} <= uncertain
    # V9: milestone text kept as text and reported
    assert any(p.riga == 12 and "Stesura bozza di regolamento" in p.messaggio
               for p in _probs(result, "valore_testo"))


def test_seed000_applied_facts(plan):
    result = prepare_import(plan, SEED)
    counts_before = plan.counts()
    batch, _ = result.apply(plan)
    assert plan.count(Indicatore) == 66
    # AF-01: 1.6 → 1.6.1 → 1.6.1.1, 4 indicators, giorni, lower is better, Luca Viani
    ob, ind = _ind(plan, "1.6.1.1", "Tempo medio intercorrente tra la trasmissione delle lettere "
                   "di invito e l'aggiudicazione definitiva efficace - Procedure negoziate senza "
                   "previa pubblicazione sotto soglia UE PNB")
    parent = plan.obiettivo(ob.parent_id)
    assert parent.codice == "1.6.1" and plan.obiettivo(parent.parent_id).codice == "1.6"
    assert plan.obiettivo(parent.parent_id).titolo == "EFFICIENTAMENTO DEGLI ACQUISTI"
    assert len(plan.indicatori(ob.id)) == 4
    assert ob.assessore == "Sindaco di Caviro" and ob.stakeholder == "Comuni, fornitori"
    assert ob.extra["struttura"] == "Ufficio Appalti"
    resp = plan.get(Persona, ob.responsabile_id)
    assert (resp.nome, resp.cognome) == ("Luca", "Viani")
    assert ind.baseline_testo == "90 giorni" and ind.baseline == 90
    assert ind.tipo == TipoIndicatore.GIORNI and ind.polarita == Polarita.DECRESCENTE
    assert ind.fonte == "UFFICIO APPALTI" and "A, B" in ind.note
    assert _targets(plan, ind) == {y: ("80 giorni", Decimal(80)) for y in (2024, 2025, 2026)}
    # AF-02
    ob2 = next(o for o in plan.obiettivi() if o.codice == "1.6.2.1")
    inds = plan.indicatori(ob2.id)  # L9-L11, plus L12 under its naive parent (reported)
    assert [i.tipo for i in inds] == [TipoIndicatore.SI_NO] * 4
    assert inds[0].descrizione.startswith("Assistenza ai RIP e Redazione di modulistica")
    assert _targets(plan, inds[0]) == {y: ("SI", Decimal(1)) for y in (2024, 2025, 2026)}
    # AF-03: annotated numeric target
    _, nuclei = _ind(plan, "2.1.1", "costituzione nuclei specializzati")
    t = _targets(plan, nuclei)
    assert t[2024] == ("1 (attività complesse, commercio, edilizia)", Decimal(1))
    assert t[2025] == ("0", Decimal(0))
    # AF-04: L39 in c14, type "NO" but numeric; 10+10+10
    _, pipp = _ind(plan, "5.1.2.1", "PIPP: ATTIVAZIONE N. 30 PROGETTI SUL TRIENNIO")
    assert pipp.tipo == TipoIndicatore.NUMERO and pipp.fonte == "RELAZIONE ANNUALE"
    assert sum(m.target for m in plan.misure([pipp.id])) == 30
    # AF-05: L43 baseline in c17, composite target kept raw
    _, prese = _ind(plan, "5.1.3.1", "PRESE IN CARICO PERSONE DISABILI")
    assert prese.baseline_testo == "261" and prese.fonte == "CARTELLE"
    assert _targets(plan, prese)[2024] == ("270 + 10", Decimal(280))
    # AF-06: fractions under PERCENTUALE, ratios, units
    _, minori = _ind(plan, "5.2.3.1", "%MINORI COINVOLTI")
    assert minori.tipo == TipoIndicatore.PERCENTUALE and minori.baseline == Decimal("12.00")
    _, ratio = _ind(plan, "5.2.13.1", "NUMERO PERSONE CHE HANNO")
    assert [m.target for m in plan.misure([ratio.id])] == [Decimal(50), Decimal("62.5"),
                                                         Decimal("62.5")]
    assert "B" in ratio.note and "A," not in ratio.note
    # AF-07: stray cell pulled back: 0 / 3 / 5 / 8
    _, anziani = _ind(plan, "5.2.10.1", "NUMERO ANZIANI COINVOLTI")
    assert anziani.baseline_testo == "0"
    assert {y: tt for y, (tt, _) in _targets(plan, anziani).items()} == {2024: "3", 2025: "5",
                                                                        2026: "8"}
    assert "PROGETTAZIONE E IMPLEMENTAZIONE DI PROGETTI DOMICILIARI" in anziani.note
    # AF-08: milestone only in year 3
    _, pug = _ind(plan, "6.1.1", "APPROVAZIONE PUG")
    assert _targets(plan, pug) == {2026: ("SI", Decimal(1))}
    # AF-09: the second 5.2.5.1 is renumbered, its rows collapsed
    a, b = (next(o for o in plan.obiettivi() if o.codice == c) for c in ("5.2.5.1", "5.2.5.1-B"))
    assert a.titolo.startswith("INCONTRI DI COPROGETTAZIONE")
    assert b.titolo.startswith("GESTIRE E COORDINARE")
    assert len(plan.indicatori(a.id)) == 1
    # AF-10: note stored verbatim
    _, emporio = _ind(plan, "5.2.5.1-B", "progetto Emporio Solidale")
    assert "PER QUANTO RIGUARDA QUESTO OBIETTIVO - ALMENO PER IL 2023" in emporio.note
    # the mapping is remembered in the plan
    assert '"indicatore": 13' in plan.impostazione(IMPOSTAZIONE)
    # one undoable step
    plan.revert(batch)
    assert plan.counts() == counts_before and plan.impostazione(IMPOSTAZIONE) is None


def test_name_variant_of_an_existing_person_is_reported(plan):
    """AF-15: 'Davide Grazzoli' (L21, L29) vs 'Davide Grazioli' already in the plan."""
    from piaodesk.store.edits import InsertRow

    plan.apply(InsertRow(Persona(cognome="Grazioli", nome="Davide")))
    result = prepare_import(plan, SEED)
    alias = [p for p in result.problemi if p.tipo == "alias_persona"]
    assert len(alias) == 1 and alias[0].riga == 21
    assert "Davide Grazzoli" in alias[0].messaggio and "Grazioli Davide" in alias[0].messaggio
    assert alias[0].scelte == ("collega", "nuova persona")
    assert result.riepilogo["Persone nuove"] == 7  # linked, not duplicated
    # the user chooses "nuova persona" in the review: the import is rebuilt
    result2 = prepare_import(plan, SEED, decisioni={alias[0].chiave: "nuova persona"})
    assert result2.riepilogo["Persone nuove"] == 8
    result.apply(plan)
    ob = next(o for o in plan.obiettivi() if o.codice == "2.1.1")
    assert plan.get(Persona, ob.responsabile_id).cognome == "Grazioli"
    assert plan.trova_persona("Davide Grazzoli").cognome == "Grazioli"  # alias recorded


def test_dry_run_cli_prints_report_and_changes_nothing(plan, capsys):
    from piaodesk.cli import main

    path = plan.path
    plan.close()
    assert main(["import", str(SEED), "--into", str(path), "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "Indicatori: 66" in out and "riga 61" in out and "5.2.5.1" in out
    assert "il piano non è stato modificato" in out
    with Archive.open(path) as arc:
        assert arc.count(Obiettivo) == 0
    # the table has an [errore] (duplicate code 5.2.5.1): refused without --forza
    assert main(["import", str(SEED), "--into", str(path)]) == 2
    assert "--forza" in capsys.readouterr().err
    with Archive.open(path) as arc:
        assert arc.count(Obiettivo) == 0
    assert main(["import", str(SEED), "--into", str(path), "--forza"]) == 0
    with Archive.open(path) as arc:
        assert arc.count(Indicatore) == 66


@pytest.mark.parametrize("text,name", [
    ("Il Responsabile del Servizio Dott. Luca Viani", "Luca Viani"),
    ("IL RESPONSABILE DEL SERVIZIO COORDINAMENTO ACCOGLIENZA E SPORTELLI SOCIALI CARLA PINELLI",
     "Carla Pinelli"),
    ("Responsabile SST Bibbiano, San Polo d'Enza, e Canossa Giovanna Dazzi", "Giovanna Dazzi"),
    ("Responsabile Ufficio di Pianificazione", None),
])
def test_person_name_from_role(text, name):
    assert person_name(text) == name
