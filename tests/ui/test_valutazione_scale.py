"""The valuation screen on a 10.000-objective plan: one snapshot per refresh, rows in slices,
an edit re-reads only the valuation records; a hidden tab lets the snapshot go."""

from __future__ import annotations

import sys
from decimal import Decimal
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtGui import QUndoStack

from piaodesk.domain.model import PunteggioComportamento
from piaodesk.store import valutazioni as store_val
from piaodesk.store.archive import Archive
from piaodesk.ui.context import Context
from piaodesk.ui.undo import ChangeHub
from piaodesk.ui.views.valutazione import ValutazioneIndividualeView

sys.path.insert(0, str(Path(__file__).parent))
from _bigplan import big_plan  # noqa: E402

pytestmark = pytest.mark.ui


@pytest.fixture(scope="module")
def grande(tmp_path_factory):
    return big_plan(tmp_path_factory.mktemp("grande-val") / "grande.piao")


def test_one_snapshot_per_refresh_rows_in_slices(qtbot, grande, tmp_path, monkeypatch):
    built: list[int] = []
    real = store_val.QuadroValutazioni.__init__

    def counting(self, *a, **k):
        built.append(1)
        real(self, *a, **k)

    monkeypatch.setattr(store_val.QuadroValutazioni, "__init__", counting)
    arc = Archive.open(grande)
    ctx = Context(arc, QUndoStack(), ChangeHub(),
                  QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat), anno=2025)
    view = ValutazioneIndividualeView(ctx)
    qtbot.addWidget(view)
    view.resize(1366, 700)
    view.show()
    # a large plan: the window is back at once, the rows come in slices
    assert view.model.loading and view.model.rowCount() == 0
    assert "Caricamento delle valutazioni" in view.summary.text()
    qtbot.waitUntil(lambda: not view.model.loading, timeout=60_000)
    assert view.model.loader.slices > 3
    persons = len(arc.persone())
    assert view.model.rowCount() == persons and len(built) == 1  # once, not once per row
    assert view.current_persona() is not None and "<b>" in view.intestazione.text()
    # a behaviour score: written, the row recomputed, no snapshot read again
    pid = view.model.row_at(0).key
    view.select_persona(pid)
    gm = view.comportamenti_model
    assert gm.setData(gm.index(0, gm.column_of("punteggio")), "20")
    assert [p.punteggio for p in arc.select(PunteggioComportamento)] == [Decimal(20)]
    assert len(built) == 1
    ctx.stack.undo()
    assert len(built) == 1 and arc.select(PunteggioComportamento) == []
    # hidden, the view lets the snapshot go; shown again and edited, it reads one
    view.hide()
    assert view.model.quadro is None and view.model.rowCount() == persons
    view.show()
    view.select_persona(pid)
    assert gm.setData(gm.index(1, gm.column_of("punteggio")), "25")
    assert len(built) == 2
    arc.close()
