"""Issue 14 accidents outside the grids: Ctrl+Z in a form field undoes the plan's last edit;
Enter in «Verifica firme» verifies and never opens «Sfoglia…»."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QMessageBox

from piaodesk.ui.dialogs import firma as firma_mod
from piaodesk.ui.dialogs.firma import VerificaDialog
from piaodesk.ui.widgets.detail import ObiettivoForm

pytestmark = pytest.mark.ui


def _form(qtbot, ctx):
    form = ObiettivoForm(ctx)
    qtbot.addWidget(form)
    oid = next(o.id for o in ctx.archive.obiettivi() if o.codice == "PC.1")
    form.set_obiettivo(oid)
    form.show()
    return form, oid


def test_ctrl_z_in_a_form_field_undoes_the_saved_edit(qtbot, ctx):
    form, oid = _form(qtbot, ctx)
    before = ctx.archive.obiettivo(oid).titolo
    title = form.widgets["titolo"]
    title.setFocus()
    title.selectAll()
    qtbot.keyClicks(title, "Titolo scritto")
    qtbot.keyClick(title, Qt.Key.Key_Return)
    assert ctx.archive.obiettivo(oid).titolo == "Titolo scritto"
    # the cursor is still in the field: Ctrl+Z undoes the plan edit
    qtbot.keyClick(title, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert ctx.archive.obiettivo(oid).titolo == before
    assert title.text() == before
    qtbot.keyClick(title, Qt.Key.Key_Y, Qt.KeyboardModifier.ControlModifier)
    assert ctx.archive.obiettivo(oid).titolo == "Titolo scritto"


def test_ctrl_z_while_typing_undoes_the_typing_only(qtbot, ctx):
    form, oid = _form(qtbot, ctx)
    before = ctx.archive.obiettivo(oid).titolo
    note = form.widgets["note"]
    note.setFocus()
    qtbot.keyClicks(note, "abc")
    count = ctx.stack.count()
    qtbot.keyClick(note, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert "abc" not in note.toPlainText()
    assert ctx.stack.count() == count and ctx.archive.obiettivo(oid).titolo == before


def test_enter_in_verifica_verifies_instead_of_opening_sfoglia(qtbot, ctx, monkeypatch):
    opened: list[str] = []
    monkeypatch.setattr(QFileDialog, "getOpenFileName",
                        staticmethod(lambda *a, **k: (opened.append("sfoglia"), ("", ""))[1]))
    warned: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", staticmethod(lambda *a, **k: warned.append(a[2])))
    dlg = VerificaDialog(ctx)
    qtbot.addWidget(dlg)
    dlg.show()
    qtbot.waitExposed(dlg)
    dlg.pdf_edit.setFocus()
    qtbot.keyClick(dlg.pdf_edit, Qt.Key.Key_Return)
    assert opened == []
    assert warned and "PDF" in warned[0]  # «Verifica» ran: no PDF chosen yet
    _ = firma_mod
