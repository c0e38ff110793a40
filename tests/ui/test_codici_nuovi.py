"""A new objective's code, through the main window: never the code a sibling already has."""

from __future__ import annotations

import pytest

from piaodesk.domain.codici import LIVELLO_FIGLIO
from piaodesk.domain.enums import Livello
from piaodesk.store.archive import Archive
from piaodesk.ui import main_window as mw
from piaodesk.ui.main_window import MainWindow

pytestmark = pytest.mark.ui


def test_new_child_after_a_deleted_sibling_gets_a_free_code(qtbot, demo_path, settings, monkeypatch):
    monkeypatch.setattr(mw, "ask", lambda parent, title, text: True)
    monkeypatch.setattr(mw, "warn", lambda parent, title, text: None)
    win = MainWindow(Archive.open(demo_path), settings)
    qtbot.addWidget(win)
    arc = win.archive
    root = arc.figli_ids(None, "obiettivi")[0]
    made = []
    for _ in range(3):
        win.select_obiettivo(root)  # add_child selects the new objective
        made.append(win.add_child())
    assert all(m is not None for m in made)
    # renumber so the children are 1..n, then delete the middle new one
    win.select_obiettivo(root)
    assert win.renumber_selected(confirm=False)
    win.select_obiettivo(made[1])
    assert win.delete_selected()
    win.select_obiettivo(root)
    new = win.add_child()
    codes = [arc.obiettivo(i).codice for i in arc.figli_ids(root)]
    assert len(codes) == len(set(codes)), f"codice ripetuto tra i fratelli: {codes}"
    parent = arc.obiettivo(root)
    assert arc.obiettivo(new).livello == LIVELLO_FIGLIO.get(Livello(parent.livello), Livello.AZIONE)
