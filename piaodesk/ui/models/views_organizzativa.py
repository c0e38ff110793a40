"""Performance organizzativa: the voci of the ente or of a unit, and the indicators of a voce.

Both grids are :class:`ArchiveTableModel`s over the plan's rows (every edit is an
undoable InsertRow/SetFields/DeleteRow). Target and value of an indicator live in
``valori_organizzativi`` for the chosen year: typing one writes that row (inserted
the first time). The computed columns (the voce's %, each indicator's achievement)
come from ``QuadroValutazioni.sintesi``, the numbers Table 2 prints.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any

from ...domain.enums import FonteVoce, LivelloOrganizzativo, Polarita, TipoIndicatore
from ...domain.model import IndicatoreOrganizzativo, ValoreOrganizzativo, VoceOrganizzativa
from ...domain.organizzativa import RisultatoVoce
from ...domain.valutazione import parse_valore
from ...store.changes import Changes
from ...store.edits import Edit, InsertRow, SetFields
from .base import ArchiveTableModel
from .columns import Column, InvalidInput

TABELLE_ORG = ("voci_organizzative", "indicatori_organizzativi", "valori_organizzativi")


class VociModel(ArchiveTableModel):
    """The lines of Table 2 of the ente (``unita_id`` None) or of one unit."""

    ROW_CLASS = VoceOrganizzativa

    def __init__(self, ctx: Any, risultati: Callable[[], dict[int, RisultatoVoce]], parent: Any = None) -> None:
        self.unita_id: int | None = None
        self._risultati = risultati
        super().__init__(ctx, parent)
        self.reload()

    def columns(self) -> Sequence[Column]:
        return (
            Column("codice", "Codice", width=70),
            Column("nome", "Voce", width=560),
            Column("fonte", "Fonte del risultato", "enum", enum=FonteVoce, width=190),
            Column("peso", "Peso %", "decimal", width=70, minimum=Decimal(0), maximum=Decimal(100),
                   tooltip="Peso della voce nella sintesi (vuoto in tutte: pari peso)"),
            Column("perc", "Risultato %", "computed", editable=False, width=90),
            Column("mancanti", "Manca", editable=False, width=300),
        )

    def set_unita(self, unita_id: int | None) -> None:
        self.unita_id = unita_id
        self.reload()

    def load_ids(self) -> list[int]:
        if self.unita_id is None:
            rows = self.ctx.archive.select(VoceOrganizzativa, "livello = ?", (LivelloOrganizzativo.ENTE.value,),
                                           order="posizione, id", columns=("id",))
        else:
            rows = self.ctx.archive.select(VoceOrganizzativa, "livello = ? AND unita_id = ?",
                                           (LivelloOrganizzativo.UNITA.value, self.unita_id),
                                           order="posizione, id", columns=("id",))
        return [r.id for r in rows if r.id is not None]

    def relevant(self, ch: Changes) -> bool:
        return any(ch.touches(t) for t in TABELLE_ORG)

    def apply_changes(self, ch: Changes) -> None:
        super().apply_changes(ch)
        self.refresh_rows(None)  # the % of every voce may change (weights, values)

    def value(self, row: VoceOrganizzativa, col: Column) -> Any:
        if col.key in ("perc", "mancanti"):
            r = self._risultati().get(row.id or 0)
            if r is None:
                return None
            return r.perc if col.key == "perc" else ("; ".join(r.mancanti) or None)
        return super().value(row, col)

    def tooltip(self, row: VoceOrganizzativa, col: Column) -> str | None:
        if col.key in ("nome", "mancanti"):
            return self.value(row, col) or None
        return super().tooltip(row, col)

    def new_row(self, position: int) -> VoceOrganizzativa:
        n = len(self._ids)
        livello = LivelloOrganizzativo.ENTE if self.unita_id is None else LivelloOrganizzativo.UNITA
        return VoceOrganizzativa(livello=livello, unita_id=self.unita_id, posizione=n, codice=str(n + 1),
                                 nome="Nuova voce")

    def row_label(self) -> str:
        return "voce"


class IndicatoriOrgModel(ArchiveTableModel):
    """The indicators of one voce, with target and value of the chosen year."""

    ROW_CLASS = IndicatoreOrganizzativo

    def __init__(self, ctx: Any, risultati: Callable[[], dict[int, RisultatoVoce]], parent: Any = None) -> None:
        self.voce_id: int | None = None
        self._risultati = risultati
        self._valori: dict[int, ValoreOrganizzativo] = {}
        super().__init__(ctx, parent)

    @property
    def anno(self) -> int:
        return self.ctx.anno or self.ctx.archive.piano().anno_inizio

    def columns(self) -> Sequence[Column]:
        return (
            Column("codice", "Cod.", width=50),
            Column("nome", "Indicatore", width=330),
            Column("formula", "Formula / fattori", width=290),
            Column("tipo", "Tipo", "enum", enum=TipoIndicatore, width=90),
            Column("polarita", "Polarità", "enum", enum=Polarita, width=185),
            Column("unita_misura", "U. m.", width=42),
            Column("peso", "Peso", "decimal", width=55, minimum=Decimal(0), maximum=Decimal(100)),
            Column("target", "Target", width=85, tooltip="Valore atteso nell'anno (es. 45, «Inferiore al 45%»)"),
            Column("valore", "Valore", width=80, tooltip="Valore conseguito nell'anno"),
            Column("perc", "Raggiung. %", "computed", editable=False, width=90),
        )

    def set_voce(self, voce_id: int | None) -> None:
        self.voce_id = voce_id
        self.reload()

    def reload(self) -> None:
        self._load_valori()
        super().reload()

    def _load_valori(self) -> None:
        self._valori = {v.indicatore_id: v for v in self.ctx.archive.select(
            ValoreOrganizzativo, "anno = ?", (self.anno,))}

    def load_ids(self) -> list[int]:
        if self.voce_id is None:
            return []
        return [r.id for r in self.ctx.archive.select(IndicatoreOrganizzativo, "voce_id = ?", (self.voce_id,),
                                                      order="posizione, id", columns=("id",))
                if r.id is not None]

    def relevant(self, ch: Changes) -> bool:
        if ch.touches("valori_organizzativi"):
            self._load_valori()
            self.refresh_rows(None)
        return ch.touches("indicatori_organizzativi")

    def apply_changes(self, ch: Changes) -> None:
        super().apply_changes(ch)
        self.refresh_rows(None)  # an indicator's weight or polarity changes the others' share

    def value(self, row: IndicatoreOrganizzativo, col: Column) -> Any:
        if col.key in ("target", "valore"):
            v = self._valori.get(row.id or 0)
            return getattr(v, f"{col.key}_testo") if v is not None else None
        if col.key == "perc":
            r = self._risultati().get(self.voce_id or 0)
            found = next((x for x in (r.indicatori if r else ()) if x.indicatore.id == row.id), None)
            return found.perc if found is not None else None
        return super().value(row, col)

    def tooltip(self, row: IndicatoreOrganizzativo, col: Column) -> str | None:
        if col.key in ("target", "valore"):
            text = self.value(row, col)
            if text and parse_valore(text, row.tipo) is None:
                return f"«{text}» non è un numero: l'indicatore non è misurabile finché non lo è."
        if col.key in ("nome", "formula"):
            return self.value(row, col) or None
        return super().tooltip(row, col)

    def edit_for(self, row: IndicatoreOrganizzativo, col: Column, value: Any) -> Edit | None:
        if col.key not in ("target", "valore"):
            return super().edit_for(row, col, value)
        text = value if value else None
        num = parse_valore(text, row.tipo) if text else None
        old = self._valori.get(row.id or 0)
        if old is not None:
            if getattr(old, f"{col.key}_testo") == text:
                return None
            return SetFields(ValoreOrganizzativo, old.id or 0, {f"{col.key}_testo": text, col.key: num},
                             label=f"{col.label} di «{row.nome}»")
        if text is None:
            return None
        new = ValoreOrganizzativo(indicatore_id=row.id or 0, anno=self.anno)
        setattr(new, f"{col.key}_testo", text)
        setattr(new, col.key, num)
        return InsertRow(new, label=f"{col.label} di «{row.nome}»")

    def validate(self, row: IndicatoreOrganizzativo, col: Column, value: Any) -> None:
        if col.key == "nome" and not value:
            raise InvalidInput("Il nome dell'indicatore non può essere vuoto.")

    def new_row(self, position: int) -> IndicatoreOrganizzativo | None:
        if self.voce_id is None:
            return None
        return IndicatoreOrganizzativo(voce_id=self.voce_id, posizione=len(self._ids),
                                       nome="Nuovo indicatore")

    def row_label(self) -> str:
        return "indicatore"
