"""Shared test set-up: offscreen Qt, a private user-data folder, plan factories."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("PIAODESK_HOME", tempfile.mkdtemp(prefix="piaodesk-home-"))

import pytest  # noqa: E402

from piaodesk.store.archive import Archive  # noqa: E402
from piaodesk.store.demo import build_demo  # noqa: E402

_DEMO_CACHE: dict[str, Path] = {}


@pytest.fixture(autouse=True)
def _undo_stacks_emptied():
    """Undo stacks of windowless contexts are emptied after each test (see
    piaodesk.ui.context.clear_undo_stacks: otherwise a later garbage collection can crash)."""
    import sys

    yield
    ctx_module = sys.modules.get("piaodesk.ui.context")
    if ctx_module is not None:
        ctx_module.clear_undo_stacks()


@pytest.fixture
def demo_path(tmp_path: Path) -> Path:
    """A fresh copy of the demo plan (built once per session, copied per test)."""
    import shutil

    if "demo" not in _DEMO_CACHE:
        src = Path(tempfile.mkdtemp(prefix="piaodesk-demo-")) / "demo.piao"
        build_demo(src).close()
        _DEMO_CACHE["demo"] = src
    dst = tmp_path / "demo.piao"
    shutil.copyfile(_DEMO_CACHE["demo"], dst)
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
