"""Organizzazione: the tree of units (area → settore → servizio/ufficio), as a projection
(no Qt, no SQL). The Qt tree model over it is ``ui/models/views_organizzazione.py``.

Units are keyed by id; ``children[None]`` are the top units, in position order. Field edits
report the changed unit; insertions, deletions and moves (tens of rows) are a reset.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..domain.enums import TipoUnita
from ..domain.model import Unita
from ..store.changes import Changes
from ..store.edits import DeleteRow, Edit, InsertRow, SetFields
from ..store.letture import conteggi_unita
from .base import Delta
from .tabella import Col, Refused

#: the natural child type of each unit type
FIGLIO = {TipoUnita.AREA: TipoUnita.SETTORE, TipoUnita.SETTORE: TipoUnita.SERVIZIO,
          TipoUnita.SERVIZIO: TipoUnita.UFFICIO, TipoUnita.UFFICIO: TipoUnita.UFFICIO}


class OrganizzazioneProjection:
    def __init__(self, archive: Any) -> None:
        self.reader = archive
        self.unita: dict[int, Unita] = {}
        self.children: dict[int | None, list[int]] = {None: []}
        self._persone: list[tuple[str, Any]] = []
        self._columns = (
            Col("nome", "Nome", width=420),
            Col("tipo", "Tipo", "enum", enum=TipoUnita, width=90),
            Col("codice", "Codice (CdR)", width=140),
            Col("responsabile_id", "Responsabile", "choice", width=220, choices=self.persone_choices),
        )

    def columns(self) -> Sequence[Col]:
        return self._columns

    def persone_choices(self) -> list[tuple[str, Any]]:
        if not self._persone:
            self._persone = [("(nessuno)", None)] + [
                (p.nominativo, p.id) for p in self.reader.persone()]
        return self._persone

    def load_all(self) -> None:
        self._persone = []
        rows = self.reader.unita()
        self.unita = {u.id: u for u in rows if u.id is not None}
        self.children = {None: []}
        for u in sorted(rows, key=lambda x: (x.posizione, x.id or 0)):
            parent = u.parent_id if u.parent_id in self.unita else None
            self.children.setdefault(parent, []).append(u.id or 0)

    def parent_of(self, uid: int) -> int | None:
        u = self.unita.get(uid)
        return u.parent_id if u is not None and u.parent_id in self.unita else None

    def subtree(self, uid: int) -> list[int]:
        out, stack = [], [uid]
        while stack:
            n = stack.pop()
            out.append(n)
            stack.extend(self.children.get(n, ()))
        return out

    def conteggi(self, uid: int) -> tuple[int, int]:
        """People and objectives in the unit or below it (what a deletion leaves without unit)."""
        return conteggi_unita(self.reader, self.subtree(uid))

    # ------------------------------------------------------------ values and edits

    def value(self, u: Unita, key: str) -> Any:
        v = getattr(u, key)
        if key == "tipo" and isinstance(v, str) and not isinstance(v, TipoUnita):
            return TipoUnita.from_text(v) or v
        return v

    def edit(self, u: Unita | None, col: Col, value: Any) -> Edit | None:
        if col.key == "nome" and not value:
            raise Refused("Il nome dell'unità non può essere vuoto.")
        if u is None or self.value(u, col.key) == value:
            return None
        if col.key == "tipo":
            value = str(value)
        return SetFields(Unita, u.id, {col.key: value},  # type: ignore[arg-type]
                         label=f"Modifica {col.label.lower()} dell'unità")

    def add_edit(self, parent_id: int | None, after_id: int | None = None,
                 nome: str = "Nuova unità") -> tuple[int, Edit]:
        """The id and the insert of a unit under ``parent_id`` (after ``after_id``, else last)."""
        parent = self.unita.get(parent_id) if parent_id else None
        tipo = FIGLIO.get(parent.tipo, TipoUnita.SERVIZIO) if parent else TipoUnita.SETTORE
        siblings = [self.unita[x] for x in self.children.get(parent_id, ())]
        # positions in real plans have gaps and ties: place by the stored values
        pos = max((x.posizione or 0 for x in siblings), default=-1) + 1
        after = self.unita.get(after_id) if after_id is not None else None
        if after is not None and after.parent_id == parent_id:
            pos = (after.posizione or 0) + 1
        uid = self.reader.allocate_id(Unita)
        return uid, InsertRow(Unita(id=uid, parent_id=parent_id, tipo=tipo, nome=nome,
                                    posizione=pos), label=f"Aggiungi unità «{nome}»")

    def delete_edit(self, uid: int) -> Edit | None:
        u = self.unita.get(uid)
        return None if u is None else DeleteRow(Unita, uid, label=f"Elimina unità «{u.nome}»")

    # ------------------------------------------------------------ changes

    def apply(self, ch: Changes) -> Delta:
        """Reset (the caller loads again with :meth:`load_all`) when units come, go or move;
        else the units whose fields changed."""
        if ch.touches("persone"):
            self._persone = []
        d = Delta()
        if ch.reset or ch.inserted.get("unita") or ch.deleted.get("unita") or any(
                {"parent_id", "posizione"} & f for f in ch.updated.get("unita", {}).values()):
            return Delta.everything()
        for uid in ch.updated.get("unita", {}):
            u = self.reader.get(Unita, uid)
            if u is None:
                continue
            self.unita[uid] = u
            d.change(uid)
        if ch.updated.get("persone") or ch.deleted.get("persone"):
            for uid, u in self.unita.items():
                if u.responsabile_id is not None:
                    d.change(uid, ["responsabile_id"])
        return d
