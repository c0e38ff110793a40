"""Plan-wide tables: a per-column filter like Excel's AutoFilter and a frozen first column.

* :class:`FilterHeader` draws a small «▾» at the right of every column header; a click there
  (or Alt+↓ in the grid) opens :class:`FilterPopup`: the column's distinct values with check
  boxes and a search field (typing narrows the list, Enter keeps the values shown). Rows
  whose value is not kept are hidden in the view (the model is untouched: sorting, the
  adapters and the undo stack see every row); a filtered header shows «▼» in colour.
* :class:`FrozenColumn` keeps the first column in place while the grid scrolls sideways (a
  second view over the same model and selection, as in Qt's frozen-column example).

Both work on any model: they read ``DisplayRole`` only.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QModelIndex, QPoint, QRect, Qt, QTimer
from PySide6.QtGui import QKeyEvent, QMouseEvent, QPainter
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QTableView,
    QVBoxLayout,
)

if TYPE_CHECKING:
    from .grid import ExcelTableView

EMPTY = "(vuote)"
BUTTON_W = 16


def cell_text(view: QTableView, row: int, col: int) -> str:
    value = view.model().index(row, col).data(Qt.ItemDataRole.DisplayRole)
    return EMPTY if value in (None, "") else str(value)


class FilterHeader(QHeaderView):
    """The horizontal header of a plan-wide grid: sorts on a click, filters on its «▾»."""

    def __init__(self, view: ExcelTableView) -> None:
        super().__init__(Qt.Orientation.Horizontal, view)
        self._view = view
        self.setSectionsClickable(True)
        self.setHighlightSections(False)

    def button_rect(self, section: int) -> QRect:
        x = self.sectionViewportPosition(section)
        w = self.sectionSize(section)
        return QRect(x + w - BUTTON_W, 0, BUTTON_W, self.height())

    def paintSection(self, painter: QPainter, rect: QRect, section: int) -> None:
        # the section (label, sort arrow) left of the filter button, the button at the right
        painter.save()
        super().paintSection(painter, rect.adjusted(0, 0, -BUTTON_W, 0), section)
        painter.restore()
        active = section in self._view.column_filters
        pal = self.palette()
        button = QRect(rect.right() - BUTTON_W + 1, rect.top() + 2, BUTTON_W - 2, rect.height() - 4)
        painter.save()
        painter.fillRect(QRect(rect.right() - BUTTON_W + 1, rect.top(), BUTTON_W, rect.height()),
                         pal.color(pal.ColorRole.Button))
        painter.fillRect(button, pal.color(pal.ColorRole.Highlight) if active
                         else pal.color(pal.ColorRole.Base))
        painter.setPen(pal.color(pal.ColorRole.Mid))
        painter.drawRect(button.adjusted(0, 0, -1, -1))
        painter.setPen(pal.color(pal.ColorRole.HighlightedText) if active
                       else pal.color(pal.ColorRole.ButtonText))
        painter.drawText(button, int(Qt.AlignmentFlag.AlignCenter), "▼" if active else "▾")
        painter.restore()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        pos = event.position().toPoint()
        section = self.logicalIndexAt(pos)
        if section >= 0 and event.button() == Qt.MouseButton.LeftButton and \
                self.button_rect(section).contains(pos):
            self._view.open_filter(section)
            event.accept()
            return
        super().mousePressEvent(event)


class FilterPopup(QFrame):
    """The values of one column, each with a check box; «Cerca…» narrows the list."""

    def __init__(self, view: ExcelTableView, column: int) -> None:
        super().__init__(view, Qt.WindowType.Popup)
        self.setObjectName("filtroColonna")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self._view, self.column = view, column
        lay = QVBoxLayout(self)
        lay.setContentsMargins(6, 6, 6, 6)
        self.search = QLineEdit(self)
        self.search.setPlaceholderText("Cerca… (Invio tiene i valori mostrati)")
        self.search.setClearButtonEnabled(True)
        lay.addWidget(self.search)
        self.values = QListWidget(self)
        lay.addWidget(self.values, 1)
        allowed = view.column_filters.get(column)
        model = view.model()
        seen = sorted({cell_text(view, r, column) for r in range(model.rowCount())},
                      key=lambda t: (t == EMPTY, t.casefold()))
        for text in seen:
            item = QListWidgetItem(text, self.values)
            item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if allowed is None or text in allowed
                               else Qt.CheckState.Unchecked)
        row = QHBoxLayout()
        self.ok = QPushButton("OK", self)
        self.ok.setDefault(True)
        self.clear = QPushButton("Togli filtro", self)
        cancel = QPushButton("Annulla", self)
        for b in (self.ok, self.clear, cancel):
            row.addWidget(b)
        lay.addLayout(row)
        self.search.textChanged.connect(self._narrow)
        self.ok.clicked.connect(self.accept)
        self.clear.clicked.connect(self._clear)
        cancel.clicked.connect(self.close)
        self.resize(280, 340)

    def _narrow(self, text: str) -> None:
        needle = text.strip().casefold()
        for i in range(self.values.count()):
            item = self.values.item(i)
            item.setHidden(bool(needle) and needle not in item.text().casefold())
            if needle and not item.isHidden():
                item.setCheckState(Qt.CheckState.Checked)  # what is found is kept (Enter)

    def kept(self) -> set[str] | None:
        """The values to show: the checked ones (among those the search shows); None = all."""
        items = [self.values.item(i) for i in range(self.values.count())]
        shown = [i for i in items if not i.isHidden()]
        keep = {i.text() for i in shown if i.checkState() == Qt.CheckState.Checked}
        if len(keep) == len(items):
            return None
        return keep

    def accept(self) -> None:
        self._view.set_column_filter(self.column, self.kept())
        self.close()

    def _clear(self) -> None:
        self._view.set_column_filter(self.column, None)
        self.close()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.accept()
            return
        super().keyPressEvent(event)


class ColumnFilters:
    """The filters of one view: column → values kept; rows hidden accordingly."""

    def __init__(self, view: ExcelTableView) -> None:
        self.view = view
        self.timer = QTimer(view)
        self.timer.setSingleShot(True)
        self.timer.setInterval(0)
        self.timer.timeout.connect(self.apply)

    def watch(self, model: Any) -> None:
        # applied again when the rows are read anew (reset, sort); a row just edited stays in
        # sight until then, as in a spreadsheet (hiding it under the cursor would surprise)
        for sig in (model.modelReset, model.layoutChanged):
            sig.connect(self._later)

    def _later(self, *_args: Any) -> None:
        if self.view.column_filters:
            self.timer.start()

    def apply(self) -> None:
        view, filters = self.view, self.view.column_filters
        model = view.model()
        if model is None:
            return
        for r in range(model.rowCount()):
            hide = any(cell_text(view, r, c) not in keep for c, keep in filters.items())
            if view.isRowHidden(r) != hide:
                view.hide_row(r, hide)
        view.horizontalHeader().viewport().update()


class FrozenColumn(QTableView):
    """The first column drawn over the grid's left edge, scrolling only up and down."""

    def __init__(self, view: ExcelTableView) -> None:
        super().__init__(view)
        self._view = view
        self.setObjectName("colonnaBloccata")
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.verticalHeader().hide()
        self.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollMode(view.verticalScrollMode())
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setAlternatingRowColors(view.alternatingRowColors())
        self.setStyleSheet("QTableView#colonnaBloccata { border-right: 1px solid palette(mid); }")
        self.setWordWrap(False)
        self.clicked.connect(self._clicked)
        self.verticalScrollBar().valueChanged.connect(view.verticalScrollBar().setValue)
        view.verticalScrollBar().valueChanged.connect(self.verticalScrollBar().setValue)
        view.horizontalHeader().sectionResized.connect(self._resized)
        # needed only once the grid scrolls sideways (at the left edge it would cover the editor
        # of a first-column cell)
        view.horizontalScrollBar().valueChanged.connect(self._scrolled)
        view.verticalHeader().sectionResized.connect(
            lambda i, _o, n: self.setRowHeight(i, n))

    def attach(self) -> None:
        view = self._view
        model = view.model()
        self.setModel(model)
        self.setSelectionModel(view.selectionModel())
        self.verticalHeader().setDefaultSectionSize(view.verticalHeader().defaultSectionSize())
        for c in range(1, model.columnCount()):
            self.setColumnHidden(c, True)
        self.setColumnWidth(0, view.columnWidth(0))
        model.columnsInserted.connect(self._hide_others)
        model.modelReset.connect(self._hide_others)
        for r in range(model.rowCount()):
            if view.isRowHidden(r):
                self.setRowHidden(r, True)
        self.place()
        self._scrolled(view.horizontalScrollBar().value())

    def _scrolled(self, value: int) -> None:
        self.setVisible(value > 0)
        if value > 0:
            self.raise_()
            self.place()

    def _hide_others(self, *_args: Any) -> None:
        for c in range(1, self.model().columnCount()):
            self.setColumnHidden(c, True)

    def _resized(self, section: int, _old: int, new: int) -> None:
        if section == 0:
            self.setColumnWidth(0, new)
            self.place()

    def _clicked(self, index: QModelIndex) -> None:
        self._view.setFocus()

    def place(self) -> None:
        view = self._view
        frame = view.frameWidth()
        self.setGeometry(view.verticalHeader().width() + frame, frame, view.columnWidth(0),
                         view.viewport().height() + view.horizontalHeader().height())

    def scroll_margin(self) -> int:
        return self.width() if self.isVisible() else 0


def filter_button_point(header: QHeaderView, section: int) -> QPoint:
    """Where the «▾» of ``section`` is (for tests and for Alt+↓)."""
    if isinstance(header, FilterHeader):
        return header.button_rect(section).center()
    return QPoint(header.sectionViewportPosition(section) + header.sectionSize(section) - 4,
                  header.height() // 2)
