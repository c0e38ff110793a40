"""Scadenze: every deadline of the plan by date, late ones red, the next 30 days amber."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import date
from operator import attrgetter
from typing import Any

from PySide6.QtCore import QModelIndex
from PySide6.QtWidgets import QCheckBox, QComboBox, QWidget

from ...domain.formats import format_int
from ...store.albero import obiettivi_del_programma
from ...viste.base import Rows
from ...viste.scadenze import Scadenza, ScadenzeProjection
from ..context import Context
from ..models.flat import FlatFilterProxy, FlatTableModel
from .comuni import ViewPanel, fill_combo, filter_combo, make_grid, riempi_programmi

_LIVELLO = attrgetter("livello")


class ScadenzeView(ViewPanel):
    def __init__(self, ctx: Context, parent: QWidget | None = None, *,
                 oggi: date | Callable[[], date] | None = None) -> None:
        super().__init__(ctx, parent)
        self.setObjectName("vista_scadenze")
        self.projection = p = ScadenzeProjection(ctx.archive, anno=lambda: ctx.anno, oggi=oggi)
        self.model = FlatTableModel(ctx, p, self)
        self.proxy = FlatFilterProxy(self)
        self.proxy.setSourceModel(self.model)

        self.add_label("Settore:")
        self.settore = filter_combo(self, self.projection.lookup.settori(), "Tutti i settori", 300)
        self.bar.addWidget(self.settore)
        self.add_label("Persona:")
        self.persona = filter_combo(self, self.projection.persone_coinvolte(), "Tutte le persone", 240)
        self.bar.addWidget(self.persona)
        self.programma = QComboBox(self)
        self.programma.setToolTip("Filtra per missione o programma (classificazione armonizzata)")
        riempi_programmi(self.programma, ctx.archive)
        self.bar.addWidget(self.programma)
        self._ob_programma: set[int] | None = None
        self.aperte = QCheckBox("Nascondi completate", self)
        self.bar.addWidget(self.aperte)
        self.bar.addStretch(1)

        self.table = make_grid(self.proxy, self.model.columns(), self)
        self.table.doubleClicked.connect(self._double_clicked)
        self.table.message.connect(self.show_message)
        self.set_content(self.table)

        self.settore.currentIndexChanged.connect(self._filter)
        self.persona.currentIndexChanged.connect(self._filter)
        self.aperte.toggled.connect(self._filter)
        self.programma.currentIndexChanged.connect(self._filter)
        self.model.refused.connect(self.show_message)
        for sig in (self.model.rowsInserted, self.model.rowsRemoved, self.model.modelReset,
                    self.model.dataChanged):
            sig.connect(self.schedule_summary)
        ctx.hub.changed.connect(self._refresh_combos)
        self.watch_loading(self.model, "delle scadenze")
        self.update_summary()

    def _refresh_combos(self, ch: Any) -> None:
        if ch.touches("unita") or ch.touches("persone") or ch.touches("assegnazioni") or \
                ch.touches("obiettivi"):
            fill_combo(self.settore, self.projection.lookup.settori(), "Tutti i settori")
            fill_combo(self.persona, self.projection.persone_coinvolte(), "Tutte le persone")
            riempi_programmi(self.programma, self.ctx.archive)
            if self.programma.currentData() is not None:
                self._filter()

    def _filter(self) -> None:
        sid = self.settore.currentData()
        pid = self.persona.currentData()
        aperte = self.aperte.isChecked()
        cod = self.programma.currentData()
        obs = obiettivi_del_programma(self.ctx.archive, cod) if cod else None

        def accept(row: Scadenza) -> bool:
            if sid is not None and row.settore_id != sid:
                return False
            if obs is not None and row.obiettivo_id not in obs:
                return False
            if pid is not None and pid not in row.persone:
                return False
            return not (aperte and row.livello == "done")

        self.proxy.set_predicate(None if sid is None and pid is None and not aperte and obs is None
                                 else accept)
        self.update_summary()

    def loaded(self) -> None:
        fill_combo(self.persona, self.projection.persone_coinvolte(), "Tutte le persone")

    def update_summary(self) -> None:
        if self.model.loading:
            return  # (the progress is shown)
        accept = self.proxy._accept
        rows = self.model._rows
        if accept is not None:
            rows = [r for r in rows if accept(r)]
        n = len(rows)
        # (one pass in C over 40.000 rows on a large plan, not three in Python; the stored
        # tuples read directly: see viste.base.Rows)
        counts = Counter(rows.column("livello") if isinstance(rows, Rows) else map(_LIVELLO, rows))
        late, soon = counts["late"], counts["soon"]
        self.summary.setText(f"{format_int(n)} scadenze — {format_int(late)} in ritardo, "
                             f"{format_int(soon)} entro 30 giorni "
                             f"(al {self.projection.oggi().strftime('%d/%m/%Y')})")

    def _double_clicked(self, index: QModelIndex) -> None:
        src = self.proxy.mapToSource(index)
        if not src.isValid():
            return
        col = self.model.columns()[src.column()]
        if col.editable and self.model.editable(self.model.row_at(src.row()), col.key):
            return  # the grid opens the editor
        oid = self.model.row_at(src.row()).obiettivo_id
        select = getattr(self.ctx.main_window, "select_obiettivo", None)
        if callable(select):
            select(oid)
