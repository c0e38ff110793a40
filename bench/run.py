"""piaodesk benchmarks: each figure is a ratio to a baseline measured in the same run.

    QT_QPA_PLATFORM=offscreen python bench/run.py [--scale 1.0] [--json bench/results.json]
                                                  [--markdown bench/RESULTS.md] [--only NAME ...]

A large plan is generated with ``bench/generate.py`` (20 settori × 500 obiettivi ×
4 indicatori × 3 fasi, 300 persone at scale 1) into a temporary folder. Every
measurement runs in its own child process (``--child NAME``) so that start-up,
caches and peak memory (``ru_maxrss``) are its own. A measurement whose module is
not importable yet is skipped with the reason printed.

Targets (issue 6): open + show the tree ≤ 0.5 s; no UI stall > 50 ms while
scrolling or expanding one node; import ≤ 1.5 × raw openpyxl; 300 sheets ≤ 2 ×
raw reportlab; ≤ 250 MB peak RSS. Issue 11: a 60.000-row flat table imported
into an empty plan ≤ 1.5 × raw openpyxl reading the same file.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

Result = dict[str, Any]


class Skip(Exception):
    """A measurement cannot run yet (its module is missing)."""


def _rss_mb() -> float:
    import resource

    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return round(peak / 1024 if sys.platform != "darwin" else peak / 1024 / 1024, 1)


def _need(module: str) -> Any:
    import importlib

    try:
        return importlib.import_module(module)
    except ImportError as exc:
        raise Skip(f"{module} non importabile: {exc}") from exc


def _app() -> Any:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from piaodesk.app import make_app

    app = make_app(["bench"])
    try:  # as the program's start-up does (piaodesk.app.run_gui) before the first plan opens
        from piaodesk.ui.main_window import MainWindow  # noqa: F401 - the window's imports
        from piaodesk.ui.models.slices import freeze_startup
    except ImportError:  # (an older tree: nothing to do)
        return app
    freeze_startup()
    return app


def _settle(app: Any, widget: Any = None) -> None:
    """Process pending events and force a paint of ``widget`` (what the user would see)."""
    app.processEvents()
    if widget is not None:
        widget.repaint()
    app.processEvents()


def _settings(tmp: Path) -> Any:
    from PySide6.QtCore import QSettings

    return QSettings(str(tmp / "bench.ini"), QSettings.Format.IniFormat)


# ---------------------------------------------------------------------- child measurements


#: both children: the first paint of a QTreeView (the plan's tree, the bare window's tree) prints
#: SHOWN: the window is on screen and usable; the program then closes as the user would
_CHILD_WATCH = """
import time
from PySide6 import QtWidgets
from PySide6.QtCore import QTimer


class _Watched(QtWidgets.QTreeView):
    seen = False

    def paintEvent(self, event):
        super().paintEvent(event)
        if not _Watched.seen:
            _Watched.seen = True
            print("SHOWN", time.process_time(), flush=True)
            QTimer.singleShot(0, _ready)


def _ready():  # what the window queued for just after its first paint has run
    print("READY", time.process_time(), flush=True)
    QtWidgets.QApplication.closeAllWindows()


