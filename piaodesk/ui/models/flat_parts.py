"""The pieces of the flat-table adapter (:mod:`.flat`): roles, row colours, the Qt column of a
projection's column, and the filter proxy that sorts through the source model."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QSortFilterProxyModel, Qt
from PySide6.QtGui import QBrush, QColor

from ...viste.tabella import Col
from .columns import Column, IdRole, SortRole, clear_roles

Index = QModelIndex | QPersistentModelIndex
SORT_ROLE, ID_ROLE = SortRole, IdRole
#: the row's status key ("late", "soon", "done", "over", "none", ...) for views and tests
STATUS_ROLE = Qt.ItemDataRole.UserRole + 10
#: row colours (background, foreground) by status key
COLOURS: dict[str, tuple[QColor, QColor]] = {
    "late": (QColor("#f8d7da"), QColor("#842029")), "soon": (QColor("#fff3cd"), QColor("#664d03")),
    "over": (QColor("#f8d7da"), QColor("#842029")), "none": (QColor("#fff3cd"), QColor("#664d03")),
    "done": (QColor("#e6f2ea"), QColor("#1e4d2b")),
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


def qt_column(c: Col) -> Column:
    """The Qt-side column (display, parsing, alignment) of a projection's :class:`Col`."""
    return Column(c.key, c.label, c.kind, c.editable, c.width, c.enum, c.tooltip, c.minimum,
                  c.maximum, c.choices)


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
