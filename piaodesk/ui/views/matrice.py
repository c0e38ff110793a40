"""Matrice personale: people × objectives with % of time, totals, flags for >100 %, <100 % or no assignment."""

from __future__ import annotations

from typing import Any

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QCheckBox, QWidget

from ...domain.formats import format_int
from ..context import Context
from ..models.views_matrice import CELL, FIXED, MatriceModel
from ..widgets.grid import ExcelTableView
from .comuni import ViewPanel, fill_combo, filter_combo


class MatriceView(ViewPanel):
    def __init__(self, ctx: Context, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.setObjectName("vista_matrice")
        self.model = MatriceModel(ctx, self)

        self.add_label("Settore:")
        self.settore = filter_combo(self, self.model.lookup.settori(), "Tutti i settori", 300)
        self.bar.addWidget(self.settore)
        self.segnalate = QCheckBox("Solo persone segnalate (oltre o sotto il 100 %, senza assegnazioni)", self)
        self.bar.addWidget(self.segnalate)
        self.bar.addStretch(1)

        self.table = ExcelTableView(self)
        self.table.setModel(self.model)
        self.table.verticalHeader().setMinimumWidth(210)
        self.table.horizontalHeader().setStretchLastSection(False)
        self.table.horizontalHeader().setDefaultSectionSize(CELL.width)
        self.table.message.connect(self.show_message)
        rimuovi = QAction("Rimuovi assegnazione", self.table)
        rimuovi.triggered.connect(self.remove_selected)
        self.table.addAction(rimuovi)
        self.set_content(self.table)

        self.settore.currentIndexChanged.connect(self._settore_changed)
        self.segnalate.toggled.connect(self._apply_rows)
        self.model.refused.connect(self.show_message)
        self.model.modelReset.connect(self._after_reset)
        self.model.dataChanged.connect(self._summarize)
        ctx.hub.changed.connect(self._refresh_combo)
        self.watch_loading(self.model, "della matrice")
        self._after_reset()

    def loaded(self) -> None:
        fill_combo(self.settore, self.model.lookup.settori(), "Tutti i settori")
        self._summarize()

    def _refresh_combo(self, ch: Any) -> None:
        if ch.touches("unita"):
            fill_combo(self.settore, self.model.lookup.settori(), "Tutti i settori")

    def _settore_changed(self) -> None:
        self.model.set_settore(self.settore.currentData())

    def _after_reset(self) -> None:
        for i, col in enumerate(FIXED):
            self.table.setColumnWidth(i, col.width)
        self._apply_rows()

    def _apply_rows(self, *args: Any) -> None:
        only = self.segnalate.isChecked()
        for r in range(self.model.rowCount()):
            hide = only and self.model.flag(self.model.persona_id(r)) is None
            if hide != self.table.isRowHidden(r):
                self.table.setRowHidden(r, hide)
        self._summarize()

    def _summarize(self, *args: Any) -> None:
        if self.model.loading:
            return  # (the progress is shown)
        people = [self.model.persona_id(r) for r in range(self.model.rowCount())]
        flags = [self.model.flag(p) for p in people]  # (once per person: a sum of many %)
        over, none, under = flags.count("over"), flags.count("none"), flags.count("under")
        n_ob = self.model.columnCount() - len(FIXED)
        self.summary.setText(f"{format_int(len(people))} persone × {format_int(n_ob)} obiettivi — "
                             f"{format_int(over)} oltre il 100 %, {format_int(under)} sotto il 100 %, "
                             f"{none} senza assegnazioni. ✓ = assegnato senza % di impegno; "
                             "scrivere una % in una cella vuota assegna la persona.")

    def remove_selected(self) -> None:
        sel = self.table.selectionModel().selectedIndexes()
        if not sel and self.table.currentIndex().isValid():
            sel = [self.table.currentIndex()]
        if not self.model.remove_assignments(list(sel)):
            self.show_message("Nessuna assegnazione nelle celle selezionate.")
