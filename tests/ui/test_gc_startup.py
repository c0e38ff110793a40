"""The one start-up freeze (issue 13): the objects of the imports leave the collector's
generations before the first plan opens, so a full collection walks only what the plan built;
no plan data is ever frozen (a process-wide freeze once kept deleted rows alive)."""

from __future__ import annotations

import gc
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

_CHILD = r"""
import gc, sys, weakref
from PySide6.QtWidgets import QApplication
from piaodesk.app import make_app
from piaodesk.ui.main_window import MainWindow
from piaodesk.ui.models.slices import freeze_startup
from piaodesk.store.archive import Archive
from piaodesk.store.demo import build_demo
app = make_app(["prova"])
assert gc.get_freeze_count() == 0
assert freeze_startup() is True
frozen = gc.get_freeze_count()
assert frozen > 10_000, frozen  # the imports: modules, classes, functions
assert freeze_startup() is False and gc.get_freeze_count() == frozen  # once only
arc = build_demo(sys.argv[1])
from piaodesk.store.albero import LettoreAlbero
from piaodesk.viste.albero import AlberoObiettivi
t = AlberoObiettivi(LettoreAlbero(arc), arc.piano().anno_inizio)
t.load_all()
refs = [weakref.ref(n) for n in t.by_id.values()]
assert refs
assert gc.get_freeze_count() == frozen  # the plan's objects are collected as usual
del t
arc.close()
del arc
gc.collect()
assert [r for r in refs if r() is not None] == []
print("OK", frozen)
"""


def test_startup_freeze_takes_the_imports_and_never_the_plan(tmp_path):
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(ROOT),
               PIAODESK_HOME=str(tmp_path / "home"))
    proc = subprocess.run([sys.executable, "-c", _CHILD, str(tmp_path / "demo.piao")], cwd=ROOT,
                          env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert proc.stdout.startswith("OK ")


def test_startup_freeze_refused_while_a_plan_is_open(demo):
    """With an Archive alive nothing is frozen (its rows must stay collectable)."""
    from piaodesk.ui.models.slices import freeze_startup

    assert gc.get_freeze_count() == 0
    assert freeze_startup() is False
    assert gc.get_freeze_count() == 0


def test_the_program_freezes_before_opening_the_first_plan():
    """run_gui calls the freeze before MainWindow.start (after it, plan data would be frozen)."""
    import inspect

    from piaodesk import app

    src = inspect.getsource(app.run_gui)
    assert "freeze_startup()" in src
    assert src.index("freeze_startup()") < src.index("MainWindow.start(")
