"""The one Qt adapter of the flat tables: a :class:`~piaodesk.viste.tabella.Projection` shown
as a ``QAbstractTableModel``. It keeps the projection's rows in display order, turns each
:class:`~piaodesk.viste.Delta` into ``beginRemoveRows``/``beginInsertRows``/``dataChanged`` (or a
reset), answers ``data``/``multiData`` (Italian formatting, colours by status, sort/id/kind/choices
roles) and turns a typed value into the projection's undoable store edit pushed on the undo stack
(``setData`` never writes; refusals are said through :attr:`refused`).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt, Signal

from ...viste import Delta, Key
from ...viste.base import Rows, seal
from ...viste.tabella import Col, Order, Projection, Refused, sort_key
from ..context import Context
from .columns import ChoicesRole, ClipboardRole, Column, InvalidInput, KindRole, UndoableEdits
from .flat_parts import (
    _F_BASE,
    _F_EDIT,
    _R_ALIGN,
    _R_BG,
    _R_DISPLAY,
    _R_EDIT,
    _R_FG,
    _R_TIP,
    BRUSHES,
    COLOURS,
    ID_ROLE,
    SORT_ROLE,
    STATUS_ROLE,
    FlatFilterProxy,
    Index,
    alignment,
    header_data,
    multi_data,
    qt_column,
    sort_rows,
)
from .slices import Progressive, ProgressiveLoad

__all__ = ["BRUSHES", "COLOURS", "ID_ROLE", "SORT_ROLE", "STATUS_ROLE", "FlatFilterProxy",
           "FlatTableModel", "qt_column"]


class FlatTableModel(Progressive, UndoableEdits, QAbstractTableModel):
    """A projection's rows as a Qt table; see the module docstring."""

    refused = Signal(str)  # Italian message of refused input
    #: projections expected larger than this load in slices between events
    PROGRESSIVE_ROWS, SLICE_S, CHUNK = 3000, 0.005, 1500

    def __init__(self, ctx: Context, projection: Projection[Any], parent: Any = None, *,
                 listen: bool = True, load: bool = True) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.projection = p = projection
        self.order: Order[Any] = Order(p)
        self._rows: list[Any] | Rows[Any] = []  # in display order (Rows: see viste.base.plain)
        self._pos: dict[Key, int] = {}  # key -> position in _rows
        self._set_columns()
        self._own_text = type(p).text is not Projection.text
        self._plain_data = type(self).data is FlatTableModel.data
        self.loader = ProgressiveLoad(
            self, "timerCaricamento", steps=self._load_steps,
            large=lambda: p.expected_rows() > self.PROGRESSIVE_ROWS,
            on_start=lambda: self.set_rows([]), apply=self.on_changes, slice_s=self.SLICE_S,
            on_done=lambda: seal(self._rows))  # (see Rows: sorting seals too)
        if listen:
            ctx.hub.changed.connect(self.on_changes)
        if load:
            self.reload()

    def _set_columns(self) -> None:
        self._columns = cols = list(self.projection.columns())
        self._col_pos = {c.key: i for i, c in enumerate(cols)}
        # the Qt side of a column (display, alignment) shared by the columns that format alike:
        # Matrice has 10.000 of the same kind (parsing builds its own, for the column's label)
        fmts: dict[Any, Column] = {}
        self._fmt = []
        for c in cols:
            k = (c.kind, c.enum, c.choices, c.minimum, c.maximum)
            f = fmts.get(k)
            if f is None:
                f = fmts[k] = qt_column(c)
            self._fmt.append(f)
        self._align = [alignment(c, f) for c, f in zip(cols, self._fmt, strict=True)]

    # ----------------------------------------------------------- loading and changes

    def _load_steps(self) -> Iterator[int]:
        for pct in self.projection.load():
            yield pct * 86 // 100
        rows = self.projection.rows()
        if not self.loading or len(rows) <= self.CHUNK:  # (a few rows: one reset)
            self.set_rows(rows)
            yield 100
            return
        self.set_rows(Rows(rows.cls) if isinstance(rows, Rows) else [])  # (a reset while empty)
        ordered: list[Any] | Rows[Any] = Rows(rows.cls) if isinstance(rows, Rows) else []
        for f in self.order.sorted_in_steps(rows, self.CHUNK, ordered):
            yield 86 + int(6 * f)
        n = max(1, len(ordered))
        for k in range(0, len(ordered), self.CHUNK):
            self._append(ordered[k:k + self.CHUNK])
            yield min(99, 92 + 8 * (k + self.CHUNK) // n)
        yield 100

    def _append(self, part: list[Any]) -> None:
        first = len(self._rows)
        self.beginInsertRows(QModelIndex(), first, first + len(part) - 1)
        self._rows.extend(part)
        key_of = self.projection.key_of
        for i, row in enumerate(part, first):
            self._pos[key_of(row)] = i
        self.endInsertRows()

    def on_changes(self, ch: Any) -> None:
        """Follow a ``Changes`` record (held while a load in slices runs)."""
        if self.loader.hold(ch):
            return
        self.apply_delta(self.projection.apply(ch))

    def apply_delta(self, d: Delta) -> None:
        p = self.projection
        if d.reset:
            self.reload()
            return
        if p.headers_changed:
            p.headers_changed = False
            self._set_columns()
            self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(self._columns) - 1)
        self.remove_keys(d.removed)
        for key in [*d.inserted, *d.changed]:
            row = p.row(key)
            if row is None:
                self.remove_keys([key])
            else:
                self.put_row(row)
        seal(self._rows)

    # ----------------------------------------------------------- rows

    def columns(self) -> list[Col]:
        return self._columns

    def col(self, key: str) -> Col:
        return self._columns[self._col_pos[key]]

    def column_of(self, key: str) -> int:
        return self._col_pos[key]

    def rows(self) -> list[Any]:
        return list(self._rows)

    def row_at(self, r: int) -> Any:
        return self._rows[r]

    def row_of(self, key: Key) -> int | None:
        return self._pos.get(key)

    def editable(self, row: Any, key: str) -> bool:
        return self._columns[self._col_pos[key]].editable and self.projection.editable(row, key)

    def _reindex(self, start: int = 0) -> None:
        for i, key in enumerate(self.projection.keys_of(self._rows, start), start):
            self._pos[key] = i

    def refresh(self) -> None:
        """Show the projection's current rows and columns (a filter of the projection changed)."""
        self.set_rows(self.projection.rows())

    def set_rows(self, rows: Iterable[Any]) -> None:
        self.beginResetModel()
        self._set_columns()
        self._rows = Rows(rows.cls, list(rows.data)) if isinstance(rows, Rows) else list(rows)
        self.order.sort(self._rows)
        self._pos = {}
        self._reindex()
        self.endResetModel()

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sort the rows themselves (a reset: layoutChanged from Python crashes PySide6 6.12)."""
        sort_rows(self, column, order)

    def put_row(self, row: Any) -> None:
        """Replace the row with the same key (moving it if its place changes), or insert it."""
        key = self.projection.key_of(row)
        r = self._pos.get(key)
        if r is not None and not self.order.fits(self._rows, r, row):
            self.remove_keys([key])
            r = None
        if r is None:
            n = self.order.insert_pos(self._rows, row)
            self.beginInsertRows(QModelIndex(), n, n)
            self._rows.insert(n, row)
            self._reindex(n)
            self.endInsertRows()
            return
        self._rows[r] = row
        self.dataChanged.emit(self.index(r, 0), self.index(r, len(self._columns) - 1))

    def remove_keys(self, keys: Iterable[Key]) -> None:
        rows = sorted((self._pos[k] for k in set(keys) if k in self._pos), reverse=True)
        key_of = self.projection.key_of
        for r in rows:
            self.beginRemoveRows(QModelIndex(), r, r)
            del self._pos[key_of(self._rows[r])]
            del self._rows[r]
            self.endRemoveRows()
        if rows:
            self._reindex(rows[-1])

    # ----------------------------------------------------------- Qt model API

    def index(self, row: int, column: int, parent: Index = QModelIndex()) -> QModelIndex:  # noqa: B008
        # one Python call instead of Qt's default: a proxy asks for one per painted cell
        if 0 <= row < len(self._rows) and 0 <= column < len(self._columns) and not parent.isValid():
            return self.createIndex(row, column)
        return QModelIndex()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._columns)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        return header_data(self, section, orientation, role)

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        col = self._columns[index.column()]
        if col.editable and not self.ctx.archive.readonly and \
                self.projection.editable(self._rows[index.row()], col.key):
            return _F_EDIT
        return _F_BASE

    def _text(self, row: Any, c: int) -> str:
        if self._own_text:
            text = self.projection.text(row, self._columns[c])
            if text is not None:
                return text
        return self._fmt[c].display(self.projection.value(row, self._columns[c].key))

    def _status(self, row: Any, key: str) -> str | None:
        p = self.projection
        return p.cell_status(row, key) or p.status(row)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        r, c = index.row(), index.column()
        if not index.isValid() or not (0 <= r < len(self._rows)):
            return None
        row, col, p, role = self._rows[r], self._columns[c], self.projection, int(role)
        if role == _R_DISPLAY:
            return self._text(row, c)
        if role in (_R_EDIT, SORT_ROLE):
            v = p.value(row, col.key)
            return v if role == _R_EDIT else sort_key(v)
        if role == ID_ROLE:
            return p.row_id(row)
        if role in (KindRole, _R_ALIGN):
            return col.kind if role == KindRole else self._align[c]
        if role == ChoicesRole:
            return p.choices(row, col)
        if role == ClipboardRole:
            return self._text(row, c) if col.kind == "choice" else \
                self._fmt[c].clipboard(p.value(row, col.key))
        if role == STATUS_ROLE:
            return self._status(row, col.key)
        if role in (_R_BG, _R_FG):
            brushes = BRUSHES.get(self._status(row, col.key) or "")
            return brushes[0 if role == _R_BG else 1] if brushes else None
        if role == _R_TIP:
            return p.tooltip(row, col.key)
        return None

    #: all the roles a delegate asks for a cell in one call (paint: 7 roles per cell)
    multiData = multi_data

    # ----------------------------------------------------------- writing (through the undo stack)

    def build_edit(self, index: Index, value: Any) -> Any:
        """Parse and validate a typed value; raise InvalidInput; None when nothing changes."""
        col = self._columns[index.column()]
        row = self._rows[index.row()]
        if not (col.editable and self.projection.editable(row, col.key)):
            raise InvalidInput(f"La colonna «{col.label}» non si può modificare qui.")
        parsed = qt_column(col).parse(value)
        if parsed == self.projection.value(row, col.key):
            return None
        try:
            return self.projection.edit(row, col.key, parsed)
        except Refused as exc:
            raise InvalidInput(str(exc)) from exc
