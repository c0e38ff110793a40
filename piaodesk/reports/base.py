"""Common machinery of the printed sheets: fonts, styles, pages, signatures.

Pure functions of plain data: nothing here touches the plan file, so a sheet
can be rendered in a worker thread. Pattern (anchors-style §6.11): page
geometry as class attributes, a stylesheet built once, fonts registered from
``resources/fonts``, portrait and landscape page templates, a numbered canvas
for "pagina X di Y", tables that repeat their header rows, and signature
blocks kept together. Each signature block records where it was drawn, and an
empty PDF signature field is written there while the page is emitted (the
same objects pyHanko would add, without a second pass over the file), so the
sheet can be signed later here or in Dike/ArubaSign/GoSign.
"""

from __future__ import annotations

import io
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, TypeAlias
from xml.sax.saxutils import escape

from reportlab import rl_config
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.pdfdoc import PDFArray, PDFDictionary, PDFName, PDFStream, PDFString
from reportlab.pdfbase.pdfdoc import format as pdf_format
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas as rl_canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    KeepTogether,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from ..paths import resource

#: the rows of a grid: cells are text, Paragraphs or other flowables (lists, so that
#: :func:`table` can turn plain text cells into pre-wrapped ones in place)
Rows: TypeAlias = Sequence[list[Any]]

# Content streams are Flate-compressed only: the ASCII85 layer reportlab adds by
# default costs time and a quarter more bytes, and no PDF reader needs it.
rl_config.useA85 = 0

FONT = "DejaVuSans"
FONT_BOLD = "DejaVuSans-Bold"
FONT_ITALIC = "DejaVuSans-Oblique"

_font_lock = threading.Lock()
_fonts_ready = False


def register_fonts() -> None:
    """Register the embedded DejaVu fonts once (idempotent, thread-safe)."""
    global _fonts_ready
    with _font_lock:
        if _fonts_ready:
            return
        for name, file in ((FONT, "DejaVuSans.ttf"), (FONT_BOLD, "DejaVuSans-Bold.ttf"),
                           (FONT_ITALIC, "DejaVuSans-Oblique.ttf")):
            path = resource("fonts", file)
            if not path.exists():
                raise FileNotFoundError(f"Carattere mancante: {path}")
            font = TTFont(name, str(path))
            _cache_subsets(font)
            pdfmetrics.registerFont(font)
        pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=FONT_BOLD, italic=FONT_ITALIC,
                                      boldItalic=FONT_BOLD)
        # table cells holding a plain string start with reportlab's Helvetica, which is
        # never embedded: PDF/A wants every font embedded, so cells default to DejaVu
        from reportlab.platypus import tables

        tables.CellStyle.fontname = FONT
        _fonts_ready = True


def _cache_subsets(font: TTFont, limit: int = 32) -> None:
    """Reuse the embedded font subsets between documents.

    reportlab rebuilds the TrueType subset file of every font for every PDF.
    The subsets of a batch of sheets are nearly always the same (ASCII in fixed
    places, then the same accented letters and dashes of the shared headings),
    so the bytes built for one document serve the next: same output, built once.
    """
    make = font.face.makeSubset
    cache: dict[tuple[int, ...], bytes] = {}

    def make_subset(subset: Sequence[int]) -> bytes:
        key = tuple(subset)
        data = cache.get(key)
        if data is None:
            data = make(subset)
            if len(cache) >= limit:
                cache.clear()
            cache[key] = data
        return data

    font.face.makeSubset = make_subset


# ---------------------------------------------------------------------- colours and styles

INK = colors.HexColor("#1f2933")
GRID = colors.HexColor("#7b8794")
HEAD_BG = colors.HexColor("#dde5ee")
BAND_BG = colors.HexColor("#1f4e79")
TOTAL_BG = colors.HexColor("#eef2f6")
MUTED = colors.HexColor("#52606d")
WARN = colors.HexColor("#9b2c2c")
MARK_BG = colors.HexColor("#fff3c4")