QtWidgets.QTreeView = _Watched
"""

_CHILD_BARE = _CHILD_WATCH + """
from PySide6.QtWidgets import QApplication, QMainWindow, QTreeView
app = QApplication(["bare"])
w = QMainWindow(); w.setCentralWidget(QTreeView()); w.resize(1366, 768); w.show()
app.exec()
"""

#: what the user runs: ``piaodesk FILE`` (the console script calls ``piaodesk.cli.main``)
_CHILD_PIAODESK = _CHILD_WATCH + """
import sys
from piaodesk.cli import main
sys.argv[0] = "piaodesk"
sys.exit(main())
"""


def _spawn_until_shown(code: str, *args: str, env: dict[str, str] | None = None
                       ) -> tuple[float, float, float]:
    """Wall time from spawning a Python process to its first painted tree, the CPU time the
    process had used by then (all its threads: steadier than wall time on a busy machine),
    and the wall time until what the window leaves for just after that paint (the objective's
    panel) is done. The process then closes its window and ends, outside the measurement."""
    t0 = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-c", code, *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True,
                            env=dict(env or os.environ, QT_QPA_PLATFORM="offscreen"))
    elapsed, cpu, ready = None, 0.0, 0.0
    assert proc.stdout is not None
    for line in proc.stdout:
        if line.startswith("SHOWN"):
            elapsed = time.perf_counter() - t0
            cpu = float(line.split()[1])
        elif line.startswith("READY"):
            ready = time.perf_counter() - t0
            break
    _out, err = proc.communicate(timeout=120)
    if proc.returncode != 0 or elapsed is None:
        raise RuntimeError(err.strip().splitlines()[-1] if err.strip() else "errore")
    return elapsed, cpu, ready


def m_cold_start(plan: Path, small: Path, tmp: Path) -> Result:
    """Cold start: ``piaodesk FILE`` on the demo plan to its first painted tree, vs a bare
    PySide6 window with a QTreeView; both new processes, median of 7."""
    _need("piaodesk.ui.main_window")
    # as installed (the packaged program ships compiled bytecode): the modules' .pyc are
    # written once by a first, unmeasured start of each, in a private folder; without
    # this, PYTHONDONTWRITEBYTECODE=1 made every start compile piaodesk's sources anew
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = str(tmp / "pyc")
    # a user of their own (recent plans, window state, backups, settings), a plan of their own
    env["PIAODESK_HOME"] = str(tmp / "home")
    demo = tmp / "demo.piao"
    shutil.copyfile(small, demo)

    def settings(run: int) -> dict[str, str]:
        # the window's saved state, new each run: restored under the offscreen platform it
        # would shrink to its 800-pixel screen; a new one opens at 1366×700 like the bare one
        return dict(env, XDG_CONFIG_HOME=str(tmp / f"config{run}"))

    _spawn_until_shown(_CHILD_BARE, env=env)
    _spawn_until_shown(_CHILD_PIAODESK, str(demo), env=settings(0))
    bare, ours = [], []
    for run in range(1, 8):
        bare.append(_spawn_until_shown(_CHILD_BARE, env=env))
        ours.append(_spawn_until_shown(_CHILD_PIAODESK, str(demo), env=settings(run)))
    b, o = statistics.median(r[0] for r in bare), statistics.median(r[0] for r in ours)
    cb, co = statistics.median(r[1] for r in bare), statistics.median(r[1] for r in ours)
    rb, ro = statistics.median(r[2] for r in bare), statistics.median(r[2] for r in ours)
    return {"value_s": o, "baseline_s": b, "ratio": o / b, "target": "≤ 1,5×", "ok": o / b <= 1.5,
            "ratios": sorted(round(x[0] / y[0], 2) for x, y in zip(ours, bare)),
            "cpu_s": co, "cpu_baseline_s": cb, "cpu_ratio": co / cb,
            # the objective's panel, built just after the first paint, done too
            "ready_s": ro, "ready_baseline_s": rb, "ready_ratio": ro / rb,
            "baseline": "finestra PySide6 vuota con QTreeView (processo nuovo, bytecode compilato, "
                        "mediana di 7); piaodesk: «piaodesk FILE» fino al primo albero dipinto"}


def m_open_tree(plan: Path, small: Path, tmp: Path) -> Result:
    """Open the large plan and show the main window with its tree painted."""
    _need("piaodesk.ui.main_window")
    app = _app()
    from PySide6.QtWidgets import QMainWindow, QTreeView

    from piaodesk.store.archive import Archive
    from piaodesk.ui.main_window import MainWindow

    t0 = time.perf_counter()
    bare = QMainWindow()
    bare.setCentralWidget(QTreeView())
    bare.resize(1366, 768)
    bare.show()
    _settle(app, bare)
    baseline = time.perf_counter() - t0
    bare.close()

    t0 = time.perf_counter()
    arc = Archive.open(plan)
    win = MainWindow(arc, _settings(tmp))
    win.show()
    _settle(app, win)
    value = time.perf_counter() - t0
    rows = win.tree.model().rowCount()
    win.close()
    arc.close()
    return {"value_s": value, "baseline_s": baseline, "ratio": value / baseline,
            "target": "≤ 0,5 s", "ok": value <= 0.5, "top_rows": rows,
            "baseline": "stessa finestra vuota con un QTreeView, nello stesso processo"}


def _open_window(app: Any, plan: Path, tmp: Path) -> tuple[Any, Any]:
    """The main window on ``plan`` (read-only), 1366×768, shown and painted."""
    from piaodesk.store.archive import Archive
    from piaodesk.ui.main_window import MainWindow

    arc = Archive.open(plan, readonly=True)
    win = MainWindow(arc, _settings(tmp))
    win.resize(1366, 768)
    win.show()
    _settle(app, win)
    return arc, win


def _tree_of(win: Any) -> Any:
    return win.tree


class _StepTimer:
    """Times one user step: the action, then the event loop until the view has painted.

    A click that expands a node runs the action, returns to the event loop, and the
    loop delivers the paint and whatever else is due (timers, queued results): the
    user waits for all of it. The step therefore runs the action and one pass of the
    event loop; if that pass did not paint the viewport (nothing was scheduled), the
    paint is forced, so each step includes exactly one paint of the view. (Until
    27/11/2026 every step also forced a second, redundant paint after the first: a
    window never does that, and it doubled the drawing time in every step.)
    """

    def __init__(self, app: Any, viewport: Any) -> None:
        from PySide6.QtCore import QEvent, QObject

        paint = QEvent.Type.Paint

        class _Count(QObject):
            n = 0

            def eventFilter(self, obj: Any, ev: Any) -> bool:  # noqa: N802 - Qt's name
                if ev.type() == paint:
                    _Count.n += 1
                return False

        self.app, self.viewport = app, viewport
        self._count = _Count()
        viewport.installEventFilter(self._count)
        self.stalls: list[float] = []
        self.forced = 0

    def step(self, fn: Callable[[], None]) -> float:
        before = self._count.n
        t = time.perf_counter()
        fn()
        self.app.processEvents()
        if self._count.n == before:
            self.viewport.repaint()
            self.forced += 1
        d = time.perf_counter() - t
        self.stalls.append(d)
        return d


def _expand_scroll_steps(tree: Any, timer: _StepTimer) -> None:
    """The same clicks on any tree: groups, 40 first-level nodes, 50 second-level, 60 scrolls."""
    from PySide6.QtCore import QModelIndex

    model = tree.model()
    groups = [model.index(r, 0, QModelIndex()) for r in range(model.rowCount())]
    for g in groups:
        timer.step(lambda g=g: tree.expand(g))
    level1 = [model.index(r, 0, g) for g in groups for r in range(model.rowCount(g))]
    for idx in level1[:40]:
        timer.step(lambda idx=idx: tree.expand(idx))
    level2 = [model.index(r, 0, i) for i in level1[:5] for r in range(min(10, model.rowCount(i)))]
    for idx in level2:
        timer.step(lambda idx=idx: tree.expand(idx))
    bar = tree.verticalScrollBar()
    for k in range(60):
        timer.step(lambda k=k: bar.setValue(int(bar.maximum() * k / 59)))


def m_expand_scroll(plan: Path, small: Path, tmp: Path) -> Result:
    """Expand node by node and scroll: the longest single UI stall; then Expand all.

    Baselines in the same run: Qt's own ``QStandardItemModel`` holding the same tree
    (built whole, in C++), driven through the very same steps in a same-size view.
    """
    _need("piaodesk.ui.main_window")
    app = _app()
    from PySide6.QtGui import QStandardItem, QStandardItemModel
    from PySide6.QtWidgets import QTreeView

    arc, win = _open_window(app, plan, tmp)
    tree = _tree_of(win)
    timer = _StepTimer(app, tree.viewport())
    _expand_scroll_steps(tree, timer)
    stalls = sorted(timer.stalls)
    max_expand_scroll = stalls[-1]

    t = time.perf_counter()
    win.expand_all()
    _settle(app, tree.viewport())
    expand_all = time.perf_counter() - t
    bar = tree.verticalScrollBar()
    after = _StepTimer(app, tree.viewport())
    for k in range(60):
        after.step(lambda k=k: bar.setValue(int(bar.maximum() * k / 59)))
    tree_width = tree.viewport().size()
    widths = [tree.columnWidth(i) for i in range(tree.model().columnCount())]
    # baseline: Qt's plain QStandardItemModel with the same shape
    by_parent: dict[Any, list[Any]] = {}
    for o in arc.obiettivi():
        by_parent.setdefault(o.parent_id, []).append(o)
    win.close()  # (closes the archive too)

    def std_view() -> Any:
        std = QStandardItemModel()
        std.setHorizontalHeaderLabels(["Codice", "Titolo", "Peso", "% avanz."])

        def fill(parent_item: Any, pid: Any) -> None:
            for o in by_parent.get(pid, []):
                row = [QStandardItem(o.codice or ""), QStandardItem(o.titolo or ""),
                       QStandardItem(str(o.peso or "")), QStandardItem("")]
                parent_item.appendRow(row)
                fill(row[0], o.id)

        top = QStandardItem("Obiettivi")
        std.appendRow([top, QStandardItem(""), QStandardItem(""), QStandardItem("")])
        fill(top, None)
        view = QTreeView()
        view.setUniformRowHeights(True)
        view.setAlternatingRowColors(True)
        view.setModel(std)
        view.resize(tree_width.width() + 20, tree_width.height() + 30)
        for i, w in enumerate(widths):
            view.setColumnWidth(i, w)
        view.show()
        return view

    # baseline of the steps: the same clicks on Qt's own model (built beforehand)
    view = std_view()
    _settle(app, view.viewport())
    std_timer = _StepTimer(app, view.viewport())
    _expand_scroll_steps(view, std_timer)
    std_stalls = sorted(std_timer.stalls)
    view.close()
    view.model().clear()  # (free it before the next one: the peak memory is piaodesk's)
    # baseline of "expand all": build Qt's model from the objectives in memory and expand it all
    t = time.perf_counter()
    view = std_view()
    view.expandAll()
    _settle(app, view.viewport())
    baseline = time.perf_counter() - t
    view.close()
    arc.close()

    def pct(xs: list[float], q: float) -> float:
        return xs[min(len(xs) - 1, int(len(xs) * q))]

    return {"value_s": expand_all, "baseline_s": baseline, "ratio": expand_all / baseline,
            "max_stall_s": max_expand_scroll, "median_stall_s": pct(stalls, 0.5),
            "p90_stall_s": pct(stalls, 0.9),
            "max_stall_scroll_after_expand_all_s": max(after.stalls),
            "baseline_max_stall_s": std_stalls[-1], "baseline_median_stall_s": pct(std_stalls, 0.5),
            "stall_ratio": max_expand_scroll / std_stalls[-1],
            "steps": len(stalls), "forced_paints": timer.forced, "target": "blocchi ≤ 50 ms",
            "ok": max_expand_scroll <= 0.05 and max(after.stalls) <= 0.05,
            "baseline": "QStandardItemModel della stessa forma (stessi passi; espandi tutto)"}


def m_edit_1000(plan: Path, small: Path, tmp: Path) -> Result:
    """1,000 cell edits through the undo stack (with the window open) vs raw SQL updates."""
    _need("piaodesk.ui.main_window")
    app = _app()
    import sqlite3

    from piaodesk.domain.model import Obiettivo
    from piaodesk.store.archive import Archive
    from piaodesk.store.edits import SetFields
    from piaodesk.ui.main_window import MainWindow

    work = tmp / "edit.piao"
    shutil.copyfile(plan, work)
    arc = Archive.open(work)
    ids = [r[0] for r in arc.db.conn.execute("SELECT id FROM obiettivi ORDER BY id LIMIT 1000")]
    win = MainWindow(arc, _settings(tmp))
    win.show()
    _settle(app, win)
    win.tree.expand(win.tree.model().index(0, 0))
    _settle(app, win)
    t = time.perf_counter()
    done = 0
    for n, oid in enumerate(ids):
        win.ctx.push(SetFields(Obiettivo, oid, {"titolo": f"Titolo modificato {n}"}))
        done += 1
        if n % 50 == 0:
            app.processEvents()
        if time.perf_counter() - t > EDIT_BUDGET_S:
            break
    app.processEvents()
    measured = time.perf_counter() - t
    value = measured * len(ids) / done  # extrapolated when the time budget ran out
    undo_ok = win.ctx.stack.count() == done
    slowest = _slowest_listeners(win, ids[0])
    # structural edits: a new child objective, then its undo (the tree changes shape)
    tree = win.tree
    structural = _StepTimer(app, tree.viewport())
    for k in range(10):
        win.select_obiettivo(ids[k * 10])
        app.processEvents()
        structural.step(win.add_child)
        structural.step(win.ctx.stack.undo)
    struct = sorted(structural.stalls)
    win.close()  # (closes the archive too)
    # the store alone (no window): 1.000 edits through Archive.apply
    arc = Archive.open(work)
    t = time.perf_counter()
    for n, oid in enumerate(ids):
        arc.apply(SetFields(Obiettivo, oid, {"titolo": f"Solo archivio {n}"}))
    store_only = time.perf_counter() - t
    arc.close()

    raw = tmp / "raw.piao"
    shutil.copyfile(plan, raw)
    conn = sqlite3.connect(raw, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    t = time.perf_counter()
    for n, oid in enumerate(ids):
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("UPDATE obiettivi SET titolo = ? WHERE id = ?", (f"Titolo {n}", oid))
        conn.execute("COMMIT")
    baseline = time.perf_counter() - t
    conn.close()
    return {"value_s": value, "baseline_s": baseline, "ratio": value / baseline,
            "per_edit_ms": value / len(ids) * 1000, "undo_stack": undo_ok,
            "edits_done": done, "extrapolated": done < len(ids),
            "store_only_s": store_only, "store_only_ratio": store_only / baseline,
            "slowest_listeners_ms": slowest, "target": "blocchi ≤ 50 ms per modifica",
            "structural_max_s": struct[-1], "structural_median_s": struct[len(struct) // 2],
            "ok": value / len(ids) <= 0.05,
            "baseline": "1.000 UPDATE SQL, ognuno nella sua transazione"}


EDIT_BUDGET_S = 60.0


def _slowest_listeners(win: Any, oid: int) -> dict[str, float]:
    """Time each ChangeHub listener separately for one edit (which view costs what)."""
    from piaodesk.store.changes import Changes

    ch = Changes()
    ch.add_update("obiettivi", oid, {"titolo"})
    out: dict[str, float] = {}
    from PySide6.QtCore import QObject

    candidates = [win, *win.findChildren(QObject)]
    for obj in candidates:
        if obj is None:
            continue
        for name in ("_on_changes", "on_changes"):
            fn = getattr(obj, name, None)
            if callable(fn):
                t = time.perf_counter()
                try:
                    fn(ch)
                except Exception:  # noqa: BLE001 - diagnostics only
                    continue
                out[f"{type(obj).__module__.rsplit('.', 1)[-1]}.{type(obj).__name__}"] = round((time.perf_counter() - t) * 1000, 1)
    return dict(sorted(out.items(), key=lambda kv: -kv[1])[:6])


def _raw_read(path: Path) -> tuple[float, int]:
    """The baseline of the imports: openpyxl's streaming read of every cell of ``path``."""
    import openpyxl

    t = time.perf_counter()
    wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    cells = 0
    for ws in wb.worksheets:
        for row in ws.iter_rows(values_only=True):
            cells += len(row)
    wb.close()
    return time.perf_counter() - t, cells


