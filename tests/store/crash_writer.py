"""Helper process for the crash test (not a test module): edits a plan in a loop.

Usage: python crash_writer.py PLAN START
Each step is one Batch of two inserted persons ``K<n>a`` and ``K<n>b`` (one
transaction); after ``archive.apply`` returns, ``n`` is printed and flushed, so
every printed number is an edit the store reported as committed.
"""

from __future__ import annotations

import sys
from pathlib import Path

from piaodesk.domain.model import Persona
from piaodesk.store.archive import Archive
from piaodesk.store.edits import Batch, InsertRow, SetFields


def main() -> None:
    path, start = Path(sys.argv[1]), int(sys.argv[2])
    arc = Archive.open(path)
    print("PRONTO", flush=True)
    n = start
    while True:
        edits = [InsertRow(Persona(cognome=f"K{n:06d}a", nome="x" * (n % 300))),
                 InsertRow(Persona(cognome=f"K{n:06d}b"))]
        if n % 7 == 0:
            edits.append(SetFields(Persona, 1, {"profilo": f"profilo {n}"}))
        arc.apply(Batch(edits, f"passo {n}"))
        print(n, flush=True)
        n += 1


if __name__ == "__main__":
    main()
