"""Helpers shared by the signing tests: a small unsigned PDF and pdfsig."""

from __future__ import annotations

import io
import shutil
import subprocess
from pathlib import Path

import pytest

PASSWORD = "prova-123"


def make_pdf(fields: tuple[str, ...] = ("Firma_Responsabile", "Firma_Dipendente")) -> bytes:
    """One A4 page (uncompressed, so tests can find and alter its text) with empty signature fields."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign.fields import SigFieldSpec, append_signature_field
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=(595, 842), pageCompression=0)
    c.setFont("Helvetica-Bold", 16)
    c.drawString(60, 780, "SCHEDA DI VALUTAZIONE DI PROVA")
    c.setFont("Helvetica", 11)
    c.drawString(60, 750, "Punteggio complessivo: 27,50 / 30")
    c.drawString(60, 215, "Il Responsabile")
    c.drawString(320, 215, "Il Dipendente")
    c.showPage()
    c.save()
    writer = IncrementalPdfFileWriter(io.BytesIO(buf.getvalue()))
    boxes = [(60, 120, 280, 205), (320, 120, 540, 205), (60, 20, 280, 105)]
    for name, box in zip(fields, boxes):
        append_signature_field(writer, SigFieldSpec(name, on_page=0, box=box))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def pdfsig(path: Path) -> str:
    exe = shutil.which("pdfsig")
    if exe is None:
        pytest.skip("pdfsig (poppler-utils) non installato")
    proc = subprocess.run([exe, str(path)], capture_output=True, text=True, timeout=60)
    return proc.stdout + proc.stderr
