"""SMVP dialog: categories of staff, organisational split, the SMVP's own rules; fits 1366×768."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest
from PySide6.QtCore import Qt

from piaodesk.domain.valutazione import CategoriaValutazione, Comportamento
from piaodesk.store.edits import SetSetting
from piaodesk.store.valutazioni import QuadroValutazioni
from piaodesk.ui.dialogs.sistema_valutazione import CAT_KEYS, SistemaValutazioneDialog

pytestmark = pytest.mark.ui


def _dialog(qtbot, ctx) -> SistemaValutazioneDialog:
    dlg = SistemaValutazioneDialog(ctx)
    qtbot.addWidget(dlg)
    dlg.quiet = True
    return dlg


def _fill(dlg, row, **values):
    t = dlg.categorie
    for key, v in values.items():
        it = t.item(row, CAT_KEYS.index(key))
        if key == "responsabili":
            it.setCheckState(Qt.CheckState.Checked if v else Qt.CheckState.Unchecked)
        else:
            it.setText(v)


def test_dialog_saves_categories_and_rules_undoably(qtbot, ctx):
    dlg = _dialog(qtbot, ctx)
    dlg.show()
    assert dlg.height() <= 700 and dlg.minimumSizeHint().height() <= 700  # a 1366×768 screen
    orig = ctx.archive.sistema_valutazione()
    assert dlg.categorie.rowCount() == len(orig.categorie)
    while dlg.categorie.rowCount():
        dlg.categorie.removeRow(0)
    dlg._add_categoria(None)
    _fill(dlg, 0, nome="Dipendenti", aree="Operatori, istruttori; Funzionari e EQ", organizzativa="20",
          struttura="30", individuali="20", comportamenti="30")
    dlg._add_categoria(None)
    _fill(dlg, 1, nome="Responsabili", responsabili=True, organizzativa="25", struttura="25",
          individuali="25", comportamenti="25", valutatore="Nucleo di Valutazione")
    dlg.org_ente.setValue(60)
    dlg.org_unita.setValue(40)
    dlg.risultato_struttura.setCurrentIndex(dlg.risultato_struttura.findData("percentuale"))
    dlg.gestionali.setChecked(True)
    dlg._add_peso_minimo("tempi di pagamento", "30")
    dlg.accept()
    assert dlg.problems == []
    s = ctx.archive.sistema_valutazione()
    dip, resp = s.categorie
    assert (dip.nome, dip.aree, dip.responsabili) == ("Dipendenti", ("operatori", "istruttori",
                                                                      "funzionari_eq"), False)
    assert (dip.peso_organizzativa, dip.peso_struttura, dip.peso_individuali, dip.peso_comportamenti) == (
        Decimal(20), Decimal(30), Decimal(20), Decimal(30))
    assert resp.responsabili and resp.valutatore == "Nucleo di Valutazione"
    assert (s.peso_org_ente, s.peso_org_unita, s.risultato_struttura) == (Decimal(60), Decimal(40), "percentuale")
    assert s.gestionali_fasi_indicatori and s.pesi_minimi[0].testo == "tempi di pagamento"
    assert s.pesi_minimi[0].minimo == Decimal(30)
    # the valuation follows: a responsabile is evaluated by the category's body
    q = QuadroValutazioni(ctx.archive, 2025)
    pid = next(iter(q.responsabili_di))
    assert q.persona(pid).categoria.nome == "Responsabili"
    assert q.persona(pid).valutatore_nome == "Nucleo di Valutazione"
    ctx.stack.undo()
    assert ctx.archive.sistema_valutazione() == orig


def test_saving_the_scale_keeps_categories_and_their_behaviours(qtbot, ctx):
    cat = CategoriaValutazione("EQ", ("funzionari_eq",), peso_struttura=Decimal(60),
                               peso_comportamenti=Decimal(40),
                               comportamenti=(Comportamento("Leadership", Decimal(100)),))
    s0 = replace(ctx.archive.sistema_valutazione(), categorie=(cat,), valutatore_responsabili="Segretario")
    ctx.push(SetSetting("sistema_valutazione", s0.to_json()))
    dlg = _dialog(qtbot, ctx)
    dlg.p_settore.setValue(60)
    dlg.p_comp.setValue(40)
    _fill(dlg, 0, nome="Funzionari EQ")  # renamed: its behaviours go with it
    dlg.accept()
    assert dlg.problems == []
    s = ctx.archive.sistema_valutazione()
    assert s.peso_obiettivi_settore == Decimal(60)
    assert s.categorie[0].nome == "Funzionari EQ"
    assert s.categorie[0].comportamenti == cat.comportamenti
    assert s.valutatore_responsabili == "Segretario"


def test_bad_categories_are_refused_in_italian(qtbot, ctx):
    orig = ctx.archive.sistema_valutazione()
    dlg = _dialog(qtbot, ctx)
    while dlg.categorie.rowCount():
        dlg.categorie.removeRow(0)
    dlg._add_categoria(None)
    _fill(dlg, 0, nome="Dipendenti", aree="Quadri", struttura="50", comportamenti="40")
    dlg._add_categoria(None)
    _fill(dlg, 1, nome="dipendenti", aree="Operatori")
    dlg._add_categoria(None)
    _fill(dlg, 2, nome="Altri", aree="Operatori", struttura="tanti")
    dlg.org_ente.setValue(60)
    dlg.org_unita.setValue(30)
    dlg.accept()
    text = "\n".join(dlg.problems)
    assert "area «Quadri» sconosciuta" in text and "Operatori" in text
    assert "Categoria «dipendenti»: nome ripetuto" in text
    assert "peso «tanti» della componente struttura non valido" in text
    assert "area «Quadri»" in dlg.avvisi.text()
    assert ctx.stack.count() == 0 and ctx.archive.sistema_valutazione() == orig
    # once the areas are right, the weights' sums are checked by the SMVP's own rules
    _fill(dlg, 0, aree="Istruttori")
    dlg.categorie.removeRow(2)
    dlg.categorie.removeRow(1)
    dlg.accept()
    text = "\n".join(dlg.problems)
    assert "Categoria «Dipendenti»: i pesi delle componenti sommano a 90, non a 100" in text
    assert "performance organizzativa (ente e unità) sommano a 90" in text
    assert ctx.stack.count() == 0


def test_scores_tab_lists_what_the_schede_evaluate_at_any_depth(qtbot, ctx):
    dlg = _dialog(qtbot, ctx)
    codes = [dlg.punteggi.item(r, 0).text() for r in range(dlg.punteggi.rowCount())]
    q = QuadroValutazioni(ctx.archive, 2025)
    evaluated = {r.obiettivo.codice for u in q.unita_con_schede() for r in q.scheda(u).righe}
    assert set(codes) == evaluated and len(codes) == len(set(codes))
    # the demo's strategico over SS.1-SS.4: its weighted operativi are scored, not the strategico
    assert {"SS.1", "SS.2", "SS.3", "SS.4"} <= set(codes) and "SS.0" not in codes
