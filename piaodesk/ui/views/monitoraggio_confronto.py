"""Comparison across monitoring rounds: indicator rows × round columns, and a bar chart
of the average % per settore at each round (QPainter; QtCharts is not in PySide6-Essentials)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPen
from PySide6.QtWidgets import (
    QHeaderView,
    QSizePolicy,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ...domain.formats import format_date, format_percent
from ...viste.confronto import TABLES, ConfrontoProjection
from ..models.flat import FlatTableModel

PALETTE = [QColor("#93c5fd"), QColor("#2563eb"), QColor("#1e3a8a"), QColor("#60a5fa"),
           QColor("#0ea5e9"), QColor("#312e81")]


class ConfrontoModel(FlatTableModel):
    """Rows: indicators (with their objective); columns: target of the last round, then each
    round (the flat adapter over :class:`~piaodesk.viste.confronto.ConfrontoProjection`)."""

    projection: ConfrontoProjection

    def __init__(self, ctx: Any, parent: Any = None, load: bool = True) -> None:
        super().__init__(ctx, ConfrontoProjection(ctx.archive), parent, listen=False, load=load)

    @property
    def dati(self) -> Any:
        return self.projection.dati

    @property
    def reload_count(self) -> int:
        return self.projection.reload_count

    def patch(self, ch: Any) -> bool:
        """Apply updates that leave rows and chart as they are (titles, descriptions…) in place.

        False when ``ch`` needs the whole comparison again.
        """
        if self.projection.dati is None or not self.projection.patchable(ch):
            return False
        self.apply_delta(self.projection.apply(ch))
        return True


class GraficoSettori(QWidget):
    """Horizontal grouped bars: for each settore, the mean final % at each round."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("grafico_settori")
        self.rounds: list[str] = []
        self.series: list[tuple[str, list[Decimal | None]]] = []
        self.setMinimumHeight(160)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def set_data(self, rounds: list[str], series: list[tuple[str, list[Decimal | None]]]) -> None:
        self.rounds, self.series = rounds, series
        self.updateGeometry()
        self.update()

    def sizeHint(self) -> QSize:
        return QSize(600, 60 + len(self.series) * (18 * max(1, len(self.rounds)) + 14))

    def paintEvent(self, _event: Any) -> None:
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.fillRect(self.rect(), QColor("white"))
        fm = p.fontMetrics()
        if not self.series or not self.rounds:
            p.setPen(QColor("#6b7280"))
            p.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter,
                       "Nessun dato: aprire un monitoraggio e rilevare i valori.")
            return
        title_font = QFont(p.font())
        title_font.setBold(True)
        p.setFont(title_font)
        p.setPen(QColor("#111827"))
        p.drawText(QRectF(10, 6, self.width() - 20, fm.height() + 4), Qt.AlignmentFlag.AlignLeft,
                   "Avanzamento medio degli obiettivi per settore (% validata o calcolata)")
        p.setFont(QFont(self.font()))
        label_w = min(max(fm.horizontalAdvance(n) for n, _ in self.series) + 16, int(self.width() * 0.38))
        left, right = 10 + label_w, self.width() - 70
        top = 12 + fm.height() * 2 + 8
        legend_y = 10 + fm.height() + 6
        x = left
        for i, name in enumerate(self.rounds):
            p.fillRect(QRectF(x, legend_y + 2, 12, fm.height() - 4), PALETTE[i % len(PALETTE)])
            p.setPen(QColor("#374151"))
            p.drawText(int(x + 16), int(legend_y + fm.ascent()), name)
            x += 16 + fm.horizontalAdvance(name) + 18
        gap = 10
        avail = self.height() - top - fm.height() - 8 - gap * len(self.series)
        bar_h = max(6, min(18, avail // max(1, len(self.series) * len(self.rounds))))
        group_h = bar_h * len(self.rounds) + gap
        width = max(10, right - left)
        # grid 0..100 %
        bottom = top + group_h * len(self.series)
        for pct in range(0, 101, 25):
            gx = left + width * pct / 100
            p.setPen(QPen(QColor("#e5e7eb"), 1))
            p.drawLine(int(gx), int(top - 4), int(gx), int(bottom))
            p.setPen(QColor("#6b7280"))
            p.drawText(QRectF(gx - 25, bottom + 2, 50, fm.height()), Qt.AlignmentFlag.AlignCenter, f"{pct} %")
        y = top
        for name, values in self.series:
            p.setPen(QColor("#111827"))
            elided = fm.elidedText(name, Qt.TextElideMode.ElideRight, label_w - 10)
            p.drawText(QRectF(10, y, label_w - 10, bar_h * len(self.rounds)),
                       Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft, elided)
            for i, v in enumerate(values):
                by = y + i * bar_h
                if v is None:
                    p.setPen(QColor("#9ca3af"))
                    p.drawText(QRectF(left + 4, by, 200, bar_h), Qt.AlignmentFlag.AlignVCenter, "n.c.")
                    continue
                frac = float(min(max(v, Decimal(0)), Decimal(100))) / 100
                p.fillRect(QRectF(left, by + 1, width * frac, bar_h - 2), PALETTE[i % len(PALETTE)])
                p.setPen(QColor("#111827"))
                p.drawText(QRectF(left + width * frac + 4, by, 66, bar_h), Qt.AlignmentFlag.AlignVCenter,
                           format_percent(v, 1))
            y += group_h
        p.end()


class ConfrontoWidget(QWidget):
    def __init__(self, ctx: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("vista_confronto_monitoraggi")
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 4, 0, 0)
        split = QSplitter(Qt.Orientation.Vertical, self)
        self.model = ConfrontoModel(ctx, self, load=False)  # computed when first shown
        self._dirty = True
        self.table = QTableView(split)
        self.table.setModel(self.model)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(22)
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table.setColumnWidth(0, 100)
        self.chart = GraficoSettori(split)
        split.addWidget(self.table)
        split.addWidget(self.chart)
        split.setSizes([340, 300])
        lay.addWidget(split)
        ctx.hub.changed.connect(self._on_changes)

    def _on_changes(self, ch: Any) -> None:
        if not (ch.reset or ch.moved or ch.tables() & TABLES):
            return
        if ch.touches("monitoraggi"):  # a round added, renamed, closed: at once
            self.reload()
            return
        if self._dirty or self.model.patch(ch):
            return
        if self.isVisible():
            self.reload()
        else:
            self._dirty = True  # recomputed when shown

    def reload(self) -> None:
        self.model.reload()
        self._refresh_chart()
        self._dirty = False

    def showEvent(self, event: Any) -> None:
        super().showEvent(event)
        if self._dirty:
            self.reload()

    def _refresh_chart(self) -> None:
        d = self.model.dati
        if d is None:
            return
        names = [f"{m.nome} ({format_date(m.data)})" for m in d.rounds]
        self.chart.set_data(names, d.settori)
        for c in range(2, self.model.columnCount()):
            self.table.setColumnWidth(c, 110)
