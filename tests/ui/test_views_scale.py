"""The plan-wide views on a generated 10.000-objective plan: they build, and an edit reloads nothing."""

import importlib.util
import time
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtGui import QUndoStack

from piaodesk.domain.model import Assegnazione, Fase, Misura
from piaodesk.store.archive import Archive
from piaodesk.store.edits import SetFields
from piaodesk.ui.context import Context
from piaodesk.ui.undo import ChangeHub

pytestmark = pytest.mark.ui

_GEN = Path(__file__).resolve().parents[2] / "bench" / "generate.py"


def _generator():
    spec = importlib.util.spec_from_file_location("bench_generate", _GEN)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_generator_small_plan(tmp_path):
    gen = _generator()
    path = gen.generate(tmp_path / "piccolo.piao", settori=3, obiettivi_per_settore=20, indicatori=2,
                        fasi=2, persone=12)
    with Archive.open(path) as arc:
        c = arc.counts()
        assert (c["obiettivi"], c["fasi"], c["indicatori"], c["misure"], c["persone"]) == (
            60, 120, 120, 120, 12)
        assert c["settori"] == 3 and c["assegnazioni"] >= 120
        roots = arc.figli(None)
        assert len(roots) == 6 and all(len(arc.figli(r.id)) == 9 for r in roots)
        assert arc.perc_avanzamento(arc.figli(roots[0].id)[0].id, 2025) is not None
    assert gen.main([str(tmp_path / "cli.piao"), "--scale", "0.01", "--settori", "2"]) == 0
    with Archive.open(tmp_path / "cli.piao") as arc:
        assert arc.counts()["obiettivi"] == 2 * 5


@pytest.fixture(scope="module")
def big_plan(tmp_path_factory):
    return _generator().generate(tmp_path_factory.mktemp("grande") / "grande.piao")


class _Spy:
    """Counts whole-plan reads on the archive."""

    def __init__(self, arc, monkeypatch):
        self.calls: list[str] = []
        for name in ("obiettivi", "fasi", "indicatori", "assegnazioni", "persone", "unita"):
            orig = getattr(arc, name)

            def wrapper(*a, _orig=orig, _name=name, **k):
                if not a and not k:
                    self.calls.append(_name)
                return _orig(*a, **k)

            monkeypatch.setattr(arc, name, wrapper)
        orig_select = arc.select

        def select(cls, where=None, *a, **k):
            if where is None:
                self.calls.append(f"select {cls.__name__}")
            return orig_select(cls, where, *a, **k)

        monkeypatch.setattr(arc, "select", select)


def test_views_on_10000_objectives(qtbot, big_plan, tmp_path, monkeypatch):
    from piaodesk.ui.views.gantt import GanttView
    from piaodesk.ui.views.indicatori import IndicatoriView
    from piaodesk.ui.views.matrice import MatriceView
    from piaodesk.ui.views.scadenze import ScadenzeView

    arc = Archive.open(big_plan)
    assert arc.counts()["obiettivi"] == 10_000
    ctx = Context(arc, QUndoStack(), ChangeHub(),
                  QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat), anno=2025)
    t0 = time.perf_counter()
    views = [ScadenzeView(ctx, oggi=date(2025, 6, 15)), IndicatoriView(ctx),
             GanttView(ctx, oggi=date(2025, 6, 15)), MatriceView(ctx)]
    build = time.perf_counter() - t0
    for v in views:
        qtbot.addWidget(v)
    scad, ind, gantt, mat = views
    # the 40.000-row tables and the Gantt load in slices: shown at once, with the progress
    assert scad.model.loading and ind.model.loading
    assert scad.model.rowCount() == 0 and "Caricamento delle scadenze" in scad.summary.text()
    assert not scad._progress.isHidden() and "Caricamento degli indicatori" in ind._progress.text()
    # an edit made while they load is applied once the rows are in
    early = arc.get(Fase, 23_456)
    ctx.push(SetFields(Fase, early.id, {"perc_realizzazione": Decimal(12)}))
    assert gantt.loading and gantt.canvas.rows == []
    assert mat.model.loading
    qtbot.waitUntil(lambda: not (scad.model.loading or ind.model.loading or gantt.loading
                                 or mat.model.loading), timeout=120_000)
    slices = (scad.model.loader.slices, ind.model.loader.slices, gantt.loader.slices,
              mat.model.loader.slices)
    assert min(slices) > 5, slices  # many short slices, not one long block
    from piaodesk.store import calendario

    # every objective and fase, and the plan's legal deadlines (issue 18)
    n_legge = len(calendario.scadenze(arc))
    assert scad.model.rowCount() == 10_000 + 30_000 + n_legge
    assert ind.model.rowCount() == 40_000
    assert scad.model.row_at(scad.model.row_of(("Fase", early.id))).perc == Decimal(12)
    assert f"40.00{n_legge} scadenze —" in scad.summary.text() and "40.000 indicatori —" in ind.summary.text()
    assert scad._progress.isHidden() and ind._progress.isHidden()
    ctx.stack.undo()
    assert scad.model.row_at(scad.model.row_of(("Fase", early.id))).perc == early.perc_realizzazione
    assert len(gantt.canvas.rows) == 40_000
    assert mat.model.rowCount() == 300
    assert build < 60, build

    spy = _Spy(arc, monkeypatch)
    fase = arc.get(Fase, 12_345)
    mis = arc.misure([777])[0]
    ass = arc.get(Assegnazione, 4_321)
    t0 = time.perf_counter()
    ctx.push(SetFields(Fase, fase.id, {"perc_realizzazione": Decimal(55)}))
    ctx.push(SetFields(Misura, mis.id, {"valore_testo": "1", "valore": Decimal(1)}))
    ctx.push(SetFields(Assegnazione, ass.id, {"impegno": Decimal(99)}))
    ctx.stack.undo()
    per_edit = (time.perf_counter() - t0) / 4
    assert spy.calls == [], spy.calls  # nothing re-read in full
    assert scad.model.row_at(scad.model.row_of(("Fase", fase.id))).perc == Decimal(55)
    assert ind.model.row_at(ind.model.row_of(777)).valore == "1"
    assert next(r for r in gantt.canvas.rows if r.kind == "fase" and r.id == fase.id).perc == Decimal(55)
    assert mat.model.projection.impegno(ass.persona_id, ass.obiettivo_id) == ass.impegno
    assert per_edit < 1.0, per_edit
    arc.close()
