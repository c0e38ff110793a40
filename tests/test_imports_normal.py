"""Every piaodesk module imports, and the tests import the project normally.

A broken import must fail the run: ``pytest.importorskip("piaodesk…")`` would turn it into a
skip that nobody reads (issue 13). The ui modules (and app.py) need Qt: on a machine without
PySide6 at all they are skipped, saying so; an installed Qt that fails to import fails.
"""

from __future__ import annotations

import importlib
import importlib.util
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PIAODESK = ROOT / "piaodesk"
#: runs the program when imported
NOT_IMPORTED = {"piaodesk.__main__"}


def _modules() -> list[str]:
    out = []
    for p in sorted(PIAODESK.rglob("*.py")):
        parts = list(p.relative_to(ROOT).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        name = ".".join(parts)
        if name not in NOT_IMPORTED:
            out.append(name)
    return out


MODULES = _modules()


def test_the_module_list_is_the_whole_package():
    assert len(MODULES) > 100
    assert "piaodesk.domain.nomi" in MODULES and "piaodesk.ui.main_window" in MODULES


NO_QT = importlib.util.find_spec("PySide6") is None


def _needs_qt(name: str) -> bool:
    return name == "piaodesk.app" or name == "piaodesk.ui" or name.startswith("piaodesk.ui.")


@pytest.mark.parametrize("name", MODULES)
def test_module_imports(name: str) -> None:
    if NO_QT and _needs_qt(name):
        pytest.skip("PySide6 non installato: i moduli dell'interfaccia non si possono importare")
    mod = importlib.import_module(name)
    assert Path(mod.__file__).resolve().is_relative_to(PIAODESK), (
        f"{name} viene da {mod.__file__}, non da questo checkout")


def test_no_test_skips_when_the_project_does_not_import():
    pattern = re.compile(r"importorskip\(\s*[\"']piaodesk|importorskip\(\s*[\"']PySide6")
    found = [f"{p.relative_to(ROOT)}:{t.count(chr(10), 0, m.start()) + 1}"
             for p in sorted((ROOT / "tests").rglob("*.py")) if p != Path(__file__).resolve()
             for t in [p.read_text(encoding="utf-8")] for m in pattern.finditer(t)]
    assert found == [], f"importorskip del progetto (o di Qt, che è una sua dipendenza): {found}"