def _styles() -> dict[str, ParagraphStyle]:
    register_fonts()
    base = ParagraphStyle("base", fontName=FONT, fontSize=9, leading=11.5, textColor=INK)
    s = {
        "base": base,
        "small": ParagraphStyle("small", parent=base, fontSize=7.5, leading=9),
        "cell": ParagraphStyle("cell", parent=base, fontSize=8, leading=10),
        "cell_b": ParagraphStyle("cell_b", parent=base, fontName=FONT_BOLD, fontSize=8, leading=10),
        "cell_c": ParagraphStyle("cell_c", parent=base, fontSize=8, leading=10, alignment=TA_CENTER),
        "cell_r": ParagraphStyle("cell_r", parent=base, fontSize=8, leading=10, alignment=TA_RIGHT),
        "head": ParagraphStyle("head", parent=base, fontName=FONT_BOLD, fontSize=7.5, leading=9,
                               alignment=TA_CENTER),
        "head_l": ParagraphStyle("head_l", parent=base, fontName=FONT_BOLD, fontSize=7.5, leading=9),
        "desc": ParagraphStyle("desc", parent=base, fontName=FONT_ITALIC, fontSize=6.5, leading=8,
                               alignment=TA_CENTER),
        "title": ParagraphStyle("title", parent=base, fontName=FONT_BOLD, fontSize=14, leading=18,
                                alignment=TA_CENTER, spaceAfter=2),
        "subtitle": ParagraphStyle("subtitle", parent=base, fontName=FONT_BOLD, fontSize=11,
                                   leading=14, alignment=TA_CENTER, spaceAfter=4),
        "ente": ParagraphStyle("ente", parent=base, fontSize=10, leading=13, alignment=TA_CENTER,
                               textColor=MUTED),
        # headings never stay alone at the foot of a page: kept with what follows
        "h2": ParagraphStyle("h2", parent=base, fontName=FONT_BOLD, fontSize=10.5, leading=13,
                             spaceBefore=8, spaceAfter=4, textColor=BAND_BG, keepWithNext=1),
        "h3": ParagraphStyle("h3", parent=base, fontName=FONT_BOLD, fontSize=9.5, leading=12,
                             spaceBefore=6, spaceAfter=3, keepWithNext=1),
        "warn": ParagraphStyle("warn", parent=base, fontName=FONT_BOLD, fontSize=8.5, leading=11,
                               textColor=WARN, spaceBefore=3),
        "note": ParagraphStyle("note", parent=base, fontName=FONT_ITALIC, fontSize=7.5, leading=9.5,
                               textColor=MUTED, spaceBefore=2),
        "band": ParagraphStyle("band", parent=base, fontName=FONT_BOLD, fontSize=9, leading=11,
                               textColor=colors.white),
    }
    return s


_style_cache: dict[str, ParagraphStyle] | None = None


def styles() -> dict[str, ParagraphStyle]:
    global _style_cache
    if _style_cache is None:
        _style_cache = _styles()
    return _style_cache


def text(value: object, style: str = "cell") -> Paragraph:
    """A wrapped paragraph for a table cell; plain text is escaped, newlines kept."""
    raw = "" if value is None else str(value)
    safe = escape(raw).replace("\n", "<br/>")
    return Paragraph(safe, styles()[style])


def markup(value: str, style: str = "cell") -> Paragraph:
    """A paragraph from trusted mini-markup (``<b>``, ``<br/>``) built by this package."""
    return Paragraph(value, styles()[style])


def grid_style(header_rows: int = 1, extra: Sequence[tuple[Any, ...]] = ()) -> TableStyle:
    cmds: list[tuple] = [
        ("FONTNAME", (0, 0), (-1, -1), FONT),
        ("FONTSIZE", (0, 0), (-1, -1), 8),
        ("GRID", (0, 0), (-1, -1), 0.4, GRID),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
    ]
    if header_rows:
        cmds += [("BACKGROUND", (0, 0), (-1, header_rows - 1), HEAD_BG),
                 ("VALIGN", (0, 0), (-1, header_rows - 1), "MIDDLE")]
    cmds.extend(extra)
    return TableStyle(cmds)


_ALIGN = {TA_CENTER: "CENTER", TA_RIGHT: "RIGHT"}
_PAD_X = 3 + 3  # LEFTPADDING + RIGHTPADDING of grid_style


def _para(raw: str, style: ParagraphStyle) -> Paragraph:
    return Paragraph(escape(raw).replace("\n", "<br/>"), style)


class _Widths(dict):
    """Word → width in one font and size, measured once per process (titles repeat words)."""

    def __init__(self, font: str, size: float) -> None:
        super().__init__()
        self.font, self.size = font, size

    def __missing__(self, word: str) -> float:
        if len(self) > 50_000:
            self.clear()
        w = self[word] = stringWidth(word, self.font, self.size)
        return w


_width_tables: dict[tuple[str, float], _Widths] = {}


def _word_widths(font: str, size: float) -> _Widths:
    key = (font, size)
    table = _width_tables.get(key)
    if table is None:
        table = _width_tables[key] = _Widths(font, size)
    return table


_NOT_PLAIN = ("\xa0", "\xad", "\u200b", "\t")


#: wrapped texts, by (text, font, size, shrinkage, width): a batch of sheets repeats the
#: same objectives, indicators and labels many times (bounded; the lists are not mutated)
_WRAPPED: dict[tuple[str, str, float, float, float], list[tuple[str, float]] | None] = {}
_WRAPPED_MAX = 50_000


