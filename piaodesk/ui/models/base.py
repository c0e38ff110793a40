"""``ArchiveTableModel``: the common part of every grid over one kind of row.

Caches the ordered row ids and the domain objects; reads through the Archive;
``setData`` never writes: it parses the typed value with the column's parser and
pushes a :class:`SetFields` on the undo stack (``ctx.push``). On the hub's
:class:`Changes` it updates only the affected rows (insert/remove/dataChanged).
Subclasses define ``COLUMNS``/``columns()``, ``ROW_CLASS``, ``load_ids()``,
and optionally ``value()``/``edit_for()`` for computed or indirect columns.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor

from ...store.changes import Changes
from ...store.edits import Batch, DeleteRow, Edit, InsertRow, SetFields
from .columns import (
    ChoicesRole,
    ClipboardRole,
    Column,
    IdRole,
    InvalidInput,
    KindRole,
    READONLY_MESSAGE,
    SortRole,
    UndoableEdits,
    column_header,
)

_Index = QModelIndex | QPersistentModelIndex

ERROR_BG = QColor("#fde2e1")
WARN_FG = QColor("#b3261e")
COMPUTED_BG = QColor("#f1f4f8")


class ArchiveTableModel(UndoableEdits, QAbstractTableModel):
    #: (a check box column is edited through CheckStateRole)
    EDIT_ROLES = frozenset({int(Qt.ItemDataRole.EditRole), int(Qt.ItemDataRole.CheckStateRole)})
    ROW_CLASS: type = object
    COLUMNS: Sequence[Column] = ()
    refused = Signal(str)  # Italian message of refused input

    def __init__(self, ctx: Any, parent: Any = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self._ids: list[int] = []
        self._rows: dict[int, Any] = {}
        self.last_error: str | None = None
        self.error_count = 0
        #: rows inserted by edits of the block being built (set_cells), keyed by the subclass
        self.pending: dict[Any, Any] | None = None
        self._columns: list[Column] = list(self.columns())
        ctx.hub.changed.connect(self._on_changes)

    # ------------------------------------------------------------------ to override

    def columns(self) -> Sequence[Column]:
        return self.COLUMNS

    def load_ids(self) -> list[int]:
        return []

    def owns(self, row: Any) -> bool:
        """Whether a (fresh) row object belongs to this grid."""
        return False

    def value(self, row: Any, col: Column) -> Any:
        return getattr(row, col.key, None)

    def edit_for(self, row: Any, col: Column, value: Any) -> Edit | None:
        """The edit that stores ``value`` (already parsed) in ``col`` of ``row``."""
        if getattr(row, col.key, None) == value:
            return None
        return SetFields(self.ROW_CLASS, row.id, {col.key: value}, label=f"Modifica {col.label.lower()}")

    def validate(self, row: Any, col: Column, value: Any) -> None:
        """Extra checks across fields; raise InvalidInput."""

    def new_row(self, position: int) -> Any | None:
        """A fresh domain object for ``insert_row`` (None: the grid cannot add rows)."""
        return None

    def background(self, row: Any, col: Column) -> QColor | None:
        return COMPUTED_BG if not col.editable else None

    def foreground(self, row: Any, col: Column) -> QColor | None:
        return None

    def tooltip(self, row: Any, col: Column) -> str | None:
        return col.tooltip or None

    def relevant(self, ch: Changes) -> bool:
        return ch.touches(self.ROW_CLASS.TABLE)  # type: ignore[attr-defined]

    # ------------------------------------------------------------------ cache

    @property
    def readonly(self) -> bool:
        return bool(self.ctx.archive.readonly)

    def reload(self) -> None:
        self.beginResetModel()
        self._columns = list(self.columns())
        self._ids = self.load_ids()
        self._rows = {}
        self.endResetModel()

    def row_object(self, row: int) -> Any:
        rid = self._ids[row]
        obj = self._rows.get(rid)
        if obj is None:
            obj = self.fetch(rid)
            self._rows[rid] = obj
        return obj

    def fetch(self, rid: int) -> Any:
        return self.ctx.archive.get(self.ROW_CLASS, rid)

    def row_of(self, rid: int) -> int:
        try:
            return self._ids.index(rid)
        except ValueError:
            return -1

    def ids(self) -> list[int]:
        return list(self._ids)

    def column(self, key: str) -> int:
        for i, c in enumerate(self._columns):
            if c.key == key:
                return i
        raise KeyError(key)

    # ------------------------------------------------------------------ Qt API

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._ids)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._columns)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        return column_header(self._columns, section, orientation, role)

    def flags(self, index: _Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        fl = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if self._columns[index.column()].editable and not self.readonly:
            fl |= Qt.ItemFlag.ItemIsEditable
        return fl

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not (0 <= index.row() < len(self._ids)) or \
                not (0 <= index.column() < len(self._columns)):
            return None
        col = self._columns[index.column()]
        row = self.row_object(index.row())
        if row is None:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return col.display(self.value(row, col))
        if role == Qt.ItemDataRole.EditRole:
            return self.value(row, col)
        if role == SortRole:
            v = self.value(row, col)
            if v is None:
                return None
            if col.kind == "date":
                return v.isoformat()
            if col.kind in ("decimal", "percent", "money", "computed", "int"):
                return float(v)
            if col.kind == "bool":
                return int(bool(v))
            return str(getattr(v, "label", v)).casefold()
        if role == IdRole:
            return self._ids[index.row()]
        if role == KindRole:
            return col.kind
        if role == ChoicesRole:
            if col.kind == "enum" and col.enum is not None:
                return [(m.label, m) for m in col.enum]  # type: ignore[attr-defined]
            if col.choices is not None:
                return list(col.choices())
            return None
        if role == ClipboardRole:
            return col.clipboard(self.value(row, col))
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(col.alignment)
        if role == Qt.ItemDataRole.BackgroundRole:
            c = self.background(row, col)
            return QBrush(c) if c is not None else None
        if role == Qt.ItemDataRole.ForegroundRole:
            c = self.foreground(row, col)
            return QBrush(c) if c is not None else None
        if role == Qt.ItemDataRole.ToolTipRole:
            return self.tooltip(row, col)
        return None

    # ------------------------------------------------------------------ writing (via the undo stack)

    def build_edit(self, index: _Index, value: Any) -> Edit | None:
        """Parse and validate; raise InvalidInput. None when nothing changes."""
        col = self._columns[index.column()]
        if not col.editable:
            raise InvalidInput(f"La colonna «{col.label}» è calcolata e non si può modificare.")
        parsed = col.parse(value)
        row = self.row_object(index.row())
        self.validate(row, col, parsed)
        return self.edit_for(row, col, parsed)

    def _begin_cells(self) -> None:
        self.pending = {}  # (rows created by earlier cells of the same paste, see build_edit)

    def _end_cells(self) -> None:
        self.pending = None

    def insert_row(self, position: int) -> bool:
        if self.readonly:
            return self._refuse(READONLY_MESSAGE)
        obj = self.new_row(position)
        if obj is None:
            return False
        return self.ctx.push(InsertRow(obj, label=f"Aggiungi {self.row_label()}"))

    def append_rows(self, n: int) -> bool:
        if self.readonly:
            return self._refuse(READONLY_MESSAGE)
        edits: list[Edit] = []
        for k in range(n):
            obj = self.new_row(len(self._ids) + k)
            if obj is None:
                return False
            edits.append(InsertRow(obj, label=f"Aggiungi {self.row_label()}"))
        return self.ctx.push(Batch(edits, f"Aggiungi {n} righe"))

    def remove_rows(self, rows: list[int]) -> bool:
        if self.readonly:
            return self._refuse(READONLY_MESSAGE)
        ids = [self._ids[r] for r in rows if 0 <= r < len(self._ids)]
        if not ids:
            return False
        edits: list[Edit] = [DeleteRow(self.ROW_CLASS, i, label=f"Elimina {self.row_label()}")
                             for i in ids]
        return self.ctx.push(Batch(edits, f"Elimina {len(ids)} righe") if len(edits) > 1 else edits[0])

    def row_label(self) -> str:
        return "riga"

    def begin_macro(self, label: str) -> None:
        """Group the next pushes in one undo step (paste that adds rows and fills them)."""
        self.ctx.stack.beginMacro(label)

    def end_macro(self) -> None:
        self.ctx.stack.endMacro()

    # ------------------------------------------------------------------ changes

    def _on_changes(self, ch: Changes) -> None:
        if ch.reset:
            self.reload()
            return
        if not self.relevant(ch):
            return
        self.apply_changes(ch)

    def apply_changes(self, ch: Changes) -> None:
        table = self.ROW_CLASS.TABLE  # type: ignore[attr-defined]
        for rid in ch.updated.get(table, {}):
            self._rows.pop(rid, None)
        new_ids = self.load_ids()
        self._sync_ids(new_ids)
        self.refresh_rows(set(ch.updated.get(table, {})))

    def _sync_ids(self, new_ids: list[int]) -> None:
        """Bring the cached id list to ``new_ids`` with fine-grained remove/insert/move."""
        if new_ids == self._ids:
            return
        keep = set(new_ids)
        r = len(self._ids) - 1
        while r >= 0:
            if self._ids[r] not in keep:
                end = r
                while r - 1 >= 0 and self._ids[r - 1] not in keep:
                    r -= 1
                self.beginRemoveRows(QModelIndex(), r, end)
                for rid in self._ids[r:end + 1]:
                    self._rows.pop(rid, None)
                del self._ids[r:end + 1]
                self.endRemoveRows()
            r -= 1
        for pos, rid in enumerate(new_ids):
            if pos < len(self._ids) and self._ids[pos] == rid:
                continue
            if rid in self._ids:
                src = self._ids.index(rid)
                self.beginMoveRows(QModelIndex(), src, src, QModelIndex(), pos)
                self._ids.pop(src)
                self._ids.insert(pos, rid)
                self.endMoveRows()
            else:
                self.beginInsertRows(QModelIndex(), pos, pos)
                self._ids.insert(pos, rid)
                self.endInsertRows()

    def refresh_rows(self, ids: set[int] | None = None) -> None:
        """Emit dataChanged for ``ids`` (all rows when None), dropping their cached objects."""
        if not self._ids:
            return
        if ids is None:
            self._rows.clear()
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._ids) - 1,
                                                               len(self._columns) - 1))
            return
        for rid in ids:
            r = self.row_of(rid)
            if r >= 0:
                self._rows.pop(rid, None)
                self.dataChanged.emit(self.index(r, 0), self.index(r, len(self._columns) - 1))
