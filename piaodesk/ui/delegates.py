"""Typed cell editors for every grid: dates, Italian decimals, enumerations, Sì/No.

Delegates read the cell's ``EditRole`` (native value) to fill the editor and hand
the editor's *text* (or the chosen native value) back with ``setData(EditRole)``;
the model parses and validates it (see :class:`~piaodesk.ui.models.columns.Column`)
and refuses invalid input with an Italian message. They know nothing about the store.

``TypedDelegate`` picks the editor from the cell's ``KindRole`` so one instance
serves a whole table; ``DateDelegate``, ``DecimalDelegate`` and ``EnumDelegate``
can also be set per column on models that do not provide ``KindRole``.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from PySide6.QtCore import QDate, QEvent, QModelIndex, QObject, QPersistentModelIndex, QPoint, Qt
from PySide6.QtGui import QAction, QIcon, QKeyEvent
from PySide6.QtWidgets import (
    QCalendarWidget,
    QComboBox,
    QLineEdit,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QWidget,
)

from ..domain.formats import format_date, parse_date
from .models.columns import ChoicesRole, KindRole

_INITIAL = "piaodesk_initial_index"  # the combo's index when the editor opened


class DateLineEdit(QLineEdit):
    """A line edit for ``gg/mm/aaaa`` with a calendar button (the calendar pops up on demand)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setPlaceholderText("gg/mm/aaaa")
        icon = self.style().standardIcon(QStyle.StandardPixmap.SP_FileDialogDetailedView)
        self._action = QAction(QIcon(icon), "Calendario", self)
        self._action.setToolTip("Scegli la data dal calendario")
        self._action.triggered.connect(self.show_calendar)
        self.addAction(self._action, QLineEdit.ActionPosition.TrailingPosition)
        self._calendar: QCalendarWidget | None = None

    def show_calendar(self) -> None:
        cal = QCalendarWidget(self)
        cal.setWindowFlags(Qt.WindowType.Popup)
        cal.setGridVisible(True)
        cal.setFirstDayOfWeek(Qt.DayOfWeek.Monday)
        current = parse_date(self.text())
        if current:
            cal.setSelectedDate(QDate(current.year, current.month, current.day))
        cal.clicked.connect(self._picked)
        cal.activated.connect(self._picked)
        cal.move(self.mapToGlobal(QPoint(0, self.height())))
        self._calendar = cal
        cal.show()

    def _picked(self, qd: QDate) -> None:
        self.setText(format_date(date(qd.year(), qd.month(), qd.day())))
        if self._calendar is not None:
            self._calendar.close()
            self._calendar = None
        self.setFocus()
        self.editingFinished.emit()


