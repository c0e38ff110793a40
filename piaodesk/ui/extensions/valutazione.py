"""Menu «Valutazione» and its tabs: valutazione individuale (with the cycle), performance
organizzativa; «Piano › Verifica del piano…» (a panel docked in the main window)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from . import ActionSpec, ViewSpec

if TYPE_CHECKING:
    from ..context import Context

TITOLO_INDIVIDUALE = "Valutazione individuale"
TITOLO_ORGANIZZATIVA = "Performance organizzativa"


def _individuale(ctx: Context, parent: Any) -> Any:
    from ..views.valutazione import ValutazioneIndividualeView

    return ValutazioneIndividualeView(ctx, parent)


def _organizzativa(ctx: Context, parent: Any) -> Any:
    from ..views.organizzativa import PerformanceOrganizzativaView

    return PerformanceOrganizzativaView(ctx, parent)


def show_view(main_window: Any, title: str) -> Any:
    """Build (if needed) and bring forward the tab ``title`` of the main window."""
    build = getattr(main_window, "view", None)
    return build(title, show=True) if callable(build) else None


def _apri_individuale(main_window: Any, ctx: Context) -> None:
    view = show_view(main_window, TITOLO_INDIVIDUALE)
    if view is not None:
        view.tabs.setCurrentIndex(0)


def _apri_ciclo(main_window: Any, ctx: Context) -> None:
    view = show_view(main_window, TITOLO_INDIVIDUALE)
    if view is not None:
        view.tabs.setCurrentIndex(1)


def _apri_organizzativa(main_window: Any, ctx: Context) -> None:
    show_view(main_window, TITOLO_ORGANIZZATIVA)


def _verifica(main_window: Any, ctx: Context) -> None:
    from ..dialogs.verifica import show_verifica

    show_verifica(main_window, ctx)


VIEWS = [
    ViewSpec(TITOLO_INDIVIDUALE, _individuale, order=80, object_name="vista_valutazione"),
    ViewSpec(TITOLO_ORGANIZZATIVA, _organizzativa, order=85, object_name="vista_organizzativa"),
]

ACTIONS = [
    ActionSpec("Valuta&zione", "Valutazione &individuale", _apri_individuale, order=10,
               object_name="azione_valutazione_individuale"),
    ActionSpec("Valuta&zione", "&Ciclo di valutazione (chi è a quale passo)", _apri_ciclo, order=20,
               object_name="azione_ciclo_valutazione"),
    ActionSpec("Valuta&zione", "Performance &organizzativa", _apri_organizzativa, order=30,
               object_name="azione_performance_organizzativa"),
    ActionSpec("Valuta&zione", "&Verifica del piano…", _verifica, order=40,
               object_name="azione_verifica_valutazione"),
    ActionSpec("&Piano", "&Verifica del piano…", _verifica, order=45, object_name="azione_verifica_piano"),
]
