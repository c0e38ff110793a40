"""Filtering of the objective tree: settore, responsabile, anno, stato, text (recursive)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QSortFilterProxyModel

from .columns import SortRole
from .tree import ObiettiviTreeModel


@dataclass
class FiltroObiettivi:
    testo: str = ""
    unita_id: int | None = None
    responsabile_id: int | None = None
    anno: int | None = None
    stato: str | None = None
    solo_in_ritardo: bool = False

    def active(self) -> bool:
        return bool(self.testo.strip() or self.unita_id or self.responsabile_id or self.anno
                    or self.stato or self.solo_in_ritardo)


class ObiettiviFilterProxy(QSortFilterProxyModel):
    """Recursive filter: the parents of a match stay visible; children of a match are shown."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.filtro = FiltroObiettivi()
        self.setRecursiveFilteringEnabled(True)
        self.setAutoAcceptChildRows(True)
        self.setSortRole(SortRole)
        self.setDynamicSortFilter(False)

    def set_filtro(self, filtro: FiltroObiettivi) -> None:
        src = self.sourceModel()
        if filtro.active() and isinstance(src, ObiettiviTreeModel):
            src.load_all()  # search also the nodes not expanded yet
        if hasattr(self, "beginFilterChange"):
            self.beginFilterChange()
            self.filtro = filtro
            self.endFilterChange(QSortFilterProxyModel.Direction.Rows)
        else:  # Qt < 6.10
            self.filtro = filtro
            self.invalidateRowsFilter()

    def filterAcceptsRow(self, row: int, parent: QModelIndex | QPersistentModelIndex) -> bool:
        f = self.filtro
        if not f.active():
            return True
        src = self.sourceModel()
        assert isinstance(src, ObiettiviTreeModel)
        node = src.node(src.index(row, 0, parent))
        ob = node.obj
        if ob is None:
            return False  # group rows stay only when something below matches
        if f.testo.strip():
            needle = f.testo.strip().casefold()
            hay = f"{ob.codice} {ob.titolo} {ob.descrizione or ''}".casefold()
            if needle not in hay:
                return False
        if f.unita_id and ob.unita_id != f.unita_id and \
                f.unita_id not in src.ctx.archive.unita_condivise(ob.id):
            return False
        if f.responsabile_id and ob.responsabile_id != f.responsabile_id:
            return False
        if f.anno and ob.anni and f.anno not in ob.anni:
            return False
        if f.stato and (ob.stato or "") != f.stato:
            return False
        if f.solo_in_ritardo and not src.late(node):
            return False
        return True
