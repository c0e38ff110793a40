"""«Piano › Scala del rischio…» (issue 18 point 4): the ente's corruption-risk levels."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from . import ActionSpec

if TYPE_CHECKING:
    from ..context import Context


def _scala_rischio(main_window: Any, ctx: Context) -> None:
    from ..dialogs.rischio import show_scala_rischio_dialog

    main_window._scala_rischio_dialog = show_scala_rischio_dialog(main_window, ctx)


ACTIONS = [
    ActionSpec("&Piano", "Scala del rischio…", _scala_rischio, order=65, object_name="azione_scala_rischio"),
]
