"""Qt tree adapter of :class:`~piaodesk.viste.monitoraggio.RoundProjection` (the «Monitoraggio»
grid): Deltas become begin/end calls and dataChanged; the loading steps run in short slices
of the event loop so that a large plan's round shows at once and fills in."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import (
    QAbstractItemModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QBrush, QColor, QFont

from ...domain import validazione
from ...store.db import PlanError
from ...viste import monitoraggio as vista
from ...viste.base import Delta
from .slices import SliceRunner

Index = QModelIndex | QPersistentModelIndex

EDITABILE = QColor("#fffbe6")
DIVERSO = QColor("#b45309")
GRIGIO = QColor("#6b7280")
_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)

#: a round of at most this many objectives is read whole before the first paint
SMALL = 1000
#: time given to each loading slice after the first paint (seconds)
SLICE_BUDGET_S = 0.03
#: the first slice waits this long, so that the rows are painted first (ms)
FIRST_DELAY_MS = 50
#: above this many changed rows one signal repaints the whole view
MANY = 200


class RoundModel(QAbstractItemModel):
    """Objectives (tree) with their indicators as children, at one round."""

    COLUMNS = tuple(h for _, h in vista.COLUMNS)
    C_TITOLO, C_TARGET, C_VALORE, C_RAGG = vista.C_TITOLO, vista.C_TARGET, vista.C_VALORE, vista.C_RAGG
    C_CALC, C_VALID, C_MOTIVO = vista.C_CALC, vista.C_VALID, vista.C_MOTIVO

    refused = Signal(str)
    loaded = Signal()  # the whole round is in (the live % computed)

    def __init__(self, ctx: Any, parent: Any = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.proj = vista.RoundProjection(ctx.archive)
        self._previous: list[vista.Nodo] = []  # stale indexes may still point at these nodes
        # the loading steps run by the app's slicing scheduler, from shortly after the first paint
        self._runner = SliceRunner(self, "timerMonitoraggio", slice_s=SLICE_BUDGET_S)
        self._runner.finished.connect(self.loaded)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(FIRST_DELAY_MS)
        self._timer.timeout.connect(self._start_slices)
        ctx.hub.changed.connect(self._on_changes)

    # -- the projection's state, as the view and the tests read it

    @property
    def mid(self) -> int | None:
        return self.proj.mid

    @property
    def rnd(self) -> Any:
        return self.proj.rnd

    @property
    def loading(self) -> bool:
        return self.proj.loading

    @property
    def _nodes(self) -> dict[Any, vista.Nodo]:
        return self.proj.nodes

    def full_round(self) -> Any:
        """The whole round (the rest of the loading done now if needed)."""
        if self.proj.loading:
            if self._timer.isActive():
                self._start_slices()
            self._runner.finish()
        return self.proj.rnd

    # -- loading

    def set_round(self, mid: int | None) -> None:
        self._timer.stop()
        self._runner.stop()
        self._previous = self.proj.roots
        self.proj.archive = self.ctx.archive
        self.beginResetModel()
        self.proj.start(mid)
        self._first_step()
        self.endResetModel()
        self._after_step()

    def _first_step(self) -> None:
        """A small plan's round is read whole before the first paint; a large one fills in."""
        if len(self.proj.nodes) <= SMALL:
            self.proj.finish()

    def _start_slices(self) -> None:
        self._timer.stop()
        self._runner.start(self._steps())

    def _steps(self) -> Any:
        while self.proj.loading:
            self._emit(self.proj.step(0))  # (one step each: the runner keeps the time)
            yield 50
        yield 100

    def _after_step(self) -> None:
        if self.proj.loading:  # (the first slice after the first paint)
            self._timer.start()
        else:
            self.loaded.emit()

    def _on_changes(self, ch: Any) -> None:
        prev = self.proj.roots
        self.proj.archive = self.ctx.archive
        was_loading = self.proj.loading
        delta = self.proj.apply(ch)
        if delta.reset:
            self._timer.stop()
            self._runner.stop()
            self._previous = prev
            self.beginResetModel()
            self._first_step()
            self.endResetModel()
            self._after_step()
            return
        self._emit(delta)
        if was_loading and not self.proj.loading:
            self.loaded.emit()

    def _emit(self, delta: Delta) -> None:
        """Repaint the changed rows (a reset if rows came or went)."""
        if delta.reset or delta.inserted or delta.removed:  # (rows are all known from the start)
            self.beginResetModel()
            self.endResetModel()
            return
        if not delta.changed:
            return
        last = len(self.COLUMNS) - 1
        if len(delta.changed) > MANY or vista.TUTTE in delta.changed:
            if self.proj.roots:
                self.dataChanged.emit(self.index(0, 0), self.index(len(self.proj.roots) - 1, last))
            return
        for key in delta.changed:
            node = self.proj.nodes.get(key)
            if node is not None:
                self.dataChanged.emit(self.createIndex(node.row, 0, node),
                                      self.createIndex(node.row, last, node))

    # -- Qt model API

    def index(self, row: int, column: int, parent: Index = QModelIndex()) -> QModelIndex:  # noqa: B008
        if column < 0 or column >= len(self.COLUMNS) or row < 0:
            return QModelIndex()
        if not parent.isValid():
            if row >= len(self.proj.roots):
                return QModelIndex()
            return self.createIndex(row, column, self.proj.roots[row])
        node: vista.Nodo = parent.internalPointer()
        if row >= node.count():
            return QModelIndex()
        return self.createIndex(row, column, node.child(row))

    def parent(self, index: Index = QModelIndex()) -> QModelIndex:  # type: ignore[override]  # noqa: B008
        if not index.isValid():
            return QModelIndex()
        node: vista.Nodo = index.internalPointer()
        if node.parent is None:
            return QModelIndex()
        return self.createIndex(node.parent.row, 0, node.parent)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        if parent.column() > 0:
            return 0
        if not parent.isValid():
            return len(self.proj.roots)
        node: vista.Nodo = parent.internalPointer()
        return node.count()

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return len(self.COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.COLUMNS[section]
        return None

    _FLAGS = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
    _EDIT_FLAGS = _FLAGS | Qt.ItemFlag.ItemIsEditable

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        if index.internalPointer().kind == "o":  # (asked for every row while expanding)
            return self._FLAGS
        return self._EDIT_FLAGS if self._editable(index) else self._FLAGS

    def _editable(self, index: Index) -> bool:
        return self.proj.editable(index.internalPointer(), index.column(), bool(self.ctx.readonly))

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or self.proj.mon is None:
            return None
        node: vista.Nodo = index.internalPointer()
        col = index.column()
        R = Qt.ItemDataRole
        if role in (R.DisplayRole, R.EditRole):
            return self.proj.text(node, col)
        if role == R.ToolTipRole:
            return self.proj.tooltip(node, col)
        if node.kind == "o":
            if role == R.FontRole:
                font = QFont()
                font.setBold(node.obj.parent_id is None or (col == self.C_VALID and self.proj.overridden(node)))
                return font
            if role == R.ForegroundRole and col == self.C_VALID and self.proj.overridden(node):
                return QBrush(DIVERSO)
            if role == R.ForegroundRole and col == self.C_CALC and self.proj.loading:
                return QBrush(GRIGIO)  # the stored %, until the live one is computed
            if role == R.TextAlignmentRole and col in (self.C_CALC, self.C_VALID):
                return _RIGHT
            return None
        if role == R.BackgroundRole and self._editable(index):
            return QBrush(EDITABILE)
        if role == R.ForegroundRole and col == self.C_TITOLO:
            return QBrush(GRIGIO)
        if role == R.TextAlignmentRole and col in (self.C_TARGET, self.C_VALORE, self.C_RAGG):
            return _RIGHT
        return None

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or not index.isValid() or self.proj.mid is None:
            return False
        node: vista.Nodo = index.internalPointer()
        if node.kind != "i" or index.column() not in (self.C_TARGET, self.C_VALORE):
            return False  # (a closed round is refused below, with its message)
        self.full_round()
        text = "" if value is None else str(value)
        try:  # the one check of the values typed in every grid (domain/validazione.py)
            validazione.valore_indicatore(text, node.obj.tipo)
        except validazione.ValoreNonValido as exc:
            self.refused.emit(str(exc))
            return False
        try:
            edit = self.proj.write(node, index.column(), text)
        except PlanError as exc:
            self.refused.emit(str(exc))
            return False
        return bool(self.ctx.push(edit))

    # -- helpers for the view

    def nodo(self, index: Index) -> vista.Nodo | None:
        return index.internalPointer() if index.isValid() else None
