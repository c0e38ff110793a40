"""Adding and deleting rows of a flat grid (Persone, aliases, objective grids): the part of
an editable grid beyond cell edits. A mixin of :class:`~.flat.FlatTableModel` subclasses:
the projection says what a new row is (``new_row``) and how rows go (``delete_edit``);
every change is one undoable step pushed on the stack."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import Qt

from ...store.edits import Batch, Edit, InsertRow
from .columns import READONLY_MESSAGE
from .flat import FlatTableModel


class FlatGridModel(FlatTableModel):
    """A :class:`FlatTableModel` whose rows can be added and deleted (``ExcelTableView``'s
    Ctrl+Ins, Ctrl+Canc and pasting below the last row)."""

    #: (a check box column is edited through CheckStateRole)
    EDIT_ROLES = frozenset({int(Qt.ItemDataRole.EditRole), int(Qt.ItemDataRole.CheckStateRole)})

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        #: asked before deleting rows (the view may show a dialog); True = go ahead
        self.confirm_delete: Callable[[list[Any]], bool] = lambda rows: True
        super().__init__(*args, **kwargs)

    def insert_row(self, position: int) -> bool:
        if self._plan_readonly():
            return self._refuse(READONLY_MESSAGE)
        obj = self.projection.new_row(position)
        if obj is None:
            return False
        return bool(self.ctx.push(InsertRow(obj, label=f"Aggiungi {self.projection.ROW_LABEL}")))

    def append_rows(self, n: int) -> bool:
        if self._plan_readonly():
            return self._refuse(READONLY_MESSAGE)
        edits: list[Edit] = []
        for k in range(n):
            obj = self.projection.new_row(len(self._rows) + k)
            if obj is None:
                return False
            edits.append(InsertRow(obj, label=f"Aggiungi {self.projection.ROW_LABEL}"))
        return bool(edits) and bool(self.ctx.push(Batch(edits, f"Aggiungi {n} righe")))

    def remove_rows(self, rows: Sequence[int]) -> bool:
        if self._plan_readonly():
            return self._refuse(READONLY_MESSAGE)
        objs = [self._rows[r] for r in sorted(set(rows)) if 0 <= r < len(self._rows)]
        if not objs or not self.confirm_delete(objs):
            return False
        edit = self.projection.delete_edit(objs)
        return edit is not None and bool(self.ctx.push(edit))

    def begin_macro(self, label: str) -> None:
        """Group the next pushes in one undo step (a paste that adds rows and fills them)."""
        self.ctx.stack.beginMacro(label)

    def end_macro(self) -> None:
        self.ctx.stack.endMacro()
