"""Persone and the aliases of one person on the flat grid adapter."""

from __future__ import annotations

from typing import Any

from ...viste.persone import AliasProjection, PersoneProjection
from ..context import Context
from .flat_rows import FlatGridModel


class PersoneModel(FlatGridModel):
    projection: PersoneProjection

    def __init__(self, ctx: Context, parent: Any = None) -> None:
        super().__init__(ctx, PersoneProjection(ctx.archive), parent)


class AliasModel(FlatGridModel):
    projection: AliasProjection

    def __init__(self, ctx: Context, parent: Any = None) -> None:
        super().__init__(ctx, AliasProjection(ctx.archive), parent)

    def set_persona(self, persona_id: int | None) -> None:
        self.projection.persona_id = persona_id
        self.reload()

    def new_alias(self, text: str) -> Any:
        return self.projection.new_alias(text)
