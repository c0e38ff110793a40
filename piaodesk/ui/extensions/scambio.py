"""Menu «File»: Excel export, portal table, empty template, import and re-import."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from . import ActionSpec

if TYPE_CHECKING:
    from ..context import Context


def _export(main_window: Any, ctx: Context) -> None:
    from ..dialogs.scambio import esporta

    esporta(main_window, ctx, "piaodesk")


def _portale(main_window: Any, ctx: Context) -> None:
    from ..dialogs.scambio import esporta

    esporta(main_window, ctx, "portale")


def _modello(main_window: Any, ctx: Context) -> None:
    from ..dialogs.scambio import modello

    modello(main_window, ctx)


def _importa(main_window: Any, ctx: Context) -> None:
    from ..dialogs.scambio import run_import

    run_import(main_window, ctx, reimport=False)


def _reimporta(main_window: Any, ctx: Context) -> None:
    from ..dialogs.scambio import run_import

    run_import(main_window, ctx, reimport=True)


ACTIONS = [
    ActionSpec("&File", "Esporta in Excel…", _export, order=40, object_name="azione_esporta_excel"),
    ActionSpec("&File", "Esporta per il portale PIAO…", _portale, order=41,
               object_name="azione_esporta_portale"),
    ActionSpec("&File", "Modello Excel vuoto…", _modello, order=42, object_name="azione_modello_excel"),
    ActionSpec("&File", "Importa da Excel/CSV…", _importa, order=43, needs_write=True,
               object_name="azione_importa_excel"),
    ActionSpec("&File", "Reimporta Excel modificato…", _reimporta, order=44, needs_write=True,
               object_name="azione_reimporta_excel"),
]
