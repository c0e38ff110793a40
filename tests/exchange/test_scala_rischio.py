"""The ente's risk scale through the workbook and the flat/portale imports (issue 18 point 4).

Seed 001 grades every objective row in a «RISCHIO CORRUTTIVO VALUTAZIONE CRITICITA'» column
(L114-L121: MEDIA, L121: BASSA) and writes «BASSO» (L501), «CRITICITA' BASSA» (L436): an ente whose
scale is its own (BASSO/MEDIO/ALTO/CRITICO) exports it, reads it back without differences, and its
tables are read against it."""

from __future__ import annotations

import openpyxl
import pytest

from piaodesk.exchange import prepare_import
from piaodesk.exchange.portale import write_portale
from piaodesk.exchange.reimport import diff_workbook
from piaodesk.exchange.workbook import write_template, write_workbook
from piaodesk.store import rischio as store

SCALA = [("BASSO", "attività vincolate"), ("MEDIO", "discrezionalità nelle scelte"), ("ALTO", ""),
         ("CRITICO", "appalti sopra soglia")]


def _ob(arc, code):
    return next(o for o in arc.obiettivi() if o.codice == code)


@pytest.fixture
def ente(demo):
    """The demo with the ente's scale; TS.1 (MEDIA) renamed with it."""
    demo.apply(store.imposta(demo, SCALA, {"MEDIA": "MEDIO"}))
    return demo


def _sheet_rows(path, name):
    ws = openpyxl.load_workbook(path)[name]
    return [list(r) for r in ws.iter_rows(values_only=True)]


def _cells(wb, sheet="Obiettivi"):
    ws = wb[sheet]
    head = [c.value for c in ws[1]]
    col = {h: i + 1 for i, h in enumerate(head)}
    codes = {ws.cell(row=r, column=col["Codice"]).value: r for r in range(2, ws.max_row + 1)}
    return ws, col, codes


def test_exported_in_order_and_read_back_without_differences(ente, tmp_path):
    out = tmp_path / "piano.xlsx"
    counts = write_workbook(ente, out)
    assert counts["Scala del rischio"] == 4
    rows = _sheet_rows(out, "Scala del rischio")
    assert rows[0] == ["Livello di rischio", "Descrizione", "Obiettivi che lo usano"]
    assert [r[:3] for r in rows[1:]] == [["BASSO", "attività vincolate", None],
                                          ["MEDIO", "discrezionalità nelle scelte", "TS.1"],
                                          ["ALTO", None, None], ["CRITICO", "appalti sopra soglia", None]]
    elenchi = _sheet_rows(out, "Elenchi")
    k = elenchi[0].index("rischio")  # the drop-down of «Livello di rischio» offers the ente's levels
    assert [r[k] for r in elenchi[1:] if r[k]] == ["BASSO", "MEDIO", "ALTO", "CRITICO"]
    plan = diff_workbook(ente, out)
    assert plan.edits == [] and plan.differenze == [], plan.report()


def test_a_new_level_and_an_objective_graded_with_it(ente, tmp_path):
    out = tmp_path / "piano.xlsx"
    write_workbook(ente, out)
    wb = openpyxl.load_workbook(out)
    sc = wb["Scala del rischio"]
    sc.cell(row=6, column=1).value = "Gravissimo"
    sc.cell(row=6, column=2).value = "frodi accertate nel triennio"
    ws, col, codes = _cells(wb)
    ws.cell(row=codes["PC.1"], column=col["Livello di rischio"]).value = "gravissimo"
    ws.cell(row=codes["TS.1"], column=col["Livello di rischio"]).value = "MEDIA"  # 001 L115's word: MEDIO
    wb.save(out)
    plan = diff_workbook(ente, out)
    assert [p.testo() for p in plan.problemi if p.gravita == "errore"] == []
    diff = next(d for d in plan.differenze if d.foglio == "Scala del rischio")
    assert ("Livelli", "BASSO, MEDIO, ALTO, CRITICO", "BASSO, MEDIO, ALTO, CRITICO, Gravissimo") in diff.campi
    plan.apply(ente)
    assert store.scala(ente).nomi[-1] == "Gravissimo"
    assert store.scala(ente).descrizione("Gravissimo") == "frodi accertate nel triennio"
    assert _ob(ente, "PC.1").rischio_livello == "Gravissimo" and _ob(ente, "TS.1").rischio_livello == "MEDIO"


def test_dropping_a_used_level_is_an_error_naming_the_objective(ente, tmp_path):
    out = tmp_path / "piano.xlsx"
    write_workbook(ente, out)
    wb = openpyxl.load_workbook(out)
    wb["Scala del rischio"].delete_rows(3)  # MEDIO, which TS.1 uses
    wb.save(out)
    plan = diff_workbook(ente, out)
    err = [p for p in plan.problemi if p.gravita == "errore"]
    assert len(err) == 1 and err[0].foglio == "Scala del rischio"
    assert "il livello «MEDIO» è usato da 1 obiettivo (TS.1)" in err[0].messaggio
    assert "la scala non è stata cambiata" in err[0].messaggio
    plan.apply(ente)
    assert store.scala(ente).nomi == ("BASSO", "MEDIO", "ALTO", "CRITICO")
    # the same file also moving TS.1 to ALTO: the level is no longer used, the scale changes
    ws, col, codes = _cells(wb)
    ws.cell(row=codes["TS.1"], column=col["Livello di rischio"]).value = "ALTO"
    wb.save(out)
    plan = diff_workbook(ente, out)
    assert [p for p in plan.problemi if p.gravita == "errore"] == []
    plan.apply(ente)
    assert store.scala(ente).nomi == ("BASSO", "ALTO", "CRITICO") and _ob(ente, "TS.1").rischio_livello == "ALTO"


