"""Shared test set-up: offscreen Qt, a private user-data folder, plan factories."""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
if "PIAODESK_HOME" not in os.environ:  # a private user folder, removed when the run ends
    os.environ["PIAODESK_HOME"] = _home = tempfile.mkdtemp(prefix="piaodesk-home-")
    atexit.register(shutil.rmtree, _home, True)

import pytest  # noqa: E402

from piaodesk.store.archive import Archive  # noqa: E402
from piaodesk.store.demo import build_demo  # noqa: E402


@pytest.fixture(autouse=True)
def _undo_stacks_emptied():
    """Undo stacks of windowless contexts are emptied after each test (see
    piaodesk.ui.context.clear_undo_stacks: otherwise a later garbage collection can crash)."""
    import sys

    yield
    ctx_module = sys.modules.get("piaodesk.ui.context")
    if ctx_module is not None:
        ctx_module.clear_undo_stacks()


@pytest.fixture(scope="session")
def _demo_source(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo plan, built once per session (in pytest's own temporary folders)."""
    src = tmp_path_factory.mktemp("demo") / "demo.piao"
    build_demo(src).close()
    return src


@pytest.fixture
def demo_path(tmp_path: Path, _demo_source: Path) -> Path:
    """A fresh copy of the demo plan (built once per session, copied per test)."""
    dst = tmp_path / "demo.piao"
    shutil.copyfile(_demo_source, dst)
    return dst


@pytest.fixture
def demo(demo_path: Path):
    arc = Archive.open(demo_path)
    yield arc
    arc.close()


@pytest.fixture
def empty_plan(tmp_path: Path):
    from piaodesk.domain.model import Ente, Piano

    arc = Archive.create(tmp_path / "vuoto.piao", Piano(titolo="Piano di prova", anno_inizio=2025,
                                                        anno_fine=2027), Ente(nome="Comune di Prova"))
    yield arc
    arc.close()
