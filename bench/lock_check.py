"""What the lock check before every write costs (issue 16): 1.000 cell edits on the demo plan
with the check (a stat of the lock file) against the same edits with the check switched off,
interleaved in rounds in the same run; prints the ratio.

    python bench/lock_check.py [--edits 1000] [--rounds 5]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from piaodesk.domain.model import Obiettivo
from piaodesk.store.archive import Archive
from piaodesk.store.demo import build_demo
from piaodesk.store.edits import SetFields


def _edits(arc: Archive, n: int) -> float:
    oid = arc.obiettivi()[0].id
    t0 = time.perf_counter()
    for i in range(n):
        arc.apply(SetFields(Obiettivo, oid, {"note": f"nota {i}"}))  # type: ignore[arg-type]
    return time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--edits", type=int, default=1000)
    ap.add_argument("--rounds", type=int, default=5)
    args = ap.parse_args()
    folder = Path(tempfile.mkdtemp())
    src = folder / "demo.piao"
    build_demo(src).close()
    with_check, without = [], []
    for r in range(args.rounds):
        for checked in ((True, False) if r % 2 == 0 else (False, True)):
            path = folder / "lavoro.piao"
            shutil.copyfile(src, path)
            arc = Archive.open(path)
            if not checked:
                arc._check_lock = lambda: None  # type: ignore[method-assign]
            (with_check if checked else without).append(_edits(arc, args.edits))
            arc.close()
            path.unlink()
    a, b = statistics.median(with_check), statistics.median(without)
    print(f"{args.edits} modifiche: con il controllo del blocco {a * 1000 / args.edits:.3f} ms/modifica, "
          f"senza {b * 1000 / args.edits:.3f} ms/modifica: rapporto {a / b:.3f}×")
    import timeit

    path = folder / "lavoro.piao"
    shutil.copyfile(src, path)
    arc = Archive.open(path)
    one = timeit.timeit(arc._check_lock, number=10000) / 10000
    arc.close()
    print(f"il controllo da solo: {one * 1e6:.2f} µs, cioè {one / (b / args.edits):.4f}× di una "
          "modifica senza controllo")
    shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
