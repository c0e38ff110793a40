"""What the objective tree reads from the plan: its SQL, behind one small reader.

:class:`LettoreAlbero` is injected into :class:`piaodesk.viste.albero.AlberoObiettivi`
(the projection has no SQL). Tests may give the projection any object with the same
methods.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

from ..domain.enums import Ramo
from ..domain.model import Obiettivo

if TYPE_CHECKING:
    from .archive import Archive

#: the objective fields the tree shows, filters or sorts on (the others are not read)
CAMPI = ("id", "parent_id", "posizione", "ramo", "livello", "codice", "titolo", "descrizione",
         "unita_id", "responsabile_id", "peso", "anni", "stato", "programma_cod")

#: the tables whose rows belong to one objective through ``obiettivo_id``
_DIRECT = ("fasi", "indicatori", "assegnazioni", "risorse", "obiettivi_unita")


def _chunks(ids: list[int], n: int = 500) -> Iterable[list[int]]:
    for k in range(0, len(ids), n):
        yield ids[k:k + n]


class LettoreAlbero:
    """The reads of the objective tree (one query each, never one per row)."""

    def __init__(self, archive: Archive) -> None:
        self.archive = archive

    @property
    def generation(self) -> int:
        return self.archive.generation

    def figli(self, parent_id: int | None, ramo: Ramo | str) -> list[Obiettivo]:
        where, params = (("parent_id IS NULL AND ramo = ?", (str(ramo),)) if parent_id is None
                         else ("parent_id = ?", (parent_id,)))
        return self.archive.select(Obiettivo, where, params, order="posizione, id", columns=CAMPI)

    def figli_ids(self, parent_id: int | None, ramo: Ramo | str) -> list[int]:
        return self.archive.figli_ids(parent_id, ramo)

    def tutti(self) -> list[Obiettivo]:
        """Every objective, in sibling order (``posizione, id``)."""
        return self.archive.select(Obiettivo, order="posizione, id", columns=CAMPI)

    def a_lotti(self, n: int = 250) -> Iterable[list[Obiettivo]]:
        """Every objective, ``n`` at a time, in id order (reading in idle time)."""
        return self.archive.select_batches(Obiettivo, columns=CAMPI, batch=n)

    def obiettivo(self, oid: int) -> Obiettivo | None:
        rows = self.archive.select(Obiettivo, "id = ?", (oid,), columns=CAMPI)
        return rows[0] if rows else None

    def conta_figli(self, ids: list[int]) -> dict[int, int]:
        """How many children each of ``ids`` has (one query per 500 ids)."""
        out: dict[int, int] = {}
        conn = self.archive.db.conn
        for chunk in _chunks(ids):
            marks = ",".join("?" * len(chunk))
            out.update(conn.execute(f"SELECT parent_id, count(*) FROM obiettivi WHERE parent_id IN "
                                    f"({marks}) GROUP BY parent_id", chunk).fetchall())
        return out

    def in_ritardo(self, ids: list[int] | None, oggi: date) -> set[int]:
        """Objectives (among ``ids``, or all) with a late phase: the rule of
        :func:`piaodesk.domain.valutazione.fase_in_ritardo` (deadline passed, not ended,
        realisation under 100 %) written as one query."""
        sql = ("SELECT DISTINCT obiettivo_id FROM fasi WHERE coalesce(scadenza, fine_prevista) < ? "
               "AND fine_effettiva IS NULL "
               "AND coalesce(CAST(perc_realizzazione AS REAL), 0) < 100")
        conn = self.archive.db.conn
        if ids is None:
            return {r[0] for r in conn.execute(sql, (oggi.isoformat(),))}
        out: set[int] = set()
        for chunk in _chunks(ids):
            marks = ",".join("?" * len(chunk))
            out.update(r[0] for r in conn.execute(sql + f" AND obiettivo_id IN ({marks})",
                                                  (oggi.isoformat(), *chunk)))
        return out

    def condivise(self) -> dict[int, set[int]]:
        """Further settori of the shared objectives: {obiettivo: {unita}}."""
        out: dict[int, set[int]] = {}
        for oid, uid in self.archive.db.conn.execute(
                "SELECT obiettivo_id, unita_id FROM obiettivi_unita"):
            out.setdefault(oid, set()).add(uid)
        return out

    def settori(self) -> dict[int, str]:
        """Names of the organisational units, by id."""
        return {u.id: u.nome for u in self.archive.unita() if u.id is not None}

    def proprietari(self, table: str, ids: Iterable[int]) -> set[int]:
        """The objectives owning rows ``ids`` of ``table`` (still present)."""
        ids = list(ids)
        if not ids:
            return set()
        conn = self.archive.db.conn
        out: set[int] = set()
        for chunk in _chunks(ids):
            marks = ",".join("?" * len(chunk))
            if table in _DIRECT:
                sql = f"SELECT obiettivo_id FROM [{table}] WHERE id IN ({marks})"
            elif table == "misure":
                sql = (f"SELECT i.obiettivo_id FROM misure m JOIN indicatori i ON i.id = "
                       f"m.indicatore_id WHERE m.id IN ({marks})")
            else:
                return out
            out.update(r[0] for r in conn.execute(sql, chunk) if r[0] is not None)
        return out

    def antenati(self, oid: int) -> list[int]:
        """``oid`` and its ancestors, from the node up."""
        rows = self.archive.db.conn.execute(
            "WITH RECURSIVE a(id, p) AS (SELECT id, parent_id FROM obiettivi WHERE id = ? "
            "UNION ALL SELECT o.id, o.parent_id FROM obiettivi o JOIN a ON o.id = a.p) "
            "SELECT id FROM a", (oid,)).fetchall()
        return [r[0] for r in rows]

    # -- % avanzamento (the store's bulk cache; the worker lives in ui/models/perc_service)

    def percentuali_pronte(self, anno: int) -> bool:
        return bool(self.archive.percentuali_pronte(anno))

    def percentuali(self, anno: int) -> dict[int, Decimal | None]:
        return self.archive.percentuali(anno)


def programmi_usati(archive: Archive) -> list[str]:
    """The catalogue programmes («12.03») the plan's objectives use, sorted (for the tree's filter)."""
    return sorted({o.programma_cod for o in archive.select(Obiettivo, "programma_cod IS NOT NULL",
                                                            columns=("id", "programma_cod"))
                   if o.programma_cod})


def obiettivi_del_programma(archive: Archive, codice: str) -> set[int]:
    """The objectives whose catalogue programme is ``codice`` («12.03») or lies in missione ``codice``
    («12»): the plan-wide tables filter by them (issue 18)."""
    return {o.id for o in archive.select(Obiettivo, "programma_cod = ? OR programma_cod LIKE ?",
                                         (codice, codice + ".%"), columns=("id", "programma_cod"))
            if o.id is not None}
