"""Performance organizzativa on the flat grid adapter: the voci of the ente or of a unit and the
indicators of a voce (projections in ``viste/organizzativa.py``)."""

from __future__ import annotations

from typing import Any

from ...viste.organizzativa import (
    TABELLE_ORG,
    IndicatoriOrgProjection,
    Risultati,
    VociProjection,
)
from ..context import Context
from .grids import _GridModel

__all__ = ["TABELLE_ORG", "IndicatoriOrgModel", "VociModel"]


class _OrgModel(_GridModel):
    def row_object(self, r: int) -> Any:
        return self.row_at(r)

    def refresh_rows(self, _ids: Any = None) -> None:
        """Repaint every row (the results were computed again)."""
        if self._rows:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._rows) - 1,
                                                               self.columnCount() - 1))


class VociModel(_OrgModel):
    """The lines of Table 2 of the ente (``unita_id`` None) or of one unit."""

    projection: VociProjection

    def __init__(self, ctx: Context, risultati: Risultati, parent: Any = None) -> None:
        super().__init__(ctx, VociProjection(ctx.archive, risultati), parent)

    @property
    def unita_id(self) -> int | None:
        return self.projection.unita_id

    def set_unita(self, unita_id: int | None) -> None:
        self.projection.unita_id = unita_id
        self.reload()


class IndicatoriOrgModel(_OrgModel):
    """The indicators of one voce, with target and value of the chosen year."""

    projection: IndicatoriOrgProjection

    def __init__(self, ctx: Context, risultati: Risultati, parent: Any = None) -> None:
        super().__init__(ctx, IndicatoriOrgProjection(ctx.archive, risultati, lambda: self.anno),
                         parent)

    @property
    def anno(self) -> int:
        return int(self.ctx.anno or self.ctx.archive.piano().anno_inizio)

    @property
    def voce_id(self) -> int | None:
        return self.projection.voce_id

    def set_voce(self, voce_id: int | None) -> None:
        self.projection.voce_id = voce_id
        self.reload()
