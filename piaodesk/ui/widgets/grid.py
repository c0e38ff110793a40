"""``ExcelTableView``: a QTableView that behaves like a spreadsheet.

* typing on a cell starts editing it (the typed key replaces the content), F2/double click edit;
* Enter commits and moves down, Tab/Shift+Tab move right/left;
* Del clears the selected cells (one undoable step);
* Ctrl+C copies the selection as a tab-separated block (Italian decimals, no
  thousands separators) that Excel/LibreOffice paste as cells; Ctrl+V pastes a
  rectangular block from there, starting at the current cell (a single value fills
  the whole selection); rows beyond the end are added when the model allows it;
* Ctrl+Ins adds a row, Ctrl+Del removes the selected rows; click on a header sorts.

Model hooks (all optional, looked up on the *source* model behind any proxies):
``set_cells(list[(QModelIndex, value)], label) -> bool`` (one undo step for a block),
``insert_row(row) -> bool``, ``remove_rows(rows: list[int]) -> bool``,
``append_rows(n) -> bool`` (used by paste). Without hooks ``setData`` is called per cell.
Invalid input is reported through the ``message`` signal (Italian text).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractProxyModel, QItemSelection, QItemSelectionModel, QModelIndex, Qt, Signal
from PySide6.QtGui import QAction, QGuiApplication, QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemDelegate,
    QAbstractItemView,
    QHeaderView,
    QLineEdit,
    QTableView,
    QWidget,
)

from ..delegates import TypedDelegate
from ..models.columns import ClipboardRole


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


class ExcelTableView(QTableView):
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
        self._actions: dict[str, QAction] = {}
        for name, text, keys, slot in (
            ("copia", "Copia", [QKeySequence.StandardKey.Copy], self.copy_selection),
            ("incolla", "Incolla", [QKeySequence.StandardKey.Paste], self.paste),
            ("cancella", "Cancella contenuto", [QKeySequence(Qt.Key.Key_Delete)], self.clear_selection),
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

    # ------------------------------------------------------------------ model plumbing

    def action(self, name: str) -> QAction:
        return self._actions[name]

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

    def _report(self, ok: bool) -> None:
        if not ok:
            err = getattr(self.source_model(), "last_error", None)
            if err:
                self.message.emit(err)

    # ------------------------------------------------------------------ keyboard

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and \
                self.state() != QAbstractItemView.State.EditingState:
            self._move(1 if not event.modifiers() & Qt.KeyboardModifier.ShiftModifier else -1, 0)
            return
        if self.state() != QAbstractItemView.State.EditingState and event.text() and \
                event.text().isprintable() and not event.modifiers() & (
                    Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier):
            index = self.currentIndex()
            if index.isValid() and index.flags() & Qt.ItemFlag.ItemIsEditable:
                # type-to-edit: open the editor empty and give it the typed key
                if self.edit(index, QAbstractItemView.EditTrigger.AnyKeyPressed, event):
                    editor = self.indexWidget(index) or self.focusWidget()
                    if isinstance(editor, QLineEdit):
                        editor.setText(event.text())
                        editor.setModified(True)
                    return
        super().keyPressEvent(event)

    def closeEditor(self, editor: QWidget, hint: QAbstractItemDelegate.EndEditHint) -> None:
        super().closeEditor(editor, QAbstractItemDelegate.EndEditHint.NoHint
                            if hint == QAbstractItemDelegate.EndEditHint.SubmitModelCache else hint)
        if hint == QAbstractItemDelegate.EndEditHint.SubmitModelCache:
            self._move(1, 0)

    def commitData(self, editor: QWidget) -> None:
        before = getattr(self.source_model(), "error_count", 0)
        super().commitData(editor)
        model = self.source_model()
        if getattr(model, "error_count", 0) != before:
            self._report(False)

    def _move(self, drow: int, dcol: int) -> None:
        index = self.currentIndex()
        if not index.isValid():
            return
        row = min(max(index.row() + drow, 0), self.model().rowCount() - 1)
        col = min(max(index.column() + dcol, 0), self.model().columnCount() - 1)
        self.setCurrentIndex(self.model().index(row, col))

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
        r0, c0, r1, c1 = rect
        model = self.model()
        rows = []
        for r in range(r0, r1 + 1):
            if self.isRowHidden(r):
                continue
            line = []
            for c in range(c0, c1 + 1):
                if self.isColumnHidden(c):
                    continue
                idx = model.index(r, c)
                text = idx.data(ClipboardRole)
                if text is None:
                    text = idx.data(Qt.ItemDataRole.DisplayRole)
                line.append("" if text is None else str(text))
            rows.append(line)
        QGuiApplication.clipboard().setText(to_tsv(rows))

    def _visible_columns_from(self, c0: int, n: int) -> list[int]:
        cols, c = [], c0
        while len(cols) < n and c < self.model().columnCount():
            if not self.isColumnHidden(c):
                cols.append(c)
            c += 1
        return cols

    def paste(self) -> None:
        block = parse_tsv(QGuiApplication.clipboard().text())
        if not block:
            return
        rect = self._selected_rect()
        if rect is None:
            r0, c0 = 0, 0
            rect = (0, 0, 0, 0)
        r0, c0, r1, c1 = rect
        model = self.model()
        if len(block) == 1 and len(block[0]) == 1 and (r1 > r0 or c1 > c0):
            block = [[block[0][0]] * (c1 - c0 + 1) for _ in range(r1 - r0 + 1)]
        width = max(len(r) for r in block)
        missing = r0 + len(block) - model.rowCount()
        src = self.source_model()
        unsorted = model is src or getattr(model, "sortColumn", lambda: -1)() < 0
        macro = hasattr(src, "begin_macro")
        if macro:
            src.begin_macro("Incolla celle")
        try:
            if missing > 0:
                if hasattr(src, "append_rows") and unsorted:
                    if not src.append_rows(missing):
                        self._report(False)
                        return
                else:
                    block = block[: model.rowCount() - r0]
            cols = self._visible_columns_from(c0, width)
            cells = []
            for i, line in enumerate(block):
                for j, text in enumerate(line[: len(cols)]):
                    idx = model.index(r0 + i, cols[j])
                    if idx.flags() & Qt.ItemFlag.ItemIsEditable:
                        cells.append((self.to_source(idx), text))
            self._set_cells(cells, "Incolla celle")
        finally:
            if macro:
                src.end_macro()
        if not block or not cols:
            return
        last = model.index(min(r0 + len(block), model.rowCount()) - 1, cols[-1])
        first = model.index(r0, c0)
        self.selectionModel().select(QItemSelection(first, last),
                                     QItemSelectionModel.SelectionFlag.ClearAndSelect)

    def clear_selection(self) -> None:
        if self.state() == QAbstractItemView.State.EditingState:
            return
        indexes = self.selectionModel().selectedIndexes() if self.selectionModel() else []
        cells = [(self.to_source(i), None) for i in indexes
                 if i.flags() & Qt.ItemFlag.ItemIsEditable]
        if cells:
            self._set_cells(cells, "Cancella celle")

    def _set_cells(self, cells: list[tuple[QModelIndex, Any]], label: str) -> None:
        src = self.source_model()
        if hasattr(src, "set_cells"):
            self._report(bool(src.set_cells(cells, label)))
            return
        for idx, value in cells:
            if not src.setData(idx, value, Qt.ItemDataRole.EditRole):
                self._report(False)
                return

    def insert_row(self) -> None:
        src = self.source_model()
        if not hasattr(src, "insert_row"):
            return
        cur = self.to_source(self.currentIndex())
        row = cur.row() + 1 if cur.isValid() else src.rowCount()
        ok = bool(src.insert_row(row))
        self._report(ok)
        if ok:
            self.setCurrentIndex(self.model().index(min(row, self.model().rowCount() - 1), 0))

    def remove_rows(self) -> None:
        src = self.source_model()
        if not hasattr(src, "remove_rows"):
            return
        sel = self.selectionModel().selectedIndexes() if self.selectionModel() else []
        if not sel and self.currentIndex().isValid():
            sel = [self.currentIndex()]
        rows = sorted({self.to_source(i).row() for i in sel})
        if rows:
            self._report(bool(src.remove_rows(rows)))
