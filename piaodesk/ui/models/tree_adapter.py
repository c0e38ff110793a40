"""A generic Qt tree model over a tree projection (see ``piaodesk.viste.albero``).

The projection owns the nodes: each has ``vis`` (the rows shown under it, ``None`` until
read), ``up`` (the row it is shown under), ``n_children`` and ``row()``. The adapter
answers Qt's structure calls from them, reads children lazily (``fetchMore``, and a few
at a time in idle time: expanding is then only a layout), and turns a
:class:`~piaodesk.viste.base.Delta` into Qt's begin/end calls (:meth:`apply_delta`).
Subclasses answer :meth:`cell` (one role of one cell).
"""

from __future__ import annotations

import time
from collections import deque
from typing import Any

from PySide6.QtCore import (
    QAbstractItemModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    QTimer,
)

from ...viste.base import Delta

_Index = QModelIndex | QPersistentModelIndex


class TreeAdapter(QAbstractItemModel):
    #: the key of "every row" in Delta.changed (the projection's TUTTE)
    ALL_ROWS: Any = ("*",)

    def __init__(self, projection: Any, columns: Any, parent: Any = None) -> None:
        super().__init__(parent)
        self.proj = projection
        self.columns = columns
        self._ncols = len(columns)
        #: the plan was closed (window closing): nothing more is read
        self.closed = False
        #: nodes shown collapsed whose children are read in idle time
        self.prefetch = True
        self.prefetch_count = 0
        self._prefetch: deque[Any] = deque()
        self._prefetch_timer = QTimer(self)
        self._prefetch_timer.setObjectName("timerPrelettura")
        self._prefetch_timer.setSingleShot(True)
        self._prefetch_timer.setInterval(10)
        self._prefetch_timer.timeout.connect(self._prefetch_step)

    # ------------------------------------------------------------------ structure

    @property
    def root(self) -> Any:
        return self.proj.root

    def node(self, index: _Index) -> Any:
        return index.internalPointer() if index.isValid() else self.proj.root

    def index_of(self, node: Any, column: int = 0) -> QModelIndex:
        if node is None or node is self.proj.root or node.up is None:
            return QModelIndex()
        return self.createIndex(node.row(), column, node)

    def index(self, row: int, column: int, parent: _Index = QModelIndex()) -> QModelIndex:  # noqa: B008
        kids = parent.internalPointer().vis if parent.isValid() else self.proj.root.vis
        if kids is not None and 0 <= row < len(kids) and 0 <= column < self._ncols:
            return self.createIndex(row, column, kids[row])
        return QModelIndex()

    def parent(self, index: _Index = QModelIndex()) -> QModelIndex:  # type: ignore[override]  # noqa: B008
        if not index.isValid():
            return QModelIndex()
        up = index.internalPointer().up
        if up is None or up is self.proj.root:
            return QModelIndex()
        return self.createIndex(up.row(), 0, up)

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        if parent.isValid() and parent.column() != 0:
            return 0
        kids = self.node(parent).vis
        return len(kids) if kids is not None else 0

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return self._ncols

    def hasChildren(self, parent: _Index = QModelIndex()) -> bool:  # noqa: B008
        if not parent.isValid():
            return bool(self.proj.root.vis)
        if parent.column():
            return False
        node = parent.internalPointer()
        kids = node.vis
        return bool(kids) if kids is not None else node.n_children > 0

    def canFetchMore(self, parent: _Index) -> bool:
        if parent.isValid() and parent.column() != 0:
            return False
        node = self.node(parent)
        return node.vis is None and node.n_children > 0

    def fetchMore(self, parent: _Index) -> None:
        node = self.node(parent)
        if node.vis is not None or self.closed:
            return
        self._fetch(node, parent)
        self.prefetch_below(parent)  # the children are now visible rows

    def _fetch(self, node: Any, parent: _Index) -> None:
        kids = self.proj.read_children(node)
        if not kids:
            node.set_children([])
            return
        self.beginInsertRows(parent, 0, len(kids) - 1)
        node.set_children(kids)
        self.endInsertRows()

    def ensure_fetched(self, node: Any) -> None:
        if node.vis is None:
            if node.n_children > 0:
                self._fetch(node, self.index_of(node))
            else:
                node.set_children([])

    def prefetch_below(self, index: _Index) -> None:
        """Queue the children of ``index`` (shown, collapsed) to have theirs read in idle time."""
        node = self.node(index)
        if self.prefetch and node.vis:
            self._prefetch.extend(k for k in node.vis if k.vis is None and k.n_children > 0)
            if self._prefetch and not self._prefetch_timer.isActive():
                self._prefetch_timer.start()

    def _prefetch_step(self) -> None:
        """Read the children of a few queued nodes (about 2 ms), then yield to the event loop."""
        budget = time.perf_counter() + 0.002
        while self._prefetch and not self.closed:
            node = self._prefetch.popleft()
            if node.vis is not None or not self.alive(node):
                continue  # already read, or gone meanwhile
            self._fetch(node, self.index_of(node))
            self.prefetch_count += 1
            if time.perf_counter() > budget:
                break
        if self._prefetch and not self.closed:
            self._prefetch_timer.start()

    def alive(self, node: Any) -> bool:
        """``node`` is still shown (not dropped by an edit, a filter or a reset)."""
        while node is not self.proj.root:
            up = node.up
            if up is None or up.vis is None or node.row() >= len(up.vis) or up.vis[node.row()] is not node:
                return False
            node = up
        return True

    def preload_later(self, idle_ms: int = 1500) -> None:
        """Read the whole tree once the user pauses (``idle_ms`` after the last
        :meth:`poke`), in slices (``proj.load_steps``): the first search then finds it read.
        Attaching it changes no row a view knows (only children never fetched, of collapsed
        rows, become known): no signal."""
        from .slices import SliceRunner

        self._loader = SliceRunner(self, "timerLetturaAlbero")
        self._idle = QTimer(self)
        self._idle.setObjectName("timerAlberoInattivo")
        self._idle.setSingleShot(True)
        self._idle.setInterval(idle_ms)
        self._idle.timeout.connect(lambda: None if self.closed or self.proj.all_loaded
                                   else self._loader.start(self.proj.load_steps()))
        self._idle.start()

    def poke(self, *_args: Any) -> None:
        """The user is busy with the tree (expanding, scrolling): reading waits for a pause."""
        idle = getattr(self, "_idle", None)
        if idle is not None and not self.proj.all_loaded and not self._loader._steps:
            idle.start()

    # ------------------------------------------------------------------ data

    def column(self, key: str) -> int:
        return next(i for i, c in enumerate(self.columns) if c.key == key)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and 0 <= section < self._ncols:
            col = self.columns[section]
            if role == Qt.ItemDataRole.DisplayRole:
                return col.label
            if role == Qt.ItemDataRole.ToolTipRole:
                return col.tooltip or None
        return None

    def cell(self, node: Any, column: int, role: int) -> Any:
        raise NotImplementedError

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        return self.cell(index.internalPointer(), index.column(), int(role))

    def multiData(self, index: _Index, roleDataSpan: Any) -> None:
        """All the roles a delegate asks for a cell, in one call."""
        node = index.internalPointer() if index.isValid() else None
        c = index.column()
        for rd in roleDataSpan:
            v = self.cell(node, c, rd.role()) if node is not None else None
            if v is None:
                rd.clearData()
            else:
                rd.setData(v)

    # ------------------------------------------------------------------ deltas

    def apply_delta(self, delta: Delta) -> None:
        """Turn what the projection changed into Qt's signals."""
        if delta.reset:
            self._prefetch.clear()
            self.beginResetModel()
            self.proj.commit_all()
            self.endResetModel()
            return
        pending = list(self.proj.pending.items())
        for parent, new in pending:  # removals everywhere first (a row may change parent)
            self._remove(parent, set(map(id, new)))
        for parent, new in pending:
            self._insert(parent, new)
        for parent, _new in pending:
            self.proj.settle(parent)
        if not delta.changed:
            return
        last = self._ncols - 1
        if self.ALL_ROWS in delta.changed:
            n = self.rowCount()
            if n:  # a range: the views repaint what they show (no per-row lookups)
                self.dataChanged.emit(self.index(0, 0), self.index(n - 1, last))
        spans: dict[int, list[Any]] = {}  # per shown parent: [parent, first row, last row]
        for key in delta.changed:
            node = self.proj.node_by_key(key)
            if node is None or not self.alive(node):
                continue
            r = node.row()
            span = spans.get(id(node.up))
            if span is None:
                spans[id(node.up)] = [node.up, r, r]
            else:
                span[1], span[2] = min(span[1], r), max(span[2], r)
        for up, first, end in spans.values():
            pidx = self.index_of(up)
            self.dataChanged.emit(self.index(first, 0, pidx), self.index(end, last, pidx))

    def _remove(self, parent: Any, keep: set[int]) -> None:
        kids = parent.vis
        if kids is None:
            return
        pidx = self.index_of(parent)
        for r in range(len(kids) - 1, -1, -1):
            if id(kids[r]) not in keep:
                self.beginRemoveRows(pidx, r, r)
                kids.pop(r)
                self.endRemoveRows()

    def _insert(self, parent: Any, new: list[Any]) -> None:
        kids = parent.vis
        if kids is None:
            return
        pidx = self.index_of(parent)
        for pos, n in enumerate(new):
            if pos < len(kids) and kids[pos] is n:
                continue
            src = next((i for i, k in enumerate(kids) if k is n), -1)
            if src >= 0:
                self.beginMoveRows(pidx, src, src, pidx, pos if pos < src else pos + 1)
                kids.insert(pos, kids.pop(src))
                self.endMoveRows()
            else:
                self.beginInsertRows(pidx, pos, pos)
                n.up = n.parent = parent
                kids.insert(pos, n)
                self.endInsertRows()
        for i, k in enumerate(kids):
            k._row = i