def m_export_import(plan: Path, small: Path, tmp: Path) -> Result:
    """Export the large plan to xlsx and read it back (diff, no change) vs raw openpyxl."""
    workbook = _need("piaodesk.exchange.workbook")
    reimport = _need("piaodesk.exchange.reimport")

    from piaodesk.store.archive import Archive

    arc = Archive.open(plan, readonly=True)
    out = tmp / "piano.xlsx"
    t = time.perf_counter()
    workbook.write_workbook(arc, out)
    export = time.perf_counter() - t

    def ours() -> tuple[float, Any]:
        t = time.perf_counter()
        result = reimport.diff_workbook(arc, out)
        return time.perf_counter() - t, result

    # baseline, ours, ours, baseline (ABBA): a drift of this shared host's speed during
    # the run weighs alike on both; each figure is the mean of its two runs
    b1, cells = _raw_read(out)
    v1, result = ours()
    v2, _ = ours()
    b2, _ = _raw_read(out)
    value, baseline = (v1 + v2) / 2, (b1 + b2) / 2
    arc.close()
    return {"value_s": value, "baseline_s": baseline, "ratio": value / baseline,
            "export_s": export, "cells": cells, "edits_found": len(result.edits),
            "problems": len(result.problemi), "target": "≤ 1,5 × openpyxl",
            "ok": value <= 1.5 * baseline,
            "baseline": "openpyxl read_only: lettura di tutte le celle dello stesso file "
                        "(alternata: A B B A, media di due)"}


