"""Plan-wide views are built on first show of their tab and sleep while hidden."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from piaodesk.domain.model import Indicatore, Obiettivo
from piaodesk.store.archive import Archive
from piaodesk.store.changes import Changes
from piaodesk.store.edits import SetFields
from piaodesk.ui import extensions
from piaodesk.ui import main_window as mw
from piaodesk.ui.main_window import MainWindow
from piaodesk.ui.widgets.lazy import merge_pending

pytestmark = pytest.mark.ui


class _Spy(QLabel):
    """A view that records every change record it receives."""

    built = 0

    def __init__(self, ctx: Any, parent: Any) -> None:
        super().__init__("spia", parent)
        _Spy.built += 1
        self.ctx = ctx
        self.seen: list[Changes] = []
        ctx.hub.changed.connect(self.seen.append)


@pytest.fixture
def spy_window(qtbot, demo_path, settings, monkeypatch):
    _Spy.built = 0
    real = extensions.discover

    def discover():
        actions, views = real()
        return actions, [*views, extensions.ViewSpec("Spia", _Spy, order=999,
                                                     object_name="vista_spia")]

    monkeypatch.setattr(mw.extensions, "discover", discover)
    win = MainWindow(Archive.open(demo_path), settings)
    qtbot.addWidget(win)
    win.show()
    return win


def _first_obiettivo(win: MainWindow) -> Obiettivo:
    return win.archive.select(Obiettivo, "ramo = 'obiettivi'", order="id")[0]


def test_views_are_built_on_first_show_of_their_tab(spy_window):
    win = spy_window
    # every extension tab is there, none is built yet
    titles = [win.tabs.tabText(i) for i in range(win.tabs.count())]
    assert titles[0] == "Editor"
    for t in ("Scadenze", "Indicatori", "Gantt", "Monitoraggio", "Spia"):
        assert t in titles
    assert _Spy.built == 0
    assert all(not tab.is_built for tab in win.view_tabs.values())
    assert win.views == {}
    from piaodesk.ui.views.indicatori import IndicatoriView

    assert win.findChild(IndicatoriView) is None
    # showing one tab builds that view only
    win.tabs.setCurrentWidget(win.view_tabs["Indicatori"])
    view = win.findChild(IndicatoriView)
    assert view is not None and view.objectName() == "vista_indicatori"
    assert view.isVisible()  # shown at once, not only at the next turn of the event loop
    assert win.views["Indicatori"] is view
    assert [t for t, tab in win.view_tabs.items() if tab.is_built] == ["Indicatori"]
    assert view.model.rowCount() > 0
    # showing it again does not build a second one
    win.tabs.setCurrentIndex(0)
    win.tabs.setCurrentWidget(win.view_tabs["Indicatori"])
    assert len(win.findChildren(IndicatoriView)) == 1
    # the spy: built once, on show
    assert _Spy.built == 0
    assert isinstance(win.view("Spia"), _Spy)
    assert _Spy.built == 1
    win.view("Spia")
    assert _Spy.built == 1


def test_a_tab_never_built_keeps_no_change_records(spy_window):
    """A tab not built yet will read the plan as it is when built: it keeps no records
    (they used to pile up, 50.000 row ids for each «Rileva i valori», in every such tab)."""
    win = spy_window
    tab = win.view_tabs["Spia"]
    ob = _first_obiettivo(win)
    assert win.ctx.push(SetFields(Obiettivo, ob.id, {"titolo": "Uno"}))
    assert not tab.is_built and tab.gate._pending == [] and not tab.dirty
    win.tabs.setCurrentWidget(tab)  # built now: from here on it catches up when hidden
    win.tabs.setCurrentIndex(0)
    assert win.ctx.push(SetFields(Obiettivo, ob.id, {"titolo": "Due"}))
    assert tab.dirty and len(tab.gate._pending) == 1


def test_hidden_view_collects_changes_and_catches_up_when_shown(spy_window):
    win = spy_window
    win.tabs.setCurrentWidget(win.view_tabs["Spia"])
    spy = win.views["Spia"]
    ob = _first_obiettivo(win)
    # visible: every edit is delivered at once
    assert win.ctx.push(SetFields(Obiettivo, ob.id, {"titolo": "Uno"}))
    assert len(spy.seen) == 1
    # hidden: nothing delivered, the tab is dirty
    win.tabs.setCurrentIndex(0)
    assert win.ctx.push(SetFields(Obiettivo, ob.id, {"titolo": "Due"}))
    assert win.ctx.push(SetFields(Obiettivo, ob.id, {"peso": 10}))
    assert len(spy.seen) == 1
    assert win.view_tabs["Spia"].dirty
    # shown again: one merged record with both edits
    win.tabs.setCurrentWidget(win.view_tabs["Spia"])
    assert len(spy.seen) == 2
    assert spy.seen[-1].updated == {"obiettivi": {ob.id: {"titolo", "peso"}}}
    assert not win.view_tabs["Spia"].dirty
    # shown with nothing new: nothing delivered
    win.tabs.setCurrentIndex(0)
    win.tabs.setCurrentWidget(win.view_tabs["Spia"])
    assert len(spy.seen) == 2
    # the view's own context writes through to the window's (year, current objective)
    spy.ctx.current_obiettivo = ob.id
    assert win.ctx.current_obiettivo == ob.id
    assert spy.ctx.archive is win.archive
    # undo from a hidden tab is delivered too, when shown
    win.tabs.setCurrentIndex(0)
    win.ctx.stack.undo()
    win.tabs.setCurrentWidget(win.view_tabs["Spia"])
    assert spy.seen[-1].updated == {"obiettivi": {ob.id: {"peso"}}}


def test_hidden_real_view_does_not_reload_but_shows_the_edit_when_shown(spy_window, monkeypatch):
    win = spy_window
    view = win.view("Indicatori", show=True)
    model = view.model
    ind = win.archive.select(Indicatore, order="id")[0]
    calls: list[int] = []
    real_reload = model.reload
    monkeypatch.setattr(model, "reload", lambda: (calls.append(1), real_reload()))
    monkeypatch.setattr(model, "put_row", lambda row, real=model.put_row: (calls.append(2), real(row)))

    def descr() -> str:
        return model.row_at(model.row_of(ind.id)).descrizione

    win.tabs.setCurrentIndex(0)  # back to the editor: the view is hidden
    assert win.ctx.push(SetFields(Indicatore, ind.id, {"descrizione": "Indicatore rinominato"}))
    assert calls == []
    assert descr() != "Indicatore rinominato"
    win.tabs.setCurrentWidget(win.view_tabs["Indicatori"])
    assert descr() == "Indicatore rinominato"
    assert 1 not in calls  # caught up row by row, not by reloading everything


def test_broken_view_does_not_stop_the_window(qtbot, demo_path, settings, monkeypatch):
    def broken(ctx, parent):
        raise RuntimeError("guasto")

    real = extensions.discover
    monkeypatch.setattr(mw.extensions, "discover",
                        lambda: (real()[0], [extensions.ViewSpec("Rotta", broken)]))
    win = MainWindow(Archive.open(demo_path), settings)
    qtbot.addWidget(win)
    win.show()
    win.tabs.setCurrentWidget(win.view_tabs["Rotta"])
    assert win.view("Rotta") is None
    assert "non disponibile" in win.view_tabs["Rotta"].placeholder.text()
    assert "guasto" in win.statusBar().currentMessage()


def test_monitoraggio_menu_builds_and_shows_its_tab(spy_window):
    win = spy_window
    assert not win.view_tabs["Monitoraggio"].is_built
    win.actions_by_name["azione_confronto_monitoraggi"].trigger()
    assert win.view_tabs["Monitoraggio"].is_built
    assert win.tabs.currentWidget() is win.view_tabs["Monitoraggio"]
    assert win.views["Monitoraggio"].tabs.currentIndex() == 1


def _ch(ins=(), upd=(), dele=(), table="fasi") -> Changes:
    ch = Changes()
    for i in ins:
        ch.add_insert(table, i)
    for i in upd:
        ch.add_update(table, i, {"nome"})
    for i in dele:
        ch.add_delete(table, i)
    return ch


def test_merge_pending():
    assert merge_pending([]) is None
    # inserted then deleted while hidden: nothing to do
    assert merge_pending([_ch(ins=[5]), _ch(upd=[5]), _ch(dele=[5])]) is None
    # updated then deleted: only the delete
    m = merge_pending([_ch(upd=[1, 2]), _ch(dele=[1])])
    assert m.deleted == {"fasi": {1}} and m.updated == {"fasi": {2: {"nome"}}}
    # deleted then restored (undo): the view reloads
    assert merge_pending([_ch(dele=[3]), _ch(ins=[3])]).reset
    # a reset stays a reset
    reset = Changes.everything()
    assert merge_pending([_ch(upd=[1]), reset]).reset
    # many rows: a reset
    assert merge_pending([_ch(upd=range(2000))]).reset
    # moves are kept
    mv = Changes()
    mv.moved.add(7)
    assert merge_pending([mv, _ch(upd=[1])]).moved == {7}


def test_confronto_recomputes_only_when_needed_and_visible(spy_window):
    win = spy_window
    view = win.view("Monitoraggio", show=True)
    conf = view.confronto
    assert conf.model.reload_count == 0  # sub-tab not shown yet: nothing computed
    view.tabs.setCurrentWidget(conf)
    assert conf.model.reload_count == 1 and conf.model.rowCount() > 0
    ob, ind, _vals = conf.model.dati.righe[0]
    # a title edit: patched in place, no new comparison
    assert win.ctx.push(SetFields(Obiettivo, ob.id, {"titolo": "Titolo nuovo"}))
    assert win.ctx.push(SetFields(Indicatore, ind.id, {"descrizione": "Indicatore nuovo"}))
    assert conf.model.reload_count == 1
    assert conf.model.index(0, 1).data() == "Indicatore nuovo"
    assert "Titolo nuovo" in conf.model.index(0, 1).data(Qt.ItemDataRole.ToolTipRole)
    # a change of shape while the sub-tab is hidden: computed when shown again
    view.tabs.setCurrentIndex(0)
    assert win.ctx.push(SetFields(Indicatore, ind.id, {"obiettivo_id": ind.obiettivo_id,
                                                     "posizione": ind.posizione + 1}))
    assert conf.model.reload_count == 1
    view.tabs.setCurrentWidget(conf)
    assert conf.model.reload_count == 2
    # the whole Monitoraggio tab hidden: nothing at all until shown
    win.tabs.setCurrentIndex(0)
    assert win.ctx.push(SetFields(Indicatore, ind.id, {"posizione": ind.posizione}))
    assert conf.model.reload_count == 2
    win.tabs.setCurrentWidget(win.view_tabs["Monitoraggio"])
    assert conf.model.reload_count == 3
