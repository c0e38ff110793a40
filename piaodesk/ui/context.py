"""What every window, view and dialog of the GUI receives: the open plan and its plumbing."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QSettings
from PySide6.QtGui import QUndoStack

from ..store.archive import Archive
from ..store.changes import Changes
from ..store.edits import Edit
from .undo import ChangeHub, EditCommand


@dataclass
class Context:
    archive: Archive
    stack: QUndoStack
    hub: ChangeHub
    settings: QSettings
    anno: int = 0
    current_obiettivo: int | None = None
    main_window: Any = None
    extra: dict[str, Any] = field(default_factory=dict)

    def push(self, edit: Edit) -> bool:
        """Push an edit on the undo stack (it is applied at once); False if the store refused it."""
        cmd = EditCommand(self.archive, edit, self.hub)
        self.stack.push(cmd)
        return cmd.failed is None

    @property
    def readonly(self) -> bool:
        return self.archive.readonly


def changes_touch(ch: Changes, *tables: str) -> bool:
    return bool(ch.moved and -1 in ch.moved) or any(ch.touches(t) for t in tables)
