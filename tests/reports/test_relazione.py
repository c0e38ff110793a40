"""Relazione sulla Performance: PDF with the Nucleo's signature field, .docx that LibreOffice opens."""

from __future__ import annotations

import shutil
import subprocess

import pytest
from docx import Document
from pypdf import PdfReader

from piaodesk.cli import main
from piaodesk.domain.formats import format_percent
from piaodesk.store.archive import Archive
from piaodesk.store.valutazioni import QuadroValutazioni


def test_cli_relazione_pdf_and_docx_with_the_valuation_numbers(demo_path, tmp_path, capsys):
    out = tmp_path / "rel"
    assert main(["relazione", str(demo_path), "--out", str(out)]) == 0
    pdf = PdfReader(out / "relazione-performance-2025.pdf")
    assert {"Firma_Nucleo", "Firma_Segretario"} <= set(pdf.get_fields() or {})
    testo = " ".join(p.extract_text() for p in pdf.pages)
    for titolo in ("1. Presentazione", "2. Contesto", "3. Risultati per obiettivo", "4. Sintesi per unità",
                   "5. Performance organizzativa e individuale", "6. Differenziazione delle valutazioni",
                   "7. Pari opportunità", "8. Processo"):
        assert titolo in testo
    doc = Document(out / "relazione-performance-2025.docx")
    testo_docx = "\n".join(p.text for p in doc.paragraphs) + "\n".join(
        c.text for t in doc.tables for r in t.rows for c in r.cells)
    with Archive.open(demo_path, readonly=True) as arc:
        q = QuadroValutazioni(arc)
        ente = format_percent(q.sintesi().perc)
    # the ente's organisational result, as the valuation computes it, in both files
    assert ente in testo and ente in testo_docx
    assert "10701" in testo_docx and "98,51 %" in testo_docx
    assert len(doc.inline_shapes) == 2  # the two charts


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice non installato (.ci/run lo installa)")
def test_libreoffice_converts_the_docx(demo_path, tmp_path):
    out = tmp_path / "rel"
    assert main(["relazione", str(demo_path), "--out", str(out)]) == 0
    lo = tmp_path / "lo"
    res = subprocess.run(["soffice", f"-env:UserInstallation=file://{tmp_path / 'profilo'}", "--headless",
                          "--convert-to", "pdf", "--outdir", str(lo), str(out / "relazione-performance-2025.docx")],
                         capture_output=True, text=True, timeout=180)
    assert res.returncode == 0, res.stderr
    converted = lo / "relazione-performance-2025.pdf"
    reader = PdfReader(converted)
    assert len(reader.pages) >= 3
    assert "Relazione sulla Performance 2025" in reader.pages[0].extract_text()


def test_scostamenti_carry_the_settore_justification_from_the_monitoring(demo_path):
    from piaodesk.reports.documento import Testo
    from piaodesk.reports.relazione import documento_relazione

    with Archive.open(demo_path, readonly=True) as arc:
        doc = documento_relazione(arc)
    scost = [b.testo for b in doc.blocchi if isinstance(b, Testo) and b.testo.startswith("Scostamento OE0527")]
    # OE0527 (66,67 %): its third sub-objective's reply to the Nucleo at the second round
    assert len(scost) == 1 and "OE052703: Nonostante l'impegno per l'implementazio" in scost[0]
