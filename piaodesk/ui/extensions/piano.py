"""Menu «Piano»: the plan's own properties."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from . import ActionSpec

if TYPE_CHECKING:
    from ..context import Context


def _props(main_window: Any, ctx: Context) -> None:
    from ..dialogs.piano import show_piano_dialog

    show_piano_dialog(main_window, ctx)


ACTIONS = [
    ActionSpec("&Piano", "Proprietà del piano…", _props, order=10, object_name="azione_proprieta_piano"),
]
