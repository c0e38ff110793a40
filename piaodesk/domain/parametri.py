"""PARAMETRI of a service (seed 001 L138-L143, issue 18 point 7): volumes at a reference date,
«numero di reversali di incasso (2.267 al 31.12.2022)» — the context a service's targets are read in."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import ClassVar

from .formats import format_date, format_decimal
from .target import leggi_parametro


@dataclass(slots=True)
class ParametroServizio:
    TABLE: ClassVar[str] = "parametri"
    id: int | None = None
    unita_id: int | None = None
    posizione: int | None = None
    nome: str = ""
    valore: Decimal | None = None
    data_riferimento: date | None = None
    #: the line as written when it says more than one number («686 determine e 152 delibere»)
    testo: str | None = None
    note: str | None = None

    @property
    def valore_stampato(self) -> str:
        return format_decimal(self.valore, None) if self.valore is not None else ""

    @property
    def data_stampata(self) -> str:
        return format_date(self.data_riferimento) if self.data_riferimento else ""


def da_righe(testo: str, unita_id: int | None) -> tuple[list[ParametroServizio], list[str]]:
    """Parameters from pasted lines («- numero di … (2.267 al 31.12.2022)»); the lines not
    understood are returned, never dropped silently."""
    ok: list[ParametroServizio] = []
    scarti: list[str] = []
    for riga in testo.splitlines():
        if not riga.strip():
            continue
        p = leggi_parametro(riga)
        if p is None:
            scarti.append(riga.strip())
            continue
        primo_numero_solo = p.testo.count("(") == 1 and " e " not in p.testo.split("(", 1)[1]
        ok.append(ParametroServizio(unita_id=unita_id, nome=p.nome, valore=p.valore,
                                    data_riferimento=p.data_riferimento,
                                    testo=None if primo_numero_solo else p.testo.lstrip("-•* ").strip()))
    return ok, scarti