def m_flat_import(plan: Path, small: Path, tmp: Path) -> Result:
    """Import a 60.000-row flat objectives/indicators table into an empty plan vs raw openpyxl.

    ``prepare_import`` (read, columns, rows, objectives, indicators, targets: everything up to
    the preview) against openpyxl's read-only read of every cell of the same file, interleaved
    A B B A; each of our runs imports into its own empty plan. Applying the result and a second
    import of the same file into the filled plan (which must change nothing) are timed apart.
    """
    _need("piaodesk.exchange.flat")
    from piaodesk.domain.model import Ente, Piano
    from piaodesk.exchange import prepare_import
    from piaodesk.store.archive import Archive

    righe = int(os.environ.get("PIAODESK_BENCH_FLAT_ROWS", "60000"))
    src = tmp / "tabella.xlsx"
    # written by another process: the peak memory measured here is the import's alone
    subprocess.run([sys.executable, "-c", "import sys; sys.path.insert(0, sys.argv[1]); "
                    "from generate import flat_table; flat_table(sys.argv[2], int(sys.argv[3]))",
                    str(HERE), str(src), str(righe)], check=True)

    def empty(name: str) -> Any:
        return Archive.create(tmp / name, Piano(titolo="Vuoto", anno_inizio=2025, anno_fine=2027),
                              Ente(nome="Comune di Prova"))

    def ours(arc: Any) -> tuple[float, Any]:
        t = time.perf_counter()
        result = prepare_import(arc, src)
        return time.perf_counter() - t, result

    plans = [empty("a.piao"), empty("b.piao")]
    b1, cells = _raw_read(src)
    v1 = ours(plans[0])[0]  # one result held at a time, as the program does
    v2, result = ours(plans[1])
    b2, _ = _raw_read(src)
    value, baseline = (v1 + v2) / 2, (b1 + b2) / 2
    edits, problems = len(result.edits), len(result.problemi)
    indicators = result.riepilogo.get("Indicatori")
    t = time.perf_counter()
    result.apply(plans[1])
    apply_s = time.perf_counter() - t
    result = None
    again_s, again = ours(plans[1])
    for arc in plans:
        arc.close()
    return {"value_s": value, "baseline_s": baseline, "ratio": value / baseline, "rows": righe,
            "cells": cells, "edits": edits, "problems": problems, "indicators": indicators,
            "runs_s": {"openpyxl": [b1, b2], "piaodesk": [v1, v2]}, "apply_s": apply_s,
            "reimport_s": again_s, "reimport_edits": len(again.edits),
            "target": "≤ 1,5 × openpyxl", "ok": value <= 1.5 * baseline,
            "baseline": "openpyxl read_only: lettura di tutte le celle dello stesso file "
                        "(alternata: A B B A, media di due)"}


