"""Windows that fit a 1366×768 screen with a taskbar (1366×700 for the window's content).

:func:`scorrevole` puts a dialog's content in a vertical scroll area and keeps its
buttons below it, always visible; :func:`adatta` resizes a window to what it
wants, within the screen.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QWidget

if TYPE_CHECKING:
    from PySide6.QtWidgets import QScrollArea

#: the content of a window on a 1366×768 screen with a taskbar and a title bar
SCHERMO = QSize(1366, 700)


def spazio_utile(widget: QWidget | None = None) -> QSize:
    """The room for a window's content: 1366×700 at most, less on a smaller screen."""
    screen = widget.screen() if widget is not None else QGuiApplication.primaryScreen()
    room = SCHERMO
    if screen is not None and QGuiApplication.platformName() != "offscreen":
        avail = screen.availableGeometry()  # less the taskbar; less a title bar and frame here
        room = room.boundedTo(QSize(max(avail.width() - 16, 320), max(avail.height() - 40, 240)))
    return room


def adatta(widget: QWidget, width: int, height: int) -> None:
    """``widget.resize(width, height)`` within the room on the screen."""
    room = spazio_utile(widget)
    widget.resize(min(width, room.width()), min(height, room.height()))


def scorrevole(dialog: QWidget, *sotto: QWidget) -> QScrollArea:
    """Move the content of ``dialog``'s layout into a vertical scroll area; the widgets
    ``sotto`` (the buttons) leave it and stay visible below. The dialog is then resized
    to its content's preferred size, within the screen."""
    # here, not at start-up: QStyle's and QScrollArea's Python types take milliseconds to make
    from PySide6.QtWidgets import QFrame, QScrollArea, QStyle, QVBoxLayout

    from .lazy import FitHolder

    lay = dialog.layout()
    assert lay is not None, "scorrevole() needs a dialog with its layout"
    for w in sotto:
        lay.removeWidget(w)
    margins = lay.contentsMargins()
    inner = QWidget()
    inner.setObjectName("contenuto_scorrevole")
    inner.setLayout(lay)  # takes the layout (and its widgets) from the dialog
    area = QScrollArea(dialog)
    area.setObjectName("area_scorrevole")
    area.setWidgetResizable(True)
    area.setFrameShape(QFrame.Shape.NoFrame)
    area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    holder = FitHolder(inner)
    area.setWidget(holder)
    outer = QVBoxLayout(dialog)
    outer.setContentsMargins(0, 0, 0, margins.bottom())
    outer.setSpacing(4)
    outer.addWidget(area, 1)
    for w in sotto:
        row = QVBoxLayout()
        row.setContentsMargins(margins.left(), 0, margins.right(), 0)
        row.addWidget(w)
        outer.addLayout(row)
    bar = dialog.style().pixelMetric(QStyle.PixelMetric.PM_ScrollBarExtent)
    # never narrower than the content (no horizontal scrolling), a scroll bar's room included
    dialog.setMinimumWidth(max(dialog.minimumWidth(), inner.minimumSizeHint().width() + bar + 2))
    want = inner.sizeHint()
    below = sum(w.sizeHint().height() + outer.spacing() for w in sotto) + margins.bottom()
    adatta(dialog, want.width() + bar + 2, want.height() + below)
    return area

