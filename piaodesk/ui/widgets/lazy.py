"""Tabs built on first show, and views that sleep while hidden.

A :class:`LazyTab` sits in the main window's tab bar in place of a plan-wide view
(Scadenze, Indicatori, Gantt, Monitoraggio …) and calls the view's factory only
the first time its tab is shown, so opening a 10.000-objective plan reads just
the objective tree.

Once built, the view listens to a :class:`GatedHub` instead of the window's
:class:`~piaodesk.ui.undo.ChangeHub`: while the tab is visible every change is
passed on at once; while it is hidden the changes are only collected (the view
is *dirty*) and handed over, merged into one record, when the tab is shown
again. A hidden view therefore never recomputes on an edit made elsewhere.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QEvent, QObject, QSize, Qt, Signal
from PySide6.QtGui import QHideEvent, QResizeEvent, QShowEvent
from PySide6.QtWidgets import QLabel, QScrollArea, QVBoxLayout, QWidget

from ...store.changes import Changes

#: beyond this many touched rows a merged record becomes a plain «reload everything»
MAX_MERGED_ROWS = 500


def reset_changes() -> Changes:
    """The record that tells a view to reload everything (see ``undo.emit_reset``)."""
    return Changes.everything()


def merge_pending(records: list[Changes]) -> Changes | None:
    """One record equivalent to ``records`` applied in order, or a reset when that is unsafe.

    Rows inserted and deleted while hidden cancel out; an update of a row deleted
    later is dropped; a row deleted and then inserted again (undo of a delete) or
    too many rows make a reset, which every view handles by reloading.
    """
    if not records:
        return None
    out = Changes()
    for ch in records:
        if ch.reset:
            return reset_changes()
        for table, ids in ch.inserted.items():
            gone = out.deleted.get(table, set())
            if gone & ids:
                return reset_changes()  # deleted then restored: contents may differ
            out.inserted.setdefault(table, set()).update(ids)
        for table, rows in ch.updated.items():
            for rid, fields in rows.items():
                out.add_update(table, rid, fields)
        for table, ids in ch.deleted.items():
            new = out.inserted.get(table, set())
            born_here = ids & new
            if born_here:  # inserted and deleted while hidden: the view never saw it
                new -= born_here
                if not new:
                    out.inserted.pop(table, None)
            rest = ids - born_here
            upd = out.updated.get(table)
            if upd is not None:
                for rid in ids:
                    upd.pop(rid, None)
                if not upd:
                    out.updated.pop(table, None)
            if rest:
                out.deleted.setdefault(table, set()).update(rest)
        out.moved |= ch.moved
        out.owners |= ch.owners
    size = sum(len(v) for v in out.inserted.values()) + sum(len(v) for v in out.updated.values()) \
        + sum(len(v) for v in out.deleted.values()) + len(out.moved)
    if size > MAX_MERGED_ROWS:
        return reset_changes()
    return out if out else None


class GatedHub(QObject):
    """A stand-in for the window's hub: passes changes on while open, collects them while closed."""

    changed = Signal(object)  # Changes
    error = Signal(str)

    def __init__(self, hub: Any, parent: QObject | None = None, collect: bool = True) -> None:
        super().__init__(parent)
        self._open = False
        self._pending: list[Changes] = []
        #: False while there is no view to catch up (a tab not built yet reads the plan as it
        #: is when built): records are then dropped, not kept (a «Rileva i valori» names
        #: 50.000 rows; kept by every tab never opened, the memory grew at each step)
        self.collect = collect
        self.delivered = 0  # records passed on (tests, diagnostics)
        hub.changed.connect(self._on_changed)
        hub.error.connect(self.error)

    @property
    def dirty(self) -> bool:
        return bool(self._pending)

    @property
    def is_open(self) -> bool:
        return self._open

    def _on_changed(self, ch: Changes) -> None:
        if self._open:
            self.delivered += 1
            self.changed.emit(ch)
        elif self.collect:
            self._pending.append(ch)

    def open(self) -> None:
        """Start passing changes on, after handing over (merged) what was collected."""
        self._open = True
        self.flush()

    def close(self) -> None:
        self._open = False

    def flush(self) -> None:
        merged = merge_pending(self._pending)
        self._pending = []
        if merged is not None:
            self.delivered += 1
            self.changed.emit(merged)