def _flatten(obj: Any) -> list[str]:
    import dataclasses

    if dataclasses.is_dataclass(obj):
        out: list[str] = []
        for f in dataclasses.fields(obj):
            out.extend(_flatten(getattr(obj, f.name)))
        return out
    if isinstance(obj, (list, tuple)):
        return [s for x in obj for s in _flatten(x)]
    if isinstance(obj, dict):
        return [s for k, v in obj.items() for s in [str(k), *_flatten(v)]]
    return [] if obj is None else [str(obj)]


def m_print_300(plan: Path, small: Path, tmp: Path) -> Result:
    """300 individual valuation sheets (PDF) vs raw reportlab drawing of the same text.

    Ours: the sheets' data read through one shared context, then rendered. The two
    are interleaved by chunks of 50 sheets (ours, then the baseline on the same people),
    so that a change of this shared host's speed during the run hits both alike.
    """
    sheets = _need("piaodesk.reports.sheets")
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfgen import canvas

    from piaodesk.reports.base import register_fonts
    from piaodesk.store.archive import Archive

    arc = Archive.open(plan, readonly=True)
    anno = arc.piano().anno_inizio
    register_fonts()
    out = tmp / "schede"
    raw = tmp / "raw"
    raw.mkdir()
    font = "DejaVuSans" if "DejaVuSans" in pdfmetrics.getRegisteredFontNames() else "Helvetica"
    t = time.perf_counter()
    snaps = sheets.snapshots_individuali(arc, anno)
    value = time.perf_counter() - t  # (the data: counted in ours)
    arc.close()
    texts = [_flatten(s) for s in snaps]
    baseline = 0.0
    written = 0
    for k in range(0, len(snaps), 50):
        t = time.perf_counter()
        written += len(sheets.render_batch(snaps[k:k + 50], out))
        value += time.perf_counter() - t
        t = time.perf_counter()
        for n, lines in enumerate(texts[k:k + 50], k):
            c = canvas.Canvas(str(raw / f"{n}.pdf"), pagesize=A4)
            y = 800
            c.setFont(font, 9)
            for line in lines:
                for chunk in [line[i:i + 110] for i in range(0, max(len(line), 1), 110)]:
                    if y < 40:
                        c.showPage()
                        c.setFont(font, 9)
                        y = 800
                    c.drawString(40, y, chunk)
                    y -= 12
            c.save()
        baseline += time.perf_counter() - t
    return {"value_s": value, "baseline_s": baseline, "ratio": value / baseline,
            "sheets": written, "target": "≤ 2 × reportlab", "ok": value <= 2 * baseline,
            "baseline": "reportlab canvas.drawString dello stesso testo, un PDF per persona "
                        "(alternati a blocchi di 50 schede)"}


def _busy_until(app: Any, done: Callable[[], bool], limit_s: float = 60.0) -> tuple[float, float]:
    """Run the event loop until ``done()``: (elapsed, longest single pass of the loop)."""
    t0 = time.perf_counter()
    worst = 0.0
    while not done() and time.perf_counter() - t0 < limit_s:
        t = time.perf_counter()
        app.processEvents()
        worst = max(worst, time.perf_counter() - t)
        time.sleep(0.001)  # (idle: nothing pending)
    return time.perf_counter() - t0, worst


_CHILD_TABLE_BASELINE = """
import json, os, sys, time
sys.path.insert(0, %r)
from run import _StepTimer, _settle
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QApplication, QTableView
app = QApplication(["baseline"])
std = QStandardItemModel(40_000, 11)
for r in range(40_000):
    for c in range(11):
        std.setItem(r, c, QStandardItem(f"Cella {r}.{c} del modello di riferimento"))
view = QTableView()
view.setModel(std)
view.setAlternatingRowColors(True)
view.resize(1366, 640)
view.show()
_settle(app, view.viewport())
bar = view.verticalScrollBar()
st = _StepTimer(app, view.viewport())
for k in range(30):
    st.step(lambda k=k: bar.setValue(int(bar.maximum() * k / 29)))
print("STALLS " + json.dumps(st.stalls), flush=True)
""" % str(HERE)


