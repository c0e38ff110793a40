"""Reads of the organisational performance tables that the projections need (no SQL in viste)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..domain.enums import LivelloOrganizzativo
from ..domain.model import (
    IndicatoreOrganizzativo,
    ValoreOrganizzativo,
    VoceOrganizzativa,
)

if TYPE_CHECKING:
    from .archive import Archive


def voci(arc: Archive, unita_id: int | None) -> list[VoceOrganizzativa]:
    """The voci of the ente (``unita_id`` None) or of one unit, in their order."""
    if unita_id is None:
        return arc.select(VoceOrganizzativa, "livello = ?", (LivelloOrganizzativo.ENTE.value,),
                          order="posizione, id")
    return arc.select(VoceOrganizzativa, "livello = ? AND unita_id = ?",
                      (LivelloOrganizzativo.UNITA.value, unita_id), order="posizione, id")


def indicatori_voce(arc: Archive, voce_id: int) -> list[IndicatoreOrganizzativo]:
    return arc.select(IndicatoreOrganizzativo, "voce_id = ?", (voce_id,), order="posizione, id")


def valori_anno(arc: Archive, anno: int) -> dict[int, ValoreOrganizzativo]:
    """The year's target/value of every organisational indicator, by indicator."""
    return {v.indicatore_id: v for v in arc.select(ValoreOrganizzativo, "anno = ?", (anno,))}