def wrap_plain(raw: str, style: ParagraphStyle, width: float) -> list[tuple[str, float]] | None:
    """``raw`` broken into lines of at most ``width`` (line, its width), as a Paragraph would.

    The Paragraph's greedy rule, space shrinkage included, on words measured
    once per process. ``None`` for text a Paragraph treats specially (a word
    wider than the cell, non-breaking or soft hyphen characters).
    """
    key = (raw, style.fontName, style.fontSize, style.spaceShrinkage or 0, width)
    try:
        return _WRAPPED[key]
    except KeyError:
        pass
    lines = _wrap_plain(raw, style, width)
    if len(_WRAPPED) < _WRAPPED_MAX:
        _WRAPPED[key] = lines
    return lines


def _wrap_plain(raw: str, style: ParagraphStyle, width: float) -> list[tuple[str, float]] | None:
    if any(ch in raw for ch in _NOT_PLAIN):
        return None
    widths = _word_widths(style.fontName, style.fontSize)
    space = widths[" "]
    shrink = (style.spaceShrinkage or 0) * space
    lines: list[tuple[str, float]] = []
    for part in raw.split("\n"):
        words = part.split()
        if not words:
            lines.append(("", 0.0))
            continue
        line: list[str] = []
        used = -space
        for word in words:
            w = widths[word]
            if w > width:
                return None
            new = used + space + w
            if line and new > width + shrink * len(line):
                lines.append((" ".join(line), used))
                line, used = [word], w
            else:
                line.append(word)
                used = new
        lines.append((" ".join(line), used))
    return lines


def plain_cell(value: object, style: ParagraphStyle, width: float) -> str | Paragraph:
    """Plain text for a table cell drawn by the Table itself, wrapped at ``width``.

    Same words and line breaks as ``text(value, style)`` at a fraction of the
    cost: no markup parsing, one measuring pass, no re-wrapping when a long
    table is split over pages (see :func:`wrap_plain`); otherwise a Paragraph.
    """
    raw = "" if value is None else str(value)
    if not raw:
        return ""
    lines = wrap_plain(raw, style, width)
    if lines is None:
        return _para(raw, style)
    return "\n".join(line for line, _ in lines)


class PlainGrid(Flowable):
    """A long grid of plain-text rows under a repeated header, drawn straight on the canvas.

    Looks like :func:`table` with ``plain`` column styles (same paddings, grid
    lines, fonts, alignment, line breaks), but the rows are measured once,
    split over pages by simple arithmetic and written into one text object
    per page: the table of a person's objectives, which may run to pages.
    Build it with :func:`plain_table`.
    """

    _PAD_L, _PAD_R, _PAD_T, _PAD_B = 3, 3, 2, 3

    def __init__(self, header: Table, rows: list[list[list[tuple[str, float]]]],
                 col_widths: Sequence[float], col_styles: Sequence[ParagraphStyle],
                 heights: list[float] | None = None) -> None:
        super().__init__()
        self.header = header
        self.rows = rows
        self.col_widths = list(col_widths)
        self.col_styles = list(col_styles)
        if heights is None:  # as the Table measures a string cell: lines × leading + paddings
            heights = [max((max(len(cell), 1) * st.leading for cell, st in zip(row, col_styles, strict=True)),
                           default=0) + self._PAD_T + self._PAD_B for row in rows]
        self.heights = heights
        self._header_h: float | None = None

    def _head(self, aw: float) -> float:
        if self._header_h is None:
            _, self._header_h = self.header.wrap(aw, 10_000)
        return self._header_h

    def wrap(self, aw: float, ah: float) -> tuple[float, float]:
        self.width = sum(self.col_widths)
        self.height = self._head(aw) + sum(self.heights)
        return self.width, self.height

    def split(self, aw: float, ah: float) -> list[Flowable]:
        room = ah - self._head(aw)
        used, n = 0.0, 0
        for h in self.heights:
            if used + h > room + 1e-6:
                break
            used += h
            n += 1
        if n == 0 or n == len(self.rows):
            return [] if n == 0 else [self]
        return [PlainGrid(self.header, self.rows[:n], self.col_widths, self.col_styles, self.heights[:n]),
                PlainGrid(self.header, self.rows[n:], self.col_widths, self.col_styles, self.heights[n:])]

    def draw(self) -> None:
        c = self.canv
        head_h = self._head(self.width)
        self.header.drawOn(c, 0, self.height - head_h)
        xs = [0.0]
        for w in self.col_widths:
            xs.append(xs[-1] + w)
        t = c.beginText()
        t.setFillColor(INK)
        code = t._code  # noqa: SLF001 - the text object's operator list
        current: tuple[str, float, float] | None = None
        top = self.height - head_h
        bounds = [top]
        for row, h in zip(self.rows, self.heights, strict=True):
            for k, (cell, st) in enumerate(zip(row, self.col_styles, strict=True)):
                if not cell:
                    continue
                key = (st.fontName, st.fontSize, st.leading)
                if key != current:
                    t.setFont(st.fontName, st.fontSize, st.leading)
                    current = key
                y = top - self._PAD_T - st.fontSize
                for line, lw in cell:
                    if line:
                        if st.alignment == TA_CENTER:
                            x = xs[k] + (self.col_widths[k] + self._PAD_L - self._PAD_R) / 2 - lw / 2
                        elif st.alignment == TA_RIGHT:
                            x = xs[k + 1] - self._PAD_R - lw
                        else:
                            x = xs[k] + self._PAD_L
                        # absolute origin and the string, without cursor bookkeeping
                        code.append(f"1 0 0 1 {x:.2f} {y:.2f} Tm")
                        t._textOut(line)  # noqa: SLF001
                    y -= st.leading
            top -= h
            bounds.append(top)
        c.drawText(t)
        c.saveState()
        c.setStrokeColor(GRID)
        c.setLineWidth(0.4)
        p = c.beginPath()
        for y in bounds:
            p.moveTo(0, y)
            p.lineTo(xs[-1], y)
        for x in xs:
            p.moveTo(x, bounds[0])
            p.lineTo(x, bounds[-1])
        c.drawPath(p, stroke=1, fill=0)
        c.restoreState()


