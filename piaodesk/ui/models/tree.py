"""``ObiettiviTreeModel``: the objective tree shown in Qt.

The nodes, the filters, the year and the settore grouping are the projection's
(:class:`piaodesk.viste.albero.AlberoObiettivi`, no Qt); :class:`TreeAdapter` turns its
deltas into Qt's calls; :class:`PercService` owns the whole-plan % worker. This module
only says what a cell shows (texts, icons, colours, tooltips) and how edits and drops
become undoable store edits.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from PySide6.QtCore import QMimeData, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QIcon

from ...domain.enums import Ramo
from ...domain.formats import format_percent
from ...domain.model import Obiettivo
from ...paths import resource
from ...store.albero import LettoreAlbero
from ...store.changes import Changes
from ...store.edits import SetFields
from ...viste.albero import IGNOTO, AlberoObiettivi, Filtro
from ..context import Context
from .columns import Column, IdRole, InvalidInput, KindRole, SortRole
from .perc_service import PercService
from .tree_adapter import TreeAdapter

_Index = QModelIndex | QPersistentModelIndex
MIME = "application/x-piaodesk-obiettivi"
LateRole = Qt.ItemDataRole.UserRole + 10
RamoRole = Qt.ItemDataRole.UserRole + 11

COLUMNS = (
    Column("codice", "Codice", width=150),
    Column("titolo", "Titolo", width=320),
    Column("peso", "Peso", "percent", width=60),
    Column("perc", "% avanz.", "computed", editable=False, width=70,
           tooltip="Percentuale di avanzamento calcolata per l'anno selezionato"),
)
_F = Qt.ItemFlag
_F_BASE = _F.ItemIsEnabled | _F.ItemIsSelectable
_F_GROUP = _F_BASE | _F.ItemIsDropEnabled
_F_DRAG = _F_BASE | _F.ItemIsDragEnabled | _F.ItemIsDropEnabled
_F_EDIT = _F_DRAG | _F.ItemIsEditable
_R = Qt.ItemDataRole
R_DISPLAY, R_EDIT, R_DECORATION = int(_R.DisplayRole), int(_R.EditRole), int(_R.DecorationRole)
R_FONT, R_FG, R_BG = int(_R.FontRole), int(_R.ForegroundRole), int(_R.BackgroundRole)
R_TOOLTIP, R_ALIGN = int(_R.ToolTipRole), int(_R.TextAlignmentRole)
R_SORT, R_ID, R_KIND, R_LATE, R_RAMO = (int(SortRole), int(IdRole), int(KindRole), int(LateRole),
                                        int(RamoRole))
_ALIGN = tuple(int(c.alignment) for c in COLUMNS)
_KEYS = tuple(c.key for c in COLUMNS)
_ICONS: dict[str, QIcon] = {}
_BOLD: list[QFont] = []
WARN_FG = QColor("#b3261e")  # late text (was in ui/models/base.py, now removed)
_LATE_FG = QBrush(WARN_FG)
_WEIGHT_FG = QBrush(QColor("#b26a00"))
_WEIGHT_BG = QBrush(QColor("#fff4e0"))


def livello_icon(livello: str) -> QIcon:
    """Icon of a level (resources/icons/<livello>.svg), cached."""
    icon = _ICONS.get(livello)
    if icon is None:
        path = resource("icons", f"{livello}.svg")
        icon = _ICONS[livello] = QIcon(str(path)) if path.exists() else QIcon()
    return icon


def _bold() -> QFont:
    if not _BOLD:
        f = QFont()
        f.setBold(True)
        _BOLD.append(f)
    return _BOLD[0]


class ObiettiviTreeModel(TreeAdapter):
    def __init__(self, ctx: Context, parent: Any = None) -> None:
        anno = ctx.anno or ctx.archive.piano().anno_inizio
        super().__init__(AlberoObiettivi(LettoreAlbero(ctx.archive), anno), COLUMNS, parent)
        self.ctx = ctx
        self.last_error: str | None = None
        self._flags = tuple(_F_EDIT if c.editable else _F_DRAG for c in COLUMNS)
        self.perc_service = PercService(ctx.archive, self)
        self.perc_service.ready.connect(self._perc_ready)
        ctx.hub.changed.connect(self._on_changes)

    # -- the projection's state, as the window and the tests use it

    defer_perc = property(lambda self: self.proj.defer_perc,
                          lambda self, v: setattr(self.proj, "defer_perc", bool(v)))
    hint_obiettivo = property(lambda self: self.proj.hint,
                              lambda self, v: setattr(self.proj, "hint", v))
    fetch_count = property(lambda self: self.proj.fetch_count)
    all_loaded = property(lambda self: self.proj.all_loaded)
    perc_source = property(lambda self: self.perc_service.source)
    perc_adopted = property(lambda self: self.perc_service.adopted)

    def group(self, ramo: Ramo | str) -> Any:
        return self.proj.group(ramo)

    def node_by_id(self, oid: int) -> Any:
        return self.proj.by_id.get(oid)

    def index_of_id(self, oid: int, column: int = 0) -> QModelIndex:
        """Index of an objective, reading its ancestors' children if needed."""
        node = self.proj.by_id.get(oid)
        if node is None:
            chain = self.proj.lettore.antenati(oid)
            if not chain:
                return QModelIndex()
            top = self.proj.lettore.obiettivo(chain[-1])
            parent = self.proj.group(top.ramo)
            for cid in reversed(chain):
                self.ensure_fetched(parent)
                parent = next((c for c in parent.vis or [] if c.id == cid), None)
                if parent is None:
                    return QModelIndex()
            node = parent
        return self.index_of(node, column) if self.alive(node) else QModelIndex()

    def load_all(self) -> None:
        """Read the whole tree (a filter searches the nodes not expanded)."""
        if not self.proj.all_loaded:
            self.beginResetModel()
            self.proj.load_all()
            self.endResetModel()

    def set_filtro(self, filtro: Filtro) -> None:
        self.apply_delta(self.proj.set_filtro(filtro))

    def set_per_settore(self, on: bool) -> None:
        self.apply_delta(self.proj.set_per_settore(on))

    def set_per_missione(self, on: bool) -> None:
        self.apply_delta(self.proj.set_per_missione(on))

    def set_anno(self, anno: int) -> None:
        self.apply_delta(self.proj.set_anno(anno))

    def invalidate_all(self) -> None:
        """The year changed (``ctx.anno``): every % is dropped and repainted."""
        self.set_anno(self.ctx.anno or self.ctx.archive.piano().anno_inizio)

    def _on_changes(self, ch: Changes) -> None:
        if not self.closed:
            self.apply_delta(self.proj.apply(ch))

    # -- computed values

    def perc(self, node: Any) -> Decimal | None:
        v = self.proj.perc(node)
        if v is IGNOTO:
            if node.id is not None:
                self.perc_service.want(node, self.proj.anno)
            return None
        return v

    def _perc_ready(self, nodes: list[Any], force: bool) -> None:
        from ...viste.base import Delta

        delta = Delta()
        for n in nodes:
            if self.proj.perc(n, force=force) is IGNOTO:
                self.perc_service.want(n, self.proj.anno)  # another year meanwhile
            delta.change(n.key, {"perc"})
            up = n.parent
            while up is not None and up.id is None and up.ramo is not None:
                delta.change(up.key, {"perc"})  # the group's mean
                up = up.parent
        self.apply_delta(delta)

    def late(self, node: Any) -> bool:
        return self.proj.late(node)

    # -- cells

    def flags(self, index: _Index) -> Qt.ItemFlag:
        if not index.isValid():
            return _F.ItemIsDropEnabled
        if index.internalPointer().obj is None:
            return _F_GROUP
        return _F_BASE if self.ctx.archive.readonly else self._flags[index.column()]

    def cell(self, node: Any, c: int, role: int) -> Any:
        ob = node.obj
        key = _KEYS[c]
        if ob is None:  # a group row («Obiettivi») or a settore row
            if role == R_DISPLAY:
                if key == "codice":
                    return self.proj.label(node)
                if key == "perc" and node.settore is None and node.children is not None:
                    v = self.perc(node)
                    return format_percent(v) if v is not None else ""
                return ""
            if role == R_FONT:
                return _bold()
            if role == R_ALIGN:
                return _ALIGN[c]
            if role == R_RAMO:
                return str(node.ramo)
            if role == R_SORT:
                return 0 if node.ramo == Ramo.OBIETTIVI else 1
            return None
        if role == R_DISPLAY:
            if key == "perc":
                v = self.perc(node)
                return format_percent(v) if v is not None else ""
            d = node.disp
            if d is None:
                d = node.disp = [col.display(getattr(ob, col.key)) if col.kind != "computed" else ""
                                 for col in COLUMNS]
            return d[c]
        if role == R_ALIGN:
            return _ALIGN[c]
        if role == R_FG:
            if (c == 0 or c == 1) and self.proj.late(node):
                return _LATE_FG
            return _WEIGHT_FG if c == 2 and self.proj.weights_wrong(node) else None
        if role == R_BG:
            return _WEIGHT_BG if c == 2 and self.proj.weights_wrong(node) else None
        if role == R_DECORATION:
            return livello_icon(str(ob.livello)) if c == 0 else None
        if role in (R_EDIT, R_SORT):
            v = self.perc(node) if key == "perc" else getattr(ob, key)
            if role == R_SORT:
                return float(v) if isinstance(v, Decimal) else (v if v is not None else "")
            return v
        if role == R_TOOLTIP:
            return self.proj.tooltip(node, key)
        if role == R_ID:
            return ob.id
        if role == R_KIND:
            return COLUMNS[c].kind
        if role == R_LATE:
            return self.proj.late(node)
        if role == R_RAMO:
            return str(ob.ramo)
        return None

    # -- editing, drag and drop

    def setData(self, index: _Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or not index.isValid():
            return False
        node = self.node(index)
        col = COLUMNS[index.column()]
        if node.obj is None or not col.editable:
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

    supportedDragActions = supportedDropActions

    def mimeTypes(self) -> list[str]:
        return [MIME]

    def mimeData(self, indexes: Sequence[QModelIndex]) -> QMimeData:
        ids = list(dict.fromkeys(n.id for n in map(self.node, indexes) if n.id is not None))
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
        if target is self.proj.root or target.settore is not None:
            target = self.group(target.ramo or Ramo.OBIETTIVI)
        return self.move_ids(ids, target, row)

    def move_ids(self, ids: list[int], target: Any, row: int = -1) -> bool:
        """Move objectives under ``target`` at ``row`` (-1 = at the end) as one undo step."""
        edit = self.proj.spostamento(ids, target, row)
        if isinstance(edit, str):
            self.last_error = edit
            self.ctx.hub.error.emit(edit)
            return False
        return bool(self.ctx.push(edit))
