"""Extension points of the main window, so features live in their own modules.

Each module of this package may define ``ACTIONS`` (menu entries) and
``VIEWS`` (tabs of the central area). The main window discovers them with
:func:`discover` and builds its menus and tabs from them, importing feature
code only when an action is triggered.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

    from ..context import Context

#: menu titles in display order (the main window creates them)
MENUS = ("&File", "&Modifica", "&Visualizza", "&Piano", "M&onitoraggio", "Valuta&zione", "&Stampa",
         "F&irma", "S&trumenti", "&?")


@dataclass(frozen=True)
class ActionSpec:
    menu: str  # one of MENUS
    text: str
    callback: Callable[[Any, Context], None]  # (main_window, context)
    shortcut: str | None = None
    order: int = 100
    needs_write: bool = False  # disabled when the plan is open read-only
    object_name: str | None = None


@dataclass(frozen=True)
class ViewSpec:
    title: str
    factory: Callable[[Context, Any], QWidget]  # (context, parent) -> the view
    order: int = 100
    object_name: str | None = None


# Modules listed explicitly so that a frozen build (PyInstaller) finds them too.
KNOWN = ("editor", "piano", "viste", "stampa", "firma", "scambio", "monitoraggio", "affidabilita",
         "pacchetti", "valutazione", "fine_anno", "variazioni", "valore_pubblico", "rischio")


def discover() -> tuple[list[ActionSpec], list[ViewSpec]]:
    actions: list[ActionSpec] = []
    views: list[ViewSpec] = []
    names = set(KNOWN) | {m.name for m in pkgutil.iter_modules(__path__)}
    for name in sorted(names):
        try:
            module = importlib.import_module(f"{__name__}.{name}")
        except ModuleNotFoundError as exc:
            if exc.name == f"{__name__}.{name}":
                continue
            raise
        actions.extend(getattr(module, "ACTIONS", ()))
        views.extend(getattr(module, "VIEWS", ()))
    actions.sort(key=lambda a: (MENUS.index(a.menu) if a.menu in MENUS else 99, a.order))
    views.sort(key=lambda v: v.order)
    return actions, views