def _rss_now_mb() -> float:
    """Resident memory now (Linux /proc; elsewhere the peak so far)."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmRSS:"):
                    return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        pass
    return _rss_mb()


def m_viste(plan: Path, small: Path, tmp: Path) -> Result:
    """The plan-wide tabs on the large plan: first show, longest block while they fill in,
    and scrolling; the scroll baseline is a QTableView over a QStandardItemModel of the
    same size (40.000 rows × 11 columns, all in C++), driven through the same steps."""
    _need("piaodesk.ui.main_window")
    app = _app()
    from PySide6.QtCore import QObject
    from PySide6.QtWidgets import QAbstractScrollArea, QTabWidget

    arc, win = _open_window(app, plan, tmp)
    _busy_until(app, lambda: win.model.perc_adopted > 0, 30)  # the tree's % are in
    tabs = win.findChild(QTabWidget, "schedePrincipali")
    per_tab: dict[str, Any] = {}
    for i in range(1, tabs.count()):
        name = tabs.tabText(i)
        timer = _StepTimer(app, tabs)
        first = timer.step(lambda i=i: tabs.setCurrentIndex(i))
        page = tabs.widget(i)

        def loading(page: Any = page) -> bool:
            for w in [page, *page.findChildren(QObject)]:
                model = getattr(w, "model", None)
                if getattr(w, "loading", False) is True or (
                        not callable(model) and getattr(model, "loading", False) is True):
                    return True
            return False

        fill_s, fill_block = _busy_until(app, lambda loading=loading: not loading())
        areas = [a for a in page.findChildren(QAbstractScrollArea)
                 if a.isVisible() and a.verticalScrollBar().maximum() > 0]
        scroll: list[float] = []
        if areas:
            area = max(areas, key=lambda a: a.verticalScrollBar().maximum())
            bar = area.verticalScrollBar()
            st = _StepTimer(app, area.viewport())
            for k in range(30):
                st.step(lambda k=k, bar=bar: bar.setValue(int(bar.maximum() * k / 29)))
            scroll = sorted(st.stalls)
        per_tab[name] = {"first_show_s": first, "fill_s": fill_s, "fill_block_s": fill_block,
                         "scroll_median_s": scroll[len(scroll) // 2] if scroll else None,
                         "scroll_max_s": scroll[-1] if scroll else None}
    rss_all_tabs = _rss_now_mb()
    win.close()
    # baseline in its own process (its 440.000 items must not count in piaodesk's memory)
    proc = subprocess.run([sys.executable, "-c", _CHILD_TABLE_BASELINE], capture_output=True,
                          text=True, timeout=300, env=dict(os.environ, QT_QPA_PLATFORM="offscreen"))
    line = next((ln for ln in proc.stdout.splitlines() if ln.startswith("STALLS ")), None)
    if line is None:
        raise RuntimeError(proc.stderr.strip().splitlines()[-1] if proc.stderr.strip() else "errore")
    base = sorted(json.loads(line[7:]))
    scroll_max = max((t["scroll_max_s"] or 0) for t in per_tab.values())
    blocks = max(max(t["fill_block_s"], t["scroll_max_s"] or 0) for t in per_tab.values())
    slowest = max(per_tab, key=lambda n: per_tab[n]["first_show_s"])
    return {"value_s": scroll_max, "baseline_s": base[-1], "ratio": scroll_max / base[-1],
            "tabs": per_tab, "max_block_s": blocks, "slowest_first_show": slowest,
            "rss_all_tabs_mb": rss_all_tabs,
            "slowest_first_show_s": per_tab[slowest]["first_show_s"],
            "target": "blocchi ≤ 50 ms scorrendo e caricando", "ok": blocks <= 0.05,
            "baseline": "QTableView su QStandardItemModel 40.000 × 11, stessi passi di scorrimento"}


def m_valutazione(plan: Path, small: Path, tmp: Path) -> Result:
    """The valuation screens on the large plan: first show of «Valutazione individuale» (one
    QuadroValutazioni read for the whole table, then the rows in slices), a behaviour score
    typed and undone (only the valuation records are read again), «Performance organizzativa»
    and «Verifica del piano». Baseline: the same plan rows read with raw sqlite3 (objectives,
    assignments, persons, units, valuations), the least any valuation must read."""
    _need("piaodesk.ui.main_window")
    import shutil
    import sqlite3

    app = _app()
    from piaodesk.store.archive import Archive
    from piaodesk.ui.dialogs.verifica import problemi
    from piaodesk.ui.main_window import MainWindow

    copy = tmp / "valutazione.piao"
    shutil.copyfile(plan, copy)
    win = MainWindow(Archive.open(copy), _settings(tmp))
    win.resize(1366, 768)
    win.show()
    _settle(app, win)
    _busy_until(app, lambda: win.model.perc_adopted > 0, 30)  # the tree's % are in
    tabs = win.tabs
    titles = [tabs.tabText(i) for i in range(tabs.count())]

    def show(title: str) -> tuple[float, float, float, Any]:
        st = _StepTimer(app, tabs)
        first = st.step(lambda: tabs.setCurrentIndex(titles.index(title)))
        view = win.views.get(title)
        model = getattr(view, "model", None)
        fill, block = _busy_until(app, lambda: not getattr(model, "loading", False))
        return first, fill, block, view

    first, fill, block, view = show("Valutazione individuale")
    pid = view.model.rows()[0].key
    view.select_persona(pid)
    gm = view.comportamenti_model
    timer = _StepTimer(app, view.comportamenti.viewport())
    edit = timer.step(lambda: gm.setData(gm.index(0, gm.column_of("punteggio")), "20"))
    undo = timer.step(win.ctx.stack.undo)
    org_first, _f, org_block, _v = show("Performance organizzativa")
    t = time.perf_counter()
    found = problemi(win.ctx)
    verifica_s = time.perf_counter() - t
    rows = view.model.rowCount()
    win.close()
    base = []
    for _ in range(3):
        t = time.perf_counter()
        with sqlite3.connect(copy) as conn:
            for table in ("obiettivi", "assegnazioni", "persone", "unita", "valutazioni",
                          "valutazioni_individuali", "punteggi_comportamenti"):
                conn.execute(f"SELECT * FROM {table}").fetchall()
        conn.close()
        base.append(time.perf_counter() - t)
    baseline = min(base)
    worst = max(first, block, edit, undo, org_first, org_block)
    return {"value_s": first, "baseline_s": baseline, "ratio": first / baseline, "rows": rows,
            "fill_s": fill, "fill_block_s": block, "edit_s": edit, "undo_s": undo,
            "organizzativa_first_show_s": org_first, "verifica_s": verifica_s, "problemi": len(found),
            "max_block_s": worst, "target": "nessun blocco oltre 1 s", "ok": worst <= 1.0,
            "baseline": "lettura SQL grezza (sqlite3) delle righe che la valutazione legge"}


def m_monitoraggio(plan: Path, small: Path, tmp: Path) -> Result:
    """Monitoraggio on the large plan: open, a typed value, «Salva» (bench/latenza_monitoraggio.py)."""
    from latenza_monitoraggio import m_monitoraggio as measure

    return measure(plan, small, tmp)
def _latenza_store(name: str) -> Callable[[Path, Path, Path], Result]:
    """The store's side of Rileva and of the SMVP save (bench/latenza_store.py)."""
    def measure(plan: Path, small: Path, tmp: Path) -> Result:
        import latenza_store

        return getattr(latenza_store, f"m_{name}")(plan, small, tmp)  # type: ignore[no-any-return]

    return measure


