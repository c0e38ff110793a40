"""Charts of the year-end reports (premi, Relazione), drawn by matplotlib as PNG bytes.

One PNG serves both the PDF (a reportlab ``Image``) and the .docx (python-docx). The
figures are built with ``matplotlib.figure.Figure`` and the Agg canvas (no pyplot state:
safe from a worker thread).
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from decimal import Decimal

from ..domain.formats import format_decimal

BLU = "#1f4e79"
GRIGIO = "#7b8794"


def barre(etichette: Sequence[str], valori: Sequence[Decimal | float | None], *, titolo: str,
          asse_y: str, percentuali: bool = False, larghezza_cm: float = 16, altezza_cm: float = 7,
          orizzontale: bool = False) -> bytes:
    """A bar chart with the values written on the bars (Italian numbers); ``None`` bars are empty."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(larghezza_cm / 2.54, altezza_cm / 2.54), dpi=150)
    FigureCanvasAgg(fig)
    ax = fig.add_subplot(1, 1, 1)
    ys = [float(v) if v is not None else 0.0 for v in valori]
    pos = list(range(len(ys)))
    bars = (ax.barh(pos, ys, color=BLU) if orizzontale else ax.bar(pos, ys, color=BLU))
    for b, v in zip(bars, valori, strict=True):
        testo = "n.d." if v is None else format_decimal(v, 1 if percentuali else 2) + (" %" if percentuali else "")
        if orizzontale:
            ax.annotate(testo, (b.get_width(), b.get_y() + b.get_height() / 2), xytext=(3, 0),
                        textcoords="offset points", va="center", fontsize=7)
        else:
            ax.annotate(testo, (b.get_x() + b.get_width() / 2, b.get_height()), xytext=(0, 2),
                        textcoords="offset points", ha="center", fontsize=7)
    etich = [e if len(e) <= 28 else e[:27] + "…" for e in etichette]
    if orizzontale:
        ax.set_yticks(pos, etich, fontsize=7)
        ax.invert_yaxis()
        ax.set_xlabel(asse_y, fontsize=8)
        if percentuali:
            ax.set_xlim(0, max(110.0, max(ys, default=0) * 1.1))
    else:
        ax.set_xticks(pos, etich, fontsize=7)
        ax.set_ylabel(asse_y, fontsize=8)
        if percentuali:
            ax.set_ylim(0, max(110.0, max(ys, default=0) * 1.1))
        else:
            ax.set_ylim(0, max(ys, default=0) * 1.15 or 1)
    ax.set_title(titolo, fontsize=9, color=BLU)
    ax.tick_params(labelsize=7)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    return buf.getvalue()


def immagine(png: bytes, larghezza: float):
    """A reportlab flowable of ``png`` scaled to ``larghezza`` points."""
    from reportlab.lib.utils import ImageReader
    from reportlab.platypus import Image

    w, h = ImageReader(io.BytesIO(png)).getSize()
    return Image(io.BytesIO(png), width=larghezza, height=larghezza * h / w)
