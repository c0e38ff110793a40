"""«Verifica del piano»: the panel lists the plan's problems, follows edits, goes to the objective."""

from __future__ import annotations

from decimal import Decimal

import pytest
from PySide6.QtCore import QSettings, Qt

from piaodesk.domain.model import Obiettivo
from piaodesk.store.archive import Archive
from piaodesk.store.edits import SetFields
from piaodesk.store.valutazioni import QuadroValutazioni
from piaodesk.ui.dialogs.verifica import VerificaWidget, conta, problemi
from piaodesk.ui.main_window import MainWindow

pytestmark = pytest.mark.ui


@pytest.fixture
def win(qtbot, demo_path, tmp_path):
    w = MainWindow(Archive.open(demo_path), QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(w)
    with qtbot.waitActive(w):
        w.show()
        w.activateWindow()
    yield w
    w.close()


def _evaluated(arc) -> Obiettivo:
    """An objective some scheda evaluates, with a weight."""
    q = QuadroValutazioni(arc, 2025)
    for u in q.unita_con_schede():
        for r in q.scheda(u).righe:
            if r.peso is not None:
                return r.obiettivo
    raise AssertionError("no weighted objective in the demo")


def _double_click(qtbot, table, item):
    """A real double click: press/release, then the double-click event (as a mouse sends them)."""
    table.scrollToItem(item)
    pos = table.visualItemRect(item).center()
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=pos)
    qtbot.mouseDClick(table.viewport(), Qt.MouseButton.LeftButton, pos=pos)


def _rows(panel: VerificaWidget) -> list[tuple[str, str, str]]:
    t = panel.table
    return [tuple(t.item(r, c).text() for c in range(3)) for r in range(t.rowCount())]


def test_panel_lists_a_new_problem_and_double_click_selects_the_objective(qtbot, win):
    win.actions_by_name["azione_verifica_piano"].trigger()
    panel = win.findChild(VerificaWidget)
    assert panel is not None and panel.isVisible()
    before = _rows(panel)
    # what the store's «verifica» finds (the CLI's «valutazione verifica» too), errors first
    found = problemi(win.ctx)
    assert before == [(p.gravita, p.dove, p.messaggio) for p in found]
    n_err = sum(1 for p in found if p.gravita == "errore")
    assert f"{conta(n_err, 'errore', 'errori')} e {conta(len(found) - n_err, 'avviso', 'avvisi')}" \
        in panel.riepilogo.text()
    assert conta(0, "errore", "errori") == "nessun errore" and conta(3, "avviso", "avvisi") == "3 avvisi"
    ob = _evaluated(win.archive)
    codice = ob.codice or ob.titolo[:40]
    assert not any("fuori dall'intervallo" in m and codice in m for _, _, m in before)
    # a weight out of range, typed anywhere: the panel checks again by itself
    assert win.ctx.push(SetFields(Obiettivo, ob.id, {"peso": Decimal(150)}))
    qtbot.waitUntil(lambda: any("fuori dall'intervallo" in m and codice in m for _, _, m in _rows(panel)),
                    timeout=5000)
    row = next(r for r, (_g, _d, m) in enumerate(_rows(panel)) if "fuori dall'intervallo" in m)
    assert _rows(panel)[row][0] == "errore"
    assert panel.problema(row).obiettivo_id == ob.id
    # double click on the problem: the editor shows that objective
    win.tabs.setCurrentIndex(1)
    _double_click(qtbot, panel.table, panel.table.item(row, 2))
    assert win.tabs.currentIndex() == 0
    assert win.current_id() == ob.id
    # undo: the problem goes away again
    win.ctx.stack.undo()
    qtbot.waitUntil(lambda: not any("fuori dall'intervallo" in m and codice in m
                                    for _, _, m in _rows(panel)), timeout=5000)


def test_double_click_on_a_person_problem_opens_the_valuation(qtbot, win, monkeypatch):
    from piaodesk.domain.verifica import ERRORE, Problema
    from piaodesk.ui.dialogs import verifica as ver

    pid = win.archive.persone()[5].id
    monkeypatch.setattr(ver, "problemi", lambda ctx: [Problema(ERRORE, "Persona X", "nessun valutatore.",
                                                               persona_id=pid)])
    panel = ver.show_verifica(win, win.ctx)
    assert _rows(panel) == [("errore", "Persona X", "nessun valutatore.")]
    _double_click(qtbot, panel.table, panel.table.item(0, 1))
    view = win.views["Valutazione individuale"]
    assert win.tabs.currentWidget() is win.view_tabs["Valutazione individuale"]
    assert view.current_persona() == pid


def test_double_click_on_a_scheda_problem_shows_that_unit_s_objectives(qtbot, win, monkeypatch):
    from piaodesk.domain.verifica import AVVISO, Problema
    from piaodesk.ui.dialogs import verifica as ver

    unita = win.archive.unita()[1]
    monkeypatch.setattr(ver, "problemi", lambda ctx: [Problema(AVVISO, f"Scheda {unita.nome}",
                                                               "la somma dei pesi è 60 %, non 100 %.",
                                                               unita_id=unita.id)])
    panel = ver.show_verifica(win, win.ctx)
    win.tabs.setCurrentIndex(1)
    _double_click(qtbot, panel.table, panel.table.item(0, 2))
    assert win.tabs.currentIndex() == 0 and win.f_settore.currentData() == unita.id
