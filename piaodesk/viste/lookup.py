"""Small lookups shared by the plan-wide views: settore of a unit, names of people."""

from __future__ import annotations

from ..domain.enums import TipoUnita
from ..domain.model import Persona, Unita
from ..store.archive import Archive


class Lookup:
    """Units and people of a plan, re-read in full when those (small) tables change."""

    def __init__(self, archive: Archive) -> None:
        self.archive = archive
        self.unita: dict[int, Unita] = {}
        self.persone: dict[int, Persona] = {}
        self._settore: dict[int, int | None] = {}
        self.reload()

    def reload(self) -> None:
        self.unita = {u.id: u for u in self.archive.unita() if u.id is not None}
        self.persone = {p.id: p for p in self.archive.persone() if p.id is not None}
        self._settore = {}

    def settore_id(self, unita_id: int | None) -> int | None:
        """The nearest settore (or the top unit) above ``unita_id``, itself included."""
        if unita_id is None or unita_id not in self.unita:
            return None
        if unita_id in self._settore:
            return self._settore[unita_id]
        seen: set[int] = set()
        uid: int | None = unita_id
        top = unita_id
        found: int | None = None
        while uid is not None and uid in self.unita and uid not in seen:
            seen.add(uid)
            u = self.unita[uid]
            if u.tipo == TipoUnita.SETTORE:
                found = uid
                break
            top = uid
            uid = u.parent_id
        result = found if found is not None else top
        self._settore[unita_id] = result
        return result

    def settore_nome(self, unita_id: int | None) -> str:
        sid = self.settore_id(unita_id)
        return self.unita[sid].nome if sid is not None else ""

    def settori(self) -> list[tuple[int, str]]:
        """(id, nome) of every unit that is some unit's settore, in organisation order."""
        ids = {self.settore_id(uid) for uid in self.unita}
        return [(u.id, u.nome) for u in self.unita.values() if u.id in ids]  # type: ignore[misc]

    def persona_nome(self, persona_id: int | None) -> str:
        p = self.persone.get(persona_id) if persona_id is not None else None
        return p.nominativo if p else ""
