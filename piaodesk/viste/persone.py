"""Persone: the staff register and the aliases of one person, as flat projections (no Qt,
no SQL). Rows are the domain records themselves, keyed by id, in the archive's order."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from decimal import Decimal
from typing import Any

from ..domain.enums import Area2023, TipoUnita
from ..domain.model import AliasPersona, Persona
from ..store.changes import Changes
from ..store.edits import Edit, SetFields
from ..store.letture import alias_righe
from .base import Key
from .tabella import Col, Projection, Refused

_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def _nocase(text: str | None) -> str:
    """SQLite's NOCASE (ASCII letters only), so that new rows land where a reload puts them."""
    return (text or "").translate(_LOWER)


class PersoneProjection(Projection[Persona]):
    ROW_CLASS = Persona
    ROW_LABEL = "persona"

    def __init__(self, archive: Any) -> None:
        super().__init__(archive)
        self._cache: dict[int, Persona] = {}
        self._unita_choices: list[tuple[str, Any]] = []
        self._columns = (
            Col("cognome", "Cognome", width=150),
            Col("nome", "Nome", width=130),
            Col("titolo", "Titolo", width=70),
            Col("categoria", "Categoria", width=130),
            Col("area", "Area (2023)", "enum", enum=Area2023, width=130),
            Col("ore_settimanali", "Ore sett.", "decimal", width=70, minimum=Decimal(0),
                maximum=Decimal(60)),
            Col("eq", "EQ", "bool", width=45, tooltip="Elevata qualificazione / posizione organizzativa"),
            Col("unita_id", "Settore / unità", "choice", width=230, choices=self.unita_choices),
            Col("valido_dal", "Valido dal", "date", width=90),
            Col("valido_al", "Valido al", "date", width=90),
            Col("email", "Email", width=180),
        )

    def columns(self) -> Sequence[Col]:
        return self._columns

    def unita_choices(self) -> list[tuple[str, Any]]:
        if not self._unita_choices:
            self._unita_choices = [("(nessuna)", None)] + [
                (("    " if u.tipo in (TipoUnita.SERVIZIO, TipoUnita.UFFICIO) else "") + u.nome, u.id)
                for u in self.reader.unita()]
        return self._unita_choices

    # ------------------------------------------------------------ rows

    def read(self) -> Iterator[int]:
        self._cache = {p.id: p for p in self.reader.persone() if p.id is not None}
        yield 100

    def all_keys(self) -> Iterable[Key]:
        return list(self._cache)

    def make(self, key: Key) -> Persona | None:
        return self._cache.get(key) if isinstance(key, int) else None  # the keys are the ids

    def key_of(self, row: Persona) -> Key:
        return row.id

    def order_key(self, row: Persona) -> Any:
        return (_nocase(row.cognome), _nocase(row.nome), row.id or 0)

    def touched(self, ch: Changes) -> Iterable[Key] | None:
        keys: set[Key] = set()
        if ch.touches("unita"):
            self._unita_choices = []
            self.restyled.update(self._rows)
            keys.update(self._rows)
        for pid in ch.deleted.get("persone", ()):
            self._cache.pop(pid, None)
            keys.add(pid)
        for pid in set(ch.inserted.get("persone", ())) | set(ch.updated.get("persone", {})):
            p = self.reader.get(Persona, pid)
            if p is not None:
                self._cache[pid] = p
            keys.add(pid)
        return keys

    # ------------------------------------------------------------ values and edits

    def value(self, row: Persona, key: str) -> Any:
        v = getattr(row, key, None)
        if key == "area" and isinstance(v, str):
            return Area2023.from_text(v) or v
        return v

    def edit(self, row: Persona, key: str, value: Any) -> Edit | None:
        if key == "cognome" and not value:
            raise Refused("Il cognome non può essere vuoto.")
        dal = value if key == "valido_dal" else row.valido_dal
        al = value if key == "valido_al" else row.valido_al
        if dal and al and al < dal:
            raise Refused("La data «valido al» è precedente a «valido dal».")
        if key == "area" and value is not None:
            value = str(value)
        if getattr(row, key, None) == value:
            return None
        label = next(c.label for c in self._columns if c.key == key)
        return SetFields(Persona, row.id, {key: value},  # type: ignore[arg-type]
                         label=f"Modifica {label.lower()} di {row.nominativo}")

    def new_row(self, position: int) -> Persona:
        return Persona(cognome="NUOVA", nome="PERSONA")


class AliasProjection(Projection[AliasPersona]):
    """The spellings of one person's name seen in the sources (imports match names by them)."""

    ROW_CLASS = AliasPersona
    ROW_LABEL = "alias"
    COLUMNS = (Col("alias", "Alias (come scritto nei documenti)", width=260),)

    def __init__(self, archive: Any) -> None:
        super().__init__(archive)
        self.persona_id: int | None = None
        self._cache: dict[int, AliasPersona] = {}

    def read(self) -> Iterator[int]:
        rows = alias_righe(self.reader, self.persona_id) if self.persona_id is not None else []
        self._cache = {a.id: a for a in rows if a.id is not None}
        yield 100

    def all_keys(self) -> Iterable[Key]:
        return list(self._cache)

    def make(self, key: Key) -> AliasPersona | None:
        return self._cache.get(key) if isinstance(key, int) else None  # the keys are the ids

    def key_of(self, row: AliasPersona) -> Key:
        return row.id

    def order_key(self, row: AliasPersona) -> Any:
        return (row.alias, row.id or 0)

    def touched(self, ch: Changes) -> Iterable[Key] | None:
        keys: set[Key] = set()
        for aid in ch.deleted.get("alias_persone", ()):
            self._cache.pop(aid, None)
            keys.add(aid)
        for aid in set(ch.inserted.get("alias_persone", ())) | set(ch.updated.get("alias_persone", {})):
            a = self.reader.get(AliasPersona, aid)
            if a is not None and a.persona_id == self.persona_id:
                self._cache[aid] = a
            else:
                self._cache.pop(aid, None)
            keys.add(aid)
        return keys

    def edit(self, row: AliasPersona, key: str, value: Any) -> Edit | None:
        if not value:
            raise Refused("L'alias non può essere vuoto (per toglierlo usare «Elimina alias»).")
        return SetFields(AliasPersona, row.id, {key: value},  # type: ignore[arg-type]
                         label="Modifica alias")

    def new_alias(self, text: str) -> AliasPersona | None:
        text = text.strip()
        if self.persona_id is None or not text:
            return None
        return AliasPersona(persona_id=self.persona_id, alias=text)
