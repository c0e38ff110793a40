"""Undo and redo are file-first and alike (issue 13 §3): when the file write fails, the undo
stack's index is put back where the file is and the person reads one Italian message."""

from __future__ import annotations

from PySide6.QtCore import QSettings
from PySide6.QtGui import QUndoStack

from piaodesk.domain.model import Obiettivo
from piaodesk.store.archive import Archive
from piaodesk.store.db import PlanError
from piaodesk.store.edits import SetFields
from piaodesk.ui.context import Context
from piaodesk.ui.undo import ChangeHub


def _titolo_nel_file(path, oid: int) -> str:
    with Archive.open(path, readonly=True) as other:
        return other.obiettivo(oid).titolo


def _ctx(demo, tmp_path) -> Context:
    return Context(demo, QUndoStack(), ChangeHub(),
                   QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat))


def _refuse(*_args, **_kwargs):
    raise PlanError("Disco pieno: la modifica è stata annullata, il piano è intatto.")


def test_failed_undo_puts_the_index_back_and_says_so(qtbot, demo, tmp_path, monkeypatch):
    ctx = _ctx(demo, tmp_path)
    errors: list[str] = []
    ctx.hub.error.connect(errors.append)
    oid = next(o.id for o in demo.obiettivi() if o.codice == "PC.1")
    old = demo.obiettivo(oid).titolo
    assert ctx.push(SetFields(Obiettivo, oid, {"titolo": "Primo"}))
    assert ctx.push(SetFields(Obiettivo, oid, {"titolo": "Secondo"}))
    monkeypatch.setattr(demo, "revert", _refuse)
    ctx.stack.undo()
    qtbot.waitUntil(lambda: len(errors) == 1)
    qtbot.wait(20)
    assert ctx.stack.index() == 2  # the file still holds the edit: so does the stack
    assert _titolo_nel_file(demo.path, oid) == "Secondo"
    assert len(errors) == 1 and errors[0].startswith("Impossibile annullare") and "Disco pieno" in errors[0]
    # a jump of several steps (the history list) stops at the failed one
    ctx.stack.setIndex(0)
    qtbot.waitUntil(lambda: len(errors) == 2)
    qtbot.wait(20)
    assert ctx.stack.index() == 2 and _titolo_nel_file(demo.path, oid) == "Secondo"
    monkeypatch.undo()
    ctx.stack.undo()  # works again, and the edit is reverted once (not twice)
    assert ctx.stack.index() == 1 and _titolo_nel_file(demo.path, oid) == "Primo"
    ctx.stack.undo()
    assert ctx.stack.index() == 0 and _titolo_nel_file(demo.path, oid) == old


def test_failed_redo_puts_the_index_back_and_says_so(qtbot, demo, tmp_path, monkeypatch):
    ctx = _ctx(demo, tmp_path)
    errors: list[str] = []
    ctx.hub.error.connect(errors.append)
    oid = next(o.id for o in demo.obiettivi() if o.codice == "PC.1")
    old = demo.obiettivo(oid).titolo
    assert ctx.push(SetFields(Obiettivo, oid, {"titolo": "Primo"}))
    ctx.stack.undo()
    assert _titolo_nel_file(demo.path, oid) == old
    monkeypatch.setattr(demo, "apply", _refuse)
    ctx.stack.redo()
    qtbot.waitUntil(lambda: len(errors) == 1)
    qtbot.wait(20)
    assert ctx.stack.index() == 0 and ctx.stack.canRedo()
    assert _titolo_nel_file(demo.path, oid) == old
    assert errors[0].startswith("Impossibile ripetere")
    monkeypatch.undo()
    ctx.stack.redo()
    assert ctx.stack.index() == 1 and _titolo_nel_file(demo.path, oid) == "Primo"
