"""Shared plumbing of the plan-wide views' table models (Scadenze, Indicatori, Matrice, Persone).

A :class:`RowTableModel` holds a list of immutable row records keyed by a
stable key (usually ``(kind, id)``); it formats values in Italian for
``DisplayRole``, gives native values for ``EditRole`` and :data:`SORT_ROLE`,
the row id for :data:`ID_ROLE`, colours for late/flagged rows, and turns an
edit into a store :class:`~piaodesk.store.edits.Edit` pushed on the undo stack
(``setData`` never writes). Subclasses replace single rows on ``Changes``.
"""

from __future__ import annotations

import heapq
import itertools
from collections.abc import Callable, Hashable, Iterable, Iterator, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    Signal,
)
from PySide6.QtGui import QBrush, QColor

from ...store.edits import Edit
from .columns import (
    ChoicesRole,
    ClipboardRole,
    Column,
    IdRole,
    InvalidInput,
    KindRole,
    SortRole,
    UndoableEdits,
    answer_roles,
    clear_roles,
    column_header,
    set_role,
)
from .slices import Progressive, ProgressiveLoad

SORT_ROLE = SortRole
ID_ROLE = IdRole
#: the row's status key ("late", "soon", "done", "over", "none", ...) for views and tests
STATUS_ROLE = Qt.ItemDataRole.UserRole + 10

#: row colours (background, foreground) by status key
COLOURS: dict[str, tuple[QColor, QColor]] = {
    "late": (QColor("#f8d7da"), QColor("#842029")),
    "soon": (QColor("#fff3cd"), QColor("#664d03")),
    "over": (QColor("#f8d7da"), QColor("#842029")),
    "none": (QColor("#fff3cd"), QColor("#664d03")),
    "done": (QColor("#e6f2ea"), QColor("#1e4d2b")),
}

#: the same colours as shared brushes (a paint asks for them in every cell)
BRUSHES: dict[str, tuple[QBrush, QBrush]] = {k: (QBrush(bg), QBrush(fg)) for k, (bg, fg) in
                                              COLOURS.items()}
_R = Qt.ItemDataRole
_R_DISPLAY, _R_ALIGN = int(_R.DisplayRole), int(_R.TextAlignmentRole)
_R_BG, _R_FG = int(_R.BackgroundRole), int(_R.ForegroundRole)
#: roles the table models never answer (font, check state, decoration, size hint)
UNANSWERED_ROLES = frozenset({int(_R.FontRole), int(_R.CheckStateRole), int(_R.DecorationRole),
                         int(_R.SizeHintRole)})
_UNSET: Any = object()
_F_NONE = Qt.ItemFlag.NoItemFlags
_F_BASE = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
_F_EDIT = _F_BASE | Qt.ItemFlag.ItemIsEditable
_ALIGN: dict[str, int] = {}


def _align(col: Column) -> int:
    a = _ALIGN.get(col.kind)
    if a is None:
        a = _ALIGN[col.kind] = int(col.alignment)
    return a

Index = QModelIndex | QPersistentModelIndex
InputError = InvalidInput


def ro(key: str, label: str, kind: str = "text", width: int = 0, tooltip: str = "") -> Column:
    """A read-only column."""
    return Column(key, label, kind, editable=False, width=width, tooltip=tooltip)


def sort_key(value: Any) -> tuple[int, Any]:
    """A total order over mixed/None values: empty cells last."""
    if value is None or value == "":
        return (2, 0)
    if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
        return (0, float(value))
    if isinstance(value, date):
        return (0, value.toordinal())
    return (1, str(getattr(value, "label", value)).casefold())


