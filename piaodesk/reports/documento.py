"""A year-end document as blocks (titles, text, tables, charts, signatures), rendered once
as PDF (reportlab, with empty signature fields) and once as an editable .docx (python-docx).

The Relazione sulla Performance, the trasparenza page and the monitoring annex build a
:class:`Documento`; the two renderers below are the only place that knows the formats.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, Spacer

from ..fsio import atomic_write_bytes
from .base import FONT_BOLD, TOTAL_BG, Meta, Sheet, Story, table, text
from .fine_anno import LUOGO_DATA, apertura, firme, paragrafo, scrivi_pdf
from .grafici import immagine


@dataclass(frozen=True)
class Titolo:
    testo: str
    livello: int = 1  # 1 = section, 2 = sub-section


@dataclass(frozen=True)
class Testo:
    testo: str
    nota: bool = False  # smaller, muted


@dataclass(frozen=True)
class Tabella:
    intestazione: Sequence[str]
    righe: Sequence[Sequence[str]]
    larghezze: Sequence[float]  # fractions of the text width
    destra: frozenset[int] = frozenset()  # columns aligned right (numbers)
    totale: bool = False  # last row is a total (bold)


@dataclass(frozen=True)
class Grafico:
    png: bytes
    larghezza: float = 0.8  # fraction of the text width
    didascalia: str = ""


@dataclass(frozen=True)
class Firme:
    elenco: Sequence[tuple[str, str]]  # (role printed, PDF field name)


Blocco = Titolo | Testo | Tabella | Grafico | Firme


@dataclass
class Documento:
    ente: str
    titolo: str
    sottotitolo: str = ""
    blocchi: list[Blocco] = field(default_factory=list)
    orizzontale: bool = False

    def add(self, *b: Blocco) -> None:
        self.blocchi.extend(b)


# ---------------------------------------------------------------------- PDF


def scrivi_pdf_documento(doc: Documento, path: Path) -> Path:
    story = Story()
    w = Sheet.landscape_width() if doc.orizzontale else Sheet.portrait_width()
    apertura(story, doc.ente, doc.titolo, doc.sottotitolo)
    for b in doc.blocchi:
        if isinstance(b, Titolo):
            story.flowables.append(CondPageBreak(30 * mm))
            paragrafo(story, b.testo, "h2" if b.livello == 1 else "h3")
        elif isinstance(b, Testo):
            paragrafo(story, b.testo, "note" if b.nota else "base")
            story.flowables.append(Spacer(1, 1.5 * mm))
        elif isinstance(b, Tabella):
            head = [text(c, "head") for c in b.intestazione]
            n = len(b.intestazione)
            plain = tuple("cell_r" if i in b.destra else "cell" for i in range(n))
            righe: list[list[object]] = [list(r) for r in b.righe]
            extra: list[tuple[Any, ...]] = []
            if b.totale and righe:
                extra += [("FONTNAME", (0, len(righe)), (-1, len(righe)), FONT_BOLD),
                          ("BACKGROUND", (0, len(righe)), (-1, len(righe)), TOTAL_BG)]
            story.flowables.append(table([head, *righe], b.larghezze, w, plain=plain, extra=extra))
            story.flowables.append(Spacer(1, 2 * mm))
        elif isinstance(b, Grafico):
            story.flowables.append(immagine(b.png, w * b.larghezza))
            if b.didascalia:
                paragrafo(story, b.didascalia, "note")
        elif isinstance(b, Firme):
            firme(story, b.elenco, w)
    meta = Meta(title=doc.titolo, author=doc.ente, subject=doc.titolo,
                header=f"{doc.ente} — {doc.titolo}", footer="piaodesk")
    return scrivi_pdf(story, meta, path, first="landscape" if doc.orizzontale else "portrait")


# ---------------------------------------------------------------------- DOCX


def scrivi_docx(doc: Documento, path: Path) -> Path:
    """The same document as an editable Word file (headings, tables, images, signature lines)."""
    from docx import Document as Docx
    from docx.enum.section import WD_ORIENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm, Pt

    d = Docx()
    sec = d.sections[0]
    sec.page_width, sec.page_height = Cm(21), Cm(29.7)
    if doc.orizzontale:
        sec.orientation = WD_ORIENT.LANDSCAPE
        sec.page_width, sec.page_height = sec.page_height, sec.page_width
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(sec, side, Cm(1.8))
    larghezza = (sec.page_width or 0) - (sec.left_margin or 0) - (sec.right_margin or 0)  # all set above
    st = d.styles["Normal"]
    st.font.name = "DejaVu Sans"
    st.font.size = Pt(9.5)
    p = d.add_paragraph(doc.ente)
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    d.add_heading(doc.titolo, level=0).alignment = WD_ALIGN_PARAGRAPH.CENTER
    if doc.sottotitolo:
        p = d.add_paragraph(doc.sottotitolo)
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for b in doc.blocchi:
        if isinstance(b, Titolo):
            d.add_heading(b.testo, level=b.livello)
        elif isinstance(b, Testo):
            p = d.add_paragraph(b.testo)
            if b.nota:
                for r in p.runs:
                    r.italic = True
                    r.font.size = Pt(8)
        elif isinstance(b, Tabella):
            t = d.add_table(rows=1, cols=len(b.intestazione))
            t.style = "Table Grid"
            for i, c in enumerate(b.intestazione):
                cell = t.rows[0].cells[i]
                cell.text = c
                for r in cell.paragraphs[0].runs:
                    r.bold = True
                    r.font.size = Pt(8)
            for k, riga in enumerate(b.righe):
                cells = t.add_row().cells
                for i, v in enumerate(riga):
                    cells[i].text = v
                    par = cells[i].paragraphs[0]
                    if i in b.destra:
                        par.alignment = WD_ALIGN_PARAGRAPH.RIGHT
                    for r in par.runs:
                        r.font.size = Pt(8)
                        r.bold = b.totale and k == len(b.righe) - 1
            t.autofit = False
            for i, f in enumerate(b.larghezze):
                t.columns[i].width = int(larghezza * f)
                for row in t.rows:
                    row.cells[i].width = int(larghezza * f)
            d.add_paragraph()
        elif isinstance(b, Grafico):
            d.add_picture(io.BytesIO(b.png), width=int(larghezza * b.larghezza))
            if b.didascalia:
                p = d.add_paragraph(b.didascalia)
                for r in p.runs:
                    r.italic = True
        elif isinstance(b, Firme):
            d.add_paragraph()
            d.add_paragraph(LUOGO_DATA)
            t = d.add_table(rows=2, cols=len(b.elenco))
            for i, (ruolo, _) in enumerate(b.elenco):
                t.rows[0].cells[i].text = ruolo
                t.rows[1].cells[i].text = "\n\n______________________________"
    buf = io.BytesIO()
    d.save(buf)
    atomic_write_bytes(path, buf.getvalue())
    return path
