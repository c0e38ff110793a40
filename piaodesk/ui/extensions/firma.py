"""Menu «Firma»: sign a PDF or several (PKCS#12 file or smart card) and check the signatures of any PDF."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from . import ActionSpec

if TYPE_CHECKING:
    from ..context import Context


def _firma(main_window: Any, ctx: Context) -> None:
    from ..dialogs.firma import show_firma_dialog

    show_firma_dialog(main_window, ctx)


def _firma_piu(main_window: Any, ctx: Context) -> None:
    from ..dialogs.firma import show_firma_multipla_dialog

    show_firma_multipla_dialog(main_window, ctx)


def _verifica(main_window: Any, ctx: Context) -> None:
    from ..dialogs.firma import show_verifica_dialog

    show_verifica_dialog(main_window, ctx)


ACTIONS = [
    ActionSpec("F&irma", "Firma un PDF…", _firma, order=10, object_name="azione_firma_pdf"),
    ActionSpec("F&irma", "Firma più PDF…", _firma_piu, order=15, object_name="azione_firma_piu_pdf"),
    ActionSpec("F&irma", "Verifica firme…", _verifica, order=20, object_name="azione_verifica_firme"),
]
