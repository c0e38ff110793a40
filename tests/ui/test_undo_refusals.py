"""A refused edit never reaches the undo stack (no empty step, redo kept, one message), and
windowless undo stacks are emptied so that a later garbage collection cannot crash."""

from __future__ import annotations

from PySide6.QtCore import QSettings
from PySide6.QtGui import QUndoStack

from piaodesk.domain.model import Obiettivo
from piaodesk.store.edits import SetFields
from piaodesk.ui.context import _STACKS, Context, clear_undo_stacks
from piaodesk.ui.undo import ChangeHub


def test_refused_edit_leaves_no_step_and_keeps_redo(qtbot, demo, tmp_path):
    ctx = Context(demo, QUndoStack(), ChangeHub(), QSettings(str(tmp_path / "ui.ini"), QSettings.IniFormat))
    errors: list[str] = []
    ctx.hub.error.connect(errors.append)
    oid = next(o.id for o in demo.obiettivi() if o.codice == "PC.1")
    assert ctx.push(SetFields(Obiettivo, oid, {"titolo": "Nuovo titolo"}))
    ctx.stack.undo()
    assert ctx.stack.count() == 1 and ctx.stack.canRedo()
    assert not ctx.push(SetFields(Obiettivo, 987654, {"titolo": "x"}))  # no such row
    assert len(errors) == 1 and "987654" in errors[0]
    assert ctx.stack.count() == 1 and ctx.stack.canRedo()  # nothing pushed, redo still there
    ctx.stack.redo()
    assert demo.obiettivo(oid).titolo == "Nuovo titolo"
    # the stack is known and emptied on request (the tests' autouse fixture does it)
    assert ctx.stack in set(_STACKS)
    clear_undo_stacks()
    assert ctx.stack.count() == 0