def plain_table(header_rows: Rows, body: Sequence[list[str]], widths: Sequence[float],
                total_width: float, plain: Sequence[str], *, extra: Sequence[tuple[Any, ...]] = (),
                plain_header: Sequence[str] | None = None) -> Flowable:
    """A long grid: ``header_rows`` as in :func:`table`, ``body`` rows of plain text.

    A :class:`PlainGrid` when every cell is plain text; otherwise (text a
    Paragraph must handle) the same rows as a regular :func:`table`.
    """
    col_widths = [f * total_width for f in widths]
    st = styles()
    col_styles = [st[name] for name in plain]
    rows: list[list[list[tuple[str, float]]]] = []
    for row in body:
        cells = []
        for value, ps, w in zip(row, col_styles, col_widths, strict=True):
            raw = "" if value is None else str(value)
            lines = wrap_plain(raw, ps, w - _PAD_X) if raw else []
            if lines is None:
                return table([*header_rows, *body], widths, total_width, header_rows=len(header_rows),
                             extra=extra, plain=plain, plain_header=plain_header)
            cells.append(lines)
        rows.append(cells)
    header = table(header_rows, widths, total_width, header_rows=len(header_rows), extra=extra,
                   plain_header=plain_header)
    return PlainGrid(header, rows, col_widths, col_styles)


def _plain_rows(rows: Rows, start: int, end: int, plain: Sequence[str],
                col_widths: Sequence[float]) -> list[tuple[Any, ...]]:
    """String cells of ``rows[start:end]`` wrapped as plain cells; the style commands they need."""
    st = styles()
    col_styles = [st[name] for name in plain]
    for row in rows[start:end]:
        for c, cell in enumerate(row):
            if isinstance(cell, str) and cell:
                row[c] = plain_cell(cell, col_styles[c], col_widths[c] - _PAD_X)
    a, b = start, end - 1
    return [cmd for c, ps in enumerate(col_styles) for cmd in (
        ("FONTNAME", (c, a), (c, b), ps.fontName),
        ("FONTSIZE", (c, a), (c, b), ps.fontSize),
        ("LEADING", (c, a), (c, b), ps.leading),
        ("TEXTCOLOR", (c, a), (c, b), ps.textColor),
        ("ALIGN", (c, a), (c, b), _ALIGN.get(ps.alignment, "LEFT")))]


def table(rows: Rows, widths: Sequence[float], total_width: float, *,
          header_rows: int = 1, extra: Sequence[tuple[Any, ...]] = (), split: bool = True,
          plain: Sequence[str] | None = None, plain_rows: int | None = None,
          plain_header: Sequence[str] | None = None) -> Table:
    """A grid table whose columns are fractions of ``total_width``; headers repeat.

    ``plain`` names one paragraph style per column: the string cells of the
    body rows are then drawn as plain wrapped text in that style (see
    :func:`plain_cell`) — for long tables, where Paragraph cells dominate the
    cost of a sheet. ``plain_rows`` limits that to the first body rows (a
    totals row below keeps its own cells). ``plain_header`` does the same for
    the string cells of the header rows.
    """
    col_widths = [f * total_width for f in widths]
    cmds = list(extra)
    end = len(rows) if plain_rows is None else min(len(rows), header_rows + plain_rows)
    if plain is not None and end > header_rows:
        cmds = _plain_rows(rows, header_rows, end, plain, col_widths) + cmds
    if plain_header is not None and header_rows:
        cmds = _plain_rows(rows, 0, header_rows, plain_header, col_widths) + cmds
    t = Table(rows, colWidths=col_widths, repeatRows=header_rows, splitByRow=split)
    t.setStyle(grid_style(header_rows, cmds))
    return t


