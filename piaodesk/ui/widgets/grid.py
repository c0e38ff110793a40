"""``ExcelTableView``: a QTableView that behaves like a spreadsheet.

* typing on a cell starts editing it (the typed key replaces the content); F2 edits with the
  caret at the end, double click edits; Backspace empties the cell and edits it;
* Enter commits and moves down (on the last row: to the row below, created when typing);
  Tab/Shift+Tab commit and move right/left without opening the next editor;
* Del clears the selected cells, Ctrl+X cuts them, Ctrl+D fills down, Ctrl+Enter fills the
  selection (each one undoable step); Ctrl+arrows jump to the edge of the data and never
  reach a window shortcut;
* Ctrl+C copies the selection as a tab-separated block (Italian decimals, no
  thousands separators) that Excel/LibreOffice paste as cells; Ctrl+V pastes a
  rectangular block from there, starting at the current cell (a single value fills
  the whole selection); rows beyond the end are added when the model allows it;
* Ctrl+Ins or «+ Riga» adds a row (the cursor goes to it, wherever a sorted grid puts it),
  Ctrl+Del or «− Righe» removes the selected rows; click on a header sorts;
* plan-wide tables (``set_plan_wide``): per-column filter and frozen first column (filtro.py).

Model hooks (all optional, looked up on the *source* model behind any proxies):
``set_cells(list[(QModelIndex, value)], label) -> bool`` (one undo step for a block),
``insert_row(row) -> bool``, ``remove_rows(rows: list[int]) -> bool``,
``append_rows(n) -> bool`` (used by paste). Without hooks ``setData`` is called per cell and
``insertRows``/``removeRows`` add and remove rows. A model with a ``refused`` signal says its
own refusals; for the others, invalid input is reported through ``message`` (Italian text).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import (
    QAbstractItemModel,
    QAbstractProxyModel,
    QEvent,
    QItemSelection,
    QItemSelectionModel,
    QModelIndex,
    QPersistentModelIndex,
    QPoint,
    QRect,
    Qt,
    Signal,
)
from PySide6.QtGui import (
    QAction,
    QGuiApplication,
    QKeyEvent,
    QKeySequence,
    QPainter,
    QPalette,
    QPen,
)
from PySide6.QtWidgets import (
    QAbstractItemDelegate,
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QSizePolicy,
    QTableView,
    QToolButton,
    QWidget,
)

from ..delegates import TypedDelegate
from ..models.columns import ClipboardRole
from .filtro import ColumnFilters, FilterHeader, FilterPopup, FrozenColumn


def parse_tsv(text: str) -> list[list[str]]:
    """Clipboard text from Excel/LibreOffice → rows of cells (quoted cells may hold newlines)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    rows: list[list[str]] = []
    row: list[str] = []
    cell: list[str] = []
    i, quoted = 0, False
    while i < len(text):
        ch = text[i]
        if quoted:
            if ch == '"':
                if i + 1 < len(text) and text[i + 1] == '"':
                    cell.append('"')
                    i += 1
                else:
                    quoted = False
            else:
                cell.append(ch)
        elif ch == '"' and not cell:
            quoted = True
        elif ch == "\t":
            row.append("".join(cell))
            cell = []
        elif ch == "\n":
            row.append("".join(cell))
            rows.append(row)
            row, cell = [], []
        else:
            cell.append(ch)
        i += 1
    if cell or row:
        row.append("".join(cell))
        rows.append(row)
    return rows


def to_tsv(rows: list[list[str]]) -> str:
    def q(cell: str) -> str:
        if any(c in cell for c in '\t\n"'):
            return '"' + cell.replace('"', '""') + '"'
        return cell

    return "".join("\t".join(q(c) for c in r) + "\n" for r in rows)


#: keys the grid keeps for itself (never a window shortcut: Ctrl+↓ once moved an objective in
#: the tree while the cursor was in a grid)
_CTRL_MOVES = (Qt.Key.Key_Up, Qt.Key.Key_Down, Qt.Key.Key_Left, Qt.Key.Key_Right,
               Qt.Key.Key_Home, Qt.Key.Key_End)
_ENTER = (Qt.Key.Key_Return, Qt.Key.Key_Enter)


def _ctrl(event: QKeyEvent) -> bool:
    return bool(event.modifiers() & Qt.KeyboardModifier.ControlModifier)


