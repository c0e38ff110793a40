"""``ObiettiviTreeModel``: the two hierarchies of the plan, loaded lazily.

Top level: two group rows, «Obiettivi» and «Attività gestionali». Children of a
node are read from the Archive only when the view expands it (``fetchMore``), so
a plan of 10.000 objectives opens reading just the top level. Computed values
(% avanzamento, late phases) are cached per node and dropped only for the
objective an edit touched and its ancestors. Structural changes (insert, delete,
move) are applied with fine-grained begin/end calls on the cached parents.
``setData`` (titolo, codice, peso) and drops push edits on the undo stack.
"""

from __future__ import annotations

import gc
import time
from collections import deque
from datetime import date
from decimal import Decimal
from typing import Any

from PySide6.QtCore import (
    QAbstractItemModel,
    QMimeData,
    QModelIndex,
    QPersistentModelIndex,
    QObject,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QBrush, QColor, QFont, QIcon

from ...domain import valutazione as engine
from ...domain.avanzamento import perc_nodo
from ...domain.enums import Livello, Ramo
from ...domain.formats import format_decimal, format_percent
from ...domain.model import Fase, Indicatore, Misura, Obiettivo
from ...paths import resource
from ...store.archive import PercUnpacker
from ...store.changes import Changes
from ...store.edits import MoveObiettivo, SetFields
from .base import WARN_FG
from .columns import (
    Column,
    IdRole,
    InvalidInput,
    KindRole,
    SortRole,
    answer_roles,
    clear_roles,
    set_role,
)

_Index = QModelIndex | QPersistentModelIndex
MIME = "application/x-piaodesk-obiettivi"
LateRole = Qt.ItemDataRole.UserRole + 10
RamoRole = Qt.ItemDataRole.UserRole + 11
CENTO = Decimal(100)
_UNKNOWN: Any = object()

COLUMNS = (
    Column("codice", "Codice", width=150),
    Column("titolo", "Titolo", width=320),
    Column("peso", "Peso", "percent", width=60),
    Column("perc", "% avanz.", "computed", editable=False, width=70),
)

_ICONS: dict[str, QIcon] = {}

# flags and roles as plain values: data()/flags() run thousands of times per paint
_F = Qt.ItemFlag
_F_DROP = _F.ItemIsDropEnabled
_F_BASE = _F.ItemIsEnabled | _F.ItemIsSelectable
_F_GROUP = _F_BASE | _F.ItemIsDropEnabled
_F_DRAG = _F_BASE | _F.ItemIsDragEnabled | _F.ItemIsDropEnabled
_F_EDIT = _F_DRAG | _F.ItemIsEditable
_R = Qt.ItemDataRole
R_DISPLAY, R_EDIT, R_DECORATION = int(_R.DisplayRole), int(_R.EditRole), int(_R.DecorationRole)
R_FONT, R_FG, R_BG = int(_R.FontRole), int(_R.ForegroundRole), int(_R.BackgroundRole)
R_TOOLTIP, R_ALIGN = int(_R.ToolTipRole), int(_R.TextAlignmentRole)
R_SORT, R_ID, R_KIND = int(SortRole), int(IdRole), int(KindRole)
R_LATE, R_RAMO = int(LateRole), int(RamoRole)
#: the roles the model answers for objective rows (the others return None at once)
_ROLES = frozenset({R_DISPLAY, R_EDIT, R_DECORATION, R_FG, R_BG, R_TOOLTIP, R_ALIGN, R_SORT, R_ID,
                    R_KIND, R_LATE, R_RAMO})
_ALIGN = {c.key: int(c.alignment) for c in COLUMNS}
_BOLD: QFont | None = None
#: shared brushes (data() runs for every painted cell: no new QBrush per call)
_LATE_FG = QBrush(WARN_FG)
_WEIGHT_FG = QBrush(QColor("#b26a00"))
_WEIGHT_BG = QBrush(QColor("#fff4e0"))


def keep_out_of_gc(collect: bool = False) -> None:
    """Exempt every object alive now from Python's full garbage collections.

    A full collection scans every tracked object: with a large plan loaded it takes
    20–50 ms and lands in the middle of an expand or a scroll (a visible stall). The
    cached tree, the modules and the window live as long as the window, so they are
    frozen after they are built. ``collect=True`` (after a reset of the tree) first
    releases and collects what was frozen before, so a dropped tree is not kept.
    """
    if collect:
        gc.unfreeze()
        gc.collect()
    gc.freeze()


def release_gc() -> None:
    """Give the frozen objects back to the collector (the window is closing)."""
    gc.unfreeze()


def livello_icon(livello: str) -> QIcon:
    """Icon of a level (resources/icons/<livello>.svg), cached."""
    icon = _ICONS.get(livello)
    if icon is None:
        path = resource("icons", f"{livello}.svg")
        icon = QIcon(str(path)) if path.exists() else QIcon()
        _ICONS[livello] = icon
    return icon


class _PercWorker(QObject):
    """Carries the result of the bulk % computed on a worker thread back to the GUI thread."""

    done = Signal(object, int, int)  # state (or None), generation, anno


class _Node:
    __slots__ = ("id", "parent", "children", "obj", "ramo", "n_children", "perc", "late", "_row",
                 "wsum", "disp")

    def __init__(self, parent: _Node | None, obj: Obiettivo | None, ramo: Ramo | None,
                 n_children: int) -> None:
        self.parent = parent
        self.obj = obj
        self.id: int | None = obj.id if obj is not None else None
        self.ramo = ramo
        self.children: list[_Node] | None = None  # None = not fetched yet
        self.n_children = n_children
        self.perc: Any = _UNKNOWN
        self.late: Any = _UNKNOWN
        self._row = 0  # last known position among the siblings (checked before use)
        self.wsum: Any = _UNKNOWN  # sum of the children's weights (cached)
        #: display texts of the record's columns (None: to format; dropped when ``obj`` changes)
        self.disp: list[str] | None = None

    @property
    def is_group(self) -> bool:
        return self.obj is None and self.ramo is not None

    def row(self) -> int:
        assert self.parent is not None and self.parent.children is not None
        kids = self.parent.children
        r = self._row
        if r < len(kids) and kids[r] is self:
            return r
        for i, k in enumerate(kids):  # the siblings changed: renumber them all (O(1) amortised)
            k._row = i
        return self._row


class ObiettiviTreeModel(QAbstractItemModel):
    def __init__(self, ctx: Any, parent: Any = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.columns = COLUMNS
        self._ncols = len(COLUMNS)
        self._col_flags = tuple(_F_EDIT if c.editable else _F_DRAG for c in COLUMNS)
        self.last_error: str | None = None
        self.fetch_count = 0  # how many nodes had their children read (tests, diagnostics)
        self.all_loaded = False
        #: the plan was closed (window closing): late layouts must not read from it
        self.closed = False
        self.hint_obiettivo: int | None = None  # selected objective (for deleted child rows)
        self._root = _Node(None, None, None, 2)
        self._by_id: dict[int, _Node] = {}
        #: compute % after the paint, for the rows painted (large plans; set by the main window)
        self.defer_perc = False
        self._bulk_anno: int | None = None
        self._wanted: list[_Node] = []
        self._wanted_ids: set[int] = set()  # (each painted row queued once, not once per paint)
        self._fresh: set[int] = set()
        self._worker_anno: int | None = None  # a bulk computation running for this year
        #: where the whole-plan % was last computed: "processo", "thread", "interfaccia"
        self.perc_source: str | None = None
        self.perc_adopted = 0  # how many worker results were adopted (diagnostics, smoke test)
        self._worker = _PercWorker(self)
        self._worker.done.connect(self._bulk_done)
        self._perc_timer = QTimer(self)
        self._perc_timer.setObjectName("timerPercentuali")  # (named: diagnostics of stalls)
        self._perc_timer.setSingleShot(True)
        self._perc_timer.setInterval(0)
        self._perc_timer.timeout.connect(self._compute_wanted)
        #: (parent, first row, last row) whose % column is to repaint (see _compute_wanted)
        self._to_repaint: deque[tuple[_Node, int, int]] = deque()
        self._repaint_timer = QTimer(self)
        self._repaint_timer.setObjectName("timerRidisegnaPerc")
        self._repaint_timer.setSingleShot(True)
        self._repaint_timer.setInterval(0)
        self._repaint_timer.timeout.connect(self._emit_repaints)
        #: the worker's result, rebuilt a slice at a time (see _bulk_done)
        self._unpacking: tuple[PercUnpacker, int] | None = None
        self._unpack_timer = QTimer(self)
        self._unpack_timer.setObjectName("timerRicostruzione")
        self._unpack_timer.setSingleShot(True)
        self._unpack_timer.setInterval(0)
        self._unpack_timer.timeout.connect(self._unpack_step)
        #: nodes shown collapsed whose children are read in idle time, so that expanding
        #: them only lays out rows already there (inserting rows while expanding costs a
        #: full layout of the parent's children through Python calls)
        self.prefetch = True
        self.prefetch_count = 0
        self._prefetch: deque[_Node] = deque()
        self._prefetch_timer = QTimer(self)
        self._prefetch_timer.setObjectName("timerPrelettura")
        self._prefetch_timer.setSingleShot(True)
        self._prefetch_timer.setInterval(10)
        self._prefetch_timer.timeout.connect(self._prefetch_step)
        self._build_groups()
        ctx.hub.changed.connect(self._on_changes)

    # ------------------------------------------------------------------ cache

    def _build_groups(self) -> None:
        self._by_id.clear()
        self.all_loaded = False
        self._root.children = []
        for ramo in (Ramo.OBIETTIVI, Ramo.ATTIVITA):
            n = len(self.ctx.archive.figli_ids(None, ramo))
            self._root.children.append(_Node(self._root, None, ramo, n))

    def group(self, ramo: Ramo | str) -> _Node:
        assert self._root.children is not None
        return next(g for g in self._root.children if g.ramo == ramo)

    def _count_children(self, oid: int) -> int:
        return self.ctx.archive.count(Obiettivo, "parent_id = ?", (oid,))

    def _counts_children(self, ids: list[int]) -> dict[int, int]:
        """How many children each of ``ids`` has (one query per 500 ids)."""
        out: dict[int, int] = {}
        conn = self.ctx.archive.db.conn
        for k in range(0, len(ids), 500):
            chunk = ids[k:k + 500]
            marks = ",".join("?" * len(chunk))
            out.update(conn.execute(f"SELECT parent_id, count(*) FROM obiettivi WHERE parent_id IN "
                                    f"({marks}) GROUP BY parent_id", chunk).fetchall())
        return out

    def _read_children(self, node: _Node) -> list[_Node]:
        if node.is_group:
            objs = self.ctx.archive.figli(None, node.ramo)
        else:
            objs = self.ctx.archive.figli(node.id)
        counts = self._counts_children([o.id for o in objs if o.id is not None])
        out = []
        for i, o in enumerate(objs):
            child = _Node(node, o, Ramo(o.ramo) if o.ramo else node.ramo, counts.get(o.id, 0))
            child._row = i
            out.append(child)
        return out

    def _register(self, nodes: list[_Node]) -> None:
        for n in nodes:
            if n.id is not None:
                self._by_id[n.id] = n

    def _load_subtree(self, node: _Node) -> None:
        node.children = self._read_children(node)
        node.n_children = len(node.children)
        for c in node.children:
            self._load_subtree(c)

    def _register_tree(self, nodes: list[_Node]) -> None:
        for n in nodes:
            if n.id is not None:
                self._by_id[n.id] = n
            if n.children:
                self._register_tree(n.children)

    def _forget(self, node: _Node) -> None:
        if node.id is not None and self._by_id.get(node.id) is node:
            del self._by_id[node.id]
        for c in node.children or []:
            self._forget(c)

    def node(self, index: _Index) -> _Node:
        if not index.isValid():
            return self._root
        return index.internalPointer()  # type: ignore[no-any-return]

    def node_by_id(self, oid: int) -> _Node | None:
        return self._by_id.get(oid)

    def index_of(self, node: _Node, column: int = 0) -> QModelIndex:
        if node is self._root or node.parent is None:
            return QModelIndex()
        return self.createIndex(node.row(), column, node)

    def index_of_id(self, oid: int, column: int = 0) -> QModelIndex:
        """Index of an objective, fetching its ancestors' children if needed."""
        node = self._by_id.get(oid)
        if node is None:
            chain = []
            ob = self.ctx.archive.obiettivo(oid)
            while ob is not None:
                chain.append(ob)
                ob = self.ctx.archive.obiettivo(ob.parent_id) if ob.parent_id else None
            if not chain:
                return QModelIndex()
            parent = self.group(chain[-1].ramo)
            for ob in reversed(chain):
                self._ensure_fetched(parent)
                found = next((c for c in parent.children or [] if c.id == ob.id), None)
                if found is None:
                    return QModelIndex()
                parent = found
            node = parent
        return self.index_of(node, column)

    def _ensure_fetched(self, node: _Node) -> None:
        if node.children is None:
            idx = self.index_of(node)
            if self.canFetchMore(idx):
                self.fetchMore(idx)
            else:
                node.children = []

    def load_all(self) -> None:
        """Read the whole tree (used when a filter needs to search unexpanded nodes)."""
        if self.all_loaded:
            return
        self.beginResetModel()
        self._by_id.clear()
        assert self._root.children is not None
        all_obs = self.ctx.archive.obiettivi()
        by_parent: dict[int | None, list[Obiettivo]] = {}
        for o in all_obs:
            by_parent.setdefault(o.parent_id, []).append(o)
        for g in self._root.children:
            g.children = []
            g.perc = _UNKNOWN

            def build(parent: _Node, objs: list[Obiettivo]) -> None:
                parent.children = []
                for o in objs:
                    kids = by_parent.get(o.id, [])
                    n = _Node(parent, o, Ramo(o.ramo), len(kids))
                    parent.children.append(n)
                    self._by_id[o.id] = n
                    build(n, kids)

            build(g, [o for o in by_parent.get(None, []) if o.ramo == g.ramo])
            g.n_children = len(g.children)
        self.all_loaded = True
        self.endResetModel()
        keep_out_of_gc(collect=True)  # (part of a long operation anyway)

    # ------------------------------------------------------------------ Qt structure

    def index(self, row: int, column: int, parent: _Index = QModelIndex()) -> QModelIndex:  # noqa: B008
        # (called for every row at every layout: kept to the bare minimum)
        kids = parent.internalPointer().children if parent.isValid() else self._root.children
        if kids is not None and 0 <= row < len(kids) and 0 <= column < self._ncols:
            return self.createIndex(row, column, kids[row])
        return QModelIndex()

    def parent(self, index: _Index = QModelIndex()) -> QModelIndex:  # type: ignore[override]  # noqa: B008
        if not index.isValid():
            return QModelIndex()
        p = index.internalPointer().parent
        if p is None or p is self._root:
            return QModelIndex()
        return self.createIndex(p.row(), 0, p)

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        if parent.isValid() and parent.column() != 0:
            return 0
        node = self.node(parent)
        return len(node.children) if node.children is not None else 0

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return len(self.columns)

    def hasChildren(self, parent: _Index = QModelIndex()) -> bool:  # noqa: B008
        if not parent.isValid():
            return True  # the two groups
        if parent.column():
            return False
        node = parent.internalPointer()
        kids = node.children
        return bool(kids) if kids is not None else node.n_children > 0

    def canFetchMore(self, parent: _Index) -> bool:
        if parent.isValid() and parent.column() != 0:
            return False
        node = self.node(parent)
        return node.children is None and node.n_children > 0

    def fetchMore(self, parent: _Index) -> None:
        node = self.node(parent)
        if node.children is not None or self.closed:
            return
        self._fetch(node, parent)
        self.prefetch_below(parent)  # the children are now visible rows

    def prefetch_below(self, index: _Index) -> None:
        """Queue the children of ``index`` (shown, collapsed) to have theirs read in idle time."""
        node = self.node(index)
        if self.prefetch and node.children:
            self._prefetch.extend(k for k in node.children if k.children is None and k.n_children > 0)
            if self._prefetch and not self._prefetch_timer.isActive():
                self._prefetch_timer.start()

    def _prefetch_step(self) -> None:
        """Read the children of a few queued nodes (about 2 ms), then yield to the event loop."""
        budget = time.perf_counter() + 0.002
        while self._prefetch and not self.closed:
            node = self._prefetch.popleft()
            if node.children is not None:
                continue  # already read
            if not self._alive(node):
                continue  # gone meanwhile (an edit, a reset)
            self._fetch(node, self.index_of(node))
            self.prefetch_count += 1
            if time.perf_counter() > budget:
                break
        if self._prefetch and not self.closed:
            self._prefetch_timer.start()

    def _fetch(self, node: _Node, parent: _Index) -> None:
        kids = self._read_children(node)
        self.fetch_count += 1
        if not kids:
            node.children = []
            node.n_children = 0
            return
        self.beginInsertRows(parent, 0, len(kids) - 1)
        node.children = kids
        node.n_children = len(kids)
        self._register(kids)
        self.endInsertRows()
        if len(kids) >= 50:
            keep_out_of_gc()  # the cache lives on: no full collection should scan it again

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(self.columns):
            if role == Qt.ItemDataRole.DisplayRole:
                return self.columns[section].label
            if role == Qt.ItemDataRole.ToolTipRole and self.columns[section].key == "perc":
                return "Percentuale di avanzamento calcolata per l'anno selezionato"
        return None

    def flags(self, index: _Index) -> Qt.ItemFlag:
        if not index.isValid():
            return _F_DROP
        if index.internalPointer().obj is None:
            return _F_GROUP
        if self.ctx.archive.readonly:
            return _F_BASE
        return self._col_flags[index.column()]

    # ------------------------------------------------------------------ data

    def _anno(self) -> int:
        return self.ctx.anno or self.ctx.archive.piano().anno_inizio

    def _bulk(self) -> dict[int, Decimal | None] | None:
        """Every node's % from the store's bulk, cached computation (None: not available)."""
        fn = getattr(self.ctx.archive, "percentuali", None)
        if fn is None:
            return None
        anno = self._anno()
        out = fn(anno)
        self._bulk_anno = anno
        return out  # type: ignore[no-any-return]

    def perc_ready(self) -> bool:
        """True when a node's % can be had at once (no whole-plan computation pending)."""
        if not self.defer_perc:
            return True
        # the store's bulk cache, refreshed incrementally after edits
        return bool(self.ctx.archive.percentuali_pronte(self._anno()))

    def _start_bulk(self) -> None:
        """Compute the whole plan's % off the GUI thread (deferred mode), then fill the rows."""
        arc = self.ctx.archive
        anno = self._anno()
        calcola = getattr(type(arc), "calcola_percentuali", None)
        if calcola is None or arc.path is None or self._worker_anno == -1:
            if not self._perc_timer.isActive():
                self._perc_timer.start()  # computed on the GUI thread, just after the paint
            return
        if self._worker_anno == anno:
            return  # already running
        self._worker_anno = anno
        path, generation, signal = arc.path, arc.generation, self._worker.done

        def deliver(state: Any) -> None:
            try:
                signal.emit(state, generation, anno)
            except RuntimeError:  # the model is gone
                pass

        # another process: a thread would hold the GIL and stall the paint it should spare
        # (the frozen app too: its entry point calls multiprocessing.freeze_support())
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        try:
            pool = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn"))
            future = pool.submit(calcola, str(path), anno)
        except Exception:  # noqa: BLE001 - no processes here: a thread then
            pass
        else:
            def finished(f: Any) -> None:
                try:
                    state = f.result()
                except Exception:  # noqa: BLE001 - fall back to the GUI thread
                    state = None
                deliver(state)

            future.add_done_callback(finished)
            pool.shutdown(wait=False)
            self.perc_source = "processo"
            return

        def run() -> None:
            try:
                state = calcola(path, anno)
            except Exception:  # noqa: BLE001 - fall back to the GUI thread
                state = None
            deliver(state)

        import threading

        self.perc_source = "thread"
        threading.Thread(target=run, name="percentuali", daemon=True).start()

    def _bulk_done(self, packed: Any, generation: int, anno: int) -> None:
        """The worker's packed result arrived: rebuild it in slices between paints."""
        if packed is None:
            self._worker_anno = -1  # the worker failed: compute on the GUI thread from now on
            self.perc_source = "interfaccia"
            self._compute_wanted()
            return
        self._unpacking = (PercUnpacker(packed), generation)
        self._unpack_timer.start()

    def _unpack_step(self) -> None:
        if self._unpacking is None or self.closed:
            return
        unpacker, generation = self._unpacking
        if not unpacker.step(0.003):
            self._unpack_timer.start()
            return
        self._unpacking = None
        self._worker_anno = None
        try:
            adopted = self.ctx.archive.adotta_percentuali(unpacker.state, generation)
        except Exception:  # noqa: BLE001 - closed meanwhile
            return
        if adopted:
            self.perc_adopted += 1
            keep_out_of_gc()  # the adopted state lives on: later full collections skip it
        if adopted or not self._wanted:
            self._compute_wanted()
        else:
            self._start_bulk()  # the plan changed while computing: once more

    def _compute_perc(self, node: _Node) -> Decimal | None:
        bulk = self._bulk()
        if bulk is not None:
            return bulk.get(node.id)  # type: ignore[arg-type]
        try:
            return self.ctx.archive.perc_avanzamento(node.id, self.ctx.anno or None)
        except LookupError:
            return None

    def perc(self, node: _Node) -> Decimal | None:
        """% of a node, cached; with ``defer_perc`` an unknown % is computed after the paint."""
        if node.perc is not _UNKNOWN:
            return node.perc  # type: ignore[no-any-return]
        if node.is_group:
            if node.children is None:
                return None
            vals = []
            for c in node.children:
                vals.append(self.perc(c))
                if c.perc is _UNKNOWN:
                    return None  # still being computed
            node.perc = perc_nodo(None, vals, None)  # a group row: the mean of its rows
            return node.perc  # type: ignore[no-any-return]
        if not self.perc_ready():
            if node.id not in self._wanted_ids:
                self._wanted_ids.add(node.id)  # type: ignore[arg-type]
                self._wanted.append(node)
            self._start_bulk()
            return None
        node.perc = self._compute_perc(node)
        return node.perc  # type: ignore[no-any-return]

    def _compute_wanted(self) -> None:
        """Fill the % of the rows painted so far (deferred mode), then repaint them."""
        wanted, self._wanted = self._wanted, []
        self._wanted_ids.clear()
        bulk = self._bulk()  # one whole-plan computation; later calls are cheap
        budget = None if bulk is not None else time.perf_counter() + 0.04
        touched: dict[int, tuple[_Node, int, int]] = {}  # parent id -> (parent, first, last row)
        for k, node in enumerate(wanted):
            if node.perc is not _UNKNOWN or not self._alive(node):
                continue
            if bulk is not None:
                node.perc = bulk.get(node.id)  # type: ignore[arg-type]
            else:
                node.perc = self._compute_perc(node)
            parent, row = node.parent, node.row()
            assert parent is not None
            seen = touched.get(id(parent))
            touched[id(parent)] = (parent, min(row, seen[1]), max(row, seen[2])) if seen \
                else (parent, row, row)  # type: ignore[assignment]
            if budget is not None and time.perf_counter() > budget:
                rest = wanted[k + 1:]
                self._wanted = rest + self._wanted
                self._wanted_ids.update(n.id for n in self._wanted if n.id is not None)
                self._perc_timer.start()
                break
        # one signal per group of siblings, not one per row; a signal costs the view up to
        # a millisecond (it looks the rows up): they are sent a few at a time between paints
        self._to_repaint.extend(touched.values())
        assert self._root.children is not None
        self._to_repaint.extend((self._root, g.row(), g.row()) for g in self._root.children
                                if g.perc is _UNKNOWN and g.children is not None)
        self._emit_repaints()

    def _alive(self, node: _Node) -> bool:
        """``node`` is still in the tree (not dropped by an edit or a reset)."""
        if node is self._root:
            return True
        if node.id is None:  # a group row
            return node in (self._root.children or [])
        return self._by_id.get(node.id) is node

    def _emit_repaints(self) -> None:
        budget = time.perf_counter() + 0.003
        col = self.column("perc")
        while self._to_repaint and not self.closed:
            parent, first, last = self._to_repaint.popleft()
            if parent.children is None or not self._alive(parent):
                continue  # gone meanwhile
            n = len(parent.children or [])
            first, last = min(first, n - 1), min(last, n - 1)
            if first < 0:
                continue
            pidx = self.index_of(parent)
            self.dataChanged.emit(self.index(first, col, pidx), self.index(last, col, pidx))
            if time.perf_counter() > budget:
                break
        if self._to_repaint and not self.closed:
            self._repaint_timer.start()

    def column(self, key: str) -> int:
        return next(i for i, c in enumerate(self.columns) if c.key == key)

    def late(self, node: _Node) -> bool:
        if node.is_group:
            return False
        if node.late is _UNKNOWN:
            self._load_late(node)
        return bool(node.late)

    def _load_late(self, node: _Node) -> None:
        """Late phases of ``node`` and of up to 100 siblings around it, in one query."""
        sibs = node.parent.children if node.parent is not None and node.parent.children else [node]
        start = max(node.row() - 20, 0) if node.parent is not None and node.parent.children else 0
        todo = [s for s in sibs[start:start + 100] if s.late is _UNKNOWN and s.id is not None]
        if node not in todo:
            todo.append(node)
        ids = [s.id for s in todo]
        marks = ",".join("?" * len(ids))
        today = date.today()
        late: set[int] = set()
        for f in self.ctx.archive.select(Fase, f"obiettivo_id IN ({marks})", ids):
            if f.obiettivo_id not in late and engine.fase_in_ritardo(f, today):
                late.add(f.obiettivo_id)
        for s in todo:
            s.late = s.id in late

    def sibling_weight_sum(self, node: _Node) -> Decimal | None:
        parent = node.parent
        if parent is None or not parent.children:
            return None
        if parent.wsum is _UNKNOWN:
            pesi = [s.obj.peso for s in parent.children if s.obj is not None and s.obj.peso is not None]
            parent.wsum = sum(pesi, Decimal(0)) if pesi else None
        return parent.wsum  # type: ignore[no-any-return]

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        role = int(role)
        node = index.internalPointer()
        ob = node.obj
        if ob is None:
            return self._group_data(node, self.columns[index.column()], role)
        if role not in _ROLES:
            return None
        col = self.columns[index.column()]
        key = col.key
        if role == R_DISPLAY or role == R_EDIT or role == R_SORT:
            if key == "perc":
                v = self.perc(node)
                if role == R_DISPLAY:
                    return format_percent(v) if v is not None else ""
                return float(v) if v is not None and role == R_SORT else v
            if role == R_DISPLAY:
                return self._display(node)[index.column()]
            v = getattr(ob, key)
            if role == R_SORT:
                return float(v) if isinstance(v, Decimal) else (v or "")
            return v
        if role == R_ALIGN:
            a = _ALIGN.get(key)
            return a if a is not None else int(col.alignment)
        if role == R_DECORATION:
            return livello_icon(str(ob.livello)) if key == "codice" else None
        if role == R_FG:
            if (key == "codice" or key == "titolo") and self.late(node):
                return _LATE_FG
            if key == "peso" and self._weights_wrong(node):
                return _WEIGHT_FG
            return None
        if role == R_BG:
            if key == "peso" and self._weights_wrong(node):
                return _WEIGHT_BG
            return None
        if role == R_TOOLTIP:
            return self._tooltip(node, col)
        if role == R_ID:
            return ob.id
        if role == R_KIND:
            return col.kind
        if role == R_LATE:
            return self.late(node)
        if role == R_RAMO:
            return str(ob.ramo)
        return None

    def _display(self, node: _Node) -> list[str]:
        """The record's display texts, formatted once per version of the record."""
        d = node.disp
        if d is None:
            ob = node.obj
            d = node.disp = [c.display(getattr(ob, c.key)) if c.kind != "computed" else ""
                             for c in self.columns]
        return d

    def multiData(self, index: _Index, roleDataSpan: Any) -> None:  # noqa: N803 - Qt's name
        """All the roles a delegate asks for a cell, in one call (instead of one per role)."""
        if not index.isValid():
            clear_roles(roleDataSpan)
            return
        node = index.internalPointer()
        ob = node.obj
        if ob is None:  # group rows: the general path
            answer_roles(self, index, roleDataSpan)
            return
        c = index.column()
        key = self.columns[c].key
        for rd in roleDataSpan:
            role = rd.role()
            if role == R_DISPLAY:
                if key == "perc":
                    p = self.perc(node)
                    rd.setData(format_percent(p) if p is not None else "")
                else:
                    rd.setData((node.disp or self._display(node))[c])
            elif role == R_ALIGN:
                rd.setData(_ALIGN[key])
            elif role == R_FG:
                if (key == "codice" or key == "titolo") and self.late(node):
                    rd.setData(_LATE_FG)
                elif key == "peso" and self._weights_wrong(node):
                    rd.setData(_WEIGHT_FG)
                else:
                    rd.clearData()
            elif role == R_BG:
                if key == "peso" and self._weights_wrong(node):
                    rd.setData(_WEIGHT_BG)
                else:
                    rd.clearData()
            elif role == R_DECORATION:
                if key == "codice":
                    rd.setData(livello_icon(str(ob.livello)))
                else:
                    rd.clearData()
            elif role not in _ROLES:  # font, check state...: not answered
                rd.clearData()
            else:
                set_role(rd, self.data(index, role))

    def _group_data(self, node: _Node, col: Column, role: int) -> Any:
        if role == R_DISPLAY:
            if col.key == "codice":
                return node.ramo.label  # type: ignore[union-attr]
            if col.key == "perc" and node.children is not None:
                v = self.perc(node)
                return format_percent(v) if v is not None else ""
            return ""
        if role == R_FONT:
            global _BOLD
            if _BOLD is None:
                _BOLD = QFont()
                _BOLD.setBold(True)
            return _BOLD
        if role == R_ALIGN:
            return _ALIGN[col.key]
        if role == R_RAMO:
            return str(node.ramo)
        if role == R_SORT:
            return 0 if node.ramo == Ramo.OBIETTIVI else 1
        return None

    def _weights_wrong(self, node: _Node) -> bool:
        s = self.sibling_weight_sum(node)
        return s is not None and s != CENTO

    def _tooltip(self, node: _Node, col: Column) -> str | None:
        ob = node.obj
        assert ob is not None
        if col.key == "peso":
            s = self.sibling_weight_sum(node)
            if s is None:
                return "Nessun peso assegnato a questo livello."
            msg = f"Somma dei pesi di questo livello: {format_decimal(s, 2, strip_zeros=True)} %"
            return msg + ("" if s == CENTO else " — dovrebbe essere 100 %.")
        lines = [f"{ob.codice} {ob.titolo}".strip(), Livello(ob.livello).label
                 if ob.livello in Livello._value2member_map_ else str(ob.livello)]
        if self.late(node):
            lines.append("⚠ Ha fasi in ritardo (scadenza passata, non completate).")
        return "\n".join(lines)

    # ------------------------------------------------------------------ editing

    def setData(self, index: _Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or not index.isValid():
            return False
        node = self.node(index)
        col = self.columns[index.column()]
        if node.is_group or not col.editable or node.obj is None:
            return False
        try:
            parsed = col.parse(value)
            if col.key == "titolo" and not parsed:
                raise InvalidInput("Il titolo dell'obiettivo non può essere vuoto.")
        except InvalidInput as exc:
            self.last_error = str(exc)
            self.ctx.hub.error.emit(str(exc))
            return False
        if getattr(node.obj, col.key) == parsed:
            return False
        return bool(self.ctx.push(SetFields(Obiettivo, node.obj.id, {col.key: parsed},
                                            label=f"Modifica {col.label.lower()}")))

    def supportedDropActions(self) -> Qt.DropAction:
        return Qt.DropAction.MoveAction

    def supportedDragActions(self) -> Qt.DropAction:
        return Qt.DropAction.MoveAction

    def mimeTypes(self) -> list[str]:
        return [MIME]

    def mimeData(self, indexes: list[QModelIndex]) -> QMimeData:
        ids = []
        for i in indexes:
            n = self.node(i)
            if n.id is not None and n.id not in ids:
                ids.append(n.id)
        data = QMimeData()
        data.setData(MIME, ",".join(map(str, ids)).encode())
        return data

    def canDropMimeData(self, data: QMimeData, action: Qt.DropAction, row: int, column: int,
                        parent: _Index) -> bool:
        return data.hasFormat(MIME) and not self.ctx.archive.readonly

    def dropMimeData(self, data: QMimeData, action: Qt.DropAction, row: int, column: int,
                     parent: _Index) -> bool:
        if not data.hasFormat(MIME) or self.ctx.archive.readonly:
            return False
        ids = [int(x) for x in bytes(data.data(MIME).data()).decode().split(",") if x]
        target = self.node(parent)
        if target is self._root:
            target = self.group(Ramo.OBIETTIVI)
        return self.move_ids(ids, target, row)

    def move_ids(self, ids: list[int], target: _Node, row: int = -1) -> bool:
        """Move objectives under ``target`` at ``row`` (-1 = at the end) as one undo step."""
        from ...store.edits import Batch

        parent_id = target.id
        ramo = str(target.ramo)
        excluded: set[int] = set()
        for oid in ids:
            if parent_id is not None and parent_id in self.ctx.archive.discendenti(oid, True):
                self.last_error = "Non si può spostare un obiettivo dentro sé stesso o un suo discendente."
                self.ctx.hub.error.emit(self.last_error)
                return False
            excluded.add(oid)
        siblings = self.ctx.archive.figli_ids(parent_id, ramo)
        pos = len(siblings) if row < 0 else row
        # positions counted without the moved rows themselves
        before = [s for s in siblings[:pos] if s in excluded]
        pos -= len(before)
        edits = []
        for k, oid in enumerate(ids):
            edits.append(MoveObiettivo(oid, parent_id, pos + k, ramo))
        edit = edits[0] if len(edits) == 1 else Batch(edits, f"Sposta {len(edits)} obiettivi")
        return bool(self.ctx.push(edit))

    # ------------------------------------------------------------------ changes

    def _invalidate_up(self, oid: int | None) -> None:
        """Drop the computed values of ``oid`` and its ancestors; repaint them."""
        node = self._by_id.get(oid) if oid is not None else None
        if node is None and oid is not None:
            ob = self.ctx.archive.obiettivo(oid)
            while ob is not None and node is None:
                ob = self.ctx.archive.obiettivo(ob.parent_id) if ob.parent_id else None
                node = self._by_id.get(ob.id) if ob is not None else None
        last = len(self.columns) - 1
        while node is not None and node is not self._root:
            node.perc = _UNKNOWN
            node.late = _UNKNOWN
            idx = self.index_of(node)
            self.dataChanged.emit(idx, idx.siblingAtColumn(last))
            node = node.parent

    def invalidate_all(self) -> None:
        """Drop every computed value (the year changed)."""
        for node in list(self._by_id.values()):
            node.perc = _UNKNOWN
            node.late = _UNKNOWN
        assert self._root.children is not None
        for g in self._root.children:
            g.perc = _UNKNOWN
        self._emit_all(self._root)

    def _emit_all(self, node: _Node) -> None:
        if not node.children:
            return
        last = len(self.columns) - 1
        first = self.index(0, 0, self.index_of(node))
        self.dataChanged.emit(first, first.sibling(len(node.children) - 1, last))
        for c in node.children:
            if c.children:
                self._emit_all(c)

    def _obiettivo_of(self, table: str, rid: int) -> int | None:
        arc = self.ctx.archive
        if table in ("fasi", "indicatori", "assegnazioni", "risorse"):
            row = arc.get({"fasi": Fase, "indicatori": Indicatore}.get(table, Fase), rid) \
                if table in ("fasi", "indicatori") else None
            return getattr(row, "obiettivo_id", None)
        if table == "misure":
            m = arc.get(Misura, rid)
            ind = arc.get(Indicatore, m.indicatore_id) if m else None
            return ind.obiettivo_id if ind else None
        if table in ("valutazioni",):
            return None
        return None

    def _on_changes(self, ch: Changes) -> None:
        if ch.reset:
            self.beginResetModel()
            self._build_groups()
            self.endResetModel()
            keep_out_of_gc(collect=True)  # the old tree is garbage now
            return
        structural = set(ch.inserted.get("obiettivi", set())) | set(ch.deleted.get("obiettivi", set()))
        upd = ch.updated.get("obiettivi", {})
        structural |= {oid for oid, fs in upd.items() if fs & {"parent_id", "posizione", "ramo"}}
        structural |= set(ch.moved)
        if structural:
            self._apply_structure(ch, structural)
        for oid, fields in upd.items():
            node = self._by_id.get(oid)
            if node is None:
                continue
            fresh = self.ctx.archive.obiettivo(oid)
            if fresh is None:
                continue
            node.obj = fresh
            node.disp = None
            idx = self.index_of(node)
            self.dataChanged.emit(idx, idx.siblingAtColumn(len(self.columns) - 1))
            if "peso" in fields and node.parent is not None and node.parent.children:
                node.parent.wsum = _UNKNOWN
                p_idx = self.index_of(node.parent)
                c = 2
                self.dataChanged.emit(self.index(0, c, p_idx),
                                      self.index(len(node.parent.children) - 1, c, p_idx))
        # computed values: only the touched objectives and their ancestors
        touched: set[int | None] = set()
        for table in ("fasi", "indicatori", "misure", "valutazioni"):
            for rid in set(ch.inserted.get(table, set())) | set(ch.updated.get(table, {})):
                touched.add(self._obiettivo_of(table, rid))
            if ch.deleted.get(table):
                touched.add(self.hint_obiettivo)
        if ch.touches("impostazioni"):
            self.invalidate_all()
            return
        touched |= structural
        for oid in touched:
            if oid is not None:
                self._invalidate_up(oid)
        if structural:
            assert self._root.children is not None
            for g in self._root.children:
                g.perc = _UNKNOWN

    def _apply_structure(self, ch: Changes, ids: set[int]) -> None:
        # the rows whose record may have changed (the others only shift: no re-read)
        self._fresh = set(ids) | set(ch.updated.get("obiettivi", {}))
        parents: list[_Node] = []

        def add_parent(n: _Node | None) -> None:
            if n is not None and n not in parents:
                parents.append(n)

        for oid in ids:
            node = self._by_id.get(oid)
            if node is not None:
                add_parent(node.parent)
            ob = self.ctx.archive.obiettivo(oid)
            if ob is not None:
                add_parent(self._by_id.get(ob.parent_id) if ob.parent_id is not None
                           else self.group(ob.ramo))
        # first removals everywhere, then insertions/moves (a node moving across parents)
        for p in parents:
            self._sync(p, removals_only=True)
        for p in parents:
            self._sync(p, removals_only=False)

    def _sync(self, parent: _Node, removals_only: bool) -> None:
        arc = self.ctx.archive
        if parent is not self._root and not parent.is_group and parent.id is not None and \
                arc.obiettivo(parent.id) is None:
            return  # the parent itself went away; its own parent handles it
        new_ids = arc.figli_ids(parent.id, parent.ramo) if not parent.is_group else \
            arc.figli_ids(None, parent.ramo)
        pidx = self.index_of(parent)
        if parent.children is None:
            # not fetched: only the expand arrow may change
            had = parent.n_children > 0
            parent.n_children = len(new_ids)
            if had != (parent.n_children > 0) and parent is not self._root:
                self.dataChanged.emit(pidx, pidx)
                if parent.n_children > 0:
                    # let views know the node can be expanded now
                    parent.children = None
            return
        keep = set(new_ids)
        kids = parent.children
        r = len(kids) - 1
        while r >= 0:
            if kids[r].id not in keep:
                self.beginRemoveRows(pidx, r, r)
                gone = kids.pop(r)
                self._forget(gone)
                self.endRemoveRows()
            r -= 1
        if not removals_only:
            for pos, oid in enumerate(new_ids):
                if pos < len(kids) and kids[pos].id == oid:
                    if oid in self._fresh:
                        kids[pos].obj = arc.obiettivo(oid)
                        kids[pos].disp = None
                    continue
                existing = next((k for k in kids if k.id == oid), None)
                if existing is not None:
                    src = kids.index(existing)
                    self.beginMoveRows(pidx, src, src, pidx, pos if pos < src else pos + 1)
                    kids.pop(src)
                    kids.insert(pos, existing)
                    self.endMoveRows()
                    existing.obj = arc.obiettivo(oid)
                    existing.disp = None
                else:
                    ob = arc.obiettivo(oid)
                    n = _Node(parent, ob, Ramo(ob.ramo), self._count_children(oid))
                    if self.all_loaded:
                        self._load_subtree(n)  # keep the whole tree cached (filters rely on it)
                    self.beginInsertRows(pidx, pos, pos)
                    kids.insert(pos, n)
                    self._by_id[oid] = n
                    if n.children:
                        self._register_tree(n.children)
                    self.endInsertRows()
        parent.n_children = len(kids)
        parent.wsum = _UNKNOWN
        if kids:
            self.dataChanged.emit(self.index(0, 2, pidx), self.index(len(kids) - 1, 2, pidx))
