"""Obiettivi di valore pubblico (PIAO sottosezione 2.1; issue 18 point 1).

Their own list, each tied to the DUP's strategy (linea strategica / indirizzo) and, many-to-many, to
the performance objectives that serve it. An objective serves the value its ancestors serve: the
portal's «Obiettivo di valore pubblico» column and the printed sheet take the nearest link up the
tree. Pure: the store gives rows, this module answers questions about them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import ClassVar


@dataclass(slots=True)
class ObiettivoValorePubblico:
    TABLE: ClassVar[str] = "valore_pubblico"
    id: int | None = None
    posizione: int | None = None
    codice: str = ""
    titolo: str = ""
    descrizione: str | None = None
    #: the impact it aims at (portal: impatto economico, sociale, ambientale, sanitario, digitale …)
    ambito: str | None = None
    linea_dup: str | None = None        # the DUP's linea strategica / missione of the mandate
    indirizzo_dup: str | None = None    # indirizzo strategico
    responsabile_politico: str | None = None
    stakeholder: str | None = None
    note: str | None = None

    @property
    def etichetta(self) -> str:
        return f"{self.codice} {self.titolo}".strip()


@dataclass(slots=True)
class LegameValorePubblico:
    """«This performance objective serves that value»."""

    TABLE: ClassVar[str] = "vp_obiettivi"
    id: int | None = None
    vp_id: int = 0
    obiettivo_id: int = 0


#: the portal's impact areas (anchors-domain §1.2, OVP «ambito»): offered, free text allowed
AMBITI = ("Economico", "Sociale", "Ambientale", "Sanitario", "Istituzionale", "Infrastrutturale", "Digitale",
          "Culturale", "Scientifico")


def controlla(vp: ObiettivoValorePubblico) -> list[str]:
    """What is missing (Italian; empty when fine)."""
    return [] if vp.titolo.strip() else ["il titolo dell'obiettivo di valore pubblico è obbligatorio"]


def per_obiettivo(legami: Iterable[tuple[int, int]], genitori: Mapping[int, int | None]) -> dict[int, list[int]]:
    """For each objective (key of ``genitori``), the value ids it serves: its own links, else the
    nearest ancestor's. ``legami``: (vp_id, obiettivo_id) pairs; ``genitori``: id → parent id."""
    diretti: dict[int, list[int]] = {}
    for vp_id, oid in legami:
        lst = diretti.setdefault(oid, [])
        if vp_id not in lst:
            lst.append(vp_id)
    out: dict[int, list[int]] = {}

    def risolvi(oid: int, visti: set[int]) -> list[int]:
        if oid in out:
            return out[oid]
        if oid in diretti:
            out[oid] = diretti[oid]
            return out[oid]
        parent = genitori.get(oid)
        if parent is None or parent in visti:
            out[oid] = []
            return out[oid]
        visti.add(oid)
        out[oid] = risolvi(parent, visti)
        return out[oid]

    for oid in genitori:
        risolvi(oid, set())
    return out


def testo_colonna(ids: Iterable[int], elenco: Mapping[int, ObiettivoValorePubblico]) -> str:
    """The text of the portal's column: the values' labels, «; »-separated."""
    return "; ".join(elenco[i].etichetta for i in ids if i in elenco)