# ---------------------------------------------------------------------- signatures


@dataclass(frozen=True, slots=True)
class Firma:
    """One signature block: role printed above, optional name, PDF field name."""

    ruolo: str
    campo: str
    nome: str = ""


@dataclass(slots=True)
class PosizioneCampo:
    campo: str
    pagina: int  # 0-based
    box: tuple[int, int, int, int]
    nome: str = ""  # the person printed under the field, if any


_sig_styles: tuple[ParagraphStyle, ParagraphStyle] | None = None


def _signature_styles() -> tuple[ParagraphStyle, ParagraphStyle]:
    global _sig_styles
    if _sig_styles is None:
        base = styles()["base"]
        _sig_styles = (ParagraphStyle("sigrole", parent=base, fontName=FONT_BOLD, fontSize=8.5, leading=10.5,
                                      alignment=TA_CENTER),
                       ParagraphStyle("signame", parent=base, fontSize=8, leading=10, alignment=TA_CENTER))
    return _sig_styles


class _SigLine:
    """A centred line of a signature block: drawn as a string when it fits, else a Paragraph."""

    def __init__(self, value: str, style: ParagraphStyle) -> None:
        self.value = value or ""
        self.style = style
        self.para: Paragraph | None = None

    def wrap(self, width: float, ah: float) -> float:
        st = self.style
        if "\n" not in self.value and stringWidth(self.value, st.fontName, st.fontSize) <= width:
            self.para = None
            return st.leading
        self.para = Paragraph(escape(self.value), st)
        return self.para.wrap(width, ah)[1]

    def draw_on(self, c: rl_canvas.Canvas, y: float, width: float) -> None:
        if self.para is not None:
            self.para.drawOn(c, 0, y)
        elif self.value:  # where the one-line Paragraph puts its baseline
            st = self.style
            c.saveState()
            c.setFillColor(st.textColor)
            c.setFont(st.fontName, st.fontSize)
            c.drawCentredString(width / 2, y + st.leading - st.fontSize, self.value)
            c.restoreState()


#: height of the empty area left for the signature stamp: room for five lines at 7 pt (holder,
#: a role over two lines, place and date), so the stamp text never goes below 6 pt
STAMP_AREA_HEIGHT = 22 * mm


class SignatureBox(Flowable):
    """Role, name, an empty area for the signature stamp and a line; records its position."""

    def __init__(self, firma: Firma, width: float, recorder: list[PosizioneCampo],
                 area_height: float = STAMP_AREA_HEIGHT) -> None:
        super().__init__()
        self.firma = firma
        self.box_width = width
        self.recorder = recorder
        self.area_height = area_height
        role_style, name_style = _signature_styles()
        self._role = _SigLine(firma.ruolo, role_style)
        self._name = _SigLine(firma.nome, name_style)

    def wrap(self, aw: float, ah: float) -> tuple[float, float]:
        self.width = min(self.box_width, aw)
        self._rh = self._role.wrap(self.width, ah)
        self._nh = self._name.wrap(self.width, ah)
        self.height = self._rh + self._nh + self.area_height + 4 * mm
        return self.width, self.height

    def draw(self) -> None:
        c = self.canv
        y = self.height - self._rh
        self._role.draw_on(c, y, self.width)
        y -= self._nh
        self._name.draw_on(c, y, self.width)
        line_y = 2 * mm
        c.saveState()
        c.setStrokeColor(INK)
        c.setLineWidth(0.5)
        c.line(4 * mm, line_y, self.width - 4 * mm, line_y)
        c.restoreState()
        # absolute page coordinates of the signature area, for the PDF field
        a, b, cc, d, e, f = c._currentMatrix  # noqa: SLF001 - reportlab keeps the CTM here
        x1, y1 = 4 * mm, line_y + 0.5 * mm
        x2, y2 = self.width - 4 * mm, line_y + self.area_height
        ax1, ay1 = a * x1 + cc * y1 + e, b * x1 + d * y1 + f
        ax2, ay2 = a * x2 + cc * y2 + e, b * x2 + d * y2 + f
        self.recorder.append(PosizioneCampo(
            self.firma.campo, c.getPageNumber() - 1,
            (int(min(ax1, ax2)), int(min(ay1, ay2)), int(max(ax1, ax2)), int(max(ay1, ay2))),
            self.firma.nome or ""))


