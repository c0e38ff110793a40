"""Matrice personale on the flat adapter: the cell helpers its view and tests use."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex

from ...viste.matrice import CELL, FIXED, MatriceProjection
from ..context import Context
from .flat import FlatTableModel
from .flat_parts import Index

__all__ = ["CELL", "FIXED", "MatriceModel"]


class MatriceModel(FlatTableModel):
    CELLS_ROW_NUMBERS = False  # (rows are people: the message names the cell)
    projection: MatriceProjection

    def __init__(self, ctx: Context, parent: Any = None) -> None:
        super().__init__(ctx, MatriceProjection(ctx.archive), parent)

    @property
    def lookup(self) -> Any:
        return self.projection.lookup

    @property
    def _row_of(self) -> dict[Any, int]:
        return self._pos

    def persona_id(self, row: int) -> int:
        return int(self._rows[row].key)

    def flag(self, pid: int) -> str | None:
        """'over' above 100 %, 'none' without any assignment, else None."""
        row = self.projection.row(pid)
        return row.flag if row is not None else None

    def index_of(self, pid: int, oid: int) -> QModelIndex:
        return self.index(self._pos[pid], self._col_pos[oid])  # type: ignore[index]

    def set_settore(self, settore_id: int | None) -> None:
        self.projection.set_settore(settore_id)
        self.refresh()

    def remove_assignments(self, indexes: list[Index]) -> bool:
        edit = self.projection.remove_edit(
            (self._rows[i.row()].key, self._columns[i.column()].key) for i in indexes)
        return edit is not None and bool(self.ctx.push(edit))

