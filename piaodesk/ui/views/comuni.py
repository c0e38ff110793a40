"""Pieces shared by the plan-wide views: the grid set-up, filter combos, the message line."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QAbstractItemModel, Qt, QTimer
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from ...viste.tabella import Col
from ..context import Context
from ..models.columns import Column
from ..widgets.grid import ExcelTableView

TUTTI = None


def riempi_programmi(combo: QComboBox, archive: Any) -> None:
    """The missioni and programmi of the catalogue the plan's objectives use (issue 18), as a filter
    combo: a missione («12») then its programmes («12.03»); hidden when the plan uses none."""
    from ...domain.catalogo import catalogo
    from ...store.albero import programmi_usati

    current = combo.currentData()
    combo.blockSignals(True)
    combo.clear()
    combo.addItem("Tutte le missioni e i programmi", None)
    cat = catalogo()
    usati = programmi_usati(archive)
    for mis in sorted({c.split(".")[0] for c in usati}):
        m = cat.missione(mis)
        combo.addItem(m.etichetta if m else f"Missione {mis}", mis)
        for c in (x for x in usati if x.startswith(mis + ".")):
            p = cat.da_chiave(c)
            combo.addItem(f"    {p.etichetta if p else c}", c)
    combo.setCurrentIndex(max(combo.findData(current), 0))
    combo.blockSignals(False)
    combo.setVisible(bool(usati))


def make_grid(model: QAbstractItemModel, columns: Sequence[Column | Col], parent: QWidget | None = None,
              *, sortable: bool = True) -> ExcelTableView:
    view = ExcelTableView(parent)
    view.setModel(model)
    if sortable:
        view.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        view.setSortingEnabled(True)
        view.verticalHeader().hide()
    for i, col in enumerate(columns):
        if col.width:
            view.setColumnWidth(i, col.width)
    if sortable:  # the plan-wide tables: per-column filter, frozen first column (issue 14)
        view.set_plan_wide()
    return view


def filter_combo(parent: QWidget, items: Sequence[tuple[Any, str]], tutti: str = "Tutti",
                 width: int = 240) -> QComboBox:
    combo = QComboBox(parent)
    combo.setMinimumContentsLength(18)
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    combo.setMaximumWidth(width)
    combo.setMinimumWidth(min(width, 300))
    fill_combo(combo, items, tutti)
    return combo


def fill_combo(combo: QComboBox, items: Sequence[tuple[Any, str]], tutti: str = "Tutti") -> None:
    """Refill keeping the current choice (by data) when it still exists."""
    current = combo.currentData()
    combo.blockSignals(True)
    combo.clear()
    combo.addItem(tutti, TUTTI)
    for value, label in items:
        combo.addItem(label, value)
        combo.setItemData(combo.count() - 1, label, Qt.ItemDataRole.ToolTipRole)
    pos = combo.findData(current) if current is not None else 0
    combo.setCurrentIndex(max(pos, 0))
    combo.blockSignals(False)


class ViewPanel(QWidget):
    """A view: a bar of filters on top, the content, a one-line message/summary at the bottom."""

    def __init__(self, ctx: Context, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.bar = QHBoxLayout()
        self.bar.setContentsMargins(0, 0, 0, 0)
        self.bar.setSpacing(8)
        self.summary = QLabel(self)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        # (wraps: a long summary must never widen the window beyond the screen)
        self.summary.setWordWrap(True)
        self.message = QLabel(self)
        self.message.setStyleSheet("color: #b3261e;")
        self.message.setWordWrap(True)
        self.message.hide()
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(6, 6, 6, 6)
        self._layout.setSpacing(6)
        self._layout.addLayout(self.bar)
        self._msg_timer = QTimer(self)
        self._msg_timer.setSingleShot(True)
        self._msg_timer.timeout.connect(self.message.hide)
        self._sum_timer = QTimer(self)
        self._sum_timer.setSingleShot(True)
        self._sum_timer.setInterval(120)
        self._sum_timer.timeout.connect(self.update_summary)

    def schedule_summary(self, *args: Any) -> None:
        """Recompute the summary line once after a burst of changes."""
        self._sum_timer.start()

    def update_summary(self) -> None:
        """Subclasses write ``self.summary``."""

    def watch_loading(self, model: Any, what: str) -> None:
        """Show the progress of a model loading in slices («Caricamento delle scadenze… 40 %»);
        when the rows are in, :meth:`loaded` and the summary."""
        self._loading_what = what
        # a label, not a QProgressBar: that repaints itself synchronously on every value
        # (30 ms inside a slice); a label's text is painted with the next frame
        self._progress = QLabel(self)
        self._progress.setObjectName("caricamento")
        self._progress.setStyleSheet("QLabel { background: #e8f0fe; color: #174ea6; "
                                     "border: 1px solid #aecbfa; border-radius: 3px; "
                                     "padding: 2px 8px; font-weight: bold; }")
        self._progress.hide()
        self.bar.addWidget(self._progress)
        model.loading_changed.connect(self._loading_changed)
        if model.loading:
            self._loading_changed(True, 0)

    def _loading_changed(self, loading: bool, pct: int) -> None:
        if loading:
            self._progress.setText(f"Caricamento {self._loading_what}… {pct} %")
            self._progress.show()
            self.summary.setText(f"Caricamento {self._loading_what}… {pct} % "
                                 "(si può continuare a lavorare nelle altre schede)")
        else:
            self._progress.hide()
            self.loaded()
            self.update_summary()

    def loaded(self) -> None:
        """The rows of a model loaded in slices are all in (subclasses refresh filters)."""

    def add_label(self, text: str) -> QLabel:
        label = QLabel(text, self)
        self.bar.addWidget(label)
        return label

    def set_content(self, widget: QWidget) -> None:
        self._layout.addWidget(widget, 1)
        self._layout.addWidget(self.message)
        self._layout.addWidget(self.summary)

    def show_message(self, text: str) -> None:
        self.message.setText(text)
        self.message.show()
        self._msg_timer.start(8000)
