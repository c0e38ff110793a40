"""«Valutazione › Premi di performance…» (premi, Relazione sulla Performance, trasparenza: one dialog)
and «Stampa › Allegato di monitoraggio per CDR…»."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from . import ActionSpec

if TYPE_CHECKING:
    from ..context import Context


def _premi(main_window: Any, ctx: Context) -> None:
    from ..dialogs.premi import show_premi_dialog

    show_premi_dialog(main_window, ctx)


def _allegato(main_window: Any, ctx: Context) -> None:
    from ..dialogs.premi import show_allegato

    show_allegato(main_window, ctx)


ACTIONS = [
    ActionSpec("Valuta&zione", "Premi di performance, Relazione e trasparenza…", _premi, order=80,
               object_name="azione_premi"),
    ActionSpec("&Stampa", "Allegato di monitoraggio per CDR…", _allegato, order=55,
               object_name="azione_allegato_monitoraggio"),
]
