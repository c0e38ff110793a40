"""Grids of the selected objective: Fasi, Indicatori (+ Misure per period), Personale, Risorse.

Each is the flat grid adapter (:class:`~.flat_rows.FlatGridModel`) over its projection in
``viste/griglie.py``; this module only wires the selection (objective, indicator, year).
"""

from __future__ import annotations

from typing import Any

from ...viste import griglie as g
from ...viste.tabella import Refused
from .flat_rows import FlatGridModel

__all__ = ["AssegnazioniModel", "FasiModel", "IndicatoriModel", "MisureModel", "RisorseModel"]


class _GridModel(FlatGridModel):
    """A grid whose projection may refuse a new row (nothing selected) and collects the rows
    a paste inserts (target and actual pasted together make one Misura)."""

    projection: g.Righe

    def insert_row(self, position: int) -> bool:
        try:
            return super().insert_row(position)
        except Refused as exc:
            return self._refuse(str(exc))

    def append_rows(self, n: int) -> bool:
        try:
            return super().append_rows(n)
        except Refused as exc:
            return self._refuse(str(exc))

    def _begin_cells(self) -> None:
        self.projection.pending = {}

    def _end_cells(self) -> None:
        self.projection.pending = None

    def ids(self) -> list[int]:
        return [r.id for r in self._rows]


class _OwnedModel(_GridModel):
    projection: g.DellObiettivo

    @property
    def obiettivo_id(self) -> int | None:
        return self.projection.obiettivo_id

    def set_obiettivo(self, oid: int | None) -> None:
        self.projection.obiettivo_id = oid
        self.reload()


def _anno(ctx: Any) -> Any:
    return lambda: ctx.anno or None


class FasiModel(_OwnedModel):
    def __init__(self, ctx: Any, parent: Any = None) -> None:
        super().__init__(ctx, g.FasiProjection(ctx.archive), parent)


class IndicatoriModel(_OwnedModel):
    projection: g.IndicatoriProjection

    def __init__(self, ctx: Any, parent: Any = None) -> None:
        super().__init__(ctx, g.IndicatoriProjection(ctx.archive, _anno(ctx)), parent)

    def set_anno(self) -> None:
        """The year selector changed: relabel the % column and recompute it."""
        self.projection.anno_changed()
        self.reload()


class MisureModel(_GridModel):
    projection: g.MisureProjection

    def __init__(self, ctx: Any, parent: Any = None) -> None:
        super().__init__(ctx, g.MisureProjection(ctx.archive, _anno(ctx)), parent)

    @property
    def indicatore(self) -> Any:
        return self.projection.indicatore

    def set_indicatore(self, ind_id: int | None) -> None:
        self.projection.set_indicatore(ind_id)
        self.reload()


class AssegnazioniModel(_OwnedModel):
    def __init__(self, ctx: Any, parent: Any = None) -> None:
        super().__init__(ctx, g.AssegnazioniProjection(ctx.archive, _anno(ctx)), parent)


class RisorseModel(_OwnedModel):
    def __init__(self, ctx: Any, parent: Any = None) -> None:
        super().__init__(ctx, g.RisorseProjection(ctx.archive, _anno(ctx)), parent)
