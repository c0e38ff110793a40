"""Tab «Monitoraggio» and the menu entries of «Monitoraggio» and «Piano» (rinnovo)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from . import ActionSpec, ViewSpec

if TYPE_CHECKING:
    from ..context import Context


def _view(ctx: Context, parent: Any) -> Any:
    from ..views.monitoraggio import MonitoraggioView

    view = MonitoraggioView(ctx, parent)
    status = getattr(ctx.main_window, "statusBar", None)
    if callable(status):
        view.message.connect(lambda text: status().showMessage(text, 8000))
    return view


def _find_view(main_window: Any) -> Any:
    from ..views.monitoraggio import MonitoraggioView

    if main_window is None:
        return None
    build = getattr(main_window, "view", None)  # built on first show; switch to its tab
    if callable(build):
        build("Monitoraggio", show=True)
    view = main_window.findChild(MonitoraggioView)
    tabs = getattr(main_window, "tabs", None)
    if view is not None and tabs is not None and tabs.indexOf(view) >= 0:
        tabs.setCurrentWidget(view)
    return view


def _nuovo(main_window: Any, ctx: Context) -> None:
    from ..dialogs.monitoraggio import NuovoMonitoraggioDialog

    NuovoMonitoraggioDialog(ctx, main_window).exec()


def _rileva(main_window: Any, ctx: Context) -> None:
    view = _find_view(main_window)
    if view is not None:
        view.take_values()


def _chiudi(main_window: Any, ctx: Context) -> None:
    view = _find_view(main_window)
    if view is not None:
        view.close_round()


def _riapri(main_window: Any, ctx: Context) -> None:
    view = _find_view(main_window)
    if view is not None:
        view.reopen_round()


def _confronto(main_window: Any, ctx: Context) -> None:
    view = _find_view(main_window)
    if view is not None:
        view.tabs.setCurrentIndex(1)


def _rinnovo(main_window: Any, ctx: Context) -> None:
    from ..dialogs.rinnovo import RinnovoDialog

    RinnovoDialog(ctx, main_window).exec()


VIEWS = [ViewSpec("Monitoraggio", _view, order=50, object_name="vista_monitoraggio")]

ACTIONS = [
    ActionSpec("M&onitoraggio", "&Nuovo monitoraggio…", _nuovo, order=10, needs_write=True,
               object_name="azione_nuovo_monitoraggio"),
    ActionSpec("M&onitoraggio", "&Rileva i valori degli indicatori", _rileva, order=20, needs_write=True,
               object_name="azione_rileva_valori"),
    ActionSpec("M&onitoraggio", "&Chiudi il monitoraggio…", _chiudi, order=30, needs_write=True,
               object_name="azione_chiudi_monitoraggio"),
    ActionSpec("M&onitoraggio", "Ri&apri il monitoraggio", _riapri, order=40, needs_write=True,
               object_name="azione_riapri_monitoraggio"),
    ActionSpec("M&onitoraggio", "Con&fronto tra monitoraggi", _confronto, order=50,
               object_name="azione_confronto_monitoraggi"),
    ActionSpec("&Piano", "Conferma il piano per l'anno &successivo…", _rinnovo, order=60,
               object_name="azione_rinnovo_piano"),
]