class RowTableModel(Progressive, UndoableEdits, QAbstractTableModel):
    """A flat table of row records; subclasses describe columns and edits."""

    COLUMNS: Sequence[Column] = ()
    refused = Signal(str)  # Italian message of refused input
    #: tables expected larger than this load in slices between events (see :meth:`reload`)
    PROGRESSIVE_ROWS = 3000
    #: time given to each slice of a progressive load
    SLICE_S = 0.005

    def __init__(self, ctx: Any, parent: Any = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self._rows: list[Any] = []
        self._pos: dict[Hashable, int] = {}
        self.last_error: str | None = None
        self.error_count = 0
        self._columns: list[Column] = list(self.columns())
        self._col_pos = {c.key: i for i, c in enumerate(self._columns)}
        self._sort_col: int | None = None
        self._desc = False
        self.loader = ProgressiveLoad(
            self, "timerCaricamento", steps=self.load_steps,
            large=lambda: self.expected_rows() > self.PROGRESSIVE_ROWS,
            on_start=lambda: self.set_rows([]), apply=self.on_changes, slice_s=self.SLICE_S)

    # ----------------------------------------------------------- loading

    def load_steps(self) -> Iterator[int]:
        """Read the plan and build the rows, yielding a percentage between short steps;
        the rows go in through :meth:`install_rows` at the end. Subclasses override it."""
        self.set_rows([])
        yield 100

    def install_rows(self, rows: list[Any], start: int = 60) -> Iterator[int]:
        """End of :meth:`load_steps`: put ``rows`` in as :meth:`set_rows` would, in steps.

        Loading at once this is :meth:`set_rows`. In slices the rows are sorted a chunk
        at a time and merged, then appended a chunk at a time (the table fills in its
        final order; one reset of 40.000 rows with a filter proxy on top would block the
        window for a tenth of a second or more).
        """
        if not self.loading:
            self.set_rows(rows)
            yield 100
            return
        self._columns = list(self.columns())
        self._col_pos = {c.key: i for i, c in enumerate(self._columns)}
        chunk, n = 1500, max(1, len(rows))
        if rows and (self._sort_col is not None or self.order_key(rows[0]) is not None):
            runs = []
            for k in range(0, len(rows), chunk):
                runs.append(sorted(rows[k:k + chunk], key=self._sort_key, reverse=self._desc))
                yield start + (100 - start) * 2 * min(k + chunk, n) // (5 * n)
            merged = heapq.merge(*runs, key=self._sort_key, reverse=self._desc)
            ordered: list[Any] = []
            while len(ordered) < len(rows):
                ordered.extend(itertools.islice(merged, chunk))
                yield start + (100 - start) * (2 * n + 2 * len(ordered)) // (5 * n)
            rows = ordered
        done = 0
        while done < len(rows):
            part = rows[done:done + chunk]
            first = len(self._rows)
            self.beginInsertRows(QModelIndex(), first, first + len(part) - 1)
            self._rows.extend(part)
            for i, row in enumerate(part, first):
                self._pos[self.key_of(row)] = i
            self.endInsertRows()
            done += len(part)
            yield start + (100 - start) * (4 * n + done) // (5 * n) - (1 if done < len(rows) else 0)

    def expected_rows(self) -> int:
        """A cheap estimate of the rows (chooses between loading at once or in slices)."""
        return 0

    def hold_while_loading(self, ch: Any) -> bool:
        """Call first in ``on_changes``: True (and the record is kept) while loading."""
        return self.loader.hold(ch)

    def on_changes(self, ch: Any) -> None:
        """Follow an edit (subclasses)."""

    # ----------------------------------------------------------- subclass hooks

    def columns(self) -> Sequence[Column]:
        return self.COLUMNS

    def key_of(self, row: Any) -> Hashable:
        return row.key

    def value(self, row: Any, key: str) -> Any:
        return getattr(row, key)

    def text(self, row: Any, col: Column) -> str:
        return col.display(self.value(row, col.key))

    def editable(self, row: Any, key: str) -> bool:
        return self._columns[self._col_pos[key]].editable

    def make_edit(self, row: Any, key: str, value: Any) -> Edit | None:
        return None

    def status(self, row: Any) -> str | None:
        return None

    def cell_status(self, row: Any, key: str) -> str | None:
        return None

    def tooltip(self, row: Any, key: str) -> str | None:
        return None

    def choices(self, row: Any, col: Column) -> list[tuple[str, Any]] | None:
        if col.kind == "enum" and col.enum is not None:
            return [(m.label, m) for m in col.enum]  # type: ignore[attr-defined]
        if col.choices is not None:
            return list(col.choices())
        return None

    def order_key(self, row: Any) -> Any:
        """Default row order (None: keep insertion order); a header click overrides it."""
        return None

    def row_id(self, row: Any) -> Any:
        key = self.key_of(row)
        return key[1] if isinstance(key, tuple) else key

    # ----------------------------------------------------------- rows

    def rows(self) -> list[Any]:
        return list(self._rows)

    def row_at(self, r: int) -> Any:
        return self._rows[r]

    def row_of(self, key: Hashable) -> int | None:
        return self._pos.get(key)

    def column_of(self, key: str) -> int:
        return self._col_pos[key]

    def col(self, key: str) -> Column:
        return self._columns[self._col_pos[key]]

    def _reindex(self, start: int = 0) -> None:
        for i in range(start, len(self._rows)):
            self._pos[self.key_of(self._rows[i])] = i

    def _sort_key(self, row: Any) -> Any:
        if self._sort_col is not None:
            return sort_key(self.value(row, self._columns[self._sort_col].key))
        return self.order_key(row)

    def _ordered(self) -> bool:
        return self._sort_col is not None or (bool(self._rows) and
                                             self.order_key(self._rows[0]) is not None)

    def _before(self, a: Any, b: Any) -> bool:
        return a > b if self._desc else a < b

    def _insert_pos(self, row: Any) -> int:
        """Where ``row`` goes in the current order (after equal keys)."""
        if not self._ordered():
            return len(self._rows)
        k = self._sort_key(row)
        lo, hi = 0, len(self._rows)
        while lo < hi:
            mid = (lo + hi) // 2
            if self._before(k, self._sort_key(self._rows[mid])):
                hi = mid
            else:
                lo = mid + 1
        return lo

    def set_rows(self, rows: Iterable[Any]) -> None:
        self.beginResetModel()
        self._columns = list(self.columns())
        self._col_pos = {c.key: i for i, c in enumerate(self._columns)}
        self._rows = list(rows)
        if self._rows and (self._sort_col is not None or self.order_key(self._rows[0]) is not None):
            self._rows.sort(key=self._sort_key, reverse=self._desc)
        self._pos = {}
        self._reindex()
        self.endResetModel()

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sort the rows themselves (fast on 40.000 rows; proxies above keep this order).

        A model reset, not layoutChanged: emitting ``layoutAboutToBeChanged`` from Python
        corrupts reference counts in PySide6 6.12 (interpreter crash at exit).
        """
        sort_col = column if 0 <= column < len(self._columns) else None
        desc = order == Qt.SortOrder.DescendingOrder and sort_col is not None
        if self.loading:
            if not self._rows:  # nothing shown yet: the rows will be put in this order
                self._sort_col, self._desc = sort_col, desc
                return
            self.finish_loading()  # (rows still to come would land in the old order)
        self.beginResetModel()
        self._sort_col, self._desc = sort_col, desc
        if self._ordered():
            self._rows.sort(key=self._sort_key, reverse=self._desc)
        self._pos = {}
        self._reindex()
        self.endResetModel()

    def put_row(self, row: Any) -> None:
        """Replace the row with the same key (moving it if its place changes), or insert it."""
        key = self.key_of(row)
        r = self._pos.get(key)
        if r is not None and self._ordered():
            k = self._sort_key(row)
            ok_left = r == 0 or not self._before(k, self._sort_key(self._rows[r - 1]))
            ok_right = r == len(self._rows) - 1 or not self._before(
                self._sort_key(self._rows[r + 1]), k)
            if not (ok_left and ok_right):
                self.remove_keys([key])
                r = None
        if r is None:
            n = self._insert_pos(row)
            self.beginInsertRows(QModelIndex(), n, n)
            self._rows.insert(n, row)
            self._reindex(n)
            self.endInsertRows()
            return
        self._rows[r] = row
        self.dataChanged.emit(self.index(r, 0), self.index(r, self.columnCount() - 1))

    def remove_keys(self, keys: Iterable[Hashable]) -> None:
        rows = sorted((self._pos[k] for k in set(keys) if k in self._pos), reverse=True)
        if not rows:
            return
        for r in rows:
            self.beginRemoveRows(QModelIndex(), r, r)
            del self._pos[self.key_of(self._rows[r])]
            del self._rows[r]
            self.endRemoveRows()
        self._reindex(rows[-1])

    def refresh_all(self) -> None:
        if self._rows:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._rows) - 1,
                                                               self.columnCount() - 1))

    # ----------------------------------------------------------- Qt model API

    def index(self, row: int, column: int, parent: Index = QModelIndex()) -> QModelIndex:  # noqa: B008
        # one Python call instead of Qt's default (rowCount + columnCount): a proxy above
        # asks for a source index for every painted cell
        if 0 <= row < len(self._rows) and 0 <= column < len(self._columns) and not parent.isValid():
            return self.createIndex(row, column)
        return QModelIndex()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._columns)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        return column_header(self._columns, section, orientation, role)

    def flags(self, index: Index) -> Qt.ItemFlag:
        # (asked for every painted cell: flags as prepared values, no enum arithmetic)
        if not index.isValid():
            return _F_NONE
        col = self._columns[index.column()]
        if col.editable and not self.ctx.archive.readonly and \
                self.editable(self._rows[index.row()], col.key):
            return _F_EDIT
        return _F_BASE

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not (0 <= index.row() < len(self._rows)):
            return None
        row = self._rows[index.row()]
        col = self._columns[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return self.text(row, col)
        if role == Qt.ItemDataRole.EditRole:
            return self.value(row, col.key)
        if role == SORT_ROLE:
            return sort_key(self.value(row, col.key))
        if role == ID_ROLE:
            return self.row_id(row)
        if role == KindRole:
            return col.kind
        if role == ChoicesRole:
            return self.choices(row, col)
        if role == ClipboardRole:
            return col.clipboard(self.value(row, col.key)) if col.kind != "choice" else \
                self.text(row, col)
        if role == STATUS_ROLE:
            return self.cell_status(row, col.key) or self.status(row)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return _align(col)
        if role in (Qt.ItemDataRole.BackgroundRole, Qt.ItemDataRole.ForegroundRole):
            st = self.cell_status(row, col.key) or self.status(row)
            if st in BRUSHES:
                return BRUSHES[st][0 if role == Qt.ItemDataRole.BackgroundRole else 1]
            return None
        if role == Qt.ItemDataRole.ToolTipRole:
            return self.tooltip(row, col.key)
        return None

    def multiData(self, index: Index, roleDataSpan: Any) -> None:  # noqa: N803 - Qt's name
        """All the roles a delegate asks for a cell in one call (paint: 7 roles per cell)."""
        r = index.row()
        if not index.isValid() or not (0 <= r < len(self._rows)):
            clear_roles(roleDataSpan)
            return
        if type(self).data is not RowTableModel.data:  # a subclass answers by itself
            answer_roles(self, index, roleDataSpan)
            return
        row = self._rows[r]
        col = self._columns[index.column()]
        status: Any = _UNSET
        for rd in roleDataSpan:
            role = rd.role()
            if role == _R_DISPLAY:
                rd.setData(self.text(row, col))
            elif role == _R_ALIGN:
                rd.setData(_align(col))
            elif role == _R_BG or role == _R_FG:
                if status is _UNSET:
                    status = self.cell_status(row, col.key) or self.status(row)
                brushes = BRUSHES.get(status) if status else None
                set_role(rd, brushes and brushes[0 if role == _R_BG else 1])
            elif role in UNANSWERED_ROLES:
                rd.clearData()
            else:
                set_role(rd, self.data(index, role))

    # ----------------------------------------------------------- writing (through the undo stack)

    def build_edit(self, index: Index, value: Any) -> Edit | None:
        """Parse and validate a typed value; raise InvalidInput; None when nothing changes."""
        col = self._columns[index.column()]
        row = self._rows[index.row()]
        if not (col.editable and self.editable(row, col.key)):
            raise InvalidInput(f"La colonna «{col.label}» non si può modificare qui.")
        parsed = col.parse(value)
        if parsed == self.value(row, col.key):
            return None
        return self.make_edit(row, col.key, parsed)


class RowFilterProxy(QSortFilterProxyModel):
    """Sorts by :data:`SORT_ROLE` and filters rows with a predicate on the source row record."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._accept: Callable[[Any], bool] | None = None
        self.setSortRole(SORT_ROLE)
        self.setDynamicSortFilter(True)

    def set_predicate(self, accept: Callable[[Any], bool] | None) -> None:
        self.beginFilterChange()
        self._accept = accept
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def multiData(self, index: Index, roleDataSpan: Any) -> None:  # noqa: N803 - Qt's name
        # Qt's proxies answer multiData with one data() call per role, each mapping the
        # index again: forwarded whole, a painted cell costs 3 Python calls instead of 15
        model = self.sourceModel()
        src = self.mapToSource(index)
        if model is None or not src.isValid():
            clear_roles(roleDataSpan)
            return
        model.multiData(src, roleDataSpan)

    def filterAcceptsRow(self, source_row: int, source_parent: Index) -> bool:
        if self._accept is None:
            return True
        model = self.sourceModel()
        return bool(self._accept(model.row_at(source_row)))  # type: ignore[attr-defined]

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sorting is done by the source model (a Python sort by key, not 600.000 comparisons)."""
        model = self.sourceModel()
        if hasattr(model, "sort"):
            model.sort(column, order)
