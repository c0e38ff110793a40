"""Menu «Piano»: settore packets and their merge; the Cronologia of an objective (issue 16)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from . import ActionSpec

if TYPE_CHECKING:
    from ..context import Context


def _prepara(main_window: Any, ctx: Context) -> None:
    from ..dialogs.pacchetti import prepara_pacchetto

    prepara_pacchetto(main_window, ctx)


def _unisci(main_window: Any, ctx: Context) -> None:
    from ..dialogs.pacchetti import unisci_pacchetto

    unisci_pacchetto(main_window, ctx)


def _cronologia(main_window: Any, ctx: Context) -> None:
    from ..dialogs.pacchetti import cronologia

    cronologia(main_window, ctx)


ACTIONS = [
    ActionSpec("&Piano", "Prepara pacchetto di settore…", _prepara, order=60, needs_write=True,
               object_name="azione_prepara_pacchetto"),
    ActionSpec("&Piano", "Unisci pacchetto…", _unisci, order=61, needs_write=True,
               object_name="azione_unisci_pacchetto"),
    ActionSpec("&Visualizza", "Cronologia dell'obiettivo (chi, quando, da dove)…", _cronologia,
               order=50, object_name="azione_cronologia_obiettivo"),
]