def signature_section(firme: Sequence[Firma], luogo_data: str, width: float,
                      recorder: list[PosizioneCampo]) -> KeepTogether:
    """Place/date line and the signature blocks side by side (three per row), kept together."""
    st = styles()
    per_row = 3 if len(firme) != 4 else 2
    col = width / per_row
    rows: list[list[object]] = []
    for i in range(0, len(firme), per_row):
        chunk = list(firme[i:i + per_row])
        cells: list[object] = [SignatureBox(fm, col - 4 * mm, recorder) for fm in chunk]
        cells += [""] * (per_row - len(cells))
        rows.append(cells)
    t = Table(rows, colWidths=[col] * per_row)
    t.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
                           ("TOPPADDING", (0, 0), (-1, -1), 6),
                           ("LEFTPADDING", (0, 0), (-1, -1), 2),
                           ("RIGHTPADDING", (0, 0), (-1, -1), 2)]))
    section = KeepTogether([Spacer(1, 6 * mm), Paragraph(escape(luogo_data), st["base"]),
                            Spacer(1, 2 * mm), t])
    section.signatures = True  # Sheet.render keeps it with what comes just before
    return section


def keep_signatures_with_last_rows(flowables: Sequence[Flowable], width: float = 0,
                                   height: float = 0) -> list[Flowable]:
    """The signature section never alone on the last page: it is kept together with the
    flowable before it (past spacers and the notes under a table, with the headings leading
    to it). When that block and the signatures cannot share a page (``width`` × ``height``,
    the frame), the block is opened and the signatures are kept with its last part."""
    flow = list(flowables)
    i = len(flow) - 1
    while i > 0:
        if getattr(flow[i], "signatures", False):
            j = i - 1
            # spacers, page-break hints and the notes under a table go with the table above them
            while j > 0 and (_is_spacing(flow[j]) or _is_note(flow[j])):
                j -= 1
            while j > 0 and _keeps_with_next(flow[j - 1]):
                j -= 1
            group = flow[j:i + 1]
            head = flow[j]
            inner = list(getattr(head, "_content", ()) or ())
            if height and len(inner) > 1 and _height(_flat(group), width, height) > 0.95 * height:
                flow[j:i + 1] = keep_signatures_with_last_rows(inner + group[1:], width, height)
            else:
                # the signature section is itself a KeepTogether: nested, its wrap() answers
                # 0xffffff ("force a split") and the whole group jumped to a new page even
                # when it fitted; its content joins the group instead
                flow[j:i + 1] = [KeepTogether(_flat(group))]
            i = j
        i -= 1
    return flow


def _flat(group: Sequence[Flowable]) -> list[Flowable]:
    """The group with the signature section's own KeepTogether opened (its content kept in order)."""
    out: list[Flowable] = []
    for f in group:
        if getattr(f, "signatures", False) and isinstance(f, KeepTogether):
            out.extend(f._content)
        else:
            out.append(f)
    return out


def _height(group: Sequence[Flowable], width: float, height: float) -> float:
    """Height of flowables laid out in a frame, measured on a scratch canvas (nothing drawn)."""
    scratch = rl_canvas.Canvas(io.BytesIO())
    total = 0.0
    for f in group:
        had = "canv" in f.__dict__
        if not had:
            f.canv = scratch
        try:
            total += f.wrap(width, height)[1] + f.getSpaceBefore() + f.getSpaceAfter()
        finally:
            if not had:
                del f.canv
    return total


def _is_spacing(f: Flowable) -> bool:
    from reportlab.platypus.flowables import CondPageBreak

    return isinstance(f, (Spacer, CondPageBreak))


def _is_note(f: Flowable) -> bool:
    return isinstance(f, Paragraph) and getattr(f.style, "name", "") in ("note", "small", "warn")


def _keeps_with_next(f: Flowable) -> bool:
    return bool(getattr(f, "keepWithNext", 0) or getattr(getattr(f, "style", None), "keepWithNext", 0))


# ---------------------------------------------------------------------- document


def _numbered_canvas(header: str, footer: str, firme: Sequence[PosizioneCampo] = ()) -> type:
    class NumberedCanvas(rl_canvas.Canvas):
        """Draws the running header and "pagina X di Y" once the page count is known.

        While each page is finally emitted it also gets the empty signature
        fields recorded on it by the :class:`SignatureBox` blocks (see
        :func:`_add_signature_field`), so no second pass over the PDF is needed.
        """

        def __init__(self, *args: object, **kwargs: object) -> None:
            super().__init__(*args, **kwargs)
            self._saved_pages: list[dict] = []

        def showPage(self) -> None:  # noqa: N802 - reportlab API
            self._saved_pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._saved_pages)
            seen: set[str] = set()
            for state in self._saved_pages:
                self.__dict__.update(state)
                self._decorate(total)
                for pos in firme:
                    # a block drawn twice (should not happen): keep the first
                    if pos.pagina == self._pageNumber - 1 and pos.campo not in seen:
                        seen.add(pos.campo)
                        _add_signature_field(self, pos)
                super().showPage()
            _make_pdfa(self)
            super().save()

        def _decorate(self, total: int) -> None:
            w, h = self._pagesize
            self.saveState()
            self.setFont(FONT, 7)
            self.setFillColor(MUTED)
            self.setStrokeColor(GRID)
            self.setLineWidth(0.3)
            self.drawString(12 * mm, h - 8 * mm, header)
            self.line(12 * mm, h - 9.2 * mm, w - 12 * mm, h - 9.2 * mm)
            self.line(12 * mm, 10.5 * mm, w - 12 * mm, 10.5 * mm)
            self.drawString(12 * mm, 7 * mm, footer)
            self.drawRightString(w - 12 * mm, 7 * mm, f"pagina {self._pageNumber} di {total}")
            self.restoreState()

    return NumberedCanvas


