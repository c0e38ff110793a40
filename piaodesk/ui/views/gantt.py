"""Gantt / cronoprogramma: objectives (tree order, indented) and their fasi on a month grid.

A ``QGraphicsView`` whose scene only sets the extent; bars, grid and labels are
painted for the rows on screen, so a 10.000-objective plan scrolls as smoothly
as the demo. The frozen label column and the month header sit in the view's
margins and follow its scroll bars. Ctrl+wheel or the buttons zoom.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from PySide6.QtCore import QEvent, QPointF, QRect, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QFontMetrics,
    QHelpEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPen,
    QPolygonF,
    QResizeEvent,
    QWheelEvent,
)
from PySide6.QtWidgets import (
    QCheckBox,
    QGraphicsScene,
    QGraphicsView,
    QPushButton,
    QToolTip,
    QWidget,
)

from ...domain.formats import format_date, format_int, format_percent
from ...store.changes import Changes
from ...viste.base import Rows
from ...viste.gantt import GanttProjection, GanttRow
from ..models.slices import Progressive, ProgressiveLoad
from .comuni import ViewPanel, fill_combo, filter_combo

MESI = ("gen", "feb", "mar", "apr", "mag", "giu", "lug", "ago", "set", "ott", "nov", "dic")
ROW_H = 24
HEADER_H = 42
LABEL_W = 360
ZOOMS = (0.5, 0.75, 1.0, 1.5, 2.0, 3.0, 4.0, 6.0, 9.0, 14.0, 20.0)  # pixels per day

C_GRID = QColor("#e3e6ea")
C_YEAR = QColor("#9aa3ad")
C_BAND = QColor("#f6f8fa")
C_OB_BG = QColor("#c7d7ee")
C_OB_FG = QColor("#2f5d9b")
C_FASE_BG = QColor("#cde8df")
C_FASE_FG = QColor("#2e8b6e")
C_DERIVED = QColor("#8a8f98")
C_LATE = QColor("#c62828")
C_DONE = QColor("#2e8b6e")
C_OPEN = QColor("#e69b00")
C_TODAY = QColor("#d62728")


def _month_start(d: date) -> date:
    return d.replace(day=1)


def _next_month(d: date) -> date:
    return date(d.year + (d.month == 12), d.month % 12 + 1, 1)


class _Header(QWidget):
    def __init__(self, canvas: GanttCanvas) -> None:
        super().__init__(canvas)
        self.canvas = canvas

    def paintEvent(self, event: QPaintEvent) -> None:
        c = self.canvas
        p = QPainter(self)
        p.fillRect(self.rect(), QColor("#eef1f5"))
        p.setPen(QPen(C_YEAR))
        p.drawLine(0, self.height() - 1, self.width(), self.height() - 1)
        p.drawLine(0, 20, self.width(), 20)
        if c.start is None:
            return
        fm = QFontMetrics(self.font())
        left_day = c.day_at(c.scene_x(0))
        right_day = c.day_at(c.scene_x(self.width()))
        m = _month_start(max(left_day, c.start))
        compact = c.px_day * 28 < fm.horizontalAdvance("mag") + 8
        while m <= right_day and c.end is not None and m < c.end:
            nxt = _next_month(m)
            x0, x1 = c.view_x(m), c.view_x(nxt)
            w = x1 - x0
            label = MESI[m.month - 1][0].upper() if compact else MESI[m.month - 1]
            if w < fm.horizontalAdvance(label) + 2:
                label = ""
            p.setPen(QPen(C_YEAR if m.month == 1 else C_GRID.darker(115)))
            p.drawLine(int(x0), 21 if m.month != 1 else 0, int(x0), self.height())
            if label:
                p.setPen(QPen(QColor("#333")))
                p.drawText(QRectF(x0, 21, w, 20), Qt.AlignmentFlag.AlignCenter, label)
            if m.month == 1 or m == _month_start(max(left_day, c.start)):
                year_end = date(m.year + 1, 1, 1)
                xs, xe = max(x0, 0.0), min(c.view_x(year_end), float(self.width()))
                f = QFont(self.font())
                f.setBold(True)
                p.setFont(f)
                p.drawText(QRectF(xs + 4, 0, max(xe - xs - 4, 0), 20),
                           Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, str(m.year))
                p.setFont(self.font())
            m = nxt
        # deadlines on the time line, and today
        for d, late in c.deadlines:
            x = c.view_x(d) + c.px_day / 2
            if 0 <= x <= self.width():
                p.setPen(QPen(C_LATE if late else QColor("#5f6b78"), 1))
                p.drawLine(int(x), self.height() - 6, int(x), self.height() - 1)
        x = c.view_x(c.oggi) + c.px_day / 2
        if 0 <= x <= self.width():
            p.setPen(Qt.PenStyle.NoPen)
            p.setBrush(QBrush(C_TODAY))
            p.drawPolygon(QPolygonF([QPointF(x - 5, self.height() - 9), QPointF(x + 5, self.height() - 9),
                                     QPointF(x, self.height() - 1)]))
            p.setPen(QPen(C_TODAY))
            text = f"oggi {format_date(c.oggi)}"
            tw = fm.horizontalAdvance(text) + 8
            tx = x + 4 if x + tw + 4 <= self.width() else x - tw - 4
            p.fillRect(QRectF(tx - 2, 3, tw + 2, 15), QColor("#eef1f5"))
            p.drawLine(int(x), 3, int(x), 18)
            p.drawText(QRectF(tx, 3, tw, 15),
                       Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, text)


class _Labels(QWidget):
    def __init__(self, canvas: GanttCanvas) -> None:
        super().__init__(canvas)
        self.canvas = canvas

    def paintEvent(self, event: QPaintEvent) -> None:
        c = self.canvas
        p = QPainter(self)
        p.fillRect(self.rect(), QColor("white"))
        first, last = c.visible_rows(0, self.height())
        bold = QFont(self.font())
        bold.setBold(True)
        fm, fmb = QFontMetrics(self.font()), QFontMetrics(bold)
        for i in range(first, last + 1):
            r = c.rows[i]
            y = c.view_y(i * ROW_H)
            if i % 2:
                p.fillRect(QRectF(0, y, self.width(), ROW_H), C_BAND)
            x = 6 + 14 * r.depth
            avail = self.width() - x - 6
            if r.kind == "obiettivo":
                p.setFont(bold)
                p.setPen(QPen(C_LATE if c.is_late(r) else QColor("#1b2a3a")))
                code = r.codice
                p.drawText(QRectF(x, y, avail, ROW_H), Qt.AlignmentFlag.AlignVCenter, code)
                cw = fmb.horizontalAdvance(code) + 6 if code else 0
                p.setFont(self.font())
                p.setPen(QPen(QColor("#1b2a3a")))
                p.drawText(QRectF(x + cw, y, max(avail - cw, 0), ROW_H), Qt.AlignmentFlag.AlignVCenter,
                           fm.elidedText(r.label, Qt.TextElideMode.ElideRight, int(max(avail - cw, 0))))
            else:
                p.setFont(self.font())
                p.setPen(QPen(C_LATE if r.late else QColor("#4a5560")))
                p.drawText(QRectF(x, y, avail, ROW_H), Qt.AlignmentFlag.AlignVCenter,
                           fm.elidedText("· " + r.label, Qt.TextElideMode.ElideRight, int(avail)))
        p.setPen(QPen(C_YEAR))
        p.drawLine(self.width() - 1, 0, self.width() - 1, self.height())


class GanttCanvas(QGraphicsView):
    obiettivoActivated = Signal(int)

    def __init__(self, parent: QWidget | None = None, oggi: date | None = None) -> None:
        super().__init__(parent)
        self.setScene(QGraphicsScene(self))
        self.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.setViewportMargins(LABEL_W, HEADER_H, 0, 0)
        self.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        self.setViewportUpdateMode(QGraphicsView.ViewportUpdateMode.FullViewportUpdate)
        self.setDragMode(QGraphicsView.DragMode.NoDrag)
        self.setMouseTracking(True)
        self.rows: Rows[GanttRow] = Rows(GanttRow)
        self.start: date | None = None
        self.end: date | None = None
        self.oggi = oggi or date.today()
        self.px_day = 2.0
        self.deadlines: list[tuple[date, bool]] = []
        #: % shown for an objective row (the engine's, computed for visible rows only)
        self.perc_of: Callable[[GanttRow], Any] = lambda r: r.perc
        self.header = _Header(self)
        self.labels = _Labels(self)
        self.horizontalScrollBar().valueChanged.connect(lambda _v: self.header.update())
        self.verticalScrollBar().valueChanged.connect(lambda _v: self.labels.update())
        self.horizontalScrollBar().setSingleStep(40)
        self.verticalScrollBar().setSingleStep(ROW_H)

    # ------------------------------------------------------------ geometry

    def set_rows(self, rows: Rows[GanttRow], start: date, end: date) -> None:
        self.rows = rows
        self.start, self.end = _month_start(start), _next_month(end)
        self.deadlines = sorted({(end, late) for kind, end, late in rows.columns("kind", "end", "late")
                                 if kind == "fase" and end})
        self._apply_extent()

    def _apply_extent(self) -> None:
        if self.start is None or self.end is None:
            return
        width = (self.end - self.start).days * self.px_day
        self.scene().setSceneRect(QRectF(0, 0, width, max(len(self.rows) * ROW_H, 1)))
        self.viewport().update()
        self.header.update()
        self.labels.update()

    def set_zoom(self, px_day: float, anchor_view_x: float | None = None) -> None:
        if self.start is None:
            self.px_day = px_day
            return
        ax = self.viewport().width() / 2 if anchor_view_x is None else anchor_view_x
        day = self.day_at(self.scene_x(ax))
        self.px_day = px_day
        self._apply_extent()
        self.horizontalScrollBar().setValue(int(self.x_of(day) - ax))

    def zoom_step(self, step: int, anchor_view_x: float | None = None) -> None:
        pos = min(range(len(ZOOMS)), key=lambda i: abs(ZOOMS[i] - self.px_day))
        self.set_zoom(ZOOMS[min(max(pos + step, 0), len(ZOOMS) - 1)], anchor_view_x)

    def fit(self) -> None:
        if self.start is None or self.end is None:
            return
        days = max((self.end - self.start).days, 1)
        self.set_zoom(max(0.3, (self.viewport().width() - 8) / days))
        self.horizontalScrollBar().setValue(0)

    def show_date(self, d: date) -> None:
        self.horizontalScrollBar().setValue(int(self.x_of(d) - self.viewport().width() / 3))

    def x_of(self, d: date) -> float:
        assert self.start is not None
        return (d - self.start).days * self.px_day

    def day_at(self, scene_x: float) -> date:
        assert self.start is not None
        return self.start + timedelta(days=int(scene_x // self.px_day))

    def scene_x(self, view_x: float) -> float:
        return self.mapToScene(int(view_x), 0).x()

    def view_x(self, d: date) -> float:
        return float(self.mapFromScene(QPointF(self.x_of(d), 0)).x())

    def view_y(self, scene_y: float) -> float:
        return float(self.mapFromScene(QPointF(0, scene_y)).y())

    def visible_rows(self, top_view_y: float, bottom_view_y: float) -> tuple[int, int]:
        top = self.mapToScene(0, int(top_view_y)).y()
        bottom = self.mapToScene(0, int(bottom_view_y)).y()
        return max(0, int(top // ROW_H)), min(len(self.rows) - 1, int(bottom // ROW_H))

    def row_at(self, view_pos: Any) -> int | None:
        y = self.mapToScene(view_pos).y()
        i = int(y // ROW_H)
        return i if 0 <= i < len(self.rows) and y >= 0 else None

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        vg = self.viewport().geometry()
        self.header.setGeometry(QRect(vg.left(), vg.top() - HEADER_H, vg.width(), HEADER_H))
        self.labels.setGeometry(QRect(vg.left() - LABEL_W, vg.top(), LABEL_W, vg.height()))

    def is_late(self, r: GanttRow) -> bool:
        """Late by date and not complete (an objective at 100 % by the engine is not late)."""
        if not r.late:
            return False
        if r.kind == "obiettivo":
            perc = self.perc_of(r)
            return not (perc is not None and perc >= 100)
        return True

    # ------------------------------------------------------------ painting

    def drawBackground(self, p: QPainter, rect: QRectF | QRect) -> None:
        p.fillRect(rect, QColor("white"))
        if self.start is None or not self.rows:
            return
        first = max(0, int(rect.top() // ROW_H))
        last = min(len(self.rows) - 1, int(rect.bottom() // ROW_H))
        for i in range(first, last + 1):
            if i % 2:
                p.fillRect(QRectF(rect.left(), i * ROW_H, rect.width(), ROW_H), C_BAND)
        # month grid
        m = _month_start(max(self.day_at(max(rect.left(), 0)), self.start))
        end = min(self.day_at(rect.right()) + timedelta(days=1), self.end or self.start)
        while m <= end:
            x = self.x_of(m)
            p.setPen(QPen(C_YEAR if m.month == 1 else C_GRID, 0))
            p.drawLine(QPointF(x, rect.top()), QPointF(x, rect.bottom()))
            m = _next_month(m)
        for i in range(first, last + 1):
            self._paint_row(p, i, self.rows[i])

    def _paint_row(self, p: QPainter, i: int, r: GanttRow) -> None:
        y = i * ROW_H
        if r.end is None and r.start is None:
            return
        if r.kind == "fase" and r.milestone:
            assert r.end is not None
            cx, cy, s = self.x_of(r.end) + self.px_day / 2, y + ROW_H / 2, 6.0
            colour = C_DONE if r.done else (C_LATE if r.late else C_OPEN)
            p.setPen(QPen(colour.darker(130), 1))
            p.setBrush(QBrush(colour))
            p.drawPolygon(QPolygonF([QPointF(cx, cy - s), QPointF(cx + s, cy), QPointF(cx, cy + s),
                                     QPointF(cx - s, cy)]))
            return
        start = r.start or r.end
        end = r.end or r.start
        assert start is not None and end is not None
        x0 = self.x_of(start)
        x1 = max(self.x_of(end + timedelta(days=1)), x0 + 3)
        if r.derived:
            top, h = y + ROW_H / 2 - 2, 4.0
            p.setPen(Qt.PenStyle.NoPen)
            p.setBrush(QBrush(C_DERIVED))
            p.drawRect(QRectF(x0, top, x1 - x0, h))
            for xx in (x0, x1):
                p.drawPolygon(QPolygonF([QPointF(xx - 4, top), QPointF(xx + 4, top),
                                         QPointF(xx, top + 8)]))
            return
        bg, fg = (C_OB_BG, C_OB_FG) if r.kind == "obiettivo" else (C_FASE_BG, C_FASE_FG)
        h = 14.0 if r.kind == "obiettivo" else 10.0
        top = y + (ROW_H - h) / 2
        bar = QRectF(x0, top, x1 - x0, h)
        late = self.is_late(r)
        p.setPen(QPen(C_LATE if late else fg, 1.2 if late else 0.8))
        p.setBrush(QBrush(bg))
        p.drawRoundedRect(bar, 2, 2)
        perc = self.perc_of(r) if r.kind == "obiettivo" else r.perc
        if perc:
            frac = min(float(perc), 100.0) / 100.0
            p.setPen(Qt.PenStyle.NoPen)
            p.setBrush(QBrush(fg))
            p.drawRoundedRect(QRectF(x0, top, (x1 - x0) * frac, h), 2, 2)
        if r.kind == "fase" and r.end is not None:
            # the deadline of a fase with a span: a small diamond at its end
            cx, cy, s = self.x_of(r.end) + self.px_day / 2, y + ROW_H / 2, 4.5
            colour = C_DONE if r.done else (C_LATE if r.late else C_OPEN)
            p.setPen(QPen(colour.darker(130), 1))
            p.setBrush(QBrush(colour))
            p.drawPolygon(QPolygonF([QPointF(cx, cy - s), QPointF(cx + s, cy), QPointF(cx, cy + s),
                                     QPointF(cx - s, cy)]))

    def drawForeground(self, p: QPainter, rect: QRectF | QRect) -> None:
        if self.start is None:
            return
        x = self.x_of(self.oggi) + self.px_day / 2
        if rect.left() - 2 <= x <= rect.right() + 2:
            p.setPen(QPen(C_TODAY, 1.6))
            p.drawLine(QPointF(x, rect.top()), QPointF(x, rect.bottom()))

    # ------------------------------------------------------------ interaction

    def wheelEvent(self, event: QWheelEvent) -> None:
        if event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            step = 1 if event.angleDelta().y() > 0 else -1
            self.zoom_step(step, event.position().x())
            event.accept()
            return
        super().wheelEvent(event)

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        i = self.row_at(event.position().toPoint())
        if i is not None:
            self.obiettivoActivated.emit(self.rows[i].obiettivo_id)
            return
        super().mouseDoubleClickEvent(event)

    def viewportEvent(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            i = self.row_at(event.pos())
            if i is not None:
                r = self.rows[i]
                QToolTip.showText(event.globalPos(), tooltip_for(r, self.perc_of(r)), self.viewport())
            else:
                QToolTip.hideText()
            return True
        return super().viewportEvent(event)


def tooltip_for(r: GanttRow, perc: Any = None) -> str:
    head = f"{r.codice} — {r.label}" if r.codice else r.label
    lines = [head]
    if r.kind == "fase" and r.milestone:
        lines.append(f"Scadenza: {format_date(r.end)}")
    else:
        if r.start or r.end:
            lines.append(f"Dal {format_date(r.start) or '—'} al {format_date(r.end) or '—'}"
                         + (" (dalle fasi)" if r.derived else ""))
    perc = perc if perc is not None else r.perc
    if perc is not None:
        lines.append(f"Realizzazione: {format_percent(perc)}")
    if r.done:
        lines.append("Completata" if r.kind == "fase" else "Concluso")
    elif r.late:
        lines.append("IN RITARDO")
    return "\n".join(lines)


class GanttView(Progressive, ViewPanel):
    #: plans with more objectives + fasi than this load in slices (see models.slices)
    PROGRESSIVE_ROWS = 3000

    def __init__(self, ctx: Any, parent: QWidget | None = None, *,
                 oggi: date | Callable[[], date] | None = None) -> None:
        super().__init__(ctx, parent)
        self.setObjectName("vista_gantt")
        self._oggi = oggi
        self._fitted = False
        self.data = GanttProjection(ctx.archive, self.oggi(), ctx.anno or None, load=False)
        self.loader = ProgressiveLoad(
            self, "timerGantt", steps=self.data.load, apply=self.on_changes,
            large=lambda: self.data.expected_rows() > self.PROGRESSIVE_ROWS, on_done=self._reloaded)
        self.canvas = GanttCanvas(self, self.oggi())
        self.canvas.perc_of = lambda r: self.data.perc_obiettivo(r.obiettivo_id)

        self.add_label("Settore:")
        self.settore = filter_combo(self, self.data.lookup.settori(), "Tutti i settori", 300)
        self.bar.addWidget(self.settore)
        self.attivita = QCheckBox("Attività gestionali", self)
        self.attivita.setChecked(True)
        self.bar.addWidget(self.attivita)
        self.solo_date = QCheckBox("Solo righe con date", self)
        self.solo_date.setChecked(True)
        self.bar.addWidget(self.solo_date)
        self.bar.addStretch(1)
        for text, tip, slot in (
            ("−", "Riduci (Ctrl+rotella)", lambda: self.canvas.zoom_step(-1)),
            ("+", "Ingrandisci (Ctrl+rotella)", lambda: self.canvas.zoom_step(1)),
            ("Adatta", "Mostra tutto il periodo", self.canvas.fit),
            ("Oggi", "Vai alla data di oggi", lambda: self.canvas.show_date(self.canvas.oggi)),
        ):
            b = QPushButton(text, self)
            b.setToolTip(tip)
            if len(text) == 1:
                b.setFixedWidth(32)
            b.clicked.connect(slot)
            self.bar.addWidget(b)
        self.set_content(self.canvas)

        self.settore.currentIndexChanged.connect(self.refresh)
        self.attivita.toggled.connect(self.refresh)
        self.solo_date.toggled.connect(self.refresh)
        self.canvas.obiettivoActivated.connect(self._activated)
        ctx.hub.changed.connect(self.on_changes)
        self._pending = False
        self.watch_loading(self, "del Gantt")
        self.reload()
        QTimer.singleShot(0, self._initial_zoom)

    def _reloaded(self) -> None:
        fill_combo(self.settore, self.data.lookup.settori(), "Tutti i settori")
        self.refresh()
        if self.data.rows and not self._fitted and self.canvas.viewport().width() > 50:
            self._initial_zoom()

    def oggi(self) -> date:
        if self._oggi is None:
            return date.today()
        return self._oggi() if callable(self._oggi) else self._oggi

    def _initial_zoom(self) -> None:
        if self.data.rows:
            self._fitted = True
        self.canvas.fit()

    def refresh(self) -> None:
        rows = GanttProjection.visible(self.data.rows, self.settore.currentData(),
                                 self.attivita.isChecked(), self.solo_date.isChecked())
        start, end = self.data.extent()
        anno = self.ctx.anno or self.ctx.archive.piano().anno_inizio
        start = min(start or date(anno, 1, 1), date(anno, 1, 1))
        end = max(end or date(anno, 12, 31), date(anno, 12, 31))
        self.canvas.set_rows(rows, start, end)
        self.update_summary()

    def update_summary(self) -> None:
        if self.loading:
            return  # (the progress is shown)
        rows = self.canvas.rows
        n_ob = sum(1 for k in rows.column("kind") if k == "obiettivo")
        n_late = sum(1 for late in rows.column("late") if late)
        self.summary.setText(
            f"{format_int(n_ob)} obiettivi, {format_int(len(rows) - n_ob)} fasi — "
            f"{format_int(n_late)} in ritardo al "
            f"{format_date(self.canvas.oggi)}.   Barre blu: obiettivi (parte scura = % realizzata); "
            "verdi: fasi; ◆ scadenza (verde fatta, arancio aperta, rossa scaduta); "
            "grigio: periodo ricavato dalle fasi; linea rossa: oggi.")

    def on_changes(self, ch: Changes) -> None:
        if self.loader.hold(ch):
            return  # (applied once the rows are in)
        if ch.reset or GanttProjection.needs_reload(ch):
            self.reload()  # (the tree changed: rows come and go)
            return
        if not (ch.touches("obiettivi") or ch.touches("fasi") or ch.touches("unita")):
            if ch.touches("misure") or ch.touches("indicatori") or ch.touches("valutazioni"):
                self.data._perc.clear()  # objectives' % change: recomputed for visible rows
                self.canvas.viewport().update()
            return
        delta = self.data.apply(ch)
        if delta.reset:
            self.reload()  # (a fase moved to another objective)
            return
        if not self.data.layout_changed:
            # rows replaced where they are (names, %, done/late): repaint, recount later
            self.data.swap_into(self.canvas.rows)
            self.canvas.viewport().update()
            self.schedule_summary()
            return
        self.refresh()

    def _activated(self, oid: int) -> None:
        select = getattr(self.ctx.main_window, "select_obiettivo", None)
        if callable(select):
            select(oid)
