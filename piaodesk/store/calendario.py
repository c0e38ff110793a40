"""The plan's legal calendar (issue 18 point 9): the ente's own dates, stored as one plan setting.

Setting «calendario» (JSON): ``{"regole": {"relazione": "15/06", "variazioni_peg": null},
"approvazione_bilancio": "2026-03-10"}``; everything not named keeps the law's default
(``domain.calendario.PREDEFINITE``). Writes are one undoable ``SetSetting``.
"""

from __future__ import annotations

import json
from datetime import date
from typing import TYPE_CHECKING, Any

from ..domain.calendario import ScadenzaLegale, regole_da_impostazioni, scadenze_legali
from .edits import Edit, SetSetting

if TYPE_CHECKING:
    from .archive import Archive

CHIAVE = "calendario"


def impostazioni(arc: Archive) -> dict[str, Any]:
    raw = arc.impostazione(CHIAVE)
    if not raw:
        return {}
    try:
        data = json.loads(raw)
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def scadenze(arc: Archive, anno: int | None = None) -> list[ScadenzaLegale]:
    """The year's legal deadlines as this ente set them (the plan's first year by default)."""
    cfg = impostazioni(arc)
    regole = regole_da_impostazioni(cfg.get("regole") or {})
    bil = cfg.get("approvazione_bilancio")
    quando = date.fromisoformat(bil) if isinstance(bil, str) and bil else None
    return scadenze_legali(anno or arc.piano().anno_inizio, regole, approvazione_bilancio=quando)


def imposta(arc: Archive, regole: dict[str, str | None] | None = None,
            approvazione_bilancio: date | None | str = "") -> Edit:
    """One undoable step changing the ente's calendar; refuses (ValueError, Italian) a bad date."""
    cfg = impostazioni(arc)
    nuove = dict(cfg.get("regole") or {})
    nuove.update(regole or {})
    regole_da_impostazioni(nuove)  # validates: raises with the rule's name
    cfg["regole"] = nuove
    if approvazione_bilancio != "":
        cfg["approvazione_bilancio"] = (approvazione_bilancio.isoformat()
                                        if isinstance(approvazione_bilancio, date) else None)
    return SetSetting(CHIAVE, json.dumps(cfg, ensure_ascii=False), "Calendario del piano")
