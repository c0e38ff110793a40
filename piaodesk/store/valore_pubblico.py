"""Reading and writing the obiettivi di valore pubblico and their links (issue 18 point 1).

Writes are the generic undoable edits (``InsertRow``/``SetFields``/``DeleteRow`` on
:class:`ObiettivoValorePubblico` and :class:`LegameValorePubblico`); deleting a value or an objective
removes its links with it (foreign keys, restored by undo).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..domain.valore_pubblico import LegameValorePubblico, ObiettivoValorePubblico, per_obiettivo, testo_colonna
from .edits import Batch, DeleteRow, Edit, InsertRow

if TYPE_CHECKING:
    from .archive import Archive


def elenco(arc: Archive) -> list[ObiettivoValorePubblico]:
    return arc.select(ObiettivoValorePubblico, order="posizione, id")


def legami(arc: Archive) -> list[LegameValorePubblico]:
    return arc.select(LegameValorePubblico, order="vp_id, id")


def collegati(arc: Archive, vp_id: int) -> list[int]:
    """The objectives linked directly to value ``vp_id``."""
    return [x.obiettivo_id for x in legami(arc) if x.vp_id == vp_id]


def diretti(arc: Archive, obiettivo_id: int) -> list[int]:
    return [x.vp_id for x in legami(arc) if x.obiettivo_id == obiettivo_id]


def mappa(arc: Archive) -> dict[int, list[int]]:
    """objective id → value ids it serves (own links, else the nearest ancestor's)."""
    genitori = {o.id: o.parent_id for o in arc.obiettivi() if o.id is not None}
    return per_obiettivo(((x.vp_id, x.obiettivo_id) for x in legami(arc)), genitori)


def colonna_per_obiettivo(arc: Archive) -> dict[int, str]:
    """objective id → the portal's «Obiettivo di valore pubblico» text ("" when none)."""
    vps = {v.id: v for v in elenco(arc) if v.id is not None}
    return {oid: testo_colonna(ids, vps) for oid, ids in mappa(arc).items()}


def collega(vp_id: int, obiettivo_id: int) -> Edit:
    return InsertRow(LegameValorePubblico(vp_id=vp_id, obiettivo_id=obiettivo_id),
                     "Collega al valore pubblico")


def scollega(arc: Archive, vp_id: int, obiettivo_id: int) -> Edit | None:
    ids = [x.id for x in legami(arc) if x.vp_id == vp_id and x.obiettivo_id == obiettivo_id and x.id]
    if not ids:
        return None
    return Batch([DeleteRow(LegameValorePubblico, i) for i in ids], "Scollega dal valore pubblico")


def imposta_collegamenti(arc: Archive, obiettivo_id: int, vp_ids: list[int]) -> Edit | None:
    """One undoable step that makes ``obiettivo_id`` linked to exactly ``vp_ids``."""
    attuali = {x.vp_id: x.id for x in legami(arc) if x.obiettivo_id == obiettivo_id}
    edits: list[Edit] = [DeleteRow(LegameValorePubblico, lid) for vid, lid in attuali.items()
                         if vid not in vp_ids and lid is not None]
    edits += [InsertRow(LegameValorePubblico(vp_id=v, obiettivo_id=obiettivo_id))
              for v in vp_ids if v not in attuali]
    return Batch(edits, "Collegamenti al valore pubblico") if edits else None


def testo_per(arc: Archive, obiettivo_id: int) -> str:
    """The values one objective serves (own links, else the nearest ancestor's), read along its
    ancestors only: cheap for a form on a large plan."""
    per_ob: dict[int, list[int]] = {}
    for x in legami(arc):
        per_ob.setdefault(x.obiettivo_id, []).append(x.vp_id)
    oid: int | None = obiettivo_id
    seen: set[int] = set()
    while oid is not None and oid not in seen:
        seen.add(oid)
        if oid in per_ob:
            vps = {v.id: v for v in elenco(arc) if v.id is not None}
            return testo_colonna(per_ob[oid], vps)
        ob = arc.obiettivo(oid)
        oid = ob.parent_id if ob is not None else None
    return ""
