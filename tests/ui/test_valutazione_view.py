"""«Valutazione individuale»: scores typed in the grid, refused values, evaluator, cycle, undo."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QApplication, QLineEdit

from piaodesk.domain.model import PassoValutazione, PunteggioComportamento, ValutazioneIndividuale
from piaodesk.store.archive import Archive
from piaodesk.store.edits import DeleteRow
from piaodesk.store.valutazioni import QuadroValutazioni
from piaodesk.ui.views.valutazione import ValutazioneIndividualeView

pytestmark = pytest.mark.ui


def _staff(arc) -> int:
    """A staff member (not a unit's responsabile) whose valuation is complete in the demo."""
    q = QuadroValutazioni(arc, 2025)
    for v in q.tutte():
        rec = v.record
        if v.persona.id not in q.responsabili_di and v.esito.completa and rec is not None and \
                rec.punteggio_individuali is None and rec.categoria is None and rec.valutatore_id is None:
            return v.persona.id
    raise AssertionError("no staff member in the demo")


def _blank(arc) -> int:
    """That person with their valuation record removed (no scores, no steps of the cycle)."""
    pid = _staff(arc)
    rec = arc.select(ValutazioneIndividuale, "persona_id = ? AND anno = 2025", (pid,))[0]
    arc.apply(DeleteRow(ValutazioneIndividuale, rec.id))
    return pid


@pytest.fixture
def blank(ctx) -> int:
    return _blank(ctx.archive)


@pytest.fixture
def view(qtbot, ctx, blank):
    v = ValutazioneIndividualeView(ctx)
    qtbot.addWidget(v)
    v.resize(1366, 700)
    v.show()
    v.model.finish_loading()
    return v


def _type(qtbot, table, index, text):
    table.setCurrentIndex(index)
    table.setFocus()
    qtbot.keyClick(table, text[0])  # typing on a cell opens its editor with that key
    editor = QApplication.focusWidget()
    assert isinstance(editor, QLineEdit)
    qtbot.keyClicks(editor, text[1:])
    qtbot.keyClick(editor, Qt.Key.Key_Return)


def _scores(arc, pid):
    rec = arc.select(ValutazioneIndividuale, "persona_id = ? AND anno = 2025", (pid,))
    if not rec:
        return {}
    return {p.comportamento: p.punteggio for p in
            arc.select(PunteggioComportamento, "valutazione_id = ?", (rec[0].id,))}


def test_scores_typed_in_the_grid_complete_the_valuation_and_undo(qtbot, view, ctx, blank, qtmodeltester):
    pid = blank
    assert view.select_persona(pid)
    view.dettaglio.setCurrentWidget(view.pagine["comportamenti"])
    grid, gm = view.comportamenti, view.comportamenti_model
    names = [gm.row_at(r).key for r in range(gm.rowCount())]
    assert len(names) == 4
    col = gm.column_of("punteggio")
    row = view.model.row_at(view.model.row_of(pid))
    assert row.stato == "incompleta" and row.finale is None
    steps = ctx.stack.count()
    for r, text in enumerate(("25,5", "30", "24", "27")):
        _type(qtbot, grid, gm.index(r, col), text)
    # written to the plan file at once, one undo step per score
    assert _scores(ctx.archive, pid) == dict(zip(names, (Decimal("25.5"), Decimal(30), Decimal(24),
                                                        Decimal(27)), strict=True))
    assert ctx.stack.count() == steps + 4
    # the row is recomputed at once, with the numbers of the sheets and the CLI
    expected = QuadroValutazioni(ctx.archive, 2025).persona(pid).esito
    row = view.model.row_at(view.model.row_of(pid))
    assert row.stato == "completa" and expected.completa
    assert row.finale == expected.finale and row.fascia == expected.fascia.lettera
    assert view.proxy.data(view.proxy.index(view.proxy.mapFromSource(
        view.model.index(view.model.row_of(pid), 0)).row(), view.model.column_of("stato"))) == "completa"
    assert "Valutazione finale" in view.esito.text()
    assert gm.data(gm.index(0, col)) == "25,5"
    qtmodeltester.check(view.model)
    ctx.stack.undo()
    assert names[3] not in _scores(ctx.archive, pid) and len(_scores(ctx.archive, pid)) == 3
    row = view.model.row_at(view.model.row_of(pid))
    assert row.stato == "incompleta" and names[3] in row.mancanti and row.finale is None
    assert "Valutazione incompleta — manca" in view.esito.text()
    assert gm.data(gm.index(3, col)) == ""


def test_out_of_scale_score_is_refused_once_without_undo_step(qtbot, view, ctx, blank):
    pid = blank
    view.select_persona(pid)
    view.dettaglio.setCurrentWidget(view.pagine["comportamenti"])
    gm = view.comportamenti_model
    said: list[str] = []
    gm.refused.connect(said.append)  # what the view shows in its message line (no dialog box)
    steps = ctx.stack.count()
    _type(qtbot, view.comportamenti, gm.index(0, gm.column_of("punteggio")), "31")
    assert len(said) == 1 and "fuori scala" in said[0] and "da 0 a 30" in said[0]
    assert view.message.isVisible() and view.message.text() == said[0]
    assert ctx.stack.count() == steps
    assert _scores(ctx.archive, pid) == {}
    assert gm.data(gm.index(0, gm.column_of("punteggio"))) == ""
    # not a number: refused too, in Italian
    _type(qtbot, view.comportamenti, gm.index(0, gm.column_of("punteggio")), "tanto")
    assert len(said) == 2 and "non è un numero valido" in said[1]
    assert ctx.stack.count() == steps


def test_evaluator_chosen_never_the_person_and_category_override(view, ctx, blank):
    pid = blank
    view.select_persona(pid)
    combo = view.valutatore
    data = [combo.itemData(i) for i in range(combo.count())]
    assert f"persona:{pid}" not in data  # never themself
    other = next(d for d in data if d and d.startswith("persona:"))
    combo.setCurrentIndex(combo.findData(other))
    combo.activated.emit(combo.currentIndex())
    rec = ctx.archive.select(ValutazioneIndividuale, "persona_id = ?", (pid,))[0]
    assert rec.valutatore_id == int(other.split(":")[1])
    nome = ctx.archive.get(type(ctx.archive.persone()[0]), rec.valutatore_id).nominativo
    assert view.model.row_at(view.model.row_of(pid)).valutatore.startswith(nome)
    assert view.valutatore.currentData() == other  # the choice is shown after the refresh
    body = combo.findData("ruolo:Nucleo di Valutazione")
    combo.setCurrentIndex(body)
    combo.activated.emit(body)
    assert view.model.row_at(view.model.row_of(pid)).valutatore == "Nucleo di Valutazione"
    ctx.stack.undo()
    assert view.model.row_at(view.model.row_of(pid)).valutatore.startswith(nome)
    assert view.valutatore.currentData() == other
    # the store refuses the person as their own evaluator (a second line of defence)
    assert not view.model.push(pid, valutatore_id=pid)
    assert "valutatore di sé stesso" in view.message.text()


def test_cycle_steps_typed_and_who_is_at_which_step(qtbot, view, ctx, blank):
    pid = blank
    view.select_persona(pid)
    before = view.conteggi_ciclo()
    assert view.model.row_at(view.model.row_of(pid)).passo is None
    view.dettaglio.setCurrentWidget(view.pagine["ciclo"])
    pm = view.passi_model
    r_fin = next(r for r in range(pm.rowCount()) if pm.row_at(r).key == "valutazione_finale")
    _type(qtbot, view.passi, pm.index(r_fin, pm.column_of("data")), "15/01/2026")
    rec = ctx.archive.select(ValutazioneIndividuale, "persona_id = ?", (pid,))[0]
    passi = ctx.archive.select(PassoValutazione, "valutazione_id = ?", (rec.id,))
    assert [(str(p.passo), p.data) for p in passi] == [("valutazione_finale", date(2026, 1, 15))]
    row = view.model.row_at(view.model.row_of(pid))
    assert row.passo == "valutazione_finale" and row.passo_label == "Valutazione finale"
    # the cycle view counts and lists the person at that step
    view.update_summary()
    counts = view.conteggi_ciclo()
    assert counts == {**before, "valutazione_finale": before["valutazione_finale"] + 1,
                      None: before[None] - 1}
    assert sum(counts.values()) == view.model.rowCount()
    view.tabs.setCurrentIndex(1)
    r = next(i for i in range(view.ciclo_passi.rowCount())
             if view.ciclo_passi.item(i, 0).data(Qt.ItemDataRole.UserRole) == "valutazione_finale")
    assert view.ciclo_passi.item(r, 1).text() == str(counts["valutazione_finale"])
    view.ciclo_passi.setCurrentCell(r, 0)
    t = view.ciclo_persone
    assert t.rowCount() == counts["valutazione_finale"]
    mine = next(i for i in range(t.rowCount()) if t.item(i, 0).data(Qt.ItemDataRole.UserRole) == pid)
    assert t.item(mine, 3).text() == "15/01/2026"
    # double click in the cycle's list: back to that person's valuation
    view._ciclo_apri(mine, 0)
    assert view.tabs.currentIndex() == 0 and view.current_persona() == pid
    # the filter «passo» shows the persons at that step
    view.passo.setCurrentIndex(view.passo.findData("valutazione_finale"))
    assert view.proxy.rowCount() == counts["valutazione_finale"]
    view.passo.setCurrentIndex(0)
    # an outcome of a riesame never requested is refused, nothing written
    r_esito = next(r for r in range(pm.rowCount()) if pm.row_at(r).key == "esito_riesame")
    steps = ctx.stack.count()
    view.tabs.setCurrentIndex(0)
    assert not pm.setData(pm.index(r_esito, pm.column_of("testo")), "confermata dal Nucleo")
    assert "richiede una richiesta di riesame" in view.message.text()
    assert ctx.stack.count() == steps
    # emptying the date removes the step; undo brings it back
    assert pm.setData(pm.index(r_fin, pm.column_of("data")), "")
    assert view.model.row_at(view.model.row_of(pid)).passo is None
    ctx.stack.undo()
    assert view.model.row_at(view.model.row_of(pid)).passo == "valutazione_finale"


def test_filters_by_state_and_unit(view, ctx):
    total = view.model.rowCount()
    view.stato.setCurrentIndex(view.stato.findData("completa"))
    assert view.proxy.rowCount() == sum(1 for r in view.model.rows() if r.stato == "completa")
    view.stato.setCurrentIndex(0)
    uid = next(r.unita_id for r in view.model.rows() if r.unita_id is not None)
    view.unita.setCurrentIndex(view.unita.findData(uid))
    n = sum(1 for r in view.model.rows() if r.unita_id == uid)
    assert 0 < view.proxy.rowCount() == n < total
    assert f"({n} mostrate)" in view.summary.text()


def test_menu_tab_and_ctrl_z_in_the_main_window(qtbot, demo_path, tmp_path):
    from piaodesk.ui.main_window import MainWindow

    arc = Archive.open(demo_path)
    pid = _blank(arc)
    win = MainWindow(arc,
                     QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(win)
    with qtbot.waitActive(win):
        win.show()
        win.activateWindow()
    assert "Valuta&zione" in win.menus and not win.menus["Valuta&zione"].isEmpty()
    win.actions_by_name["azione_valutazione_individuale"].trigger()
    view = win.views["Valutazione individuale"]
    assert win.tabs.currentWidget() is win.view_tabs["Valutazione individuale"]
    view.model.finish_loading()
    view.select_persona(pid)
    view.dettaglio.setCurrentWidget(view.pagine["comportamenti"])
    qtbot.waitUntil(view.comportamenti.isVisible)
    gm = view.comportamenti_model
    _type(qtbot, view.comportamenti, gm.index(1, gm.column_of("punteggio")), "22")
    assert list(_scores(win.archive, pid).values()) == [Decimal(22)]
    win.actions_by_name["annulla"].trigger()  # Modifica › Annulla (Ctrl+Z)
    assert win.actions_by_name["annulla"].shortcut().toString() == "Ctrl+Z"
    assert all(v is None for v in _scores(win.archive, pid).values())
    assert gm.data(gm.index(1, gm.column_of("punteggio"))) == ""
    win.actions_by_name["azione_ciclo_valutazione"].trigger()
    assert view.tabs.currentIndex() == 1
    win.close()


def test_a_change_of_the_smvp_recomputes_every_row_and_keeps_the_person(view, ctx):
    from dataclasses import replace

    from piaodesk.store.edits import SetSetting

    s0 = ctx.archive.sistema_valutazione()
    q = QuadroValutazioni(ctx.archive, 2025)
    pid = next(r.key for r in view.model.rows() if r.stato == "completa"
               and q.persona(r.key).categoria in s0.categorie)
    view.select_persona(pid)
    view.tabs.setCurrentIndex(1)  # the cycle's tab stays in front
    cat = q.persona(pid).categoria
    nuova = replace(cat, peso_comportamenti=cat.peso_comportamenti + 10)  # now 110: refused by the rules
    s1 = replace(s0, categorie=tuple(nuova if c.nome == cat.nome else c for c in s0.categorie))
    ctx.push(SetSetting("sistema_valutazione", s1.to_json()))
    row = view.model.row_at(view.model.row_of(pid))
    assert row.stato == "incompleta" and "sommino a 100" in row.mancanti
    assert view.current_persona() == pid and view.tabs.currentIndex() == 1
    assert "sommino a 100" in view.esito.text()
    ctx.stack.undo()
    assert view.model.row_at(view.model.row_of(pid)).stato == "completa"


def test_component_columns_follow_the_smvp(view, ctx, qtmodeltester):
    from dataclasses import replace

    from piaodesk.store.edits import SetSetting

    def headers():
        m = view.model
        return [m.headerData(c, Qt.Orientation.Horizontal) for c in range(m.columnCount())]

    assert "Organizzativa" in headers() and "Individuali" in headers()
    s0 = ctx.archive.sistema_valutazione()
    cats = tuple(replace(c, peso_struttura=c.peso_struttura + c.peso_organizzativa, peso_organizzativa=0)
                 for c in s0.categorie)
    ctx.push(SetSetting("sistema_valutazione", replace(s0, categorie=cats).to_json()))
    assert "Organizzativa" not in headers() and "Struttura" in headers()
    assert view.model.columnCount() == len(view.model.columns())
    assert all(r.valori.get("organizzativa") is None for r in view.model.rows())
    qtmodeltester.check(view.model)
    ctx.stack.undo()
    assert "Organizzativa" in headers()


def test_pasted_scores_are_one_undo_step_all_or_nothing(view, ctx, blank):
    from PySide6.QtWidgets import QApplication

    pid = blank
    view.select_persona(pid)
    gm, grid = view.comportamenti_model, view.comportamenti
    col = gm.column_of("punteggio")
    names = [gm.row_at(r).key for r in range(gm.rowCount())]
    steps = ctx.stack.count()
    # one score out of scale among four: nothing written, one message
    QApplication.clipboard().setText("20\n21\n35\n22")
    grid.setCurrentIndex(gm.index(0, col))
    grid.paste()
    assert _scores(ctx.archive, pid) == {} and ctx.stack.count() == steps
    assert "fuori scala" in view.message.text()
    # four good scores (a new valuation record for the person): one step
    QApplication.clipboard().setText("20\n21\n23,5\n22")
    grid.paste()
    assert _scores(ctx.archive, pid) == dict(zip(names, map(Decimal, ("20", "21", "23.5", "22")),
                                                 strict=True))
    assert ctx.stack.count() == steps + 1
    assert view.model.row_at(view.model.row_of(pid)).stato == "completa"
    # clearing two cells (Canc): one step, the valuation incomplete again
    grid.setCurrentIndex(gm.index(1, col))
    grid.selectionModel().select(gm.index(2, col), grid.selectionModel().SelectionFlag.Select)
    grid.clear_selection()
    assert [_scores(ctx.archive, pid)[n] for n in names] == [Decimal(20), None, None, Decimal(22)]
    assert ctx.stack.count() == steps + 2
    ctx.stack.undo()
    ctx.stack.undo()
    assert _scores(ctx.archive, pid) == {}


def test_year_selector_reloads_the_valuation_of_that_year(qtbot, demo_path, tmp_path):
    from piaodesk.ui.main_window import MainWindow

    win = MainWindow(Archive.open(demo_path),
                     QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(win)
    win.show()
    view = win.view("Valutazione individuale", show=True)
    view.model.finish_loading()
    assert "anno 2025" in view.summary.text()
    assert any(r.passo for r in view.model.rows())  # the demo's cycle is in 2025
    win.set_anno(2026)
    view.model.finish_loading()
    view.update_summary()
    assert view.model.anno_righe == 2026 and "anno 2026" in view.summary.text()
    assert not any(r.passo for r in view.model.rows())  # nothing recorded for 2026 yet
    org = win.view("Performance organizzativa", show=True)
    assert "2026" in org.titolo_voci.text()
    win.close()


def test_tooltips_say_what_is_missing_and_the_whole_text(view, ctx, blank):
    m = view.model
    r = m.row_of(blank)
    tip = m.data(m.index(r, m.column_of("stato")), Qt.ItemDataRole.ToolTipRole)
    assert tip.startswith("Valutazione incompleta — manca: punteggi dei comportamenti")
    row = m.row_at(r)
    assert m.data(m.index(r, m.column_of("categoria")), Qt.ItemDataRole.ToolTipRole) == row.categoria
    done = next(i for i in range(m.rowCount()) if m.row_at(i).stato == "completa")
    assert m.data(m.index(done, m.column_of("stato")), Qt.ItemDataRole.ToolTipRole) is None


def test_a_step_recorded_for_the_persons_listed_is_one_undo_step(view, ctx):
    uid = max({r.unita_id for r in view.model.rows() if r.passo == "presa_visione"},
              key=lambda u: sum(1 for r in view.model.rows() if r.unita_id == u and r.passo == "presa_visione"))
    view.unita.setCurrentIndex(view.unita.findData(uid))
    view.tabs.setCurrentIndex(1)
    r = next(i for i in range(view.ciclo_passi.rowCount())
             if view.ciclo_passi.item(i, 0).data(Qt.ItemDataRole.UserRole) == "presa_visione")
    view.ciclo_passi.setCurrentCell(r, 0)
    listed = [int(view.ciclo_persone.item(i, 0).data(Qt.ItemDataRole.UserRole))
              for i in range(view.ciclo_persone.rowCount())]
    assert len(listed) >= 2
    assert view.ciclo_nuovo.currentData() == "osservazioni"  # the next step, proposed
    steps = ctx.stack.count()
    # a date that is not one: said, nothing written
    view.ciclo_data.setText("31/02/2026")
    view.ciclo_registra.click()
    assert "non è una data valida" in view.message.text() and ctx.stack.count() == steps
    view.ciclo_data.setText("20/02/2026")
    view.ciclo_registra.click()
    assert ctx.stack.count() == steps + 1
    assert f"registrato per {len(listed)} persone" in view.message.text()
    assert all(view.model.row_at(view.model.row_of(p)).passo == "osservazioni" for p in listed)
    # already there: kept, said; an outcome of a riesame never requested: refused, said
    msg = view.registra_passo("assegnazione", date(2025, 1, 2), listed)
    assert f"{len(listed)} persone lo avevano già (non modificate)" in msg
    msg = view.registra_passo("esito_riesame", date(2026, 3, 1), listed[:1])
    assert "1 persona rifiutata: " in msg and "richiesta di riesame" in msg
    assert ctx.stack.count() == steps + 1
    ctx.stack.undo()
    assert all(view.model.row_at(view.model.row_of(p)).passo == "presa_visione" for p in listed)
