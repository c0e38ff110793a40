"""The one owner of the whole-plan % worker.

On a large plan the bulk % avanzamento of a year takes about a second: the tree paints
its rows with an empty % and asks this service (:meth:`PercService.want`). The service
computes the plan's % in another process (a thread, where processes are not available;
the GUI thread as a last resort), rebuilds the result a slice at a time between paints,
hands it to the store (``adotta_percentuali``) and emits :attr:`PercService.ready` with
the rows that were waiting. No garbage-collector policy: nothing here freezes or
disables the collector.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal

from ...store.archive import PercUnpacker


class PercService(QObject):
    #: the % of the year are in the store: the waiting nodes (list) may be repainted;
    #: the flag says the workers failed (the % are to be computed on the GUI thread)
    ready = Signal(object, bool)
    _done = Signal(object, int, int)  # packed state (or None), generation, anno

    def __init__(self, archive: Any, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.archive = archive
        #: where the whole-plan % was last computed: "processo", "thread", "interfaccia"
        self.source: str | None = None
        self.adopted = 0  # results adopted (diagnostics, smoke test)
        self.closed = False
        self._running: int | None = None  # the year being computed (-1: workers failed)
        self._waiting: list[Any] = []
        self._waiting_ids: set[int] = set()
        self._unpacking: tuple[PercUnpacker, int, int] | None = None
        self._done.connect(self._arrived)
        self._timer = QTimer(self)
        self._timer.setObjectName("timerPercentuali")
        self._timer.setSingleShot(True)
        self._timer.setInterval(0)
        self._timer.timeout.connect(self._step)

    def want(self, node: Any, anno: int) -> None:
        """``node`` was painted without its %: compute the year's and tell when ready."""
        if id(node) in self._waiting_ids:
            return  # (painted again meanwhile)
        self._waiting_ids.add(id(node))
        self._waiting.append(node)
        if self._running == -1:
            self.source = "interfaccia"
            if not self._timer.isActive():
                self._timer.start()  # on the GUI thread, just after the paint
            return
        if self._running == anno or self._unpacking is not None:
            return
        self._start(anno)

    def _start(self, anno: int) -> None:
        arc = self.archive
        calcola = getattr(type(arc), "calcola_percentuali", None)
        if calcola is None or arc.path is None:
            self._running = -1
            self._timer.start()
            return
        self._running = anno
        path, generation, signal = arc.path, arc.generation, self._done

        def deliver(state: Any) -> None:
            try:
                signal.emit(state, generation, anno)
            except RuntimeError:  # the service is gone
                pass

        # another process: a thread would hold the GIL and stall the paint it should spare
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        try:
            pool = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn"))
            future = pool.submit(calcola, str(path), anno)
        except Exception:  # noqa: BLE001 - no processes here: a thread then
            import threading

            def run() -> None:
                try:
                    state = calcola(path, anno)
                except Exception:  # noqa: BLE001 - fall back to the GUI thread
                    state = None
                deliver(state)

            self.source = "thread"
            threading.Thread(target=run, name="percentuali", daemon=True).start()
            return

        def finished(f: Any) -> None:
            try:
                state = f.result()
            except Exception:  # noqa: BLE001 - fall back to the GUI thread
                state = None
            deliver(state)

        future.add_done_callback(finished)
        pool.shutdown(wait=False)
        self.source = "processo"

    def _arrived(self, packed: Any, generation: int, anno: int) -> None:
        if packed is None:
            self._running = -1  # the worker failed: the GUI thread from now on
            self.source = "interfaccia"
            self._timer.start()
            return
        self._unpacking = (PercUnpacker(packed), generation, anno)
        self._timer.start()

    def _step(self) -> None:
        """Rebuild a slice of the worker's result (3 ms), or compute on the GUI thread."""
        if self.closed:
            return
        if self._unpacking is None:
            if self._running == -1:  # the store computes (and caches) the year at once
                self._flush()
            return
        unpacker, generation, anno = self._unpacking
        if not unpacker.step(0.003):
            self._timer.start()
            return
        self._unpacking = None
        self._running = None
        try:
            adopted = self.archive.adotta_percentuali(unpacker.state, generation)
        except Exception:  # noqa: BLE001 - closed meanwhile
            return
        if adopted:
            self.adopted += 1
            self._flush()
        elif self._waiting:
            self._start(anno)  # the plan changed while computing: once more

    def _flush(self) -> None:
        waiting, self._waiting = self._waiting, []
        self._waiting_ids.clear()
        if waiting:
            self.ready.emit(waiting, self._running == -1)
