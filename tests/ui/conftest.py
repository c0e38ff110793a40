"""Fixtures of the GUI tests: the demo plan seen through a window-less context."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtGui import QUndoStack

from piaodesk.ui.context import Context
from piaodesk.ui.undo import ChangeHub


@pytest.fixture
def settings(tmp_path):
    """Window settings in the test's own folder (never the user's)."""
    return QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat)


@pytest.fixture
def ctx(qtbot, demo, tmp_path):
    """The demo plan with an undo stack and a change hub, year 2025 (a test module may
    define its own ``ctx``)."""
    return Context(demo, QUndoStack(), ChangeHub(),
                   QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat), anno=2025)
