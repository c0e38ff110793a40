"""Sheet «Calendario» of the workbook (issue 18 point 9): the ente's own legal calendar.

The plan keeps it as two settings (``store.calendario``): the deadlines the ente moved or switched off
(``calendario``: ``{"regole": {"relazione": "15/06", "variazioni_peg": null}, "approvazione_bilancio":
"2026-03-10"}``) and the dates of the events that relative deadlines wait for (``eventi``:
``{"approvazione": "2025-02-10"}``). One row per deadline of the law (its date of law shown, the ente's
«gg/mm» or «No» in «Attiva»), one for the bilancio's approval, one per event; read back into the same
two settings, so that export → import changes nothing and an edited cell is one undoable step.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any, ClassVar

from ..domain.calendario import PREDEFINITE, regole_da_impostazioni
from ..domain.fields import norm_label
from ..domain.formats import format_date
from ..store import calendario as cal
from ..store.edits import Edit, SetSetting
from .workbook import Col, SheetSpec, parse_cell

if TYPE_CHECKING:
    from ..store.archive import Archive

BILANCIO = "Approvazione del bilancio"
EVENTO = "Evento: "


@dataclass
class VoceCalendario:
    """One row of «Calendario»."""

    TABLE: ClassVar[str] = "impostazioni"
    voce: str = ""
    legale: str | None = None
    ente: str | None = None
    attiva: bool | None = None
    data: date | None = None
    id: int | None = None  # (no ID: a row is named by its «Voce»)


CALENDARIO = SheetSpec("Calendario", VoceCalendario, (
    Col("voce", "Voce", "text", None, 52),
    Col("legale", "Data di legge", "text", None, 26, imported=False),
    Col("ente", "Data dell'ente (gg/mm)", "text", None, 14),
    Col("attiva", "Attiva", "bool", None, 9),
    Col("data", "Data", "date", None, 12),
))


def _legale(chiave: str) -> str:
    r = next(x for x in PREDEFINITE if x.chiave == chiave)
    return f"{r.giorno:02d}/{r.mese:02d}" + (" dell'anno successivo" if r.anno_relativo == 1 else "")


def righe(arc: Archive) -> list[VoceCalendario]:
    cfg = cal.impostazioni(arc)
    regole = cfg.get("regole") or {}
    out = []
    for r in PREDEFINITE:
        v = regole.get(r.chiave, "") if r.chiave in regole else ""
        spenta = r.chiave in regole and (v is None or v == "")
        out.append(VoceCalendario(r.nome, _legale(r.chiave), None if spenta else (str(v) or None), not spenta))
    bil = cfg.get("approvazione_bilancio")
    out.append(VoceCalendario(BILANCIO, "il PIAO entro 30 giorni", data=_date(bil)))
    for nome, quando in cal.eventi_salvati(arc).items():
        out.append(VoceCalendario(f"{EVENTO}{nome}", "scadenze relative", data=_date(quando)))
    return out


def _date(value: Any) -> date | None:
    try:
        return date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


@dataclass
class Letto:
    """What the sheet says, and the steps to make the plan say it."""

    edits: list[Edit]
    campi: list[tuple[str, str, str]]  # (voce, prima, dopo)
    problemi: list[tuple[int, str]]  # (row, message)


def leggi(arc: Archive, rows: list[tuple[int, dict[str, Any]]]) -> Letto:
    """Compare the sheet's rows (number, label → value) with the plan's calendar."""
    cols = {c.key: c for c in CALENDARIO.cols}
    by_name = {norm_label(r.nome): r for r in PREDEFINITE}
    cfg = cal.impostazioni(arc)
    vecchie = dict(cfg.get("regole") or {})
    regole: dict[str, str | None] = {}
    bilancio: date | None = _date(cfg.get("approvazione_bilancio"))
    eventi: dict[str, str] = {}
    problemi: list[tuple[int, str]] = []
    visti: set[str] = set()
    for n, cells in rows:
        voce = str(cells.get("voce") or "").strip()
        if not voce:
            continue
        try:
            attiva = parse_cell(cols["attiva"], cells.get("attiva"))
            quando = parse_cell(cols["data"], cells.get("data"))
        except ValueError as exc:
            problemi.append((n, f"«{voce}»: {exc}: riga non importata"))
            continue
        testo = str(cells.get("ente") or "").strip()
        regola = by_name.get(norm_label(voce))
        if regola is not None:
            visti.add(regola.chiave)
            if attiva is False:
                regole[regola.chiave] = None
            elif testo:
                try:
                    regole_da_impostazioni({regola.chiave: testo})
                except ValueError as exc:
                    problemi.append((n, f"{exc}: voce non cambiata"))
                    if regola.chiave in vecchie:
                        regole[regola.chiave] = vecchie[regola.chiave]
                    continue
                regole[regola.chiave] = testo
        elif norm_label(voce) == norm_label(BILANCIO):
            bilancio = quando
        elif voce.startswith(EVENTO.strip()) and voce[len(EVENTO.strip()):].strip():
            nome = cal.norm_evento(voce[len(EVENTO.strip()):])
            if quando is None:
                problemi.append((n, f"«{voce}»: manca la data dell'evento: riga non importata"))
                continue
            eventi[nome] = quando.isoformat()
        else:
            problemi.append((n, f"voce «{voce}» sconosciuta: riga ignorata"))
    for chiave in set(vecchie) - visti:  # a deadline missing from the sheet keeps the ente's setting
        regole[chiave] = vecchie[chiave]
    edits: list[Edit] = []
    campi: list[tuple[str, str, str]] = []
    nomi = {r.chiave: r.nome for r in PREDEFINITE}

    def mostra(chiave: str, d: dict[str, str | None]) -> str:
        if chiave not in d:
            return f"{_legale(chiave)} (di legge)"
        return "non attiva" if d[chiave] in (None, "") else str(d[chiave])

    for chiave in nomi:
        if mostra(chiave, vecchie) != mostra(chiave, regole):
            campi.append((nomi[chiave], mostra(chiave, vecchie), mostra(chiave, regole)))
    prima_bil = _date(cfg.get("approvazione_bilancio"))
    if prima_bil != bilancio:
        campi.append((BILANCIO, format_date(prima_bil) if prima_bil else "", format_date(bilancio) if bilancio else ""))
    if campi:
        edits.append(cal.sostituisci(regole, bilancio))
    prima_ev = cal.eventi_salvati(arc)
    if {cal.norm_evento(k): v for k, v in prima_ev.items()} != eventi:
        for nome in sorted(set(prima_ev) | set(eventi)):
            a, b = _date(prima_ev.get(nome)), _date(eventi.get(nome))
            if a != b:
                campi.append((f"{EVENTO}{nome}", format_date(a) if a else "", format_date(b) if b else ""))
        edits.append(SetSetting(cal.CHIAVE_EVENTI, json.dumps(eventi, ensure_ascii=False) if eventi else None,
                                "Date degli eventi delle scadenze relative"))
    return Letto(edits, campi, problemi)
