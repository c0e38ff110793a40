"""What every window, view and dialog of the GUI receives: the open plan and its plumbing."""

from __future__ import annotations

import weakref
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QSettings
from PySide6.QtGui import QUndoStack

from ..store.archive import Archive
from ..store.changes import Changes
from ..store.edits import Edit
from .undo import ChangeHub, EditCommand

if TYPE_CHECKING:
    from .main_window import MainWindow


@dataclass
class Context:
    """The open plan (``archive``), its undo stack and change hub, the settings, the year shown.

    Handed to every window, view, dialog and extension action (``ctx: Context``).
    """

    archive: Archive
    stack: QUndoStack
    hub: ChangeHub
    settings: QSettings
    anno: int = 0
    current_obiettivo: int | None = None
    main_window: MainWindow | None = None  # None in tests and tools without a window
    extra: dict[str, Any] = field(default_factory=dict)  # per-feature state (e.g. the current round)

    def __post_init__(self) -> None:
        _STACKS.add(self.stack)

    def push(self, edit: Edit) -> bool:
        """Push an edit on the undo stack (it is applied at once); False if the store refused it."""
        try:
            changes = self.archive.apply(edit)
        except Exception as exc:  # refused (the store rolled back): no undo step, redo kept
            self.hub.error.emit(str(exc))
            return False
        self.stack.push(EditCommand(self.archive, edit, self.hub, changes, self.stack))
        return True

    @property
    def readonly(self) -> bool:
        return self.archive.readonly


#: the name used by older modules and docs
AppContext = Context


def changes_touch(ch: Changes, *tables: str) -> bool:
    return bool(ch.reset) or any(ch.touches(t) for t in tables)


#: every undo stack handed to a Context: see :func:`clear_undo_stacks`
_STACKS: weakref.WeakSet[QUndoStack] = weakref.WeakSet()


def clear_undo_stacks() -> None:
    """Empty every live undo stack while its commands are still alive.

    A QUndoStack without a parent is deleted when its Python wrapper is, and when that
    happens inside a garbage collection of a cycle (context ↔ views) the Python wrappers of
    its commands may already be gone: ~QUndoStack then touches freed memory and the process
    crashes much later. The main window's stack has the window as parent and is emptied when
    the window closes; contexts built without a window (tests, tools) call this when done.
    """
    for stack in list(_STACKS):
        try:
            stack.clear()
        except RuntimeError:  # its C++ object is already gone
            pass
