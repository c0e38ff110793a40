"""The premi's outputs: the table per person (xlsx for the ufficio personale, PDF with
signature fields), the ranking and the differentiation statistics per fascia with a chart.

Every amount comes from ``domain.premi.calcola_premi``; every score from the valuation.
"""

from __future__ import annotations

import io
from decimal import Decimal
from pathlib import Path
from typing import Any

from reportlab.lib.units import mm
from reportlab.platypus import PageBreak, Spacer

from ..domain.formats import format_decimal, format_int, format_percent
from ..domain.premi import EsitoPremi, RegolePremi
from ..fsio import atomic_write_bytes
from .base import Meta, Sheet, Story, table, text
from .fine_anno import apertura, firme, paragrafo, scrivi_pdf
from .grafici import barre, immagine

COLONNE = ("Pos.", "Nominativo", "Unità", "Categoria", "Area", "Fascia", "Valutazione %", "Peso",
           "Premio organizzativo €", "Premio individuale €", "Maggiorazione €", "Totale €", "Note")


def _area(a: str | None) -> str:
    from ..domain.enums import Area2023

    try:
        return Area2023(a).label if a else ""
    except ValueError:
        return a or ""


def righe(esito: EsitoPremi) -> list[list[Any]]:
    """The ranking: one row per person (the values as numbers; ``None`` when not valued)."""
    out: list[list[Any]] = []
    pos = 0
    for p in esito.premi:
        if p.partecipa:
            pos += 1
        note = "; ".join(x for x in (p.escluso, *p.note) if x)
        out.append([pos if p.partecipa else None, p.b.nominativo, p.b.unita, p.b.categoria, _area(p.b.area),
                    p.b.fascia or "", p.b.finale, p.peso, p.organizzativo, p.individuale, p.maggiorazione,
                    p.totale, note])
    return out


def statistiche(esito: EsitoPremi) -> list[list[str]]:
    tot = sum((p.totale for p in esito.premi), Decimal(0))
    rows = []
    for fascia, n, somma, media in esito.per_fascia():
        quota = format_percent(somma * 100 / tot) if tot else ""
        rows.append([fascia, format_int(n), format_decimal(somma), quota, format_decimal(media)])
    return rows


def riepilogo(esito: EsitoPremi, regole: RegolePremi) -> list[str]:
    ammessi = sum(1 for p in esito.premi if p.totale > 0)
    righe_ = [
        f"Fondo: {format_decimal(esito.fondo)} €; distribuito {format_decimal(esito.distribuito)} €"
        + (f"; non distribuito {format_decimal(esito.non_distribuito)} €" if esito.non_distribuito else "") + ".",
        f"Quota per la performance organizzativa: {format_percent(regole.quota_organizzativa)}; "
        f"soglia di accesso: {format_percent(regole.soglia)} della valutazione.",
        f"Persone valutate: {format_int(len(esito.premi))}; con premio: {format_int(ammessi)}.",
        f"Maggiorazione (CCNL 2019–21): {format_percent(regole.maggiorazione)} del premio individuale medio, "
        f"a {format_int(esito.beneficiari_maggiorazione)} persone (quota massima "
        f"{format_percent(regole.quota_maggiorazione)} = {format_int(esito.massimo_maggiorazione)})"
        + (": " + ", ".join(f"{format_decimal(v)} € ({k})" for k, v in esito.maggiorazione_unitaria.items())
           if esito.maggiorazione_unitaria else "") + ".",
        f"Indice di concentrazione (Gini) dei premi: {format_decimal(esito.concentrazione, 4)} "
        "(0 = importi uguali; più vicino a 1 = più concentrati).",
    ]
    return righe_ + list(esito.note)


def grafico_fasce(esito: EsitoPremi) -> bytes:
    stats = esito.per_fascia()
    return barre([f"{f} ({n})" for f, n, _, _ in stats], [m for *_, m in stats],
                 titolo="Premio medio per fascia (fra parentesi le persone)", asse_y="€")