MEASUREMENTS: dict[str, Callable[[Path, Path, Path], Result]] = {
    "cold_start": m_cold_start,
    "open_tree": m_open_tree,
    "expand_scroll": m_expand_scroll,
    "edit_1000": m_edit_1000,
    "export_import": m_export_import,
    "flat_import": m_flat_import,
    "print_300": m_print_300,
    "viste": m_viste,
    "valutazione": m_valutazione,
    "latenza_albero": lambda plan, small, tmp: __import__("latenza_albero").measure(plan, small, tmp),
    "monitoraggio": m_monitoraggio,
    "latenza_rileva": _latenza_store("latenza_rileva"),
    "latenza_rileva_redo": _latenza_store("latenza_rileva_redo"),
    "latenza_smvp": _latenza_store("latenza_smvp"),
}

LABELS = {
    "cold_start": "Avvio a freddo fino alla prima finestra",
    "open_tree": "Apertura piano grande + albero visibile",
    "expand_scroll": "Espandi tutto (e blocchi max espandendo/scorrendo)",
    "edit_1000": "1.000 modifiche con annulla/ripeti",
    "export_import": "Reimportazione xlsx (diff) del piano grande",
    "flat_import": "Importazione tabella piatta di 60.000 righe in un piano vuoto",
    "print_300": "300 schede individuali PDF",
    "viste": "Schede del piano (Scadenze, Indicatori, Gantt, …): scorrimento max",
    "valutazione": "Valutazione individuale: prima apertura (piano grande)",
    "latenza_albero": "Albero: ogni tasto in «Cerca codice o titolo…» (max), anno, In ritardo",
    "monitoraggio": "Monitoraggio: apertura, valore digitato, «Salva» (piano grande)",
    "latenza_rileva": "Rileva i valori: clic più ridisegno (piano grande)",
    "latenza_rileva_redo": "Rileva i valori: ripeti dopo annulla, più ridisegno (piano grande)",
    "latenza_smvp": "Salva il sistema di valutazione e rileggi le % (archivio, piano grande)",
}


def child(name: str, plan: Path, small: Path) -> int:
    with tempfile.TemporaryDirectory(prefix=f"piaodesk-bench-{name}-") as tmp:
        os.environ["PIAODESK_HOME"] = str(Path(tmp) / "home")
        try:
            result = MEASUREMENTS[name](plan, small, Path(tmp))
            result["status"] = "ok"
        except Skip as exc:
            result = {"status": "skipped", "reason": str(exc)}
        result["peak_rss_mb"] = _rss_mb()
    print("RESULT " + json.dumps(result), flush=True)
    return 0


# ---------------------------------------------------------------------- driver


def _prepare(scale: float, folder: Path) -> tuple[Path, Path, float]:
    from generate import generate

    from piaodesk.store.demo import build_demo

    from piaodesk.store.archive import Archive

    folder.mkdir(parents=True, exist_ok=True)
    plan = folder / f"grande-{scale:g}.piao"
    for cached in (plan, folder / "demo.piao"):
        if cached.exists():  # a plan of an older schema: migrated once here, else made anew
            try:
                Archive.open(cached).close()
            except Exception:  # noqa: BLE001 - unusable cache: regenerate
                cached.unlink()
    t = time.perf_counter()
    if not plan.exists():
        generate(plan, settori=max(1, round(20 * scale)) if scale < 1 else 20,
                 obiettivi_per_settore=max(10, round(500 * min(scale, 1) if scale < 1 else 500)),
                 persone=300)
    gen = time.perf_counter() - t
    small = folder / "demo.piao"
    if not small.exists():
        build_demo(small).close()
    return plan, small, gen


def _fmt_s(x: float | None) -> str:
    if x is None:
        return "—"
    return f"{x * 1000:.0f} ms" if x < 1 else f"{x:.2f} s"


