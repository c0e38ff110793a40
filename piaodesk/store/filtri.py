"""What the objective filters of the main window offer (read from the plan; no Qt).

The window used to query the file itself; the choices are store reads like any other.
"""

from __future__ import annotations

from dataclasses import dataclass

from .archive import Archive


@dataclass(frozen=True, slots=True)
class ScelteFiltri:
    """The choices of the four filter lists, in the order shown."""

    settori: tuple[tuple[int, str], ...]       # (unit id, name)
    responsabili: tuple[tuple[int, str], ...]  # (person id, «Cognome Nome»)
    anni: tuple[int, ...]
    stati: tuple[str, ...]


def responsabili_ids(archive: Archive) -> set[int]:
    """People who are responsabile of at least one objective."""
    return {r[0] for r in archive.db.conn.execute(
        "SELECT DISTINCT responsabile_id FROM obiettivi WHERE responsabile_id IS NOT NULL")}


def stati_obiettivi(archive: Archive) -> tuple[str, ...]:
    """The objectives' states in use (free text, as written: the filter compares them as is),
    sorted, the empty one left out."""
    rows = archive.db.conn.execute("SELECT DISTINCT stato FROM obiettivi WHERE stato IS NOT NULL")
    return tuple(sorted({str(r[0]) for r in rows} - {""}))


def scelte_filtri(archive: Archive) -> ScelteFiltri:
    """Units, the people who lead an objective (or hold a post «eq»), the plan's years, the states."""
    resp = responsabili_ids(archive)
    return ScelteFiltri(
        settori=tuple((u.id, u.nome) for u in archive.unita() if u.id is not None),
        responsabili=tuple((p.id, p.nominativo) for p in archive.persone()
                           if p.id is not None and (p.id in resp or p.eq)),
        anni=tuple(archive.piano().anni),
        stati=stati_obiettivi(archive))