class ViewContext:
    """The window's :class:`~piaodesk.ui.context.Context` seen through a :class:`GatedHub`.

    Everything else (archive, stack, anno, current_obiettivo, ``push``) is the
    window's own, read and written through; ``push`` applies edits on the real hub.
    """

    __slots__ = ("_ctx", "hub")

    def __init__(self, ctx: Any, hub: GatedHub) -> None:
        object.__setattr__(self, "_ctx", ctx)
        object.__setattr__(self, "hub", hub)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._ctx, name)

    def __setattr__(self, name: str, value: Any) -> None:
        setattr(self._ctx, name, value)


class FitHolder(QWidget):
    """Holds one view inside a scroll area, sized to the visible area and never below the
    view's minimum size (then the area scrolls).

    A view whose layout has word-wrapped labels answers «height for width» with its
    *preferred* height (three text boxes at 190 px each…), and a scroll area takes
    that as the least height: the tab scrolled on a 768-px screen although the view
    could shrink. This holder has no layout and no height-for-width, so only the
    view's minimum size counts.
    """

    def __init__(self, view: QWidget, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.inner = view
        view.setParent(self)
        view.installEventFilter(self)

    def minimumSizeHint(self) -> QSize:
        return self.inner.minimumSizeHint().expandedTo(self.inner.minimumSize())

    def sizeHint(self) -> QSize:
        return self.minimumSizeHint()

    def hasHeightForWidth(self) -> bool:
        return False

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.inner.setGeometry(self.rect())

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.inner and event.type() == QEvent.Type.LayoutRequest:
            self.updateGeometry()  # the view's minimum may have changed
        return False


class LazyTab(QWidget):
    """A tab page that builds its view (``factory(ctx, parent)``) the first time it is shown."""

    built = Signal(object)  # the view widget

    def __init__(self, ctx: Any, factory: Callable[[Any, Any], Any], title: str,
                 object_name: str | None = None, parent: QWidget | None = None,
                 on_error: Callable[[str], None] | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.factory = factory
        self.title = title
        self.view_object_name = object_name
        self.view: QWidget | None = None
        self.error: str | None = None
        self.gate = GatedHub(ctx.hub, self, collect=False)  # (collects once the view is built)
        self._on_error = on_error
        self._lay = QVBoxLayout(self)
        self._lay.setContentsMargins(0, 0, 0, 0)
        self.placeholder = QLabel(f"«{title}»: la vista si apre alla prima visualizzazione…", self)
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.placeholder.setStyleSheet("color: #6b7280;")
        self._lay.addWidget(self.placeholder)

    @property
    def is_built(self) -> bool:
        return self.view is not None

    @property
    def dirty(self) -> bool:
        return self.gate.dirty

    def ensure(self) -> QWidget | None:
        """Build the view now (if not yet); None when its factory failed."""
        if self.view is not None or self.error is not None:
            return self.view
        holder = QScrollArea(self)
        holder.setWidgetResizable(True)
        holder.setFrameShape(QScrollArea.Shape.NoFrame)
        try:
            view = self.factory(ViewContext(self.ctx, self.gate), holder)
        except Exception as exc:  # noqa: BLE001 - a broken view must not stop the editor
            holder.deleteLater()
            self.error = f"Vista «{self.title}» non disponibile: {exc}"
            self.placeholder.setText(self.error)
            if self._on_error is not None:
                self._on_error(self.error)
            return None
        if self.view_object_name:
            view.setObjectName(self.view_object_name)
        # a scroll area keeps a wide view from imposing its minimum width on the window
        holder.setWidget(FitHolder(view))
        self.placeholder.hide()
        self._lay.addWidget(holder)
        if self.isVisible():
            holder.show()  # (a layout would show it only later, from the event loop)
        self.view = view
        # the view was built from the plan as it is now: what was collected is already in it
        self.gate._pending = []
        self.gate.collect = True
        if self.isVisible():
            self.gate.open()
        self.built.emit(view)
        return view

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self.view is None:
            self.ensure()
        if self.view is not None:
            self.gate.open()

    def hideEvent(self, event: QHideEvent) -> None:
        super().hideEvent(event)
        self.gate.close()