# ---------------------------------------------------------------------- PDF/A-2b

#: language of every sheet (catalog /Lang and XMP dc:language)
LANG = "it-IT"


@lru_cache(maxsize=1)
def srgb_profile() -> bytes:
    """An sRGB ICC profile for the PDF/A OutputIntent (built by Little CMS through Pillow)."""
    from PIL import ImageCms

    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()


def _xmp_text(value: str) -> str:
    return escape(value or "", {'"': "&quot;"})


def xmp_packet(info: dict[str, str], created: str) -> bytes:
    """XMP metadata declaring PDF/A-2B, consistent with the document information dictionary."""
    title, author, subject = (_xmp_text(info.get(k, "")) for k in ("title", "author", "subject"))
    keywords, producer, creator = (_xmp_text(info.get(k, "")) for k in ("keywords", "producer", "creator"))
    xml = f"""<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/">
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
<rdf:Description rdf:about="" xmlns:pdfaid="http://www.aiim.org/pdfa/ns/id/"
 xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:pdf="http://ns.adobe.com/pdf/1.3/"
 xmlns:xmp="http://ns.adobe.com/xap/1.0/">
<pdfaid:part>2</pdfaid:part>
<pdfaid:conformance>B</pdfaid:conformance>
<dc:format>application/pdf</dc:format>
<dc:title><rdf:Alt><rdf:li xml:lang="x-default">{title}</rdf:li></rdf:Alt></dc:title>
<dc:creator><rdf:Seq><rdf:li>{author}</rdf:li></rdf:Seq></dc:creator>
<dc:description><rdf:Alt><rdf:li xml:lang="x-default">{subject}</rdf:li></rdf:Alt></dc:description>
<dc:language><rdf:Bag><rdf:li>{LANG}</rdf:li></rdf:Bag></dc:language>
<pdf:Keywords>{keywords}</pdf:Keywords>
<pdf:Producer>{producer}</pdf:Producer>
<xmp:CreatorTool>{creator}</xmp:CreatorTool>
<xmp:CreateDate>{created}</xmp:CreateDate>
<xmp:ModifyDate>{created}</xmp:ModifyDate>
<xmp:MetadataDate>{created}</xmp:MetadataDate>
</rdf:Description>
</rdf:RDF>
</x:xmpmeta>
<?xpacket end="w"?>"""
    return xml.encode("utf-8")


class _UnfilteredStream(PDFStream):
    """A stream written as is, without a /Filter key (PDF/A: the XMP stays readable)."""

    def format(self, document):
        content = self.content if isinstance(self.content, bytes) else self.content.encode("utf-8")
        dictionary = PDFDictionary(dict(self.dictionary.dict))
        dictionary["Length"] = len(content)
        return pdf_format(dictionary, document) + b"\nstream\n" + content + b"\nendstream\n"


def _make_pdfa(canv: rl_canvas.Canvas) -> None:
    """Catalog entries of a PDF/A-2b file: XMP metadata, sRGB OutputIntent, /Lang.

    The fonts are the embedded DejaVu family (the canvas starts in DejaVu, so no
    Helvetica is ever referenced); the signature widgets are printable.
    """
    doc = canv._doc  # noqa: SLF001 - reportlab's document of this canvas
    info = doc.info
    ts = doc._timeStamp  # noqa: SLF001 - the instant reportlab writes as CreationDate/ModDate
    y, mo, d, h, mi, s = ts.YMDhms
    sign = "-" if ts.dhh < 0 or (ts.dhh == 0 and ts.dmm < 0) else "+"
    created = f"{y:04d}-{mo:02d}-{d:02d}T{h:02d}:{mi:02d}:{s:02d}{sign}{abs(ts.dhh):02d}:{abs(ts.dmm):02d}"
    fields = {"title": info.title, "author": info.author, "subject": info.subject,
              "keywords": info.keywords, "producer": info.producer, "creator": info.creator}
    metadata = _UnfilteredStream(PDFDictionary({"Type": PDFName("Metadata"), "Subtype": PDFName("XML")}),
                                 xmp_packet(fields, created))
    icc = PDFStream(PDFDictionary({"N": 3}), srgb_profile())
    intent = PDFDictionary({"Type": PDFName("OutputIntent"), "S": PDFName("GTS_PDFA1"),
                            "OutputConditionIdentifier": PDFString("sRGB IEC61966-2.1"),
                            "Info": PDFString("sRGB IEC61966-2.1"),
                            "DestOutputProfile": doc.Reference(icc)})
    catalog = doc.Catalog
    catalog.__NoDefault__ = [*type(catalog).__NoDefault__, "OutputIntents"]
    catalog.Metadata = metadata
    catalog.OutputIntents = PDFArray([intent])
    catalog.Lang = PDFString(LANG)


