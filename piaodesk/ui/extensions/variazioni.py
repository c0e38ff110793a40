"""«Piano › Variazioni del piano…»: acts that change the plan during the year (issue 18)."""

from __future__ import annotations

from typing import Any

from . import ActionSpec


def _variazioni(main_window: Any, ctx: Any) -> None:
    from ..dialogs.variazioni import show_variazioni_dialog

    main_window._variazioni_dialog = show_variazioni_dialog(main_window, ctx)


ACTIONS = [
    ActionSpec("&Piano", "Variazioni del piano…", _variazioni, order=60, object_name="azione_variazioni"),
]
