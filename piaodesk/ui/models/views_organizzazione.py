"""The organisation tree (area → settore → servizio/ufficio) as an editable Qt tree model over
:class:`~piaodesk.viste.organizzazione.OrganizzazioneProjection`.

Field edits refresh one row; insertions, deletions and moves (rare, tens of rows) are a model
reset, and the view restores expansion and selection by id.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractItemModel, QModelIndex, Qt, Signal

from ...domain.model import Unita
from ...store.changes import Changes
from ...viste.organizzazione import FIGLIO, OrganizzazioneProjection
from ...viste.tabella import Refused, sort_key
from ..context import Context
from .columns import ChoicesRole, ClipboardRole, IdRole, InvalidInput, KindRole, SortRole, UndoableEdits
from .flat_parts import Index, qt_column

__all__ = ["FIGLIO", "OrganizzazioneModel"]


class _Node:
    __slots__ = ("children", "id", "parent")

    def __init__(self, uid: int | None, parent: _Node | None) -> None:
        self.id = uid
        self.parent = parent
        self.children: list[_Node] = []


class OrganizzazioneModel(UndoableEdits, QAbstractItemModel):
    refused = Signal(str)

    def __init__(self, ctx: Context, parent: Any = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.projection = OrganizzazioneProjection(ctx.archive)
        self._specs = list(self.projection.columns())
        self._columns = [qt_column(c) for c in self._specs]
        self._root = _Node(None, None)
        self._by_id: dict[int, _Node] = {}
        self.projection.load_all()
        self._build()
        ctx.hub.changed.connect(self.on_changes)

    def columns(self) -> list[Any]:
        return self._columns

    @property
    def _unita(self) -> dict[int, Unita]:
        return self.projection.unita

    def _build(self) -> None:
        p = self.projection
        self._root = _Node(None, None)
        self._by_id = {}

        def add(parent: _Node, uid: int) -> None:
            node = self._by_id[uid] = _Node(uid, parent)
            parent.children.append(node)
            for kid in p.children.get(uid, ()):
                add(node, kid)

        for uid in p.children.get(None, ()):
            add(self._root, uid)

    def reload(self) -> None:
        self.beginResetModel()
        self.projection.load_all()
        self._build()
        self.endResetModel()

    def unita(self, uid: int) -> Unita | None:
        return self.projection.unita.get(uid)

    def index_of(self, uid: int, column: int = 0) -> QModelIndex:
        node = self._by_id.get(uid)
        if node is None or node.parent is None:
            return QModelIndex()
        return self.createIndex(node.parent.children.index(node), column, node)

    def _node(self, index: Index) -> _Node:
        return index.internalPointer() if index.isValid() else self._root

    def id_of(self, index: Index) -> int | None:
        return self._node(index).id

    def subtree(self, uid: int) -> list[int]:
        return self.projection.subtree(uid)

    # ------------------------------------------------------------ Qt API

    def index(self, row: int, column: int, parent: Index = QModelIndex()) -> QModelIndex:  # noqa: B008
        if not self.hasIndex(row, column, parent):
            return QModelIndex()
        return self.createIndex(row, column, self._node(parent).children[row])

    def parent(self, index: Index = QModelIndex()) -> QModelIndex:  # type: ignore[override]  # noqa: B008
        if not index.isValid():
            return QModelIndex()
        p = index.internalPointer().parent
        if p is None or p is self._root or p.parent is None:
            return QModelIndex()
        return self.createIndex(p.parent.children.index(p), 0, p)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        if parent.isValid() and parent.column() != 0:
            return 0
        return len(self._node(parent).children)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return len(self._columns)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole and \
                0 <= section < len(self._columns):
            return self._columns[section].label
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if not self.ctx.archive.readonly:
            base |= Qt.ItemFlag.ItemIsEditable
        return base

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        node: _Node = index.internalPointer()
        u = self.projection.unita.get(node.id)  # type: ignore[arg-type]
        if u is None:
            return None
        col = self._columns[index.column()]
        value = self.projection.value(u, col.key)
        if role == Qt.ItemDataRole.DisplayRole or role == ClipboardRole:
            return col.display(value)
        if role == Qt.ItemDataRole.EditRole:
            return value
        if role == SortRole:
            return sort_key(value)
        if role == IdRole:
            return node.id
        if role == KindRole:
            return col.kind
        if role == ChoicesRole:
            if col.kind == "enum" and col.enum is not None:
                return [(m.label, m) for m in col.enum]  # type: ignore[attr-defined]
            return list(col.choices()) if col.choices is not None else None
        if role == Qt.ItemDataRole.ToolTipRole and col.key == "nome":
            return u.nome
        return None

    # ------------------------------------------------------------ editing

    def build_edit(self, index: Index, value: Any) -> Any:
        """The edit of one cell (see ``UndoableEdits``); None when nothing changes."""
        u = self.projection.unita.get(self.id_of(index))  # type: ignore[arg-type]
        c = index.column()
        parsed = self._columns[c].parse(value)
        try:
            return self.projection.edit(u, self._specs[c], parsed)
        except Refused as exc:
            raise InvalidInput(str(exc)) from exc

    def add_unit(self, parent_id: int | None, after_id: int | None = None,
                 nome: str = "Nuova unità") -> int | None:
        """Insert a unit under ``parent_id`` (after ``after_id``, else last); return its id."""
        uid, edit = self.projection.add_edit(parent_id, after_id, nome)
        return uid if self.ctx.push(edit) else None

    def delete_unit(self, uid: int) -> bool:
        edit = self.projection.delete_edit(uid)
        return edit is not None and bool(self.ctx.push(edit))

    # ------------------------------------------------------------ changes

    def on_changes(self, ch: Changes) -> None:
        d = self.projection.apply(ch)
        if d.reset:
            self.reload()
            return
        keys = [c.key for c in self._columns]
        for uid, cols in d.changed.items():
            pos = range(len(keys)) if cols is None else [keys.index(k) for k in cols]
            if self.index_of(int(uid)).isValid():  # type: ignore[call-overload]
                self.dataChanged.emit(self.index_of(int(uid), min(pos)),  # type: ignore[call-overload]
                                      self.index_of(int(uid), max(pos)))  # type: ignore[call-overload]
