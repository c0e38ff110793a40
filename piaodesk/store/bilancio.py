"""Reads for the budget summary: the financial resources of each settore's objectives."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..domain.bilancio import RiepilogoBilancio, VoceBilancio, riepilogo_bilancio
from ..domain.model import Risorsa

if TYPE_CHECKING:
    from .archive import Archive

SENZA_SETTORE = "Senza settore"


def riepiloghi_per_settore(arc: Archive, anno: int) -> list[tuple[str, RiepilogoBilancio]]:
    """One summary per unit (Totale CDR = the unit's total), in the units' order.

    Only objectives with resources in ``anno`` appear; a unit without any is left out.
    """
    risorse: dict[int, list[Risorsa]] = {}
    for r in arc.select(Risorsa, "anno = ?", (anno,), order="obiettivo_id, id"):
        risorse.setdefault(r.obiettivo_id, []).append(r)
    if not risorse:
        return []
    per_unita: dict[int | None, list[VoceBilancio]] = {}
    for o in arc.obiettivi():
        if o.id in risorse:
            per_unita.setdefault(o.unita_id, []).append(
                VoceBilancio(o.id or 0, o.codice or str(o.id), o.titolo, tuple(risorse[o.id or 0])))
    out = []
    for u in arc.unita():
        if u.id in per_unita:
            out.append((u.nome, riepilogo_bilancio(per_unita[u.id])))
    if None in per_unita:
        out.append((SENZA_SETTORE, riepilogo_bilancio(per_unita[None])))
    return out