def table(results: dict[str, Result]) -> str:
    lines = ["| Misura | piaodesk | Riferimento | Rapporto | Obiettivo | Picco RSS |",
             "|---|---:|---:|---:|---|---:|"]
    for name, r in results.items():
        label = LABELS.get(name, name)
        if r.get("status") != "ok":
            lines.append(f"| {label} | saltata: {r.get('reason', r.get('error', ''))} | | | | |")
            continue
        target = r.get("target", "")
        if "ok" in r:
            target = f"{target} {'✔' if r['ok'] else '✘'}"
        extra = ""
        if name == "expand_scroll":
            extra = (f" (blocco max {_fmt_s(r['max_stall_s'])}, mediano "
                     f"{_fmt_s(r.get('median_stall_s'))}, dopo espandi tutto "
                     f"{_fmt_s(r['max_stall_scroll_after_expand_all_s'])}; QStandardItemModel: "
                     f"max {_fmt_s(r.get('baseline_max_stall_s'))}, mediano "
                     f"{_fmt_s(r.get('baseline_median_stall_s'))})")
        if name == "edit_1000":
            extra = (f" ({r['per_edit_ms']:.1f} ms/modifica"
                     + (f", stimato da {r['edits_done']}" if r.get("extrapolated") else "")
                     + f"; solo archivio {_fmt_s(r['store_only_s'])}"
                     + (f"; nuovo obiettivo figlio o annulla: mediano "
                        f"{_fmt_s(r['structural_median_s'])}, max {_fmt_s(r['structural_max_s'])}"
                        if "structural_max_s" in r else "") + ")")
        if name == "viste":
            extra = (f" (caricando: blocco max {_fmt_s(r['max_block_s'])}; prima apertura più lenta: "
                     f"{r['slowest_first_show']} {_fmt_s(r['slowest_first_show_s'])}; tutte le "
                     f"schede aperte: {r['rss_all_tabs_mb']:.0f} MB)")
        if name == "valutazione":
            extra = (f" ({r['rows']} persone, righe in {_fmt_s(r['fill_s'])} a fette; punteggio scritto "
                     f"{_fmt_s(r['edit_s'])}, annullato {_fmt_s(r['undo_s'])}; Performance "
                     f"organizzativa {_fmt_s(r['organizzativa_first_show_s'])}; Verifica del piano "
                     f"{_fmt_s(r['verifica_s'])})")
        if name == "latenza_albero":
            extra = (f" (tasto mediano {_fmt_s(r['key_median_s'])}; cambio anno "
                     f"{_fmt_s(r['year_s'])} = {r['year_ratio']:.2f}× un ridisegno; In ritardo "
                     f"{_fmt_s(r['late_s'])} = {r['late_ratio']:.2f}×; Raggruppa per settore "
                     f"{_fmt_s(r['settore_s'])})")
        if name == "monitoraggio":
            extra = (f" (valore digitato {_fmt_s(r['typed_max_s'])} = {r['typed_ratio']:.2f}×, "
                     f"annulla {_fmt_s(r['undo_s'])}; «Salva» {_fmt_s(r['salva_s'])} = "
                     f"{r['salva_ratio']:.2f}×; caricando: blocco max {_fmt_s(r['fill_block_s'])})")
        if name == "latenza_rileva":
            extra = (f" (mediana di 3, min {_fmt_s(r.get('gui_min_s'))}, max {_fmt_s(r.get('gui_max_s'))}; "
                     f"preparato mentre il monitoraggio è mostrato in {_fmt_s(r.get('prepare_s'))}, "
                     f"blocco max {_fmt_s(r.get('prepare_block_s'))}; clic senza preparazione "
                     f"{_fmt_s(r.get('gui_cold_s'))}, subito dopo un valore digitato "
                     f"{_fmt_s(r.get('gui_typed_s'))} (max {_fmt_s(r.get('gui_typed_max_s'))}); "
                     f"solo archivio: costruzione "
                     f"{_fmt_s(r['build_s'])}, scrittura {_fmt_s(r['write_s'])}, "
                     + f"{r['rows']:,}".replace(",", ".") + " righe)")
        if name == "latenza_rileva_redo":
            extra = (f" (mediana di 3, min {_fmt_s(r.get('gui_redo_min_s'))}, max "
                     f"{_fmt_s(r.get('gui_redo_max_s'))}; annulla "
                     f"{_fmt_s(r.get('gui_undo_s'))}–{_fmt_s(r.get('gui_undo_max_s'))}; solo "
                     f"archivio {_fmt_s(r.get('store_redo_s'))})")
        if name == "export_import":
            extra = f" (esportazione {_fmt_s(r['export_s'])})"
        if name == "flat_import":
            extra = (f" ({r['rows']:,} righe; {r['indicators']:,} indicatori".replace(",", ".")
                     + f"; applicazione {_fmt_s(r['apply_s'])}; seconda importazione dello stesso "
                       f"file {_fmt_s(r['reimport_s'])}, {r['reimport_edits']} modifiche)")
        lines.append(f"| {label} | {_fmt_s(r['value_s'])}{extra} | {_fmt_s(r['baseline_s'])} | "
                     f"{r['ratio']:.2f}× | {target} | {r['peak_rss_mb']:.0f} MB |")
    peaks = [r["peak_rss_mb"] for r in results.values() if r.get("status") == "ok"]
    if peaks:
        lines.append(f"| Memoria di picco (max dei processi) | {max(peaks):.0f} MB | | | ≤ 250 MB "
                     f"{'✔' if max(peaks) <= 250 else '✘'} | |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scale", type=float, default=1.0, help="1 = 20×500 obiettivi (predefinito)")
    ap.add_argument("--dir", type=Path, default=Path(tempfile.gettempdir()) / "piaodesk-bench")
    ap.add_argument("--json", type=Path, default=HERE / "results.json")
    ap.add_argument("--markdown", type=Path, default=None)
    ap.add_argument("--only", nargs="*", choices=sorted(MEASUREMENTS))
    ap.add_argument("--child", choices=sorted(MEASUREMENTS), help=argparse.SUPPRESS)
    ap.add_argument("--plan", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--small", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    if args.child:
        return child(args.child, args.plan, args.small)

    plan, small, gen = _prepare(args.scale, args.dir)
    print(f"Piano grande: {plan} ({plan.stat().st_size / 1e6:.1f} MB; generato in {gen:.1f} s)")
    results: dict[str, Result] = {}
    for name in args.only or MEASUREMENTS:
        print(f"- {LABELS[name]} …", end=" ", flush=True)
        t = time.perf_counter()
        proc = subprocess.run([sys.executable, str(Path(__file__).resolve()), "--child", name,
                               "--plan", str(plan), "--small", str(small)],
                              capture_output=True, text=True, timeout=900,
                              env=dict(os.environ, QT_QPA_PLATFORM="offscreen"))
        line = next((ln for ln in proc.stdout.splitlines() if ln.startswith("RESULT ")), None)
        if line is None:
            err = (proc.stderr.strip().splitlines() or ["nessun risultato"])[-1]
            results[name] = {"status": "error", "error": err}
            print(f"ERRORE: {err}")
            continue
        results[name] = json.loads(line[7:])
        r = results[name]
        print(f"{r['status']} ({time.perf_counter() - t:.1f} s)" +
              (f": {r['reason']}" if r["status"] == "skipped" else ""))
    report = {"machine": {"python": platform.python_version(), "platform": platform.platform(),
                          "cpus": os.cpu_count()},
              "scale": args.scale, "plan_mb": round(plan.stat().st_size / 1e6, 1),
              "generated_s": gen, "results": results}
    args.json.write_text(json.dumps(report, indent=1, ensure_ascii=False), encoding="utf-8")
    md = table(results)
    print()
    print(md)
    if args.markdown:
        head = (f"Benchmark di piaodesk (`bench/run.py`, scala {args.scale:g}: "
                f"{plan.stat().st_size / 1e6:.1f} MB; {platform.platform()}, {os.cpu_count()} CPU, "
                f"Python {platform.python_version()}, Qt offscreen).\n\n")
        args.markdown.write_text(head + md + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
