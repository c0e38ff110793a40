"""Staff register (Persone) and the aliases of one person, over UI-A's ``ArchiveTableModel``."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any

from ...domain.enums import Area2023, TipoUnita
from ...domain.model import AliasPersona, Persona
from ...store.edits import Edit, SetFields
from .base import ArchiveTableModel
from .columns import Column, InvalidInput


class PersoneModel(ArchiveTableModel):
    ROW_CLASS = Persona

    def __init__(self, ctx: Any, parent: Any = None) -> None:
        self._unita_choices: list[tuple[str, Any]] = []
        #: asked before deleting people (the view shows a dialog); True = go ahead
        self.confirm_delete: Callable[[list[Persona]], bool] = lambda people: True
        super().__init__(ctx, parent)
        self.reload()

    def columns(self) -> Sequence[Column]:
        return (
            Column("cognome", "Cognome", width=150),
            Column("nome", "Nome", width=130),
            Column("titolo", "Titolo", width=70),
            Column("categoria", "Categoria", width=130),
            Column("area", "Area (2023)", "enum", enum=Area2023, width=130),
            Column("ore_settimanali", "Ore sett.", "decimal", width=70, minimum=Decimal(0),
                   maximum=Decimal(60)),
            Column("eq", "EQ", "bool", width=45, tooltip="Elevata qualificazione / posizione organizzativa"),
            Column("unita_id", "Settore / unità", "choice", width=230, choices=self.unita_choices),
            Column("valido_dal", "Valido dal", "date", width=90),
            Column("valido_al", "Valido al", "date", width=90),
            Column("email", "Email", width=180),
        )

    def unita_choices(self) -> list[tuple[str, Any]]:
        if not self._unita_choices:
            self._unita_choices = [("(nessuna)", None)] + [
                (("    " if u.tipo in (TipoUnita.SERVIZIO, TipoUnita.UFFICIO) else "") + u.nome, u.id)
                for u in self.ctx.archive.unita()]
        return self._unita_choices

    def load_ids(self) -> list[int]:
        return [p.id for p in self.ctx.archive.persone() if p.id is not None]

    def relevant(self, ch: Any) -> bool:
        if ch.touches("unita"):
            self._unita_choices = []
            self.refresh_rows(None)
        return ch.touches("persone")

    def value(self, row: Persona, col: Column) -> Any:
        v = getattr(row, col.key, None)
        if col.key == "area" and isinstance(v, str):
            return Area2023.from_text(v) or v
        return v

    def validate(self, row: Persona, col: Column, value: Any) -> None:
        if col.key == "cognome" and not value:
            raise InvalidInput("Il cognome non può essere vuoto.")
        dal = value if col.key == "valido_dal" else row.valido_dal
        al = value if col.key == "valido_al" else row.valido_al
        if dal and al and al < dal:
            raise InvalidInput("La data «valido al» è precedente a «valido dal».")

    def edit_for(self, row: Persona, col: Column, value: Any) -> Edit | None:
        if col.key == "area" and value is not None:
            value = str(value)
        if getattr(row, col.key, None) == value:
            return None
        if col.key == "cognome" and value is None:
            value = ""
        return SetFields(Persona, row.id, {col.key: value},  # type: ignore[arg-type]
                         label=f"Modifica {col.label.lower()} di {row.nominativo}")

    def new_row(self, position: int) -> Persona:
        return Persona(cognome="NUOVA", nome="PERSONA")

    def row_label(self) -> str:
        return "persona"

    def remove_rows(self, rows: list[int]) -> bool:
        people = [self.row_object(r) for r in rows if 0 <= r < len(self._ids)]
        if not people or not self.confirm_delete(people):
            return False
        return super().remove_rows(rows)


class AliasModel(ArchiveTableModel):
    """The spellings of one person's name seen in the sources (used by imports to match names)."""

    ROW_CLASS = AliasPersona
    COLUMNS = (Column("alias", "Alias (come scritto nei documenti)", width=260),)

    def __init__(self, ctx: Any, parent: Any = None) -> None:
        self.persona_id: int | None = None
        super().__init__(ctx, parent)

    def set_persona(self, persona_id: int | None) -> None:
        self.persona_id = persona_id
        self.reload()

    def load_ids(self) -> list[int]:
        if self.persona_id is None:
            return []
        return [a.id for a in self.ctx.archive.select(AliasPersona, "persona_id = ?",
                                                      (self.persona_id,), order="alias, id")]

    def validate(self, row: AliasPersona, col: Column, value: Any) -> None:
        if not value:
            raise InvalidInput("L'alias non può essere vuoto (per toglierlo usare «Elimina alias»).")

    def new_alias(self, text: str) -> AliasPersona | None:
        text = text.strip()
        if self.persona_id is None or not text:
            return None
        return AliasPersona(persona_id=self.persona_id, alias=text)

    def row_label(self) -> str:
        return "alias"
