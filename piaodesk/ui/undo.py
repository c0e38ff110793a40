"""Undo/redo: one generic QUndoCommand over the store's reversible edits.

``EditCommand.redo()`` applies the edit to the plan file (one transaction) and
broadcasts the resulting :class:`Changes` on the :class:`ChangeHub`; every
model listens to the hub and refreshes only what changed.
"""

from __future__ import annotations

import weakref

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QUndoCommand, QUndoStack

from ..store.archive import Archive
from ..store.changes import Changes
from ..store.edits import Edit


class ChangeHub(QObject):
    """Single broadcast point: every applied or reverted edit emits what it changed."""

    changed = Signal(object)  # Changes
    error = Signal(str)  # Italian message of an edit the store refused


class _Guard:
    """Per undo stack: a step whose file write failed stops the rest of that jump.

    QUndoStack moves its index *after* calling undo()/redo() and cannot be told that a
    step failed. So a failed step (and any later step of the same jump, e.g. a click in
    the history list) leaves the file as it is and marks itself to be skipped; right
    after, the index is put back where the file is, and the person reads one message.
    """

    def __init__(self) -> None:
        self.failed = False


def _guard(stack: QUndoStack) -> _Guard:
    g = _GUARDS.get(stack)
    if g is None:
        g = _GUARDS[stack] = _Guard()
    return g


_GUARDS: weakref.WeakKeyDictionary[QUndoStack, _Guard] = weakref.WeakKeyDictionary()


class EditCommand(QUndoCommand):
    """One applied edit on the undo stack.

    The edit is applied *before* the command is pushed (see :meth:`AppContext.push`): a
    refused edit never reaches the stack. It used to be pushed and marked obsolete, and
    QUndoStack then deleted the C++ command under its live Python wrapper (the heap was
    corrupted and a later garbage collection crashed); it also cleared the redo stack and
    could leave an empty undo step.

    Undo and redo are file-first and alike: the file is written, then the views are told;
    if the write fails (lock taken over, read-only, disk full), nothing is written, the
    stack's index is put back to match the file and one Italian message says so.
    """

    def __init__(self, archive: Archive, edit: Edit, hub: ChangeHub, applied: Changes,
                 stack: QUndoStack | None = None) -> None:
        super().__init__(edit.label)
        self._archive, self._edit, self._hub, self._stack = archive, edit, hub, stack
        self._pending: Changes | None = applied  # the first redo only announces the changes
        self._skip = False  # the next undo/redo is the index being put back: nothing to write

    @property
    def edit(self) -> Edit:
        return self._edit

    def redo(self) -> None:
        if self._pending is not None:
            changes, self._pending = self._pending, None
            self._hub.changed.emit(changes)
            return
        self._step(redo=True)

    def undo(self) -> None:
        self._step(redo=False)

    def _step(self, *, redo: bool) -> None:
        if self._skip:
            self._skip = False
            return
        guard = _guard(self._stack) if self._stack is not None else None
        if guard is not None and guard.failed:  # a previous step of this jump failed
            self._skip = True
            return
        try:
            changes = (self._archive.apply if redo else self._archive.revert)(self._edit)
        except Exception as exc:  # noqa: BLE001 - any failed write is told; the store rolled back
            self._failed(exc, redo=redo, guard=guard)
            return
        self._hub.changed.emit(changes)

    def _failed(self, exc: Exception, *, redo: bool, guard: _Guard | None) -> None:
        what = "ripetere" if redo else "annullare"
        message = f"Impossibile {what} «{self._edit.label}»: {exc}"
        if self._stack is None or guard is None:
            self._hub.error.emit(message)
            return
        guard.failed = True
        self._skip = True
        stack = self._stack
        pos = next((k for k in range(stack.count()) if stack.command(k) is self), None)
        target = None if pos is None else (pos if redo else pos + 1)

        def put_back() -> None:
            # after QUndoStack has moved its index: move it back where the file is
            guard.failed = False
            try:
                if target is not None and stack.index() != target:
                    stack.setIndex(target)
            except RuntimeError:  # the stack is gone meanwhile
                pass
            self._hub.error.emit(message)

        QTimer.singleShot(0, put_back)


def emit_reset(hub: ChangeHub) -> None:
    """Tell every view to reload (after opening a plan or a bulk import)."""
    hub.changed.emit(Changes.everything())