def scrivi_xlsx(esito: EsitoPremi, regole: RegolePremi, path: Path, *, ente: str, anno: int) -> Path:
    """The table for the ufficio personale: numbers as numbers (€ and % formats), a sum row."""
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.worksheet import Worksheet

    wb = Workbook()
    ws = wb.active
    assert isinstance(ws, Worksheet)  # a new workbook's only sheet
    ws.title = "Premi"
    ws.append([f"{ente} — premi di performance {anno}"])
    ws["A1"].font = Font(bold=True, size=12)
    ws.append(list(COLONNE))
    for c in ws[2]:
        c.font = Font(bold=True)
        c.fill = PatternFill("solid", fgColor="DDE5EE")
    for r in righe(esito):
        ws.append([float(v) if isinstance(v, Decimal) else v for v in r])
    n = ws.max_row
    ws.append([None, "Totale", None, None, None, None, None, None,
               *[f"=SUM({get_column_letter(c)}3:{get_column_letter(c)}{n})" for c in range(9, 13)], None])
    for c in ws[ws.max_row]:
        c.font = Font(bold=True)
    for row in ws.iter_rows(min_row=3, max_row=ws.max_row):
        row[6].number_format = "0.00"
        row[7].number_format = "0.0000"
        for c in row[8:12]:
            c.number_format = "#,##0.00"
    for i, w in enumerate((6, 30, 26, 18, 18, 7, 12, 8, 14, 14, 14, 14, 60), start=1):
        ws.column_dimensions[get_column_letter(i)].width = w
    ws.freeze_panes = "C3"
    st = wb.create_sheet("Differenziazione")
    st.append(["Fascia", "Persone", "Importo €", "Quota del fondo", "Premio medio €"])
    for fascia, k, somma, media in esito.per_fascia():
        st.append([fascia, k, float(somma), float(somma / esito.fondo) if esito.fondo else None, float(media)])
    st.append([])
    for line in riepilogo(esito, regole):
        st.append([line])
    buf = io.BytesIO()
    wb.save(buf)
    atomic_write_bytes(path, buf.getvalue())
    return path


def scrivi_pdf_premi(esito: EsitoPremi, regole: RegolePremi, path: Path, *, ente: str, anno: int) -> Path:
    story = Story()
    w = Sheet.landscape_width()
    apertura(story, ente, f"Premi di performance {anno}", "Graduatoria e importi per persona")
    for line in riepilogo(esito, regole):
        paragrafo(story, line, "small")
    story.flowables.append(Spacer(1, 3 * mm))
    head = [text(c, "head") for c in ("Pos.", "Nominativo", "Unità", "Categoria", "Area", "Fascia", "Valut. %",
                                      "Peso", "Organizz. €", "Individuale €", "Maggioraz. €", "Totale €", "Note")]
    body: list[list[object]] = []
    for r in righe(esito):
        body.append(["" if r[0] is None else str(r[0]), r[1], r[2], r[3], r[4], r[5],
                     format_decimal(r[6]), format_decimal(r[7], 4), format_decimal(r[8]),
                     format_decimal(r[9]), format_decimal(r[10]), format_decimal(r[11]), r[12]])
    tot = [sum((p.organizzativo for p in esito.premi), Decimal(0)),
           sum((p.individuale for p in esito.premi), Decimal(0)),
           sum((p.maggiorazione for p in esito.premi), Decimal(0)), sum((p.totale for p in esito.premi), Decimal(0))]
    body.append([text("Totale", "cell_b"), "", "", "", "", "", "", "",
                 *[text(format_decimal(x), "cell_b") for x in tot], ""])
    fr = (0.035, 0.12, 0.14, 0.12, 0.075, 0.045, 0.055, 0.05, 0.07, 0.07, 0.065, 0.065, 0.09)
    plain = ("cell_c", "cell", "cell", "cell", "cell", "cell_c", "cell_r", "cell_r", "cell_r", "cell_r", "cell_r",
             "cell_r", "cell")
    story.flowables.append(table([head, *body], fr, w, plain=plain, plain_rows=len(body) - 1))
    story.flowables += [PageBreak()]
    paragrafo(story, "Differenziazione dei premi per fascia", "h2")
    story.flowables.append(table([[text(c, "head") for c in ("Fascia", "Persone", "Importo €", "Quota del fondo",
                                                             "Premio medio €")], *statistiche(esito)],
                                 (0.1, 0.1, 0.15, 0.15, 0.15), w))
    story.flowables.append(Spacer(1, 3 * mm))
    story.flowables.append(immagine(grafico_fasce(esito), w * 0.6))
    firme(story, [("Il Responsabile del servizio personale", "Firma_Personale"),
                  ("Il Segretario / Direttore generale", "Firma_Segretario")], w)
    meta = Meta(title=f"Premi di performance {anno}", author=ente, subject="Premi di performance",
                header=f"{ente} — premi di performance {anno}", footer="piaodesk")
    return scrivi_pdf(story, meta, path, first="landscape")
