"""Long work split into slices of a few milliseconds run between events.

A view that must read and build 40.000 rows would freeze the window for a second
or two. Written as a generator that yields a percentage after each short step, the
work is driven by a :class:`SliceRunner`: each slice runs steps for about
``slice_s`` seconds, then returns to the event loop (paints, clicks, typing), and
the next slice follows at once.

The one garbage-collector policy of the program lives here (issue 13): while a sliced load
runs, full (generation 2) collections are postponed — a load allocates tens of thousands of
long-lived rows, and a full collection landing in a slice froze it for 100–200 ms. Nothing is
frozen or made immortal (a process-wide ``freeze`` kept deleted rows alive until the next
unfreeze): the thresholds come back when the last load ends, and collection goes on as usual.
What keeps the full collections short afterwards is the data, not a policy: the projections
keep their rows and caches as exact tuples of plain values, which the collector does not track
(:func:`piaodesk.viste.base.plain`; on the 10.000-objective plan the tracked objects with the
plan-wide tabs open fell from about 390.000 to 110.000).

One more step, once, at start-up (:func:`freeze_startup`): the modules, classes and functions
imported before any plan is open (about 31.000 tracked objects, a fifth of what a full collection
walks with every tab open) live as long as the process, so they are moved out of the
collector's generations with ``gc.freeze`` right before the first plan opens. That freeze holds
no plan data by construction: it refuses while any :class:`~piaodesk.store.archive.Archive` is
alive, runs at most once, and nothing ever unfreezes (what a plan builds later is collected as
usual; the old defect was freezing and unfreezing around loads, which froze the plan's rows).
"""

from __future__ import annotations

import contextlib
import gc
import time
from collections.abc import Callable, Iterator
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal

_ACTIVE: set[int] = set()  # the runners loading now
_SAVED: tuple[int, int, int] | None = None


def _loading(runner: object, on: bool) -> None:
    _loading_key(id(runner), on)


def _loading_key(key: int, on: bool) -> None:
    """Postpone full collections while any runner loads; restore the thresholds after the last."""
    global _SAVED
    if on and key not in _ACTIVE:
        if not _ACTIVE:
            _SAVED = gc.get_threshold()
            gc.set_threshold(_SAVED[0], _SAVED[1], max(_SAVED[2], 1_000_000))
        _ACTIVE.add(key)
    elif not on and key in _ACTIVE:
        _ACTIVE.discard(key)
        if not _ACTIVE and _SAVED is not None:
            gc.set_threshold(*_SAVED)
            _SAVED = None


@contextlib.contextmanager
def full_collections_postponed() -> Iterator[None]:
    """Full collections postponed for one burst of work on the GUI thread that makes tens of
    thousands of records at once, as a load does («Rileva i valori» built at the click)."""
    key = object()
    _loading(key, True)
    try:
        yield
    finally:
        _loading(key, False)


def freeze_startup() -> bool:
    """Move the objects made so far (imports, the QApplication's wrappers) out of the collector's
    generations, once, before any plan is open: full collections then walk only what the plan
    built. Refused (False) after a first freeze or while an ``Archive`` is alive (its data must
    stay collectable: closing a plan frees it)."""
    from ...store.archive import Archive

    if gc.get_freeze_count():
        return False
    gc.collect(1)  # the young garbage freed, not frozen (a full collection: ~8 ms more before the first paint)
    if any(isinstance(o, Archive) for o in gc.get_objects()):
        return False
    gc.freeze()
    return True