def test_bad_scale_rows_and_unknown_levels_named_by_sheet_row_column(ente, tmp_path):
    out = tmp_path / "piano.xlsx"
    write_workbook(ente, out)
    wb = openpyxl.load_workbook(out)
    wb["Scala del rischio"].cell(row=4, column=1).value = "Basso"  # the row of ALTO: a duplicate of BASSO
    ws, col, codes = _cells(wb)
    ws.cell(row=codes["PC.1"], column=col["Livello di rischio"]).value = "Grave"
    wb.save(out)
    plan = diff_workbook(ente, out)
    err = next(p for p in plan.problemi if p.foglio == "Scala del rischio")
    assert err.gravita == "errore" and err.riga == 4 and err.colonna == "Livello di rischio"
    assert "è lo stesso livello della riga 1 («BASSO»)" in err.messaggio and "non è stata cambiata" in err.messaggio
    bad = next(p for p in plan.problemi if p.foglio == "Obiettivi")
    assert bad.riga == codes["PC.1"] and bad.colonna == "Livello di rischio"
    assert "«Grave» sconosciuto: valori ammessi BASSO, MEDIO, ALTO, CRITICO" in bad.messaggio
    plan.apply(ente)
    assert store.scala(ente).nomi == ("BASSO", "MEDIO", "ALTO", "CRITICO") and _ob(ente, "PC.1").rischio_livello is None


def test_template_has_an_empty_sheet_that_changes_nothing(ente, tmp_path):
    out = tmp_path / "modello.xlsx"
    write_template(out, [2025, 2026, 2027])
    assert _sheet_rows(out, "Scala del rischio") == [["Livello di rischio", "Descrizione", "Obiettivi che lo usano"]]
    settore = tmp_path / "settore.xlsx"
    assert "Scala del rischio" not in write_workbook(ente, settore, settore="SETTORE FINANZIARIO")
    assert "Scala del rischio" not in openpyxl.load_workbook(settore).sheetnames  # the ente's, not a settore's


def test_portale_and_flat_read_the_ente_levels(ente, empty_plan, tmp_path):
    from piaodesk.domain.model import Obiettivo
    from piaodesk.store.edits import SetFields

    ente.apply(SetFields(Obiettivo, _ob(ente, "PC.1").id, {"rischio_livello": "CRITICO", "rischio_corruttivo": True}))
    out = tmp_path / "portale.xlsx"
    write_portale(ente, out)
    # into a plan on the usual scale: CRITICO is not a level, said with sheet, row and column
    result = prepare_import(empty_plan, out)
    unknown = [p for p in result.problemi if p.tipo == "rischio_sconosciuto"]
    assert unknown and all("«CRITICO» sconosciuto: valori ammessi BASSA, MEDIA, ALTA" in p.messaggio for p in unknown)
    ws = openpyxl.load_workbook(out).active
    lettera = next(c.column_letter for c in ws[1] if c.value == "Rischio corruttivo")
    assert (unknown[0].foglio, unknown[0].colonna) == (ws.title, lettera)
    assert ws.cell(row=unknown[0].riga, column=ws[lettera + "1"].column).value == "CRITICO"
    # into a plan on the ente's scale: read as written, MEDIO kept
    empty_plan.apply(store.imposta(empty_plan, SCALA))
    result = prepare_import(empty_plan, out)
    assert not [p for p in result.problemi if p.tipo == "rischio_sconosciuto"]
    result.apply(empty_plan)
    assert (_ob(empty_plan, "PC.1").rischio_livello, _ob(empty_plan, "TS.1").rischio_livello) == ("CRITICO", "MEDIO")


def test_an_unreadable_scale_is_not_exported_as_the_usual_one_and_the_workbook_repairs_it(ente, tmp_path):
    """Never silently: a stored scale that cannot be read refuses the export (writing BASSA/MEDIA/ALTA
    in its place would put the usual scale in the ente's on the way back); a workbook exported before
    the damage brings the ente's scale back, keeping the levels objectives use."""
    from piaodesk.exchange.common import ExchangeError
    from piaodesk.store.edits import SetSetting

    prima = tmp_path / "prima.xlsx"
    write_workbook(ente, prima)
    ente.apply(SetSetting(store.CHIAVE, "{rotto"))
    with pytest.raises(ExchangeError, match=r"non è leggibile: ridefinirla da «Piano › Scala del rischio…»"):
        write_workbook(ente, tmp_path / "dopo.xlsx")
    assert not (tmp_path / "dopo.xlsx").exists()
    plan = diff_workbook(ente, prima)
    assert [p.testo() for p in plan.problemi if p.gravita == "errore"] == []
    diff = next(d for d in plan.differenze if d.foglio == "Scala del rischio")
    assert ("Livelli", "(non leggibile)", "BASSO, MEDIO, ALTO, CRITICO") in diff.campi
    plan.apply(ente)
    assert store.scala(ente).nomi == ("BASSO", "MEDIO", "ALTO", "CRITICO")
