"""Variations of the plan during the year (issue 18 point 5).

A variation is an act — a «delibera» of the Giunta adopting a PEG variation, or a manager's request
accepted by the deadline of the SMVP (seed 002: «richiesta di variazione entro il 30/09») — that
groups the edits it made. While a variation is open every edit is recorded under it; when it is
closed its list of changes (field by field, before → after) is frozen and printed.

Pure: the store gives the recorded steps, this module folds them into one line per field.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, ClassVar

from .enums import LabeledEnum
from .formats import format_date


class StatoVariazione(LabeledEnum):
    APERTA = "aperta"
    CHIUSA = "chiusa"


@dataclass(slots=True)
class Variazione:
    TABLE: ClassVar[str] = "variazioni"
    id: int | None = None
    atto_tipo: str = ""            # "Delibera di Giunta", "Determinazione", "Richiesta del responsabile"
    atto_numero: str = ""
    atto_data: date | None = None
    motivo: str = ""
    stato: StatoVariazione = StatoVariazione.APERTA
    aperta_il: str | None = None   # ISO date-time text
    chiusa_il: str | None = None
    utente: str = ""
    #: the frozen list of changes (JSON of :class:`VoceVariazione`), written when closed
    riepilogo: list[dict[str, Any]] = field(default_factory=list)

    @property
    def atto(self) -> str:
        """«Delibera di Giunta n. 45 del 12/09/2026»."""
        parts = [self.atto_tipo or "Atto"]
        if self.atto_numero:
            parts.append(f"n. {self.atto_numero}")
        if self.atto_data:
            parts.append(f"del {format_date(self.atto_data)}")
        return " ".join(parts)


def quando(iso: str | None) -> str:
    """An ISO date-time as «25/09/2026 10:30» (empty for none)."""
    if not iso:
        return ""
    try:
        t = datetime.fromisoformat(iso)
    except ValueError:
        return iso
    return f"{format_date(t.date())} {t:%H:%M}"


def controlla(v: Variazione) -> list[str]:
    """What is missing before a variation can be opened (Italian; empty when fine)."""
    errori = []
    if not v.atto_tipo.strip():
        errori.append("indicare il tipo di atto (es. «Delibera di Giunta»)")
    if not v.motivo.strip():
        errori.append("indicare il motivo della variazione")
    if v.atto_data is not None and not (2000 <= v.atto_data.year <= 2100):
        errori.append(f"data dell'atto non plausibile: {format_date(v.atto_data)}")
    return errori


@dataclass(frozen=True, slots=True)
class Passo:
    """One recorded change of one field (or a whole row inserted/deleted)."""

    tabella: str
    riga_id: int
    campo: str                # "" for a whole row
    prima: Any
    dopo: Any
    azione: str = "modifica"  # "modifica", "inserimento", "eliminazione"


@dataclass(frozen=True, slots=True)
class VoceVariazione:
    tabella: str
    riga_id: int
    oggetto: str              # «1.2.3 Titolo» (the objective's code, the indicator's name …)
    campo: str                # the field's Italian label ("" for a whole row)
    prima: str
    dopo: str
    azione: str = "modifica"

    def as_dict(self) -> dict[str, Any]:
        return {"tabella": self.tabella, "riga_id": self.riga_id, "oggetto": self.oggetto,
                "campo": self.campo, "prima": self.prima, "dopo": self.dopo, "azione": self.azione}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> VoceVariazione:
        return cls(str(d.get("tabella", "")), int(d.get("riga_id") or 0), str(d.get("oggetto", "")),
                   str(d.get("campo", "")), str(d.get("prima", "")), str(d.get("dopo", "")),
                   str(d.get("azione", "modifica")))


def piega(passi: Iterable[Passo]) -> list[Passo]:
    """One step per field: the first «before» and the last «after»; fields back to where they were
    are dropped; a row inserted and deleted within the variation leaves nothing."""
    per_campo: dict[tuple[str, int, str], Passo] = {}
    ordine: list[tuple[str, int, str]] = []
    for p in passi:
        k = (p.tabella, p.riga_id, p.campo)
        if k not in per_campo:
            per_campo[k] = p
            ordine.append(k)
            continue
        first = per_campo[k]
        azione = first.azione
        if first.azione == "inserimento" and p.azione == "eliminazione":
            azione = "nulla"
        elif first.azione == "eliminazione" and p.azione == "inserimento":
            azione = "modifica"
        per_campo[k] = Passo(p.tabella, p.riga_id, p.campo, first.prima, p.dopo, azione)
    out = []
    for k in ordine:
        p = per_campo[k]
        if p.azione == "nulla" or (p.azione == "modifica" and _uguali(p.prima, p.dopo)):
            continue
        out.append(p)
    return out


def _uguali(a: Any, b: Any) -> bool:
    def norm(x: Any) -> str | None:
        return None if x in ("", None) else str(x)

    return norm(a) == norm(b)
