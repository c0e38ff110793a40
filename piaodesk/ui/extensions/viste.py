"""The plan-wide views shown as tabs of the main window (Scadenze, Indicatori, Gantt, personale)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from . import ViewSpec

if TYPE_CHECKING:
    from ..context import Context


def _scadenze(ctx: Context, parent: Any) -> Any:
    from ..views.scadenze import ScadenzeView

    return ScadenzeView(ctx, parent)


def _indicatori(ctx: Context, parent: Any) -> Any:
    from ..views.indicatori import IndicatoriView

    return IndicatoriView(ctx, parent)


def _gantt(ctx: Context, parent: Any) -> Any:
    from ..views.gantt import GanttView

    return GanttView(ctx, parent)


def _matrice(ctx: Context, parent: Any) -> Any:
    from ..views.matrice import MatriceView

    return MatriceView(ctx, parent)


def _persone(ctx: Context, parent: Any) -> Any:
    from ..views.persone import PersoneView

    return PersoneView(ctx, parent)


def _organizzazione(ctx: Context, parent: Any) -> Any:
    from ..views.organizzazione import OrganizzazioneView

    return OrganizzazioneView(ctx, parent)


VIEWS = [
    ViewSpec("Scadenze", _scadenze, order=20, object_name="vista_scadenze"),
    ViewSpec("Indicatori", _indicatori, order=30, object_name="vista_indicatori"),
    ViewSpec("Gantt", _gantt, order=40, object_name="vista_gantt"),
    ViewSpec("Matrice personale", _matrice, order=50, object_name="vista_matrice"),
    ViewSpec("Persone", _persone, order=60, object_name="vista_persone"),
    ViewSpec("Organizzazione", _organizzazione, order=70, object_name="vista_organizzazione"),
]
