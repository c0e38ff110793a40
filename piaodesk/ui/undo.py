"""Undo/redo: one generic QUndoCommand over the store's reversible edits.

``EditCommand.redo()`` applies the edit to the plan file (one transaction) and
broadcasts the resulting :class:`Changes` on the :class:`ChangeHub`; every
model listens to the hub and refreshes only what changed.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoCommand

from ..store.archive import Archive
from ..store.changes import Changes
from ..store.edits import Edit


class ChangeHub(QObject):
    """Single broadcast point: every applied or reverted edit emits what it changed."""

    changed = Signal(object)  # Changes
    error = Signal(str)  # Italian message of an edit the store refused


class EditCommand(QUndoCommand):
    """One applied edit on the undo stack.

    The edit is applied *before* the command is pushed (see :meth:`AppContext.push`): a
    refused edit never reaches the stack. It used to be pushed and marked obsolete, and
    QUndoStack then deleted the C++ command under its live Python wrapper (the heap was
    corrupted and a later garbage collection crashed); it also cleared the redo stack and
    could leave an empty undo step.
    """

    def __init__(self, archive: Archive, edit: Edit, hub: ChangeHub, applied: Changes) -> None:
        super().__init__(edit.label)
        self._archive, self._edit, self._hub = archive, edit, hub
        self._pending: Changes | None = applied  # the first redo only announces the changes

    @property
    def edit(self) -> Edit:
        return self._edit

    def redo(self) -> None:
        if self._pending is not None:
            changes, self._pending = self._pending, None
            self._hub.changed.emit(changes)
            return
        try:
            changes = self._archive.apply(self._edit)
        except Exception as exc:  # the store rolled back: nothing half-written
            self._hub.error.emit(str(exc))
            return
        self._hub.changed.emit(changes)

    def undo(self) -> None:
        try:
            changes = self._archive.revert(self._edit)
        except Exception as exc:  # e.g. the lock was taken over: nothing written
            self._hub.error.emit(str(exc))
            return
        self._hub.changed.emit(changes)


def emit_reset(hub: ChangeHub) -> None:
    """Tell every view to reload (after opening a plan or a bulk import)."""
    hub.changed.emit(Changes.everything())
