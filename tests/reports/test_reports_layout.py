"""Issue 15, point 9 (layout): no signature block alone on a page, no heading alone at a page's foot,
a signature area that leaves room for a stamp of at least 6 pt."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from piaodesk.reports import sheets
from piaodesk.reports.base import STAMP_AREA_HEIGHT

HEADING = re.compile(r"^\s*\d+\.\s+\S")


def _pages(path: Path) -> list[list[str]]:
    exe = shutil.which("pdftotext")
    if exe is None:
        pytest.skip("pdftotext (poppler-utils) non installato")
    text = subprocess.run([exe, "-layout", str(path), "-"], capture_output=True, text=True,
                          check=True, timeout=60).stdout
    pages = []
    for page in text.split("\f"):
        lines = [ln for ln in page.splitlines() if ln.strip()]
        # the running header and footer ("pagina X di Y") are not content
        pages.append([ln for ln in lines[1:] if "pagina " not in ln or " di " not in ln])
    return [p for p in pages if p]


def _check(path: Path) -> None:
    pages = _pages(path)
    for number, lines in enumerate(pages, start=1):
        luogo = next((i for i, ln in enumerate(lines) if ln.strip().startswith("Luogo")), None)
        if luogo is not None:
            assert luogo > 0, f"{path.name}: blocco delle firme da solo a pagina {number}"
        if number < len(pages):
            assert not HEADING.match(lines[-1]), f"{path.name}: titolo «{lines[-1].strip()}» in fondo a pagina {number}"


def test_signature_block_never_alone_and_headings_kept(demo, tmp_path: Path) -> None:
    persone = [p.id for p in demo.persone()][:25]
    files = sheets.batch_schede_individuali(demo, tmp_path / "ind", 2025, persone=persone)
    files += sheets.batch_schede_obiettivi(demo, tmp_path / "obi", 2025)
    for o in demo.obiettivi()[:40]:
        try:
            pdf = sheets.build_scheda_obiettivo(demo, o.id, 2025)
        except LookupError:
            continue
        files.append(tmp_path / f"obiettivo-{o.id}.pdf")
        files[-1].write_bytes(pdf)
    for pid in persone[:8]:
        for tipo in ("assegnazione", "colloquio"):
            files.append(tmp_path / f"{tipo}-{pid}.pdf")
            files[-1].write_bytes(sheets.build_scheda_ciclo(demo, pid, tipo, 2025))
    files.append(tmp_path / "organizzativa.pdf")
    files[-1].write_bytes(sheets.build_scheda_organizzativa(demo, 2025))
    assert len(files) > 50
    for path in files:
        _check(Path(path))


def test_signature_area_fits_a_readable_stamp() -> None:
    from piaodesk.signing.sign import SignOptions, stamp_fits

    box = (0, 0, 137, STAMP_AREA_HEIGHT)  # the narrowest block: three per row on a portrait page
    opts = SignOptions("Firma_Responsabile", ruolo="Il Responsabile del Servizio Finanziario e Tributi",
                       luogo="Unione Marca Occidentale")
    assert stamp_fits(opts, "Mariagrazia Bevilacqua-Santangelo", box)


def test_no_none_placeholders_in_any_sheet(demo, tmp_path: Path) -> None:
    """The demo's blank cells (null in resources/demo) never print as the word «None»."""
    files = sheets.batch_schede_obiettivi(demo, tmp_path / "obi", 2025)
    for o in demo.obiettivi():
        try:
            pdf = sheets.build_scheda_obiettivo(demo, o.id, 2025)
        except LookupError:
            continue
        path = tmp_path / f"obiettivo-{o.id}.pdf"
        path.write_bytes(pdf)
        files.append(path)
    assert len(files) > 20
    for path in files:
        for lines in _pages(Path(path)):
            assert not any(re.search(r"\bNone\b", ln) for ln in lines), f"«None» in {Path(path).name}"


def test_long_objective_sheet_keeps_its_last_rows_with_the_signatures(demo, tmp_path: Path) -> None:
    """10701 (12 pages): the signatures come after the last rows of the last block, not after a
    lone note line or on a page of their own."""
    from piaodesk.reports import data

    o = data.trova_obiettivo(demo, "10701")
    path = tmp_path / "10701.pdf"
    path.write_bytes(sheets.build_scheda_obiettivo(demo, o.id, 2025))
    last = _pages(path)[-1]
    luogo = next(i for i, ln in enumerate(last) if ln.strip().startswith("Luogo"))
    assert luogo >= 2 and any("stato di avanzamento" in ln for ln in last[:luogo]), last[:luogo]


def test_missing_values_are_said_not_left_blank(demo, tmp_path: Path) -> None:
    """«Ore settimanali:» with nothing after it was an empty placeholder: now it says so."""
    persone = [p.id for p in demo.persone() if not p.ore_settimanali][:3]
    assert persone
    for pid in persone:
        path = tmp_path / f"ind-{pid}.pdf"
        path.write_bytes(sheets.build_scheda_individuale(demo, pid, 2025))
        first = _pages(path)[0]
        line = next(ln for ln in first if "Ore settimanali:" in ln)
        assert "(non indicato)" in line, line
