"""The organisation tree (area → settore → servizio/ufficio) as an editable Qt tree model.

Nodes are cached by id; values are read from the cached ``Unita`` rows. Field
edits refresh one row; insertions and deletions (rare, tens of rows) rebuild
the small cache inside a model reset, and the view restores expansion and
selection by id.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QPersistentModelIndex, Qt, Signal

from ...domain.enums import TipoUnita
from ...domain.model import Unita
from ...store.changes import Changes
from ...store.edits import DeleteRow, Edit, InsertRow, SetFields
from .columns import (
    ChoicesRole,
    ClipboardRole,
    Column,
    IdRole,
    InvalidInput,
    KindRole,
    SortRole,
    UndoableEdits,
)
from .views_base import sort_key

Index = QModelIndex | QPersistentModelIndex

#: the natural child type of each unit type
FIGLIO = {TipoUnita.AREA: TipoUnita.SETTORE, TipoUnita.SETTORE: TipoUnita.SERVIZIO,
          TipoUnita.SERVIZIO: TipoUnita.UFFICIO, TipoUnita.UFFICIO: TipoUnita.UFFICIO}


class _Node:
    __slots__ = ("id", "parent", "children")

    def __init__(self, uid: int | None, parent: _Node | None) -> None:
        self.id = uid
        self.parent = parent
        self.children: list[_Node] = []


class OrganizzazioneModel(UndoableEdits, QAbstractItemModel):
    refused = Signal(str)

    def __init__(self, ctx: Any, parent: Any = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.last_error: str | None = None
        self.error_count = 0
        self._root = _Node(None, None)
        self._by_id: dict[int, _Node] = {}
        self._unita: dict[int, Unita] = {}
        self._persone: list[tuple[str, Any]] = []
        self._columns: list[Column] = list(self.columns())
        self._load()
        ctx.hub.changed.connect(self.on_changes)

    def columns(self) -> Sequence[Column]:
        return (
            Column("nome", "Nome", width=420),
            Column("tipo", "Tipo", "enum", enum=TipoUnita, width=90),
            Column("codice", "Codice (CdR)", width=140),
            Column("responsabile_id", "Responsabile", "choice", width=220, choices=self.persone_choices),
        )

    def persone_choices(self) -> list[tuple[str, Any]]:
        if not self._persone:
            self._persone = [("(nessuno)", None)] + [
                (p.nominativo, p.id) for p in self.ctx.archive.persone()]
        return self._persone

    # ------------------------------------------------------------ cache

    def _load(self) -> None:
        self._root = _Node(None, None)
        self._by_id = {}
        rows = self.ctx.archive.unita()
        self._unita = {u.id: u for u in rows if u.id is not None}
        for u in rows:
            self._by_id[u.id] = _Node(u.id, None)  # type: ignore[index]
        for u in sorted(rows, key=lambda x: (x.posizione, x.id or 0)):
            node = self._by_id[u.id]  # type: ignore[index]
            parent = self._by_id.get(u.parent_id, self._root) if u.parent_id else self._root
            node.parent = parent
            parent.children.append(node)

    def reload(self) -> None:
        self.beginResetModel()
        self._persone = []
        self._load()
        self.endResetModel()

    def unita(self, uid: int) -> Unita | None:
        return self._unita.get(uid)

    def index_of(self, uid: int, column: int = 0) -> QModelIndex:
        node = self._by_id.get(uid)
        if node is None or node.parent is None:
            return QModelIndex()
        return self.createIndex(node.parent.children.index(node), column, node)

    def _node(self, index: Index) -> _Node:
        return index.internalPointer() if index.isValid() else self._root  # type: ignore[return-value]

    def id_of(self, index: Index) -> int | None:
        return self._node(index).id

    # ------------------------------------------------------------ Qt API

    def index(self, row: int, column: int, parent: Index = QModelIndex()) -> QModelIndex:  # noqa: B008
        if not self.hasIndex(row, column, parent):
            return QModelIndex()
        node = self._node(parent)
        return self.createIndex(row, column, node.children[row])

    def parent(self, index: Index = QModelIndex()) -> QModelIndex:  # type: ignore[override]  # noqa: B008
        if not index.isValid():
            return QModelIndex()
        node: _Node = index.internalPointer()
        p = node.parent
        if p is None or p is self._root:
            return QModelIndex()
        assert p.parent is not None
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

    def _value(self, u: Unita, col: Column) -> Any:
        v = getattr(u, col.key)
        if col.key == "tipo" and isinstance(v, str) and not isinstance(v, TipoUnita):
            return TipoUnita.from_text(v) or v
        return v

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        node: _Node = index.internalPointer()
        u = self._unita.get(node.id)  # type: ignore[arg-type]
        if u is None:
            return None
        col = self._columns[index.column()]
        value = self._value(u, col)
        if role == Qt.ItemDataRole.DisplayRole:
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
            if col.kind == "enum":
                return [(m.label, m) for m in TipoUnita]
            return self.persone_choices() if col.kind == "choice" else None
        if role == ClipboardRole:
            return col.display(value)
        if role == Qt.ItemDataRole.ToolTipRole and col.key == "nome":
            return u.nome
        return None

    # ------------------------------------------------------------ editing

    def build_edit(self, index: Index, value: Any) -> Edit | None:
        """The edit of one cell (see ``UndoableEdits``); None when nothing changes."""
        uid = self.id_of(index)
        u = self._unita.get(uid)  # type: ignore[arg-type]
        col = self._columns[index.column()]
        parsed = col.parse(value)
        if col.key == "nome" and not parsed:
            raise InvalidInput("Il nome dell'unità non può essere vuoto.")
        if u is None or self._value(u, col) == parsed:
            return None
        if col.key == "tipo":
            parsed = str(parsed)
        return SetFields(Unita, uid, {col.key: parsed},  # type: ignore[arg-type]
                         label=f"Modifica {col.label.lower()} dell'unità")

    def add_unit(self, parent_id: int | None, after_id: int | None = None,
                 nome: str = "Nuova unità") -> int | None:
        """Insert a unit under ``parent_id`` (after ``after_id``, else last); return its id."""
        parent = self._unita.get(parent_id) if parent_id else None
        tipo = FIGLIO.get(parent.tipo, TipoUnita.SERVIZIO) if parent else TipoUnita.SETTORE  # type: ignore[call-overload]
        siblings = [self._unita[n.id] for n in (self._by_id[parent_id].children if parent_id
                                                 else self._root.children)]  # type: ignore[index]
        # positions in real plans have gaps and ties: place by the stored values
        pos = max((x.posizione for x in siblings), default=-1) + 1
        after = self._unita.get(after_id) if after_id is not None else None
        if after is not None and after.parent_id == parent_id:
            pos = after.posizione + 1
        uid = self.ctx.archive.allocate_id(Unita)
        ok = self.ctx.push(InsertRow(Unita(id=uid, parent_id=parent_id, tipo=tipo, nome=nome,
                                           posizione=pos), label=f"Aggiungi unità «{nome}»"))
        return uid if ok else None

    def delete_unit(self, uid: int) -> bool:
        u = self._unita.get(uid)
        if u is None:
            return False
        return bool(self.ctx.push(DeleteRow(Unita, uid, label=f"Elimina unità «{u.nome}»")))

    def subtree(self, uid: int) -> list[int]:
        out, stack = [], [self._by_id[uid]]
        while stack:
            n = stack.pop()
            out.append(n.id)
            stack.extend(n.children)
        return out  # type: ignore[return-value]

    # ------------------------------------------------------------ changes

    def on_changes(self, ch: Changes) -> None:
        if ch.touches("persone"):
            self._persone = []
        if ch.reset or ch.inserted.get("unita") or ch.deleted.get("unita"):
            self.reload()
            return
        for uid, fields in ch.updated.get("unita", {}).items():
            u = self.ctx.archive.get(Unita, uid)
            if u is None:
                continue
            if {"parent_id", "posizione"} & fields:
                self.reload()
                return
            self._unita[uid] = u
            idx = self.index_of(uid)
            if idx.isValid():
                self.dataChanged.emit(idx, self.index_of(uid, len(self._columns) - 1))
        if ch.updated.get("persone") or ch.deleted.get("persone"):
            for uid in list(self._unita):
                if self._unita[uid].responsabile_id is not None:
                    idx = self.index_of(uid, 3)
                    self.dataChanged.emit(idx, idx)