def grid_owns(event: QKeyEvent) -> bool:
    """Whether a key pressed in a grid (or its cell editor) belongs to the grid."""
    key, mods = event.key(), event.modifiers()
    ctrl = bool(mods & Qt.KeyboardModifier.ControlModifier)
    if ctrl and key in _CTRL_MOVES:
        return True
    plain_ctrl = ctrl and not mods & (Qt.KeyboardModifier.AltModifier
                                      | Qt.KeyboardModifier.ShiftModifier)
    return plain_ctrl and key in (*_ENTER, Qt.Key.Key_D, Qt.Key.Key_X)


class ExcelTableView(QTableView):
    """See the module's docstring; keys as in Excel/LibreOffice:

    F2 edits with the caret at the end; Backspace empties the cell and edits it; Ctrl+X cuts;
    Ctrl+D fills down; Ctrl+Enter fills the selection (with what is being typed, or with the
    current cell); Enter on the last row goes below it, where typing creates a new row;
    Tab commits and moves right without opening the next editor; Ctrl+arrows jump to the
    edge of the data, inside the grid only.
    """

    message = Signal(str)  # Italian text for the status bar (refused input, paste summary)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setItemDelegate(TypedDelegate(self))
        self.setEditTriggers(QAbstractItemView.EditTrigger.AnyKeyPressed
                             | QAbstractItemView.EditTrigger.DoubleClicked
                             | QAbstractItemView.EditTrigger.EditKeyPressed)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setAlternatingRowColors(True)
        self.setWordWrap(False)
        self.setTabKeyNavigation(True)
        self.horizontalHeader().setHighlightSections(False)
        self.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.horizontalHeader().setStretchLastSection(True)
        self.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 10)
        self.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        #: Enter on the last row: the cursor is on the (not yet existing) row below it
        self.new_row_pending = False
        self._committing: QWidget | None = None
        self._anchor = QPersistentModelIndex()  # where Ctrl+Shift+arrows started
        #: per-column filter (AutoFilter): column → display texts kept (see set_plan_wide)
        self.column_filters: dict[int, set[str]] = {}
        self._filters: ColumnFilters | None = None
        self.frozen: FrozenColumn | None = None
        self._popup: FilterPopup | None = None
        self._actions: dict[str, QAction] = {}
        for name, text, keys, slot in (
            ("copia", "Copia", [QKeySequence.StandardKey.Copy], self.copy_selection),
            ("taglia", "Taglia", [QKeySequence("Ctrl+X")], self.cut_selection),
            ("incolla", "Incolla", [QKeySequence.StandardKey.Paste], self.paste),
            ("cancella", "Cancella contenuto", [QKeySequence(Qt.Key.Key_Delete)], self.clear_selection),
            ("riempi_giu", "Riempi in basso", [QKeySequence("Ctrl+D")], self.fill_down),
            ("riempi", "Riempi la selezione", [QKeySequence("Ctrl+Return")], self.fill_selection),
            ("aggiungi", "Aggiungi riga", [QKeySequence("Ctrl+Ins"), QKeySequence("Ctrl++")],
             self.insert_row),
            ("rimuovi", "Elimina righe", [QKeySequence("Ctrl+Del"), QKeySequence("Ctrl+-")],
             self.remove_rows),
        ):
            act = QAction(text, self)
            act.setShortcuts([QKeySequence(k) for k in keys])
            act.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            act.triggered.connect(slot)
            self.addAction(act)
            self._actions[name] = act
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        self._row_buttons = RowButtons(self)
        self.addScrollBarWidget(self._row_buttons, Qt.AlignmentFlag.AlignLeft)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)

    # ------------------------------------------------------------------ model plumbing

    def action(self, name: str) -> QAction:
        return self._actions[name]

    @property
    def row_buttons(self) -> RowButtons:
        return self._row_buttons

    def setModel(self, model: Any) -> None:
        super().setModel(model)
        self.new_row_pending = False
        self._row_buttons.update_for(self)
        if self.selectionModel() is not None:
            self.selectionModel().currentChanged.connect(lambda *_a: self._set_pending(False))
        self.column_filters = {}
        filters: ColumnFilters | None = getattr(self, "_filters", None)
        frozen: FrozenColumn | None = getattr(self, "frozen", None)
        if filters is not None and model is not None:
            filters.watch(model)
        if frozen is not None and model is not None:
            frozen.attach()

    # ------------------------------------------------------------------ plan-wide tables

    def set_plan_wide(self, column_filter: bool = True, freeze_first: bool = True) -> None:
        """A table over the whole plan: per-column filter (click «▾» in a header, or Alt+↓)
        and the first column frozen while scrolling sideways."""
        if column_filter and self._filters is None:
            sorting = self.isSortingEnabled()
            header = FilterHeader(self)
            old = self.horizontalHeader()
            header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
            header.setStretchLastSection(old.stretchLastSection())
            header.setSortIndicatorShown(old.isSortIndicatorShown())
            header.setSortIndicator(old.sortIndicatorSection(), old.sortIndicatorOrder())
            header.setDefaultSectionSize(old.defaultSectionSize())
            header.setMinimumSectionSize(old.minimumSectionSize())
            header.setDefaultAlignment(old.defaultAlignment())
            widths = [self.columnWidth(c) for c in range(self.model().columnCount())] \
                if self.model() is not None else []
            self.setHorizontalHeader(header)
            for c, w in enumerate(widths):
                self.setColumnWidth(c, w)
            self.setSortingEnabled(sorting)
            self._filters = ColumnFilters(self)
            if self.model() is not None:
                self._filters.watch(self.model())
        if freeze_first and self.frozen is None:
            self.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
            self.frozen = FrozenColumn(self)
            if self.model() is not None:
                self.frozen.attach()

    def set_column_filter(self, column: int, keep: set[str] | None) -> None:
        """Show only the rows whose ``column`` displays one of ``keep`` (None: every row)."""
        if keep is None:
            self.column_filters.pop(column, None)
        else:
            self.column_filters[column] = set(keep)
        if self._filters is None:
            self._filters = ColumnFilters(self)
        self._filters.apply()
        shown = sum(not self.isRowHidden(r) for r in range(self.model().rowCount()))
        if self.column_filters:
            self.setToolTip(f"Filtro attivo: {shown} righe su {self.model().rowCount()}")
        else:
            self.setToolTip("")

    def open_filter(self, column: int) -> FilterPopup:
        popup = FilterPopup(self, column)
        header = self.horizontalHeader()
        x = header.sectionViewportPosition(column)
        popup.move(header.mapToGlobal(QPoint(max(x, 0), header.height())))
        popup.show()
        popup.search.setFocus()
        self._popup = popup
        return popup

    def hide_row(self, row: int, hidden: bool) -> None:
        self.setRowHidden(row, hidden)
        if self.frozen is not None:
            self.frozen.setRowHidden(row, hidden)

    def resizeEvent(self, event: Any) -> None:
        super().resizeEvent(event)
        frozen: FrozenColumn | None = getattr(self, "frozen", None)
        if frozen is not None:
            frozen.place()

    def updateGeometries(self) -> None:
        super().updateGeometries()
        frozen: FrozenColumn | None = getattr(self, "frozen", None)
        if frozen is not None:
            frozen.place()

    def scrollTo(self, index: QModelIndex | QPersistentModelIndex,
                 hint: Any = QAbstractItemView.ScrollHint.EnsureVisible) -> None:
        if getattr(self, "frozen", None) is None or not index.isValid() or index.column() == 0:
            super().scrollTo(index, hint)
            return
        super().scrollTo(index, hint)
        # a cell must not hide under the frozen column
        x = self.columnViewportPosition(index.column())
        margin = self.columnWidth(0)
        if x < margin:
            bar = self.horizontalScrollBar()
            bar.setValue(bar.value() - (margin - x))

    def mousePressEvent(self, event: Any) -> None:
        self._set_pending(False)
        super().mousePressEvent(event)

    def source_model(self) -> Any:
        model = self.model()
        while isinstance(model, QAbstractProxyModel):
            model = model.sourceModel()
        return model

    def to_source(self, index: QModelIndex) -> QModelIndex:
        model = self.model()
        while isinstance(model, QAbstractProxyModel):
            index = model.mapToSource(index)
            model = model.sourceModel()
        return index

    def can_insert(self) -> bool:
        src = self.source_model()
        if src is None:
            return False
        new_row = getattr(type(src), "new_row", None)  # ArchiveTableModel's: None = cannot add
        if new_row is not None and new_row.__qualname__.startswith("ArchiveTableModel."):
            return False
        return hasattr(src, "insert_row") or _overrides(src, "insertRows")

    def can_remove(self) -> bool:
        src = self.source_model()
        return src is not None and (hasattr(src, "remove_rows") or _overrides(src, "removeRows"))

    def _report(self, ok: bool) -> None:
        """A refusal the model did not say itself (a model with a ``refused`` signal says its
        own refusals: repeating them here showed every message twice)."""
        if ok:
            return
        src = self.source_model()
        if hasattr(src, "refused"):
            return
        err = getattr(src, "last_error", None)
        if err:
            self.message.emit(err)

    # ------------------------------------------------------------------ keyboard

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ShortcutOverride and isinstance(event, QKeyEvent) \
                and grid_owns(event):
            event.accept()  # the key comes to keyPressEvent, never to a window shortcut
            return True
        return super().event(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        editing = self.state() == QAbstractItemView.State.EditingState
        if editing:
            super().keyPressEvent(event)
            return
        if self.new_row_pending:
            if key == Qt.Key.Key_Escape or key in (Qt.Key.Key_Up, Qt.Key.Key_PageUp):
                self._set_pending(False)
                return
            if event.text() and event.text().isprintable() and not _ctrl(event) \
                    and not event.modifiers() & Qt.KeyboardModifier.AltModifier:
                if self._create_pending_row():
                    self._type_into(self.currentIndex(), event)
                return
            if key not in (Qt.Key.Key_Shift, Qt.Key.Key_Control, Qt.Key.Key_Alt):
                self._set_pending(False)
        if key == Qt.Key.Key_Down and event.modifiers() == Qt.KeyboardModifier.AltModifier and \
                self._filters is not None and self.currentIndex().isValid():
            self.open_filter(self.currentIndex().column())
            return
        if _ctrl(event) and key in _CTRL_MOVES:
            self._jump(key, bool(event.modifiers() & Qt.KeyboardModifier.ShiftModifier))
            return
        if _ctrl(event) and key in _ENTER:
            self.fill_selection()
            return
        if _ctrl(event) and key == Qt.Key.Key_D:
            self.fill_down()
            return
        if _ctrl(event) and key == Qt.Key.Key_X:
            self.cut_selection()
            return
        if key in _ENTER:
            self._move(1 if not event.modifiers() & Qt.KeyboardModifier.ShiftModifier else -1, 0,
                       below=True)
            return
        index = self.currentIndex()
        editable = index.isValid() and bool(index.flags() & Qt.ItemFlag.ItemIsEditable)
        if key == Qt.Key.Key_F2 and editable:
            if self.edit(index, QAbstractItemView.EditTrigger.EditKeyPressed, event):
                editor = self._editor(index)
                if isinstance(editor, QLineEdit):
                    editor.deselect()
                    editor.end(False)  # the caret at the end, as in a spreadsheet
            return
        if key == Qt.Key.Key_Backspace and editable and not event.modifiers():
            if self.edit(index, QAbstractItemView.EditTrigger.AnyKeyPressed, event):
                editor = self._editor(index)
                if isinstance(editor, QLineEdit):
                    editor.clear()
                    editor.setModified(True)
            return
        if editable and event.text() and event.text().isprintable() and not event.modifiers() & (
                Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier) \
                and self._type_into(index, event):
            return
        super().keyPressEvent(event)

    def _editor(self, index: QModelIndex) -> QWidget | None:
        return self.indexWidget(index) or self.focusWidget()

    def _type_into(self, index: QModelIndex, event: QKeyEvent) -> bool:
        """Type-to-edit: open the editor empty and give it the typed key."""
        if not index.isValid() or not index.flags() & Qt.ItemFlag.ItemIsEditable:
            return False
        if not self.edit(index, QAbstractItemView.EditTrigger.AnyKeyPressed, event):
            return False
        editor = self._editor(index)
        if isinstance(editor, QLineEdit):
            editor.setText(event.text())
            editor.setModified(True)
        return True

    def closeEditor(self, editor: QWidget, hint: QAbstractItemDelegate.EndEditHint) -> None:
        EndEditHint = QAbstractItemDelegate.EndEditHint
        super().closeEditor(editor, hint if hint in (EndEditHint.NoHint, EndEditHint.RevertModelCache)
                            else EndEditHint.NoHint)
        # Tab/Shift+Tab commit and move without opening the next editor (an editor opened by
        # Tab and left by Tab wrote its first choice into a cell nobody touched)
        if hint == EndEditHint.SubmitModelCache:
            self._move(1, 0, below=True)
        elif hint == EndEditHint.EditNextItem:
            self._move(0, 1)
        elif hint == EndEditHint.EditPreviousItem:
            self._move(0, -1)

    def commitData(self, editor: QWidget) -> None:
        if self._committing is editor:
            return  # a refusal's message box took the focus: the same text, not twice
        self._committing = editor
        before = getattr(self.source_model(), "error_count", 0)
        try:
            super().commitData(editor)
        finally:
            self._committing = None
        if getattr(self.source_model(), "error_count", 0) != before:
            self._report(False)

    def _move(self, drow: int, dcol: int, below: bool = False) -> None:
        index = self.currentIndex()
        if not index.isValid():
            return
        last = self.model().rowCount() - 1
        if below and drow > 0 and index.row() >= last and self.can_insert():
            self._set_pending(True)
            return
        row = min(max(index.row() + drow, 0), last)
        col = min(max(index.column() + dcol, 0), self.model().columnCount() - 1)
        while 0 < col < self.model().columnCount() - 1 and self.isColumnHidden(col):
            col += 1 if dcol >= 0 else -1
        self.setCurrentIndex(self.model().index(row, col))

    # ------------------------------------------------------------------ the row below the last

    def _set_pending(self, on: bool) -> None:
        if self.new_row_pending != on:
            self.new_row_pending = on
            self.viewport().update()
            # (no message: a grid's messages are refusals, shown in a box by some windows)
            self.viewport().setToolTip("Scrivere per aggiungere una riga (Esc per annullare)"
                                       if on else "")

    def pending_rect(self) -> QRect:
        """Where the row below the last is drawn (the cell of the current column)."""
        model = self.model()
        if model is None or model.rowCount() == 0:
            return QRect()
        last = model.rowCount() - 1
        col = max(self.currentIndex().column(), 0)
        y = self.rowViewportPosition(last) + self.rowHeight(last)
        return QRect(self.columnViewportPosition(col), y, self.columnWidth(col),
                     self.verticalHeader().defaultSectionSize())

    def paintEvent(self, event: Any) -> None:
        super().paintEvent(event)
        if self.new_row_pending:
            painter = QPainter(self.viewport())
            pen = QPen(self.palette().color(QPalette.ColorRole.Highlight))
            pen.setWidth(2)
            pen.setStyle(Qt.PenStyle.DashLine)
            painter.setPen(pen)
            painter.drawRect(self.pending_rect().adjusted(1, 1, -1, -1))
            painter.end()

    def _create_pending_row(self) -> bool:
        col = max(self.currentIndex().column(), 0)
        self._set_pending(False)
        src = self.source_model()
        row = self._insert_source_row(src.rowCount() if src is not None else 0)
        if row is None:
            return False
        self.setCurrentIndex(self.model().index(row, col))
        return True

    def _insert_source_row(self, position: int) -> int | None:
        """Insert a row through the model (``insert_row`` hook or ``insertRows``); the row
        where it appears in this view (a sorted proxy puts it anywhere), None if refused."""
        src = self.source_model()
        if src is None:
            return None
        seen: list[QPersistentModelIndex] = []
        model = self.model()

        def inserted(_parent: QModelIndex, first: int, _last: int) -> None:
            # followed as a persistent index: the adapter may move the row right after
            # (siblings whose position shifted are placed again)
            seen.append(QPersistentModelIndex(model.index(first, 0)))

        model.rowsInserted.connect(inserted)
        try:
            if hasattr(src, "insert_row"):
                ok = bool(src.insert_row(position))
            else:
                ok = bool(src.insertRows(position, 1))
        finally:
            model.rowsInserted.disconnect(inserted)
        self._report(ok)
        if not ok:
            return None
        # the first row inserted is the new one (siblings placed again come after it)
        if seen and seen[0].isValid():
            return seen[0].row()
        return min(position, model.rowCount() - 1)

    # ------------------------------------------------------------------ Ctrl+arrows

    def _filled(self, row: int, col: int) -> bool:
        value = self.model().index(row, col).data(Qt.ItemDataRole.DisplayRole)
        return value not in (None, "")

    def _jump(self, key: int, extend: bool) -> None:
        """Ctrl+arrow: to the edge of the data in that direction (as in a spreadsheet);
        Ctrl+Home/End: first/last cell. Shift extends the selection."""
        model = self.model()
        cur = self.currentIndex()
        if model is None or not cur.isValid():
            return
        # the rows and columns shown (a filter hides rows, a view may hide columns)
        rows = [r for r in range(model.rowCount()) if not self.isRowHidden(r)]
        cols = [c for c in range(model.columnCount()) if not self.isColumnHidden(c)]
        if not rows or not cols:
            return
        r, c = cur.row(), cur.column()
        if key == Qt.Key.Key_Home:
            r, c = rows[0], cols[0]
        elif key == Qt.Key.Key_End:
            r, c = rows[-1], cols[-1]
        else:
            vertical = key in (Qt.Key.Key_Up, Qt.Key.Key_Down)
            step = 1 if key in (Qt.Key.Key_Down, Qt.Key.Key_Right) else -1
            line = rows if vertical else cols
            here = r if vertical else c
            if here not in line:
                return
            pos = line.index(here)

            def filled(p: int) -> bool:
                return self._filled(line[p], c) if vertical else self._filled(r, line[p])

            limit = 2000  # a long run of values: to its end without reading all of it
            nxt = pos + step
            if not 0 <= nxt < len(line):
                return
            if filled(pos) and filled(nxt):
                steps = 0
                while 0 <= nxt + step < len(line) and filled(nxt + step) and steps < limit:
                    nxt, steps = nxt + step, steps + 1
                if steps >= limit:
                    nxt = len(line) - 1 if step > 0 else 0
            else:
                steps = 0
                while 0 <= nxt + step < len(line) and not filled(nxt) and steps < limit:
                    nxt, steps = nxt + step, steps + 1
            if vertical:
                r = line[nxt]
            else:
                c = line[nxt]
        target = model.index(r, c)
        if extend:
            if not self._anchor.isValid():
                self._anchor = QPersistentModelIndex(cur)
            first = model.index(self._anchor.row(), self._anchor.column())
            self.selectionModel().setCurrentIndex(target, QItemSelectionModel.SelectionFlag.NoUpdate)
            self.selectionModel().select(QItemSelection(first, target),
                                         QItemSelectionModel.SelectionFlag.ClearAndSelect)
        else:
            self._anchor = QPersistentModelIndex()
            self.setCurrentIndex(target)
        self.scrollTo(target)

    # ------------------------------------------------------------------ block operations

    def _selected_rect(self) -> tuple[int, int, int, int] | None:
        indexes = self.selectionModel().selectedIndexes() if self.selectionModel() else []
        if not indexes:
            cur = self.currentIndex()
            if not cur.isValid():
                return None
            return cur.row(), cur.column(), cur.row(), cur.column()
        rows = [i.row() for i in indexes]
        cols = [i.column() for i in indexes]
        return min(rows), min(cols), max(rows), max(cols)

    def copy_selection(self) -> None:
        rect = self._selected_rect()
        if rect is None:
            return
        QGuiApplication.clipboard().setText(to_tsv(self._rows_text(*rect)))

    def _visible_columns_from(self, c0: int, n: int) -> list[int]:
        cols: list[int] = []
        c = c0
        while len(cols) < n and c < self.model().columnCount():
            if not self.isColumnHidden(c):
                cols.append(c)
            c += 1
        return cols

    def _rows_text(self, r0: int, c0: int, r1: int, c1: int) -> list[list[str]]:
        model = self.model()
        rows = []
        for r in range(r0, r1 + 1):
            if self.isRowHidden(r):
                continue
            line = []
            for c in range(c0, c1 + 1):
                if self.isColumnHidden(c):
                    continue
                line.append(self._cell_text(model.index(r, c)))
            rows.append(line)
        return rows

    @staticmethod
    def _cell_text(idx: QModelIndex) -> str:
        text = idx.data(ClipboardRole)
        if text is None:
            text = idx.data(Qt.ItemDataRole.DisplayRole)
        return "" if text is None else str(text)

    def paste(self) -> None:
        block = parse_tsv(QGuiApplication.clipboard().text())
        if not block:
            return
        rect = self._selected_rect()
        if rect is None:
            rect = (0, 0, 0, 0)
        r0, c0, r1, c1 = rect
        model = self.model()
        if len(block) == 1 and len(block[0]) == 1 and (r1 > r0 or c1 > c0):
            block = [[block[0][0]] * (c1 - c0 + 1) for _ in range(r1 - r0 + 1)]
        width = max(len(r) for r in block)
        missing = r0 + len(block) - model.rowCount()
        src = self.source_model()
        unsorted = model is src or getattr(model, "sortColumn", lambda: -1)() < 0
        appending = missing > 0 and hasattr(src, "append_rows") and unsorted
        if missing > 0 and not appending:
            block = block[: model.rowCount() - r0]
        # one undo step; the macro only when rows are added (an empty macro of a refused
        # paste used to leave an undo step and clear the redo)
        macro = appending and hasattr(src, "begin_macro")
        if macro:
            src.begin_macro("Incolla celle")
        ok = False
        try:
            if appending and not src.append_rows(missing):
                self._report(False)
                return
            cols = self._visible_columns_from(c0, width)
            cells = []
            for i, line in enumerate(block):
                for j, text in enumerate(line[: len(cols)]):
                    idx = model.index(r0 + i, cols[j])
                    if idx.flags() & Qt.ItemFlag.ItemIsEditable:
                        cells.append((self.to_source(idx), text))
            ok = self._set_cells(cells, "Incolla celle")
        finally:
            if macro:
                src.end_macro()
                if not ok:
                    _drop_last_step(src)  # the rows added for a refused paste go, no step stays
        if not block or not cols:
            return
        last = model.index(min(r0 + len(block), model.rowCount()) - 1, cols[-1])
        first = model.index(r0, c0)
        self.selectionModel().select(QItemSelection(first, last),
                                     QItemSelectionModel.SelectionFlag.ClearAndSelect)

    def _editable_selection(self) -> list[QModelIndex]:
        indexes = self.selectionModel().selectedIndexes() if self.selectionModel() else []
        if not indexes and self.currentIndex().isValid():
            indexes = [self.currentIndex()]
        return [i for i in indexes if i.flags() & Qt.ItemFlag.ItemIsEditable
                and not self.isRowHidden(i.row()) and not self.isColumnHidden(i.column())]

    def clear_selection(self) -> None:
        if self.state() == QAbstractItemView.State.EditingState:
            return
        cells = [(self.to_source(i), None) for i in self._editable_selection()]
        if cells:
            self._set_cells(cells, "Cancella celle")

    def cut_selection(self) -> None:
        """Ctrl+X: copy, then empty the cells (one undo step)."""
        if self.state() == QAbstractItemView.State.EditingState:
            return
        self.copy_selection()
        cells = [(self.to_source(i), None) for i in self._editable_selection()]
        if cells:
            self._set_cells(cells, "Taglia celle")

    def fill_down(self) -> None:
        """Ctrl+D: the first row of the selection into the rows below it; a single row takes
        the row above."""
        if self.state() == QAbstractItemView.State.EditingState:
            return
        rect = self._selected_rect()
        if rect is None:
            return
        r0, c0, r1, c1 = rect
        model = self.model()
        source_row, targets = (r0, range(r0 + 1, r1 + 1)) if r1 > r0 else (r0 - 1, range(r0, r0 + 1))
        if source_row < 0:
            return
        selected = {(i.row(), i.column()) for i in self._editable_selection()}
        cells = []
        for c in range(c0, c1 + 1):
            if self.isColumnHidden(c):
                continue
            text = self._cell_text(model.index(source_row, c))
            for r in targets:
                if (r, c) in selected or r1 == r0:
                    idx = model.index(r, c)
                    if idx.flags() & Qt.ItemFlag.ItemIsEditable and not self.isRowHidden(r):
                        cells.append((self.to_source(idx), text))
        if cells:
            self._set_cells(cells, "Riempi in basso")

    def fill_selection(self, text: str | None = None) -> None:
        """Ctrl+Enter: every selected cell takes ``text`` (what was being typed) or the
        current cell's value."""
        if text is None:
            cur = self.currentIndex()
            if not cur.isValid():
                return
            text = self._cell_text(cur)
        cells = [(self.to_source(i), text) for i in self._editable_selection()]
        if cells:
            self._set_cells(cells, "Riempi celle")

    def fill_from_editor(self, editor: QWidget) -> None:
        """Ctrl+Enter while typing: the typed text goes into every selected cell."""
        if isinstance(editor, QLineEdit):
            text = editor.text()
        elif isinstance(editor, QComboBox):
            text = editor.currentText()
        else:
            return
        editor.blockSignals(True)
        self.closeEditor(editor, QAbstractItemDelegate.EndEditHint.RevertModelCache)
        self.fill_selection(text)
        self.setFocus()

    def _set_cells(self, cells: list[tuple[QModelIndex, Any]], label: str) -> bool:
        src = self.source_model()
        if hasattr(src, "set_cells"):
            ok = bool(src.set_cells(cells, label))
            self._report(ok)
            return ok
        for idx, value in cells:
            if not src.setData(idx, value, Qt.ItemDataRole.EditRole):
                self._report(False)
                return False
        return True

    def insert_row(self) -> None:
        if not self.can_insert():
            return
        if self.state() == QAbstractItemView.State.EditingState:
            self.setFocus()  # (an open editor commits first)
        cur = self.to_source(self.currentIndex())
        src = self.source_model()
        col = max(self.currentIndex().column(), 0)
        row = self._insert_source_row(cur.row() + 1 if cur.isValid() else src.rowCount())
        if row is not None:
            # the cursor goes to the new row wherever it appears (a sorted grid puts it in its
            # place: the cursor left on the old row once renamed an existing person)
            first = next((c for c in range(self.model().columnCount())
                          if not self.isColumnHidden(c)
                          and self.model().index(row, c).flags() & Qt.ItemFlag.ItemIsEditable), col)
            target = self.model().index(row, first)
            self.setCurrentIndex(target)
            self.scrollTo(target)
            self.setFocus()

    def remove_rows(self) -> None:
        if not self.can_remove():
            return
        src = self.source_model()
        sel = self.selectionModel().selectedIndexes() if self.selectionModel() else []
        if not sel and self.currentIndex().isValid():
            sel = [self.currentIndex()]
        rows = sorted({self.to_source(i).row() for i in sel})
        if not rows:
            return
        if hasattr(src, "remove_rows"):
            self._report(bool(src.remove_rows(rows)))
            return
        ok = True
        for r in reversed(rows):
            ok = bool(src.removeRows(r, 1)) and ok
        self._report(ok)


def _drop_last_step(model: Any) -> None:
    """Undo the step just pushed and remove it from the stack: undone, then marked obsolete,
    so that QUndoStack.redo() deletes it instead of redoing it."""
    stack = getattr(getattr(model, "ctx", None), "stack", None)
    if stack is None or stack.index() == 0:
        return
    cmd = stack.command(stack.index() - 1)
    if cmd is None:
        return
    stack.undo()
    cmd.setObsolete(True)
    stack.redo()


def _overrides(model: Any, name: str) -> bool:
    """Whether ``model`` implements ``name`` (not the base class's «cannot» answer)."""
    method = getattr(type(model), name, None)
    base = getattr(QAbstractItemModel, name, None)
    return method is not None and method is not base


class RowButtons(QWidget):
    """«＋» and «−» next to the grid's horizontal scroll bar: add a row, delete the selected
    rows (the same as Ctrl+Ins / Ctrl+Del), visible on every grid that allows it."""

    def __init__(self, view: ExcelTableView) -> None:
        super().__init__(view)
        lay = QHBoxLayout(self)
        lay.setContentsMargins(0, 0, 2, 0)
        lay.setSpacing(1)
        self.add = QToolButton(self)
        self.add.setObjectName("aggiungiRiga")
        self.add.setText("+ Riga")
        self.add.setToolTip("Aggiungi riga (Ctrl+Ins)")
        self.add.setAutoRaise(True)
        self.add.clicked.connect(view.insert_row)
        self.remove = QToolButton(self)
        self.remove.setObjectName("eliminaRighe")
        self.remove.setText("− Righe")
        self.remove.setToolTip("Elimina le righe selezionate (Ctrl+Del)")
        self.remove.setAutoRaise(True)
        self.remove.clicked.connect(view.remove_rows)
        for b in (self.add, self.remove):
            b.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            b.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
            b.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Preferred)
            lay.addWidget(b)
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Preferred)

    def update_for(self, view: ExcelTableView) -> None:
        self.add.setVisible(view.can_insert())
        self.remove.setVisible(view.can_remove())
        self.setVisible(self.add.isVisibleTo(self) or self.remove.isVisibleTo(self))