#: widget annotation flags of an empty signature field: Print (4) + Locked (128), as pyHanko writes them
_SIG_WIDGET_FLAGS = 132


def _add_signature_field(canv: rl_canvas.Canvas, pos: PosizioneCampo) -> None:
    """An empty, visible signature field (``/FT /Sig`` merged with its widget) on the current page.

    Written while reportlab emits the page: the same dictionary pyHanko's
    ``append_signature_field`` produces (widget with an empty appearance
    stream, ``/P`` to the page, listed in the page ``/Annots`` and the
    AcroForm ``/Fields``, ``/SigFlags 1``), without re-reading the PDF.
    """
    doc = canv._doc  # noqa: SLF001 - reportlab's document of this canvas
    x1, y1, x2, y2 = pos.box
    appearance = PDFStream(PDFDictionary({
        "Type": PDFName("XObject"), "Subtype": PDFName("Form"),
        "BBox": PDFArray([0, y2 - y1, x2 - x1, 0]), "Resources": PDFDictionary({})}), b"")
    widget = PDFDictionary({
        "FT": PDFName("Sig"), "T": PDFString(pos.campo), "Type": PDFName("Annot"),
        "Subtype": PDFName("Widget"), "F": _SIG_WIDGET_FLAGS, "Rect": PDFArray([x1, y1, x2, y2]),
        "P": doc.thisPageRef(), "AP": PDFDictionary({"N": doc.Reference(appearance)})})
    if pos.nome:  # the person printed under the field, read back by ``verify``
        widget["TU"] = PDFString(pos.nome)
    canv._addAnnotation(widget, name=f"Sig_{pos.campo}")  # noqa: SLF001
    form = canv.acroForm
    form.fields.append(form.getRef(widget))
    form.sigFlags = 1


@dataclass
class Meta:
    title: str
    author: str
    subject: str
    header: str
    footer: str
    keywords: str = ""


@dataclass
class Story:
    """Flowables plus the positions recorded by the signature blocks."""

    flowables: list[Flowable] = field(default_factory=list)
    firme: list[PosizioneCampo] = field(default_factory=list)


class Sheet:
    """Page geometry of every sheet; ``render`` turns a story into PDF bytes."""

    pagesize = A4
    margin_x = 14 * mm
    margin_top = 14 * mm
    margin_bottom = 15 * mm

    @classmethod
    def portrait_width(cls) -> float:
        return A4[0] - 2 * cls.margin_x

    @classmethod
    def landscape_width(cls) -> float:
        return landscape(A4)[0] - 2 * cls.margin_x

    @classmethod
    def render(cls, story: Story, meta: Meta, *, first: str = "portrait",
               on_progress: Callable[[], None] | None = None) -> bytes:
        register_fonts()
        buf = io.BytesIO()
        doc = BaseDocTemplate(buf, pagesize=A4, title=meta.title, author=meta.author,
                              subject=meta.subject, creator="piaodesk", keywords=meta.keywords,
                              producer="piaodesk (ReportLab)", initialFontName=FONT, lang=LANG,
                              leftMargin=cls.margin_x, rightMargin=cls.margin_x,
                              topMargin=cls.margin_top, bottomMargin=cls.margin_bottom)
        templates = []
        for tid, size in (("portrait", A4), ("landscape", landscape(A4))):
            frame = Frame(cls.margin_x, cls.margin_bottom, size[0] - 2 * cls.margin_x,
                          size[1] - cls.margin_top - cls.margin_bottom, id=f"f_{tid}",
                          leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
            templates.append(PageTemplate(id=tid, frames=[frame], pagesize=size))
        if first == "landscape":
            templates.reverse()
        doc.addPageTemplates(templates)
        doc.build(keep_signatures_with_last_rows(story.flowables, cls.portrait_width(),
                                                 A4[1] - cls.margin_top - cls.margin_bottom),
                  canvasmaker=_numbered_canvas(meta.header, meta.footer, story.firme))
        return buf.getvalue()