class SliceRunner(QObject):
    progress = Signal(int)  # percentage reached (after each slice)
    finished = Signal()  # the generator is exhausted

    def __init__(self, parent: QObject | None = None, name: str = "", slice_s: float = 0.005) -> None:
        super().__init__(parent)
        self.slice_s = slice_s
        self.slices = 0  # slices run by the last start() (tests, diagnostics)
        self._steps: Iterator[int] | None = None
        self._timer = QTimer(self)
        self._timer.setObjectName(name or "timerFette")
        self._timer.setSingleShot(True)
        self._timer.setInterval(0)
        self._timer.timeout.connect(self._slice)
        key = id(self)  # a runner deleted while loading must not keep collections postponed
        self.destroyed.connect(lambda *_: _loading_key(key, False))

    def start(self, steps: Iterator[int]) -> None:
        """Run ``steps`` in slices from the next event-loop pass (replacing any running)."""
        self._steps = steps
        self.slices = 0
        _loading(self, True)
        self._timer.start()

    def stop(self) -> None:
        self._timer.stop()
        self._steps = None
        _loading(self, False)

    def finish(self) -> None:
        """Run what is left at once (an action that needs the whole result now)."""
        self._timer.stop()
        while self._steps is not None:
            self._slice(to_the_end=True)

    def _slice(self, to_the_end: bool = False) -> None:
        steps = self._steps
        if steps is None:
            return
        self.slices += 1
        end = None if to_the_end else time.perf_counter() + self.slice_s
        for pct in steps:
            if end is not None and time.perf_counter() >= end:
                self.progress.emit(int(pct))
                if self._steps is steps:  # (not replaced or stopped by a listener)
                    self._timer.start()
                return
        if self._steps is steps:
            self._steps = None
            _loading(self, False)
            self.finished.emit()


class ProgressiveLoad(SliceRunner):
    """A reload done at once (small plans) or in slices (large ones), holding the change
    records that arrive meanwhile and applying them once the new data is in.

    ``steps`` makes the generator of the reload; ``large`` says whether to slice;
    ``on_start`` runs when a sliced load begins (e.g. empty the table), ``on_done`` when the
    data is in (before the held records are applied through ``apply``).
    """

    changed = Signal(bool, int)  # (loading, percent): (False, 100) once the data is in

    def __init__(self, parent: QObject | None, name: str, *, steps: Callable[[], Iterator[int]],
                 large: Callable[[], bool], apply: Callable[[Any], None],
                 on_start: Callable[[], None] | None = None,
                 on_done: Callable[[], None] | None = None, slice_s: float = 0.005) -> None:
        super().__init__(parent, name, slice_s)
        self.loading = False
        self._make_steps, self._large, self._apply = steps, large, apply
        self._on_start, self._on_done = on_start, on_done
        self._held: list[Any] = []
        self.progress.connect(lambda pct: self.changed.emit(True, pct))
        self.finished.connect(self._done)

    def reload(self) -> None:
        self.stop()
        steps = self._make_steps()
        if not self._large():
            for _ in steps:
                pass
            self._done()
            return
        if not self.loading:
            self.loading = True
            if self._on_start is not None:
                self._on_start()
            self.changed.emit(True, 0)
        self.start(steps)

    def hold(self, record: Any) -> bool:
        """Call first when a change arrives: True (and the record is kept) while loading."""
        if self.loading:
            self._held.append(record)
            return True
        return False

    def _done(self) -> None:
        was_loading, self.loading = self.loading, False
        if self._on_done is not None:
            self._on_done()
        if was_loading:
            self.changed.emit(False, 100)
        held, self._held = self._held, []
        for record in held:
            self._apply(record)


class Progressive:
    """Mixin of the views and models that load with a :class:`ProgressiveLoad` in
    ``self.loader``: ``loading``, ``loading_changed``, ``reload()``, ``finish_loading()``."""

    loader: ProgressiveLoad

    @property
    def loading(self) -> bool:
        return self.loader.loading

    @property
    def loading_changed(self) -> Any:
        """(True, percent) while loading in slices; (False, 100) when the data is in."""
        return self.loader.changed

    def reload(self) -> None:
        """Read again: at once, or in slices on a large plan (see :class:`ProgressiveLoad`)."""
        self.loader.reload()

    def finish_loading(self) -> None:
        """Complete a load in slices at once (tests; an action that needs all the data)."""
        self.loader.finish()
