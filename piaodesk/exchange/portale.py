"""Export in the column layout of the national PIAO portal's objectives/indicators table.

Columns as the DFP platform lays out its performance-objectives table
(anchors-domain §1.2): *Codice*, *Obiettivo di valore pubblico*,
*Denominazione sintetica*, *Responsabile amministrativo*, *Stakeholder*,
*Dimensione*, *Formula*, *Polarità* (+/−), *Baseline*, *Target N..N+2*,
*Fonte*. The platform keeps indicators inside the objective, so one row is
written per indicator, with the indicator's name in an *Indicatore* column
after the objective's name (objectives without indicators get one row).
"""

from __future__ import annotations

from pathlib import Path

from ..domain.enums import Polarita
from ..domain.model import PERIODO_ANNUALE
from ..store.archive import Archive
from .workbook import _save, _style_sheet, resolve_settore, scope_obiettivi, valore_cell, Col

POLARITA = {Polarita.CRESCENTE: "+", Polarita.DECRESCENTE: "−", Polarita.UGUALE: "="}


def portale_headers(anno: int) -> list[str]:
    return ["Codice", "Obiettivo di valore pubblico", "Denominazione sintetica", "Indicatore",
            "Responsabile amministrativo", "Stakeholder", "Dimensione", "Formula", "Polarità",
            "Baseline", f"Target {anno}", f"Target {anno + 1}", f"Target {anno + 2}", "Fonte"]


def write_portale(archive: Archive, path: Path | str, settore: str | int | None = None) -> int:
    """Write the portal table; returns the number of data rows."""
    from openpyxl import Workbook

    piano = archive.piano()
    anno = piano.anno_inizio
    obs = [o for o in scope_obiettivi(archive, resolve_settore(archive, settore))]
    by_id = {o.id: o for o in archive.obiettivi()}
    persone = {p.id: p for p in archive.persone()}
    unita = {u.id: u.nome for u in archive.unita()}
    wb = Workbook()
    ws = wb.active
    ws.title = "Obiettivi e indicatori"
    headers = portale_headers(anno)
    ws.append(headers)
    n = 0
    for ob in obs:
        root = ob
        while root.parent_id is not None and root.parent_id in by_id:
            root = by_id[root.parent_id]
        ovp = root.titolo if root.id != ob.id else ""
        resp = persone.get(ob.responsabile_id)
        responsabile = (f"{resp.titolo + ' ' if resp.titolo else ''}{resp.nome} {resp.cognome}".strip()
                        if resp else unita.get(ob.unita_id, ""))
        inds = archive.indicatori(ob.id)
        misure = archive.misure([i.id for i in inds if i.id is not None])
        if not inds:
            ws.append([ob.codice, ovp, ob.titolo, None, responsabile, ob.stakeholder])
            n += 1
            continue
        for ind in inds:
            targets = []
            for y in (anno, anno + 1, anno + 2):
                m = next((m for m in misure if m.indicatore_id == ind.id and m.anno == y
                          and m.periodo == PERIODO_ANNUALE), None)
                targets.append(valore_cell(m.target_testo, m.target) if m else None)
            ws.append([ob.codice, ovp, ob.titolo, ind.descrizione, responsabile, ob.stakeholder,
                       ind.dimensione, ind.formula, POLARITA.get(ind.polarita, ""),
                       valore_cell(ind.baseline_testo, ind.baseline), *targets, ind.fonte])
            n += 1
    widths = [12, 34, 40, 40, 26, 24, 14, 26, 9, 12, 12, 12, 12, 20]
    cols = [Col(f"c{i}", h, "long" if w >= 24 else "text", None, w) for i, (h, w) in
            enumerate(zip(headers, widths, strict=True))]
    _style_sheet(ws, cols, n, {})
    ws.freeze_panes = "A2"
    _save(wb, path)
    return n
