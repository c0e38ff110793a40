"""Menu entries of the editor that other features may also find useful (Strumenti)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from . import ActionSpec

if TYPE_CHECKING:
    from ..context import Context


def _renumber(main_window: Any, ctx: Context) -> None:
    main_window.renumber_selected()


def _expand(main_window: Any, ctx: Context) -> None:
    main_window.expand_all()


def _late(main_window: Any, ctx: Context) -> None:
    main_window.f_ritardo.setChecked(not main_window.f_ritardo.isChecked())


ACTIONS = [
    ActionSpec("&Visualizza", "Solo obiettivi con fasi in &ritardo", _late, order=50,
               object_name="filtro_ritardo"),
    ActionSpec("S&trumenti", "Rinumera codici dell'albero selezionato…", _renumber, order=10,
               needs_write=True, object_name="strumenti_rinumera"),
]
_ = _expand
