"""Menu «Stampa» (valuation sheets as PDF) and «Piano → Sistema di valutazione»."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from . import ActionSpec

if TYPE_CHECKING:
    from ..context import Context


def _stampa(modo: str):
    def run(main_window: Any, ctx: Context) -> None:
        from ..dialogs.stampa import show_stampa_dialog

        show_stampa_dialog(main_window, ctx, modo)

    return run


def _sistema(main_window: Any, ctx: Context) -> None:
    from ..dialogs.sistema_valutazione import show_sistema_dialog

    show_sistema_dialog(main_window, ctx)


ACTIONS = [
    ActionSpec("&Stampa", "Scheda obiettivi del settore…", _stampa("obiettivi"), shortcut="Ctrl+P",
               order=10, object_name="azione_stampa_scheda_obiettivi"),
    ActionSpec("&Stampa", "Scheda dell'obiettivo selezionato…", _stampa("obiettivo"), order=20,
               object_name="azione_stampa_scheda_obiettivo"),
    ActionSpec("&Stampa", "Schede di valutazione individuali…", _stampa("individuali"), order=30,
               object_name="azione_stampa_schede_individuali"),
    ActionSpec("&Stampa", "Schede del ciclo: assegnazione degli obiettivi…", _stampa("assegnazione"), order=32,
               object_name="azione_stampa_schede_assegnazione"),
    ActionSpec("&Stampa", "Schede del ciclo: verifica intermedia (colloquio)…", _stampa("colloquio"), order=34,
               object_name="azione_stampa_schede_colloquio"),
    ActionSpec("&Stampa", "Schede del ciclo: riesame…", _stampa("riesame"), order=36,
               object_name="azione_stampa_schede_riesame"),
    ActionSpec("&Stampa", "Performance organizzativa…", _stampa("organizzativa"), order=38,
               object_name="azione_stampa_organizzativa"),
    ActionSpec("&Piano", "Sistema di valutazione (SMVP) e punteggi…", _sistema, order=40,
               needs_write=True, object_name="azione_sistema_valutazione"),
]
