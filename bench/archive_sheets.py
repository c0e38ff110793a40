"""What issue 15 costs and saves, as ratios measured in the same run:

* PDF/A-2b (XMP, sRGB OutputIntent, /Lang) on rendering individual sheets of the demo, against
  the same sheets with the PDF/A step switched off;
* signing a folder in one key opening (``sign_many``) against opening the key for every file,
  with a throw-away PKCS#12 (the smart card's PIN entry, the real saving, is not timed).

    python bench/archive_sheets.py [--sheets 20] [--rounds 3]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from piaodesk.reports import base, sheets
from piaodesk.signing.batch import sign_file, sign_many
from piaodesk.signing.keys import load_pkcs12
from piaodesk.signing.prova import crea_pki_prova
from piaodesk.signing.sign import SignOptions
from piaodesk.store.demo import build_demo


def _render(snaps) -> float:  # type: ignore[no-untyped-def]
    t0 = time.perf_counter()
    for snap in snaps:
        sheets.render(snap)
    return time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sheets", type=int, default=20)
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    folder = Path(tempfile.mkdtemp())
    arc = build_demo(folder / "demo.piao")
    snaps = sheets.snapshots_individuali(arc)[: args.sheets]
    real = base._make_pdfa
    with_a, without_a = [], []
    for r in range(args.rounds):
        for pdfa in ((True, False) if r % 2 == 0 else (False, True)):
            base._make_pdfa = real if pdfa else (lambda canv: None)
            (with_a if pdfa else without_a).append(_render(snaps))
    base._make_pdfa = real
    a, b = statistics.median(with_a), statistics.median(without_a)
    print(f"{len(snaps)} schede individuali: PDF/A {a * 1000 / len(snaps):.1f} ms/scheda, senza "
          f"{b * 1000 / len(snaps):.1f} ms/scheda: rapporto {a / b:.3f}×")

    pki = crea_pki_prova(folder / "pki", "bench", signers=("Mario Rossi",))
    pdf = sheets.render(snaps[0])
    once, each = [], []
    for r in range(args.rounds):
        for batch in ((True, False) if r % 2 == 0 else (False, True)):
            work = folder / f"firma-{r}-{batch}"
            work.mkdir()
            files = [work / f"s{i:02d}.pdf" for i in range(args.sheets)]
            for f in files:
                f.write_bytes(pdf)
            opts = SignOptions("Firma_Responsabile")
            t0 = time.perf_counter()
            if batch:
                sign_many(files, load_pkcs12(pki.p12["Mario Rossi"], "bench"), opts)
            else:
                for f in files:
                    sign_file(f, load_pkcs12(pki.p12["Mario Rossi"], "bench"), opts)
            (once if batch else each).append(time.perf_counter() - t0)
            shutil.rmtree(work)
    a, b = statistics.median(once), statistics.median(each)
    print(f"{args.sheets} firme: chiave aperta una volta {a * 1000 / args.sheets:.1f} ms/file, "
          f"aperta per ogni file {b * 1000 / args.sheets:.1f} ms/file: rapporto {a / b:.3f}×")
    arc.close()
    shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
