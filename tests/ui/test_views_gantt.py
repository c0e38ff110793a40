"""Gantt view: rows in tree order with fasi, milestones, zoom, settore filter, today line, edits."""

from datetime import date
from decimal import Decimal

import pytest
from PySide6.QtCore import QPoint, QPointF, QSettings, Qt
from PySide6.QtGui import QColor, QUndoStack, QWheelEvent
from PySide6.QtWidgets import QApplication

from piaodesk.domain.model import Fase
from piaodesk.store.edits import InsertRow, SetFields
from piaodesk.ui.context import Context
from piaodesk.ui.undo import ChangeHub
from piaodesk.ui.views.gantt import ROW_H, GanttView, tooltip_for

pytestmark = pytest.mark.ui

OGGI = date(2025, 6, 15)


@pytest.fixture
def view(qtbot, demo, tmp_path):
    ctx = Context(demo, QUndoStack(), ChangeHub(),
                  QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat), anno=2025)
    v = GanttView(ctx, oggi=OGGI)
    qtbot.addWidget(v)
    v.resize(1366, 768)
    v.show()
    qtbot.waitExposed(v)
    return v


def test_rows_follow_tree_with_fasi(view):
    rows = view.canvas.rows
    arc = view.ctx.archive
    codes = [r.codice for r in rows if r.kind == "obiettivo"]
    tree = [o.codice for o in arc.obiettivi()]
    assert codes == [c for c in tree if c in codes]  # tree order kept
    assert codes[:3] == ["TS.1", "TS.2", "PC.1"]
    i = next(k for k, r in enumerate(rows) if r.codice == "FIN.1")
    fasi = rows[i + 1:i + 4]
    assert [f.kind for f in fasi] == ["fase"] * 3
    assert [f.end for f in fasi] == [date(2025, 5, 15), date(2025, 5, 28), date(2025, 6, 30)]
    assert all(f.milestone and f.depth == rows[i].depth + 1 for f in fasi)
    assert rows[i].derived  # FIN.1 has no planned dates: its span comes from the fasi
    oe = next(r for r in rows if r.codice == "OE052701")
    parent = next(r for r in rows if r.codice == "OE0527")
    assert oe.depth == parent.depth + 1 and not oe.derived
    assert (oe.start, oe.end) == (date(2025, 1, 1), date(2025, 6, 30))
    assert "Dal 01/01/2025 al 30/06/2025" in tooltip_for(oe)


def test_zoom_buttons_and_ctrl_wheel(view):
    c = view.canvas
    before, width = c.px_day, c.sceneRect().width()
    c.zoom_step(1)
    assert c.px_day > before and c.sceneRect().width() > width
    px = c.px_day
    ev = QWheelEvent(QPointF(200, 100), QPointF(c.mapToGlobal(QPoint(200, 100))), QPoint(0, 0),
                     QPoint(0, 120), Qt.MouseButton.NoButton, Qt.KeyboardModifier.ControlModifier,
                     Qt.ScrollPhase.NoScrollPhase, False)
    QApplication.sendEvent(c.viewport(), ev)
    assert c.px_day > px
    c.fit()
    assert c.sceneRect().width() <= c.viewport().width()


def test_today_line_and_bars_are_painted(view):
    c = view.canvas
    c.fit()
    QApplication.processEvents()
    img = c.viewport().grab().toImage()
    x = int(c.view_x(OGGI) + c.px_day / 2)
    reds = [img.pixelColor(xx, 300) for xx in range(x - 1, x + 2)]
    assert any(p.red() > 180 and p.green() < 90 for p in reds)
    # OE052701 bar (01/01–30/06/2025) is painted in its row
    i = next(k for k, r in enumerate(c.rows) if r.codice == "OE052701")
    c.verticalScrollBar().setValue(max(0, i * ROW_H - 100))
    QApplication.processEvents()
    img = c.viewport().grab().toImage()
    y = int(c.view_y(i * ROW_H + ROW_H / 2))
    mid = int((c.view_x(date(2025, 1, 1)) + c.view_x(date(2025, 6, 30))) / 2)
    assert img.pixelColor(mid, y) != QColor("white")


def test_settore_filter(view):
    arc = view.ctx.archive
    pl = next(u.id for u in arc.unita() if u.nome == "SETTORE POLIZIA LOCALE")
    view.settore.setCurrentIndex(view.settore.findData(pl))
    codes = {r.codice for r in view.canvas.rows if r.kind == "obiettivo"}
    assert codes == {"PL.1", "PL.2"}
    view.settore.setCurrentIndex(0)
    assert len(view.canvas.rows) > 10


