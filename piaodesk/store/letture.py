"""Light reads the plan-wide views need that the archive's generic API would spell in SQL:
which indicator a measure belongs to, which objective a fase belongs to, indicators of one type.
(No SQL leaves the store: the projections in ``piaodesk.viste`` call these.)"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from ..domain.enums import TipoIndicatore
from ..domain.model import AliasPersona, Indicatore

if TYPE_CHECKING:
    from .archive import Archive


def _pairs(arc: Archive, table: str, column: str, ids: Iterable[int]) -> dict[int, int]:
    ids = tuple(ids)
    if not ids:
        return {}
    marks = ",".join("?" * len(ids))
    return dict(arc.db.conn.execute(
        f"SELECT id, [{column}] FROM [{table}] WHERE id IN ({marks})", ids))


def indicatori_di_misure(arc: Archive, misura_ids: Iterable[int]) -> dict[int, int]:
    """misura id -> indicatore id, for the measures that exist."""
    return _pairs(arc, "misure", "indicatore_id", misura_ids)


def obiettivi_di_fasi(arc: Archive, fase_ids: Iterable[int]) -> dict[int, int]:
    """fase id -> obiettivo id, for the fasi that exist."""
    return _pairs(arc, "fasi", "obiettivo_id", fase_ids)


def indicatori_di_tipo(arc: Archive, tipo: TipoIndicatore) -> list[Indicatore]:
    """Every indicator of the plan of one type (e.g. the "entro il" date indicators)."""
    return arc.select(Indicatore, "tipo = ?", (str(tipo),))


def alias_righe(arc: Archive, persona_id: int) -> list[AliasPersona]:
    """The alias rows of one person, by alias."""
    return arc.select(AliasPersona, "persona_id = ?", (persona_id,), order="alias, id")


def conteggi_unita(arc: Archive, unita_ids: Iterable[int]) -> tuple[int, int]:
    """How many people and objectives belong to the units ``unita_ids``."""
    ids = tuple(unita_ids)
    if not ids:
        return 0, 0
    marks = ",".join("?" * len(ids))
    n_p = arc.db.conn.execute(f"SELECT count(*) FROM persone WHERE unita_id IN ({marks})", ids)
    n_o = arc.db.conn.execute(f"SELECT count(*) FROM obiettivi WHERE unita_id IN ({marks})", ids)
    return int(n_p.fetchone()[0]), int(n_o.fetchone()[0])
