"""«Rileva i valori» prepared ahead (issue 14 point 6).

On a large plan building the snapshot (40.000 values at the round's date and the % of
10.000 objectives) takes longer than the click may. While the user looks at a round
that still lacks values, :class:`RilevaPronta` builds the step in short slices of the event
loop (:class:`~piaodesk.store.monitoraggio.Preparata`): the click then only writes it. The
prepared step is used only if nothing was written to the plan since it was built; any
change starts it again a moment later, and without it the click builds it at once: then the
leaves' own % come from the plan's % cache (the tree's) and the indicators' values a previous
preparation read are reused while misure and indicatori are unchanged (a value typed at the
round changes neither), see :func:`~piaodesk.store.monitoraggio.rileva`.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from PySide6.QtCore import QObject, QTimer

from ...store import monitoraggio as store
from ...store.db import PlanError
from ...store.edits import Edit
from ..models.slices import SliceRunner

#: quiet time after a change before preparing again (ms)
DELAY_MS = 400
#: time given to each preparing slice (seconds)
SLICE_S = 0.02


class RilevaPronta(QObject):
    """Prepares «Rileva i valori» of the round a :class:`RoundModel` shows."""

    def __init__(self, model: Any, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.model = model
        self.pronta: store.Preparata | None = None
        self._runner = SliceRunner(self, "timerRilevaPronta", slice_s=SLICE_S)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(DELAY_MS)
        self._timer.timeout.connect(self._start)
        model.loaded.connect(lambda: self.schedule(0))  # (the round just shown: at once)
        model.ctx.hub.changed.connect(lambda *_: self.schedule())
        model.modelReset.connect(self.schedule)

    def schedule(self, delay_ms: int = DELAY_MS) -> None:
        """Prepare again after a quiet moment (what was prepared is stale or soon will be)."""
        self._runner.stop()
        self.pronta = None
        self._timer.start(delay_ms)

    def _start(self) -> None:
        model = self.model
        rnd, mid = model.proj.rnd, model.proj.mid
        if rnd is None or mid is None or model.proj.loading or rnd.chiuso or model.ctx.readonly:
            return
        if len(rnd.rilevazioni) >= len(rnd.proprietari):
            return  # every value taken: nothing to prepare
        self.pronta = store.Preparata(model.ctx.archive, mid, rnd)
        self._runner.start(self._steps(self.pronta))

    def _steps(self, pronta: store.Preparata) -> Iterator[int]:
        try:
            for _ in pronta.passi():
                yield 50
        except PlanError:
            self.pronta = None
        yield 100

    def edit(self, mid: int) -> Edit | None:
        """The prepared step of round ``mid`` when ready and still valid (else None)."""
        pronta = self.pronta
        if pronta is None or pronta.archive is not self.model.ctx.archive:
            return None  # (nothing prepared, or for a plan no longer open)
        if not pronta.done:
            self._runner.finish()  # (the rest of it now: less than building it anew)
        return pronta.edit(mid, self.model.ctx.archive)
