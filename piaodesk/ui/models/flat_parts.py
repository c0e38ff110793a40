"""The pieces of the flat-table adapter (:mod:`.flat`): roles, row colours, the Qt column of a
projection's column, and the filter proxy that sorts through the source model."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QSortFilterProxyModel, Qt
from PySide6.QtGui import QBrush, QColor

from ...viste.tabella import Col
from .columns import Column, IdRole, SortRole, answer_roles, clear_roles, column_header, set_role

Index = QModelIndex | QPersistentModelIndex
SORT_ROLE, ID_ROLE = SortRole, IdRole
#: the row's status key ("late", "soon", "done", "over", "none", ...) for views and tests
STATUS_ROLE = Qt.ItemDataRole.UserRole + 10
#: row colours (background, foreground) by status key
COLOURS: dict[str, tuple[QColor, QColor]] = {
    "late": (QColor("#f8d7da"), QColor("#842029")), "soon": (QColor("#fff3cd"), QColor("#664d03")),
    "over": (QColor("#f8d7da"), QColor("#842029")), "none": (QColor("#fff3cd"), QColor("#664d03")),
    "done": (QColor("#e6f2ea"), QColor("#1e4d2b")),
    # a person's time under 100 % (issue 18, seed 004): to check, not an error
    "under": (QColor("#e7f1fb"), QColor("#0b3d66")),
}
#: the same colours as shared brushes (a paint asks for them in every cell)
BRUSHES = {k: (QBrush(bg), QBrush(fg)) for k, (bg, fg) in COLOURS.items()}
_R = Qt.ItemDataRole
_R_DISPLAY, _R_EDIT, _R_ALIGN = int(_R.DisplayRole), int(_R.EditRole), int(_R.TextAlignmentRole)
_R_BG, _R_FG, _R_TIP = int(_R.BackgroundRole), int(_R.ForegroundRole), int(_R.ToolTipRole)
#: roles the table models never answer (font, check state, decoration, size hint)
UNANSWERED_ROLES = frozenset({int(_R.FontRole), int(_R.CheckStateRole), int(_R.DecorationRole),
                              int(_R.SizeHintRole)})
_F_BASE = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
_F_EDIT = _F_BASE | Qt.ItemFlag.ItemIsEditable
_UNSET: Any = object()


def header_data(model: Any, section: int, orientation: Qt.Orientation, role: int) -> Any:
    """``headerData`` of a :class:`~.flat.FlatTableModel`: columns, and the rows' own
    headers when the projection gives them (else row numbers)."""
    if orientation == Qt.Orientation.Vertical and 0 <= section < len(model._rows):
        head = model.projection.row_header(model._rows[section])
        if head is not None:
            label, tip, status = head
            if role in (_R_DISPLAY, _R_TIP):
                return label if role == _R_DISPLAY else tip
            brushes = BRUSHES.get(status or "")
            return brushes[1] if brushes and role == _R_FG else None
    if orientation == Qt.Orientation.Horizontal and role == _R_TIP and \
            0 <= section < len(model._columns):
        return model.projection.column_tooltip(model._columns[section])
    return column_header(model._columns, section, orientation, role)


def alignment(spec: Col, col: Column) -> int:
    return int(Qt.AlignmentFlag.AlignCenter) if spec.align == "center" else int(col.alignment)


def qt_column(c: Col) -> Column:
    """The Qt-side column (display, parsing, alignment) of a projection's :class:`Col`."""
    return Column(c.key, c.label, c.kind, c.editable, c.width, c.enum, c.tooltip, c.minimum,
                  c.maximum, c.choices)


def multi_data(self: Any, index: Index, roleDataSpan: Any) -> None:  # noqa: N803 - Qt's name
    """``FlatTableModel.multiData``: every role of a painted cell in one call."""
    r = index.row()
    if not index.isValid() or not (0 <= r < len(self._rows)):
        clear_roles(roleDataSpan)
        return
    if not self._plain_data:  # a subclass answers by itself
        answer_roles(self, index, roleDataSpan)
        return
    row, c = self._rows[r], index.column()
    status: Any = _UNSET
    for rd in roleDataSpan:
        role = rd.role()
        if role == _R_DISPLAY:
            rd.setData(self._text(row, c))
        elif role == _R_ALIGN:
            rd.setData(self._align[c])
        elif role in (_R_BG, _R_FG):
            if status is _UNSET:
                status = self._status(row, self._columns[c].key)
            brushes = BRUSHES.get(status) if status else None
            set_role(rd, brushes and brushes[0 if role == _R_BG else 1])
        elif role in UNANSWERED_ROLES:
            rd.clearData()
        else:
            set_role(rd, self.data(index, role))


class FlatFilterProxy(QSortFilterProxyModel):
    """Sorts by :data:`SORT_ROLE` (through the source model) and filters rows with a
    predicate on the source row record."""

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
        # forwarded whole: a painted cell costs 3 Python calls instead of 15
        model = self.sourceModel()
        src = self.mapToSource(index)
        if model is None or not src.isValid():
            clear_roles(roleDataSpan)
            return
        model.multiData(src, roleDataSpan)

    def filterAcceptsRow(self, source_row: int, source_parent: Index) -> bool:
        if self._accept is None:
            return True
        return bool(self._accept(self.sourceModel().row_at(source_row)))  # type: ignore[attr-defined]

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sorting is done by the source model (a Python sort by key, not 600.000 comparisons)."""
        model = self.sourceModel()
        if hasattr(model, "sort"):
            model.sort(column, order)


def sort_rows(model: Any, column: int, order: Qt.SortOrder) -> None:
    """:meth:`FlatTableModel.sort`: the rows themselves, in one reset."""
    key = model._columns[column].key if 0 <= column < len(model._columns) else None
    desc = order == Qt.SortOrder.DescendingOrder and key is not None
    if model.loading:
        if not model._rows:  # nothing shown yet: the rows will come in this order
            model.order.column, model.order.desc = key, desc
            return
        model.finish_loading()
    model.beginResetModel()
    model.order.column, model.order.desc = key, desc
    model.order.sort(model._rows)
    model._pos = {}
    model._reindex()
    model.endResetModel()