def _text_for(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return format_date(value)
    if isinstance(value, Decimal):
        return decimal_text(value)
    if isinstance(value, bool):
        return "Sì" if value else "No"
    return str(getattr(value, "label", value))


def decimal_text(value: Any) -> str:
    """Editor text of a native number: ``Decimal('1234.50')`` → ``1234,5``."""
    if value is None or value == "":
        return ""
    dec = value if isinstance(value, Decimal) else Decimal(str(value))
    text = format(dec.normalize(), "f")
    return text.replace(".", ",")


class TypedDelegate(QStyledItemDelegate):
    """One delegate for a whole table: the editor follows the cell's ``KindRole``."""

    def __init__(self, parent: QObject | None = None, kind: str | None = None) -> None:
        super().__init__(parent)
        self._kind = kind

    def kind(self, index: QModelIndex | QPersistentModelIndex) -> str:
        return self._kind or index.data(KindRole) or "text"

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem,
                     index: QModelIndex | QPersistentModelIndex) -> QWidget:
        kind = self.kind(index)
        if kind == "date":
            return DateLineEdit(parent)
        if kind in ("enum", "choice", "bool"):
            combo = QComboBox(parent)
            choices = index.data(ChoicesRole) or []
            if kind == "bool" and not choices:
                choices = [("No", False), ("Sì", True)]
            for label, value in choices:
                combo.addItem(label, value)
            return combo
        edit = QLineEdit(parent)
        if kind in ("decimal", "percent", "money", "int"):
            edit.setAlignment(Qt.AlignmentFlag.AlignRight)
            edit.setPlaceholderText("0,00" if kind != "int" else "")
        return edit

    def setEditorData(self, editor: QWidget, index: QModelIndex | QPersistentModelIndex) -> None:
        value = index.data(Qt.ItemDataRole.EditRole)
        kind = self.kind(index)
        if isinstance(editor, QComboBox):
            pos = editor.findData(value)
            if pos < 0 and value is not None:
                pos = editor.findText(_text_for(value))
            if pos < 0 and value is None:
                pos = editor.findData(None)  # a «(nessuna)» choice stands for the empty cell
            editor.setCurrentIndex(pos)  # -1 (nothing) when the cell holds no listed value
            editor.setProperty(_INITIAL, pos)
            return
        if isinstance(editor, QLineEdit):
            if editor.property("typed_first"):
                return  # type-to-edit: keep the key the user just typed
            if kind in ("decimal", "percent", "money", "int"):
                editor.setText(decimal_text(value))
            else:
                editor.setText(_text_for(value))

    def setModelData(self, editor: QWidget, model: Any, index: QModelIndex | QPersistentModelIndex) -> None:
        if isinstance(editor, QComboBox):
            # an untouched combo writes nothing (Tab through it once saved its first choice)
            if editor.currentIndex() < 0 or editor.currentIndex() == editor.property(_INITIAL):
                return
            model.setData(index, editor.currentData(), Qt.ItemDataRole.EditRole)
            return
        if isinstance(editor, QLineEdit):
            new = editor.text()
            if new == self._initial_text(index) and not editor.isModified():
                return
            model.setData(index, new, Qt.ItemDataRole.EditRole)

    def _initial_text(self, index: QModelIndex | QPersistentModelIndex) -> str:
        value = index.data(Qt.ItemDataRole.EditRole)
        if self.kind(index) in ("decimal", "percent", "money", "int"):
            return decimal_text(value)
        return _text_for(value)

    def updateEditorGeometry(self, editor: QWidget, option: QStyleOptionViewItem,
                             index: QModelIndex | QPersistentModelIndex) -> None:
        rect = option.rect
        if isinstance(editor, QComboBox):
            rect = rect.adjusted(0, 0, 0, 0)
            editor.setMinimumWidth(max(rect.width(), 120))
        editor.setGeometry(rect)

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if isinstance(event, QKeyEvent) and isinstance(obj, QWidget):
            ctrl = bool(event.modifiers() & Qt.KeyboardModifier.ControlModifier)
            vertical = event.key() in (Qt.Key.Key_Up, Qt.Key.Key_Down)
            if event.type() == QEvent.Type.ShortcutOverride and ctrl and (
                    vertical or event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_D)):
                event.accept()  # the grid's key, never a window shortcut (Ctrl+↓ moved the tree)
                return True
            if event.type() == QEvent.Type.KeyPress:
                fill = getattr(self.parent(), "fill_from_editor", None)
                if ctrl and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and \
                        fill is not None:
                    fill(obj)  # Ctrl+Enter: what is typed fills the selection
                    return True
                if ctrl and (vertical or event.key() == Qt.Key.Key_D):
                    return True  # inside the cell these mean nothing: never passed on
                # Enter in a combo or line edit commits (the view then moves down).
                if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                    self.commitData.emit(obj)
                    self.closeEditor.emit(obj, QStyledItemDelegate.EndEditHint.SubmitModelCache)
                    return True
        return super().eventFilter(obj, event)


class DateDelegate(TypedDelegate):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent, "date")


class DecimalDelegate(TypedDelegate):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent, "decimal")


class EnumDelegate(TypedDelegate):
    """Combo box of ``ChoicesRole`` (or of the members of ``enum`` given here)."""

    def __init__(self, parent: QObject | None = None, enum: Any = None) -> None:
        super().__init__(parent, "enum")
        self._enum = enum

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem,
                     index: QModelIndex | QPersistentModelIndex) -> QWidget:
        combo = QComboBox(parent)
        choices = index.data(ChoicesRole) or (
            [(m.label, m) for m in self._enum] if self._enum is not None else [])
        for label, value in choices:
            combo.addItem(label, value)
        return combo
