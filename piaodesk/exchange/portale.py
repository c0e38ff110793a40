"""Export in the column layout of the national PIAO portal's objectives/indicators table.

Columns as the DFP platform lays out its performance-objectives table
(anchors-domain §1.2): *Codice*, *Obiettivo di valore pubblico*,
*Denominazione sintetica*, *Responsabile amministrativo*, *Stakeholder*,
*Dimensione*, *Formula*, *Polarità* (+/−), *Baseline*, *Target N..N+2*,
*Fonte*. The platform keeps indicators inside the objective, so one row is
written per indicator, with the indicator's name in an *Indicatore* column
after the objective's name (objectives without indicators get one row). The column *Obiettivo di
valore pubblico* holds the values the objective serves (issue 18); a last column *Obiettivo
superiore* (the parent's code) keeps the tree when the table is imported back.
"""

from __future__ import annotations

from pathlib import Path

from ..domain.enums import Polarita
from ..domain.model import PERIODO_ANNUALE, Indicatore, Misura, Obiettivo
from ..domain.portale import tipologie_piao
from ..store import valore_pubblico as vp_store
from ..store.archive import Archive
from .workbook import (
    Col,
    _new_workbook,
    _open_sheet,
    _save,
    _Styles,
    resolve_settore,
    scope_obiettivi,
    text_row,
    valore_cell,
)

#: ASCII signs: a CSV saved by Excel or LibreOffice in Windows-1252 keeps "-" (a "−" becomes "?")
POLARITA = {Polarita.CRESCENTE: "+", Polarita.DECRESCENTE: "-", Polarita.UGUALE: "="}


def portale_headers(anno: int) -> list[str]:
    return ["Codice", "Obiettivo di valore pubblico", "Denominazione sintetica", "Indicatore",
            "Responsabile amministrativo", "Stakeholder", "Dimensione", "Formula", "Polarità",
            "Baseline", f"Target {anno}", f"Target {anno + 1}", f"Target {anno + 2}", "Fonte",
            "Sottodimensione", "Rilevante", "Tipologia PIAO", "Rischio corruttivo", "Misura di prevenzione",
            "Obiettivo superiore"]


def piao(ob: Obiettivo) -> list[object]:
    """The objective's portal fields: «Tipologia PIAO», «Rischio corruttivo», «Misura di prevenzione»."""
    tip = tipologie_piao(ob)
    return [tip or None, ob.rischio_livello, ob.rischio_misura]


def write_portale(archive: Archive, path: Path | str, settore: str | int | None = None) -> int:
    """Write the portal table; returns the number of data rows."""
    piano = archive.piano()
    anno = piano.anno_inizio
    anni = (anno, anno + 1, anno + 2)
    tutti = archive.obiettivi()
    codice_di = {o.id: o.codice for o in tutti}
    sid = resolve_settore(archive, settore)
    obs = tutti if sid is None else scope_obiettivi(archive, sid)
    persone = {p.id: p for p in archive.persone()}
    unita = {u.id: u.nome for u in archive.unita()}
    wanted = {o.id for o in obs}
    inds_of: dict[int, list[Indicatore]] = {}
    for ind in archive.indicatori():  # ordered by objective, position
        if ind.obiettivo_id in wanted:
            inds_of.setdefault(ind.obiettivo_id, []).append(ind)
    targets: dict[tuple[int, int], Misura] = {}
    for m in archive.select(Misura, "periodo = ? AND anno BETWEEN ? AND ?",
                            (PERIODO_ANNUALE, anni[0], anni[-1]),
                            order="indicatore_id, anno, data_riferimento, id"):
        targets.setdefault((m.indicatore_id, m.anno), m)
    rows: list[list[object]] = []
    # PIAO 2.1 (issue 18): the obiettivi di valore pubblico the objective serves (its own links, else
    # its nearest ancestor's) — no longer the title of its top-level objective
    ovp_of = vp_store.colonna_per_obiettivo(archive)
    for ob in obs:
        ovp = ovp_of.get(ob.id or 0, "")
        resp = persone.get(ob.responsabile_id)
        responsabile = (f"{resp.titolo + ' ' if resp.titolo else ''}{resp.nome} {resp.cognome}".strip()
                        if resp else unita.get(ob.unita_id, ""))
        inds = inds_of.get(ob.id or 0, [])
        if not inds:
            rows.append([ob.codice, ovp, ob.titolo, None, responsabile, ob.stakeholder,
                         *([None] * 8), None, None, *piao(ob), codice_di.get(ob.parent_id)])
            continue
        for ind in inds:
            tv = []
            for y in anni:
                mt = targets.get((ind.id or 0, y))
                tv.append(valore_cell(mt.target_testo, mt.target) if mt else None)
            rows.append([ob.codice, ovp, ob.titolo, ind.descrizione, responsabile, ob.stakeholder,
                         ind.dimensione, ind.formula, POLARITA.get(ind.polarita, ""),
                         valore_cell(ind.baseline_testo, ind.baseline), *tv, ind.fonte,
                         ind.sottodimensione, "Sì" if ind.rilevante else None, *piao(ob),
                         codice_di.get(ob.parent_id)])
    headers = portale_headers(anno)
    widths = [12, 34, 40, 40, 26, 24, 14, 26, 9, 12, 12, 12, 12, 20, 16, 10, 24, 12, 30, 12]
    cols = [Col(f"c{i}", h, "long" if w >= 24 else "text", None, w) for i, (h, w) in
            enumerate(zip(headers, widths, strict=True))]
    wb = _new_workbook()
    st = _Styles(wb)
    ws = _open_sheet(wb, "Obiettivi e indicatori", cols, len(rows), {}, st, selected=True,
                     freeze="A2")
    wrap = [i for i, c in enumerate(cols) if c.kind == "long"]
    for values in rows:
        for i in wrap:
            if i < len(values) and values[i] is not None:
                values[i] = st.cell(ws, values[i], st.wrap_top)
        ws.append(text_row(ws, values, st))
    _save(wb, path)
    return len(rows)
