"""«Valore pubblico» tab: the obiettivi di valore pubblico and the objectives serving them (issue 18)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from . import ViewSpec

if TYPE_CHECKING:
    from ..context import Context


def _valore_pubblico(ctx: Context, parent: Any) -> Any:
    from ..views.valore_pubblico import ValorePubblicoView

    return ValorePubblicoView(ctx, parent)


VIEWS = [ViewSpec("Valore pubblico", _valore_pubblico, order=15, object_name="vista_valore_pubblico")]
