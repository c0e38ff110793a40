"""Main window flows on real widgets (offscreen), asserting on the plan file."""

from __future__ import annotations

import shutil
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from PySide6.QtCore import QModelIndex, QSettings, Qt
from PySide6.QtGui import QGuiApplication

from piaodesk.domain.model import Fase, Indicatore, Misura, Obiettivo
from piaodesk.store.archive import Archive
from piaodesk.ui import main_window as mw
from piaodesk.ui.main_window import MainWindow
from piaodesk.ui.models.columns import IdRole

pytestmark = pytest.mark.ui


@pytest.fixture
def messages(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    seen: list[str] = []
    monkeypatch.setattr(mw, "warn", lambda parent, title, text: seen.append(text))
    monkeypatch.setattr(mw, "ask", lambda parent, title, text: True)
    return seen


def _open(qtbot, path: Path, settings: QSettings) -> MainWindow:
    win = MainWindow(Archive.open(path), settings)
    qtbot.addWidget(win)
    win.show()
    return win


def _plan_file(empty_plan) -> Path:
    path = empty_plan.path
    empty_plan.close()
    return path


def _type_cell(qtbot, view, row: int, col: int, text: str) -> None:
    idx = view.model().index(row, col)
    view.setCurrentIndex(idx)
    view.setFocus()
    qtbot.keyClicks(view, text[0])
    editor = view.focusWidget()
    assert editor is not view, "typing did not open an editor"
    qtbot.keyClicks(editor, text[1:])
    qtbot.keyClick(editor, Qt.Key.Key_Return)


def test_main_flow_create_fase_indicator_undo_reopen(qtbot, empty_plan, settings, messages):
    path = _plan_file(empty_plan)
    win = _open(qtbot, path, settings)
    arc = win.archive
    # a new objective at the top of «Obiettivi»
    win.tree.setCurrentIndex(win.tree.model().index(0, 0))
    oid = win.add_child()
    assert oid is not None and arc.obiettivo(oid).titolo == "Nuovo obiettivo"
    assert win.current_id() == oid
    title = win.panel.form.widgets["titolo"]
    title.setText("Digitalizzazione protocollo")
    title.editingFinished.emit()
    assert arc.obiettivo(oid).titolo == "Digitalizzazione protocollo"

    # Fasi: Ctrl+Ins adds a row, type the deadline as 31/12/2025
    win.panel.tabs.setCurrentIndex(1)
    grid = win.panel.fasi
    grid.setFocus()
    grid.action("aggiungi").trigger()
    assert len(arc.fasi(oid)) == 1
    _type_cell(qtbot, grid, 0, 1, "31/12/2025")
    assert arc.fasi(oid)[0].scadenza == date(2025, 12, 31)
    _type_cell(qtbot, grid, 0, 6, "40")
    assert arc.fasi(oid)[0].perc_realizzazione == Decimal(40)

    # Indicatori: add one, target 2025 = 200, actual typed = 150 → 75 %
    win.panel.tabs.setCurrentIndex(2)
    ig = win.panel.indicatori
    ig.setFocus()
    ig.action("aggiungi").trigger()
    ind = arc.indicatori(oid)[0]
    m = win.panel.ind_model
    _type_cell(qtbot, ig, 0, m.column_of("target:2025"), "200")
    _type_cell(qtbot, ig, 0, m.column_of("valore:2025"), "150")
    mis = arc.misure([ind.id])
    assert [(x.anno, x.periodo, x.target, x.valore) for x in mis] == [
        (2025, "", Decimal(200), Decimal(150))]
    assert ig.model().index(0, m.column_of("perc")).data() == "75,00"
    # objective % = mean of indicators (75) and fasi (40) per the default SMVP
    expected = arc.perc_avanzamento(oid, 2025)
    assert expected is not None
    tree_idx = win.to_view(win.model.index_of_id(oid, 3))
    shown = tree_idx.data()
    assert shown.replace(" %", "") == f"{expected:.2f}".replace(".", ",")
    assert shown.replace(" %", "") in win.panel.summary.text()

    # undo the actual value: archive and tree follow; redo restores it
    win.ctx.stack.undo()
    assert arc.misure([ind.id])[0].valore is None
    assert ig.model().index(0, m.column_of("perc")).data() == ""
    assert win.to_view(win.model.index_of_id(oid, 3)).data() != shown
    win.ctx.stack.redo()
    assert arc.misure([ind.id])[0].valore == Decimal(150)
    assert win.to_view(win.model.index_of_id(oid, 3)).data() == shown
    assert win.actions_by_name["annulla"].text().startswith("Annulla")

    win.close()
    with Archive.open(path) as again:
        ob = again.obiettivo(oid)
        assert ob.titolo == "Digitalizzazione protocollo"
        assert again.fasi(oid)[0].scadenza == date(2025, 12, 31)
        assert again.misure([ind.id])[0].valore == Decimal(150)
    assert messages == []


def test_paste_block_into_indicator_grid(qtbot, empty_plan, settings, messages):
    path = _plan_file(empty_plan)
    win = _open(qtbot, path, settings)
    arc = win.archive
    win.tree.setCurrentIndex(win.tree.model().index(0, 0))
    oid = win.add_child()
    ig = win.panel.indicatori
    m = win.panel.ind_model
    # one row exists; the paste adds the two rows beyond the end
    ig.action("aggiungi").trigger()
    ig.setCurrentIndex(ig.model().index(0, m.column_of("descrizione")))
    QGuiApplication.clipboard().setText(
        "Pratiche evase\t1.200\t1.150,5\t1.300\r\n"
        "Tempo medio (giorni)\t30\t28,5\t25\r\n"
        "Customer satisfaction\t80\t92,25\t85\r\n")
    assert m.rowCount() == 1
    depth = win.ctx.stack.index()
    win.panel.indicatori.paste()
    assert m.last_error is None, m.last_error
    assert win.ctx.stack.index() == depth + 1
    inds = arc.indicatori(oid)
    assert [i.descrizione for i in inds] == ["Pratiche evase", "Tempo medio (giorni)",
                                             "Customer satisfaction"]
    got = {(i.descrizione, x.anno): (x.target, x.valore) for i in inds for x in arc.misure([i.id])}
    assert got[("Pratiche evase", 2025)] == (Decimal(1200), Decimal("1150.5"))
    assert got[("Pratiche evase", 2026)] == (Decimal(1300), None)
    assert got[("Tempo medio (giorni)", 2025)] == (Decimal(30), Decimal("28.5"))
    assert got[("Customer satisfaction", 2025)] == (Decimal(80), Decimal("92.25"))
    # one undo step removes the whole paste
    win.ctx.stack.undo()
    assert [i.descrizione for i in arc.indicatori(oid)] == ["Nuovo indicatore"]
    assert arc.misure([i.id for i in arc.indicatori(oid)]) == []
    win.ctx.stack.redo()
    assert len(arc.indicatori(oid)) == 3
    # copy goes out as TSV with Italian decimals
    ig.setCurrentIndex(m.index(0, m.column_of("target:2025")))
    ig.selectionModel().select(m.index(0, m.column_of("target:2025")),
                               ig.selectionModel().SelectionFlag.ClearAndSelect)
    ig.copy_selection()
    assert QGuiApplication.clipboard().text() == "1.200\n" or \
        QGuiApplication.clipboard().text() == "1200\n"
    assert messages == []


def test_invalid_input_is_refused(qtbot, empty_plan, settings, messages):
    path = _plan_file(empty_plan)
    win = _open(qtbot, path, settings)
    arc = win.archive
    win.tree.setCurrentIndex(win.tree.model().index(0, 0))
    oid = win.add_child()
    depth = win.ctx.stack.count()
    peso = win.panel.form.widgets["peso"]
    peso.setText("tanto")
    peso.editingFinished.emit()
    assert arc.obiettivo(oid).peso is None
    assert messages and "non è un numero" in messages[-1]
    peso.setText("12,5")
    peso.editingFinished.emit()
    assert arc.obiettivo(oid).peso == Decimal("12.5")

    grid = win.panel.fasi
    grid.action("aggiungi").trigger()
    depth = win.ctx.stack.count()
    _type_cell(qtbot, grid, 0, 1, "31/02/2025")
    assert arc.fasi(oid)[0].scadenza is None
    assert "31/02/2025" in messages[-1] and "data" in messages[-1]
    _type_cell(qtbot, grid, 0, 6, "150")
    assert arc.fasi(oid)[0].perc_realizzazione is None
    assert "tra 0 e 100" in messages[-1]
    assert win.ctx.stack.count() == depth  # nothing reached the stack or the file
    inizio = win.panel.form.widgets["inizio_previsto"]
    inizio.setText("32/01/2025")
    inizio.editingFinished.emit()
    assert arc.obiettivo(oid).inizio_previsto is None
    assert "non è una data valida" in messages[-1]


def test_tree_add_move_cut_paste_renumber_delete(qtbot, demo_path, settings, messages):
    win = _open(qtbot, demo_path, settings)
    arc = win.archive
    roots = arc.figli_ids(None, "obiettivi")
    first, second = roots[0], roots[1]
    # child of the first root, then a sibling
    win.select_obiettivo(first)
    child = win.add_child()
    assert arc.obiettivo(child).parent_id == first
    sib = win.add_sibling()
    assert arc.figli_ids(first)[-2:] == [child, sib]
    # drag & drop (model drop) of the sibling under the second root
    model = win.model
    data = model.mimeData([model.index_of_id(sib)])
    assert model.dropMimeData(data, Qt.DropAction.MoveAction, -1, 0, model.index_of_id(second))
    assert arc.obiettivo(sib).parent_id == second
    assert model.index_of_id(sib).parent().data(IdRole) == second
    # cut and paste the child under the second root too
    win.select_obiettivo(child)
    win.cut_selected()
    win.select_obiettivo(second)
    assert win.paste_cut()
    assert arc.obiettivo(child).parent_id == second
    # renumber under the second root
    win.select_obiettivo(second)
    code = arc.obiettivo(second).codice
    assert win.renumber_selected(confirm=False)
    codes = [arc.obiettivo(i).codice for i in arc.figli_ids(second)]
    assert codes == [f"{code}.{k}" for k in range(1, len(codes) + 1)]
    win.ctx.stack.undo()
    assert arc.obiettivo(child).codice != f"{code}.{len(codes)}" or len(codes) == 1
    win.ctx.stack.redo()
    # delete with confirmation, then undo restores the same id
    win.select_obiettivo(child)
    assert win.delete_selected()
    assert arc.obiettivo(child) is None
    assert not model.index_of_id(child).isValid()
    win.ctx.stack.undo()
    assert arc.obiettivo(child).parent_id == second
    assert model.index_of_id(child).isValid()
    # undo everything back to the opening state
    while win.ctx.stack.canUndo():
        win.ctx.stack.undo()
    assert arc.figli_ids(None, "obiettivi") == roots
    assert arc.obiettivo(child) is None and arc.obiettivo(sib) is None


def test_filters_and_late_marking(qtbot, demo_path, settings, messages):
    win = _open(qtbot, demo_path, settings)
    arc = win.archive
    # the tree always shows the model itself: filtering is the projection's (no proxy)
    assert win.tree.model() is win.model
    first = next(o.id for o in arc.obiettivi() if arc.figli_ids(o.id) and o.parent_id is None)
    win.tree.expand(win.model.index_of_id(first).parent())
    win.tree.expand(win.model.index_of_id(first))
    win.search.setText("ICARO")
    assert win.tree.model() is win.model and win.model.rowCount() == 1
    shown = []

    def walk(parent):
        view = win.tree.model()
        for r in range(view.rowCount(parent)):
            idx = view.index(r, 0, parent)
            if idx.data(IdRole) is not None:
                shown.append(idx.data(IdRole))
            walk(idx)

    walk(QModelIndex())
    icaro = [o.id for o in arc.obiettivi() if "ICARO" in o.titolo.upper()]
    assert icaro and set(icaro) <= set(shown)
    assert all(arc.obiettivo(i).parent_id in (None, *icaro) or i in icaro for i in shown)
    assert win.to_source(win.to_view(win.model.index_of_id(icaro[0]))).data(IdRole) == icaro[0]
    win.select_obiettivo(icaro[0])
    win.search.clear()
    # filter cleared: back to the plain model, the nodes expanded before are expanded again
    assert win.tree.model() is win.model
    assert win.tree.isExpanded(win.model.index_of_id(first))
    assert win.current_id() == icaro[0]
    assert win.tree.header().count() == 4 and win.tree.isExpanded(win.model.index(0, 0))
    # a fase overdue marks its objective red in the tree
    oid = arc.figli_ids(None, "obiettivi")[0]
    f = Fase(obiettivo_id=oid, descrizione="In ritardo", scadenza=date(2020, 1, 1),
             perc_realizzazione=Decimal(10))
    from piaodesk.store.edits import InsertRow

    win.ctx.push(InsertRow(f))
    from piaodesk.ui.models.tree import LateRole

    assert win.model.index_of_id(oid).data(LateRole) is True
    assert win.model.index_of_id(oid).data(Qt.ItemDataRole.ForegroundRole) is not None


def test_start_settings_and_title(qtbot, demo_path, tmp_path, settings, monkeypatch):
    win = MainWindow.start(demo_path, settings)
    assert win is not None
    qtbot.addWidget(win)
    assert "demo.piao" in win.windowTitle() and "Monitoraggio" in win.windowTitle()
    views = [win.tabs.tabText(i) for i in range(win.tabs.count())]
    assert views[0] == "Editor"
    win.show()
    win.resize(760, 560)
    win.splitter.setSizes([300, 700])
    win.set_anno(2026)
    size = win.size()
    split = win.splitter.sizes()
    win.close()
    # no path: the last plan recorded is opened again, with geometry and year restored
    win2 = MainWindow.start(None, settings)
    assert win2 is not None
    qtbot.addWidget(win2)
    win2.show()
    assert win2.archive.path.resolve() == demo_path.resolve()
    assert win2.ctx.anno == 2026
    assert win2.size() == size
    assert win2.splitter.sizes() == split
    win2.close()
    # a broken file: Italian message, no crash, no window
    bad = tmp_path / "rotto.piao"
    bad.write_bytes(b"non sono un piano")
    shown: list[str] = []
    monkeypatch.setattr(mw.QMessageBox, "critical", lambda *a: shown.append(a[2]))
    assert MainWindow.open_window(bad, settings) is None
    assert shown
    # read-only plans say so in the title
    ro = MainWindow(Archive.open(demo_path, readonly=True), settings)
    qtbot.addWidget(ro)
    assert "[sola lettura]" in ro.windowTitle()
    assert not ro.actions_by_name["nuovo_figlio"].isEnabled()
    ro.close()


def test_demo_copy_helper(tmp_path):
    # the «piano dimostrativo» of the start dialog is created once in the user folder
    path = mw.demo_plan_path()
    assert path.exists()
    with Archive.open(path) as arc:
        assert arc.count(Obiettivo) > 10
    shutil.copy(path, tmp_path / "x.piao")
    _ = Indicatore, Misura


def test_tree_reads_children_of_collapsed_rows_in_idle_time(qtbot, demo_path, settings, messages):
    """Expanding a row must not read the plan: its children were read while the user looked."""
    win = _open(qtbot, demo_path, settings)
    model = win.model
    group = model.index(0, 0)
    assert win.tree.isExpanded(group)
    with_kids = [model.index(r, 0, group) for r in range(model.rowCount(group))
                 if model.hasChildren(model.index(r, 0, group))]
    assert with_kids
    # idle time: the collapsed rows get their children, without being expanded
    qtbot.waitUntil(lambda: not any(model.canFetchMore(i) for i in with_kids), timeout=3000)
    assert model.prefetch_count >= len(with_kids)
    assert not any(win.tree.isExpanded(i) for i in with_kids)
    # nothing below them (not visible): their grandchildren are not read
    first = with_kids[0]
    kids = [model.index(r, 0, first) for r in range(model.rowCount(first))]
    assert kids and all(model.node(k).children is None for k in kids if model.node(k).n_children)
    # a grandchild below the first child (so that there is something to read after expanding)
    from piaodesk.store.edits import InsertRow

    k0 = model.node(kids[0])
    win.ctx.push(InsertRow(Obiettivo(parent_id=k0.id, ramo=str(k0.ramo), codice="X.1",
                                     titolo="Nipote", livello=str(k0.obj.livello))))
    assert model.hasChildren(kids[0]) and k0.children is None
    # expanding now reads nothing and shows the rows
    queries: list[str] = []
    win.archive.db.conn.set_trace_callback(queries.append)
    try:
        win.tree.expand(first)
        win.tree.viewport().repaint()
    finally:
        win.archive.db.conn.set_trace_callback(None)
    assert not [q for q in queries if "FROM obiettivi" in q], queries
    assert win.tree.visualRect(kids[0]).isValid()
    assert kids[0].data() == model.node(kids[0]).obj.codice
    # and the rows it shows now get their children in idle time too
    qtbot.waitUntil(lambda: not model.canFetchMore(kids[0]), timeout=3000)
    assert model.rowCount(kids[0]) == 1 and not win.tree.isExpanded(kids[0])


def test_collapsed_group_is_read_in_idle_time(qtbot, demo_path, settings, messages):
    win = _open(qtbot, demo_path, settings)
    attivita = win.model.index(1, 0)
    assert not win.tree.isExpanded(attivita) and win.model.hasChildren(attivita)
    qtbot.waitUntil(lambda: win.model.rowCount(attivita) > 0, timeout=3000)
    assert not win.tree.isExpanded(attivita)


def test_summary_shows_weight_sums_of_scheda_and_responsabile(qtbot, demo_path, settings):
    """The detail panel sums the weights of the scheda the objective belongs to (per unit: the
    tree's level mixes every settore, 220 % on the demo) and of the responsabile, and follows an
    edit of a sibling's weight and its undo."""
    from piaodesk.domain.formats import format_decimal
    from piaodesk.store.edits import SetFields

    win = _open(qtbot, demo_path, settings)
    arc = win.archive
    pc1 = next(o for o in arc.obiettivi() if o.codice == "PC.1")
    ts2 = next(o for o in arc.obiettivi() if o.codice == "TS.2")
    level = arc.figli(None, pc1.ramo)
    assert sum(s.peso for s in level if s.peso is not None) == Decimal(220)
    same = arc.select(Obiettivo, "responsabile_id = ? AND ramo = ? AND livello = ?",
                      (pc1.responsabile_id, str(pc1.ramo), str(pc1.livello)))
    resp_sum = sum(s.peso for s in same if s.peso is not None)
    assert win.select_obiettivo(pc1.id)
    text = win.panel.summary.text()
    # TS.1 10 + TS.2 30 + PC.1 30 + PC.2 30
    assert "pesi della scheda SETTORE PROGRAMMAZIONE E CONTROLLO, RISORSE UMANE ED AFFARI GENERALI: 100 % ✓" \
        in text, text
    assert "pesi del livello" not in text and "220" not in text
    assert f"pesi del responsabile: {format_decimal(resp_sum, 2, strip_zeros=True)} %" in text
    win.ctx.push(SetFields(Obiettivo, ts2.id, {"peso": Decimal(10)}))
    assert "⚠ pesi della scheda SETTORE PROGRAMMAZIONE E CONTROLLO, RISORSE UMANE ED AFFARI GENERALI: 80 %" \
        in win.panel.summary.text()
    win.ctx.stack.undo()
    assert "AFFARI GENERALI: 100 % ✓" in win.panel.summary.text()