def test_edits_update_rows(view):
    ctx = view.ctx
    ctx.push(SetFields(Fase, 11, {"inizio_previsto": date(2025, 3, 1),
                                  "perc_realizzazione": Decimal(40), "fine_effettiva": None}))
    r = next(r for r in view.canvas.rows if r.kind == "fase" and r.id == 11)
    assert not r.milestone and r.start == date(2025, 3, 1) and r.perc == Decimal(40) and r.late
    n = len(view.canvas.rows)
    ctx.push(InsertRow(Fase(obiettivo_id=5, descrizione="Verifica finale", scadenza=date(2025, 9, 30))))
    assert len(view.canvas.rows) == n + 1
    assert any(r.label == "Verifica finale" for r in view.canvas.rows)
    ctx.stack.undo()
    ctx.stack.undo()
    assert len(view.canvas.rows) == n
    r = next(r for r in view.canvas.rows if r.kind == "fase" and r.id == 11)
    assert r.milestone


def test_double_click_selects_objective(qtbot, view):
    chosen = []
    view.ctx.main_window = type("M", (), {"select_obiettivo": lambda self, oid: chosen.append(oid)})()
    c = view.canvas
    c.verticalScrollBar().setValue(0)
    QApplication.processEvents()
    y = int(c.view_y(0 * ROW_H + ROW_H / 2))
    qtbot.mouseDClick(c.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(50, y))
    assert chosen == [c.rows[0].obiettivo_id]


def test_objective_progress_is_the_engines(view):
    c = view.canvas
    oe = next(r for r in c.rows if r.codice == "OE0527")
    assert round(c.perc_of(oe), 2) == Decimal("66.67")
    u10701 = next(r for r in c.rows if r.codice == "10701")
    assert round(c.perc_of(u10701), 2) == Decimal("98.51")
    # OE052702 ended 31/01/2025 without a fine effettiva, but the engine says 100 %: not late
    late_by_date = next(r for r in c.rows if r.codice == "OE052702")
    assert late_by_date.late and c.perc_of(late_by_date) == 100 and not c.is_late(late_by_date)
    assert "Realizzazione: 66,67 %" in tooltip_for(oe, c.perc_of(oe))


def test_large_plan_loads_in_slices_and_holds_edits(qtbot, demo, tmp_path, monkeypatch):
    """Above the threshold the chart loads a slice at a time (the window stays live); an
    edit made meanwhile is applied once the rows are in; the result is the same rows."""
    ctx = Context(demo, QUndoStack(), ChangeHub(),
                  QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat), anno=2025)
    at_once = GanttView(ctx, oggi=OGGI)
    qtbot.addWidget(at_once)
    assert not at_once.loading and at_once.loader.slices == 0
    monkeypatch.setattr(GanttView, "PROGRESSIVE_ROWS", 0)
    v = GanttView(ctx, oggi=OGGI)
    v.loader.slice_s = 0.0  # one step per slice: several slices even on the demo plan
    qtbot.addWidget(v)
    assert v.loading and v.canvas.rows == [] and "Caricamento del Gantt" in v.summary.text()
    first_ob = next(r for r in at_once.canvas.rows if r.kind == "obiettivo")
    ctx.push(InsertRow(Fase(obiettivo_id=first_ob.id, descrizione="Aggiunta mentre carica",
                            scadenza=date(2025, 9, 30))))
    qtbot.waitUntil(lambda: not v.loading, timeout=20_000)
    assert v.loader.slices > 3  # (those of the reload that followed the held insert)
    assert [(r.kind, r.id) for r in v.canvas.rows] == [(r.kind, r.id) for r in at_once.canvas.rows]
    assert any(r.label == "Aggiunta mentre carica" for r in v.canvas.rows)
    assert "obiettivi" in v.summary.text() and "Caricamento" not in v.summary.text()


def test_content_edit_updates_rows_in_place_and_repaints(view):
    """A title or % edit changes the rows shown in place (no rebuild of the filtered list);
    a date edit rebuilds it (extent, filters)."""
    from piaodesk.domain.model import Obiettivo

    ctx = view.ctx
    shown = view.canvas.rows
    ob = next(r for r in shown if r.kind == "obiettivo" and r.codice == "OE052701")
    k = shown.index(ob)
    ctx.push(SetFields(Obiettivo, ob.id, {"titolo": "Titolo cambiato nel Gantt"}))
    assert view.canvas.rows is shown and shown[k].label == "Titolo cambiato nel Gantt"
    assert not view.data.layout_changed
    ctx.stack.undo()
    assert shown[k].label != "Titolo cambiato nel Gantt" and view.canvas.rows is shown
    ctx.push(SetFields(Obiettivo, ob.id, {"fine_prevista": date(2026, 3, 31)}))
    assert view.data.layout_changed and view.canvas.rows is not shown
    assert next(r for r in view.canvas.rows if r.id == ob.id and r.kind == "obiettivo").end == \
        date(2026, 3, 31)


def test_long_summary_never_widens_the_view(view):
    """On a large plan the summary line is long («10.000 obiettivi, 30.000 fasi — …» plus the
    legend): it wraps instead of pushing the view (and the window) wider than the screen."""
    view.summary.setText("10.000 obiettivi, 30.000 fasi — 30.381 in ritardo al 27/11/2026. " * 4)
    assert view.minimumSizeHint().width() < 1000
    assert view.summary.wordWrap()
