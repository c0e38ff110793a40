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
            approvazione_bilancio: date | str | None = "") -> Edit:
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


def sostituisci(regole: dict[str, str | None], approvazione_bilancio: date | None) -> Edit:
    """One undoable step setting the ente's whole calendar (what is not named keeps the law's date);
    refuses (ValueError, Italian) a bad date or an unknown deadline."""
    regole_da_impostazioni(regole)
    cfg = {"regole": regole,
           "approvazione_bilancio": approvazione_bilancio.isoformat() if approvazione_bilancio else None}
    return SetSetting(CHIAVE, json.dumps(cfg, ensure_ascii=False), "Calendario del piano")


# ---------------------------------------------------------------------- relative deadlines

CHIAVE_EVENTI = "eventi"


def norm_evento(text: str) -> str:
    """An event's name as compared and stored (no accents, lower case, words only)."""
    import unicodedata

    t = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return " ".join("".join(c if c.isalnum() else " " for c in t).split())


_norm = norm_evento


def eventi_salvati(arc: Archive) -> dict[str, str]:
    """The event dates the ente set, as stored (name → ISO date text; not the plan's act date)."""
    raw = arc.impostazione(CHIAVE_EVENTI)
    try:
        data = json.loads(raw) if raw else {}
    except ValueError:
        return {}
    return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}


def eventi(arc: Archive) -> dict[str, date]:
    """The dates of the events relative deadlines refer to: set by the ente, and the plan's
    approval (the act's date) as «approvazione» unless set otherwise."""
    out: dict[str, date] = {}
    piano = arc.piano()
    if piano.atto_data is not None:
        out["approvazione"] = piano.atto_data
    for k, v in eventi_salvati(arc).items():
        try:
            out[_norm(k)] = date.fromisoformat(v)
        except ValueError:
            continue
    return out


def evento_di(testo: str, noti: dict[str, date]) -> tuple[str, date] | None:
    """The known event a relative deadline names (its words contain the event's)."""
    words = _norm(testo)
    for nome in sorted(noti, key=len, reverse=True):
        if nome and f" {nome} " in f" {words} ":
            return nome, noti[nome]
    return None


def in_attesa(arc: Archive) -> list[tuple[Any, str]]:
    """Fasi with a relative deadline and no date yet, with what they wait for."""
    from ..domain.model import Fase
    from ..domain.target import leggi_target

    out = []
    for f in arc.select(Fase, "scadenza_relativa IS NOT NULL AND scadenza IS NULL", order="obiettivo_id, id"):
        rel = leggi_target(f.scadenza_relativa).scadenza
        out.append((f, rel.evento if rel else (f.scadenza_relativa or "")))
    return out


def risolvi(arc: Archive, evento: str, quando: date) -> tuple[Edit, list[tuple[Any, date]]]:
    """Record the date of ``evento`` and give every fase whose relative deadline names it its
    date (one undoable step); returns the edit and the fasi resolved."""
    from ..domain.model import Fase
    from ..domain.target import leggi_target
    from .edits import Batch, SetFields

    raw = arc.impostazione(CHIAVE_EVENTI)
    try:
        data = json.loads(raw) if raw else {}
    except ValueError:
        data = {}
    if not isinstance(data, dict):
        data = {}
    nome = _norm(evento)
    if not nome:
        raise ValueError("indicare il nome dell'evento (es. «approvazione»)")
    data[nome] = quando.isoformat()
    edits: list[Edit] = [SetSetting(CHIAVE_EVENTI, json.dumps(data, ensure_ascii=False), f"Data dell'evento «{nome}»")]
    risolte = []
    for f in arc.select(Fase, "scadenza_relativa IS NOT NULL", order="obiettivo_id, id"):
        rel = leggi_target(f.scadenza_relativa).scadenza
        if rel is None or evento_di(rel.evento, {nome: quando}) is None:
            continue
        nuova = rel.risolvi(quando)
        if nuova is not None and nuova != f.scadenza and f.id is not None:
            edits.append(SetFields(Fase, f.id, {"scadenza": nuova}))
            risolte.append((f, nuova))
    return Batch(edits, f"Scadenze relative a «{nome}»"), risolte
