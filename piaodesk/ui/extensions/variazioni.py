"""«Piano › Variazioni del piano…», «Comuni dell'Unione…», «Parametri dei servizi…» (issue 18)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from . import ActionSpec

if TYPE_CHECKING:
    from ..context import Context


def _variazioni(main_window: Any, ctx: Context) -> None:
    from ..dialogs.variazioni import show_variazioni_dialog

    main_window._variazioni_dialog = show_variazioni_dialog(main_window, ctx)


def _comuni(main_window: Any, ctx: Context) -> None:
    from ..dialogs.comuni import show_comuni_dialog

    main_window._comuni_dialog = show_comuni_dialog(main_window, ctx)


def _parametri(main_window: Any, ctx: Context) -> None:
    from ..dialogs.parametri import show_parametri_dialog

    main_window._parametri_dialog = show_parametri_dialog(main_window, ctx)


def _calendario(main_window: Any, ctx: Context) -> None:
    from ..dialogs.calendario import show_calendario_dialog

    main_window._calendario_dialog = show_calendario_dialog(main_window, ctx)


def _catalogo(main_window: Any, ctx: Context) -> None:
    from ..dialogs.catalogo import show_catalogo_dialog

    main_window._catalogo_dialog = show_catalogo_dialog(main_window, ctx)


ACTIONS = [
    ActionSpec("&Piano", "Variazioni del piano…", _variazioni, order=60, object_name="azione_variazioni"),
    ActionSpec("&Piano", "Comuni dell'Unione…", _comuni, order=61, object_name="azione_comuni"),
    ActionSpec("&Piano", "Parametri dei servizi…", _parametri, order=62, object_name="azione_parametri"),
    ActionSpec("&Piano", "Calendario del piano…", _calendario, order=63, object_name="azione_calendario"),
    ActionSpec("&Piano", "Missioni e programmi dal testo…", _catalogo, order=64, object_name="azione_catalogo"),
]
