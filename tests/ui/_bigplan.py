"""A plan of 10.000 objectives for scale tests (reuses ``bench/generate.py``)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

_ROOT = Path(__file__).resolve().parents[2]


def big_plan(path: Path, obiettivi: int = 10_000) -> Path:
    spec = importlib.util.spec_from_file_location("piaodesk_bench_generate",
                                                  _ROOT / "bench" / "generate.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    settori = 20
    return module.generate(path, settori=settori, obiettivi_per_settore=obiettivi // settori,
                           indicatori=1, fasi=1, persone=60)
