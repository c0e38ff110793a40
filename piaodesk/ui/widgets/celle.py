"""Typed access to the cells of a :class:`QTableWidget`.

``QTableWidget.item()`` answers ``None`` for a cell without an item. The tables of the dialogs
fill every cell they later read, so a missing item there is a programming error: :func:`cella`
says so with the table, row and column instead of an ``AttributeError`` on ``None``.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QTableWidget, QTableWidgetItem


def cella(table: QTableWidget, row: int, col: int) -> QTableWidgetItem:
    """The item at (row, col); a cell without one raises :class:`LookupError`."""
    item = table.item(row, col)
    if item is None:
        raise LookupError(f"{table.objectName() or type(table).__name__}: nessun elemento alla riga {row}, "
                          f"colonna {col}")
    return item


def dato_cella(table: QTableWidget, row: int, col: int,
               role: Qt.ItemDataRole = Qt.ItemDataRole.UserRole) -> Any:
    """The data under ``role`` (the user role unless told) of the item at (row, col)."""
    return cella(table, row, col).data(role)
