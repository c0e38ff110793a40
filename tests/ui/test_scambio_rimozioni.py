"""The import review dialog asks, with their number, before removing rows missing from the file."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from PySide6.QtCore import QSettings
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QMessageBox

from piaodesk.domain.model import Fase
from piaodesk.exchange.workbook import write_workbook
from piaodesk.ui.context import Context
from piaodesk.ui.dialogs.scambio import importa
from piaodesk.ui.undo import ChangeHub

pytestmark = pytest.mark.ui


def _workbook_without_two_phases(demo, tmp_path: Path) -> tuple[Path, list[int]]:
    out = tmp_path / "piano.xlsx"
    write_workbook(demo, out)
    wb = openpyxl.load_workbook(out)
    ws = wb["Fasi"]
    gone = [ws.cell(row=ws.max_row - k, column=1).value for k in range(2)]
    ws.delete_rows(ws.max_row - 1, 2)
    heads = {c.value: c.column for c in ws[1]}
    ws.cell(row=2, column=heads["Note"]).value = "nota scritta in Excel"
    wb.save(out)
    return out, gone


@pytest.mark.parametrize("answer,removed", [(QMessageBox.StandardButton.Yes, True),
                                            (QMessageBox.StandardButton.No, False)])
def test_removal_is_asked_with_the_count(qtbot, demo, tmp_path, monkeypatch, answer, removed):
    ctx = Context(demo, QUndoStack(), ChangeHub(),
                  QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat))
    path, gone = _workbook_without_two_phases(demo, tmp_path)
    dlg = importa(None, ctx, path, reimport=True)
    qtbot.addWidget(dlg)
    assert "2 righe del piano mancano nel file" in dlg.sommario.text()
    asked: list[str] = []

    def question(_parent, _title, text, *args, **kwargs):
        asked.append(text)
        return answer

    monkeypatch.setattr(QMessageBox, "question", question)
    dlg.importa.click()
    assert len(asked) == 1 and "2 righe del piano" in asked[0] and "le 2 righe" in asked[0]
    assert dlg.applied  # the note is imported either way
    assert all((demo.get(Fase, i) is None) == removed for i in gone)
    ctx.stack.undo()
    assert all(demo.get(Fase, i) is not None for i in gone)
