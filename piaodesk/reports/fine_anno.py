"""Shared pieces of the year-end documents (premi, Relazione, trasparenza, allegato di monitoraggio)."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, Spacer

from ..fsio import atomic_write_bytes
from ..store.archive import Archive
from .base import Firma, Meta, Sheet, Story, signature_section, styles

LUOGO_DATA = "Luogo ____________________, lì ____________________"


def nome_ente(archive: Archive) -> str:
    ente = archive.ente()
    return ente.nome if ente else archive.piano().titolo


def apertura(story: Story, ente: str, titolo: str, sottotitolo: str = "") -> None:
    st = styles()
    story.flowables += [Paragraph(escape(ente), st["ente"]), Paragraph(escape(titolo), st["title"])]
    if sottotitolo:
        story.flowables.append(Paragraph(escape(sottotitolo), st["subtitle"]))
    story.flowables.append(Spacer(1, 3 * mm))


def paragrafo(story: Story, testo: str, stile: str = "base") -> None:
    story.flowables.append(Paragraph(escape(testo).replace("\n", "<br/>"), styles()[stile]))


def firme(story: Story, elenco: Sequence[tuple[str, str]], width: float) -> None:
    story.flowables.append(signature_section([Firma(r, c) for r, c in elenco], LUOGO_DATA, width, story.firme))


def scrivi_pdf(story: Story, meta: Meta, path: Path, *, first: str = "portrait") -> Path:
    atomic_write_bytes(path, Sheet.render(story, meta, first=first))
    return path


def scrivi_csv(path: Path, intestazione: Sequence[str], righe: Sequence[Sequence[object]]) -> Path:
    """CSV for Italian spreadsheets: «;» separated, UTF-8 with BOM, Italian numbers as given."""
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=";", lineterminator="\r\n")
    w.writerow(intestazione)
    w.writerows(righe)
    atomic_write_bytes(path, ("\ufeff" + buf.getvalue()).encode("utf-8"))
    return path
