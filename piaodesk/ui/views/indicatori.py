"""Indicatori (tutto il piano): every indicator with target/actual of the year and the engine's %."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex
from PySide6.QtWidgets import QComboBox, QLineEdit, QWidget

from ...domain.formats import format_int
from ...store.albero import obiettivi_del_programma
from ...viste.base import Rows
from ...viste.indicatori import IndicatoriProjection, RigaIndicatore
from ..context import Context
from ..models.flat import FlatFilterProxy, FlatTableModel
from .comuni import ViewPanel, fill_combo, filter_combo, make_grid, riempi_programmi


class IndicatoriView(ViewPanel):
    def __init__(self, ctx: Context, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.setObjectName("vista_indicatori")
        self.projection = IndicatoriProjection(ctx.archive, ctx.anno)
        self.model = FlatTableModel(ctx, self.projection, self)
        self.proxy = FlatFilterProxy(self)
        self.proxy.setSourceModel(self.model)

        self.add_label("Settore:")
        self.settore = filter_combo(self, self.projection.lookup.settori(), "Tutti i settori", 300)
        self.bar.addWidget(self.settore)
        self.cerca = QLineEdit(self)
        self.cerca.setPlaceholderText("Cerca indicatore o obiettivo…")
        self.cerca.setClearButtonEnabled(True)
        self.cerca.setMinimumWidth(260)
        self.cerca.setMaximumWidth(360)
        self.bar.addWidget(self.cerca)
        self.programma = QComboBox(self)
        self.programma.setToolTip("Filtra per missione o programma (classificazione armonizzata)")
        riempi_programmi(self.programma, ctx.archive)
        self.bar.addWidget(self.programma)
        self.bar.addStretch(1)
        self.add_label(f"Anno: {self.projection.anno}")

        self.table = make_grid(self.proxy, self.model.columns(), self)
        self.table.message.connect(self.show_message)
        self.table.doubleClicked.connect(self._double_clicked)
        self.set_content(self.table)

        self.settore.currentIndexChanged.connect(self._filter)
        self.cerca.textChanged.connect(self._filter)
        self.programma.currentIndexChanged.connect(self._filter)
        self.model.refused.connect(self.show_message)
        for sig in (self.model.rowsInserted, self.model.rowsRemoved, self.model.modelReset,
                    self.model.dataChanged):
            sig.connect(self.schedule_summary)
        ctx.hub.changed.connect(self._refresh_combos)
        self.watch_loading(self.model, "degli indicatori")
        self.update_summary()

    def _refresh_combos(self, ch: Any) -> None:
        if ch.touches("unita"):
            fill_combo(self.settore, self.projection.lookup.settori(), "Tutti i settori")
        if ch.reset or ch.touches("obiettivi"):
            riempi_programmi(self.programma, self.ctx.archive)
            if self.programma.currentData() is not None:
                self._filter()

    def _filter(self) -> None:
        sid = self.settore.currentData()
        text = self.cerca.text().strip().casefold()
        cod = self.programma.currentData()
        obs = obiettivi_del_programma(self.ctx.archive, cod) if cod else None

        def accept(row: RigaIndicatore) -> bool:
            if sid is not None and row.settore_id != sid:
                return False
            if obs is not None and row.obiettivo_id not in obs:
                return False
            return not text or text in row.descrizione.casefold() or text in row.obiettivo.casefold()

        self.proxy.set_predicate(accept if sid is not None or text or obs is not None else None)
        self.update_summary()

    def update_summary(self) -> None:
        if self.model.loading:
            return  # (the progress is shown)
        accept = self.proxy._accept
        rows = self.model._rows  # (Rows on a large plan: the percentages read from the tuples)
        if accept is not None:
            rows = [r for r in rows if accept(r)]
        n = len(rows)
        percs = rows.column("perc") if isinstance(rows, Rows) else (r.perc for r in rows)
        with_value = sum(1 for p in percs if p is not None)
        self.summary.setText(f"{format_int(n)} indicatori — {format_int(with_value)} con "
                             "raggiungimento calcolabile "
                             f"nel {self.projection.anno}")

    def _double_clicked(self, index: QModelIndex) -> None:
        src = self.proxy.mapToSource(index)
        if not src.isValid() or self.model.flags(src) & self.model.flags(src).ItemIsEditable:
            return
        select = getattr(self.ctx.main_window, "select_obiettivo", None)
        if callable(select):
            select(self.model.row_at(src.row()).obiettivo_id)
