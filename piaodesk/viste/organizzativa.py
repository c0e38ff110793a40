"""Performance organizzativa as flat projections (no Qt, no SQL): the voci of the ente or of a
unit (Table 2) and the indicators of one voce with target and value of the year (Table 1).

The computed columns (the voce's %, each indicator's achievement) come from the results the
view computes with ``QuadroValutazioni.sintesi`` (injected as a callable), the numbers Table 2
prints; an edit of the organisational tables repaints every row (weights change the shares).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from decimal import Decimal
from typing import Any

from ..domain.enums import FonteVoce, LivelloOrganizzativo, Polarita, TipoIndicatore
from ..domain.model import (
    IndicatoreOrganizzativo,
    ValoreOrganizzativo,
    VoceOrganizzativa,
)
from ..domain.organizzativa import RisultatoVoce
from ..domain.valutazione import parse_valore
from ..store import letture_organizzativa as letture
from ..store.changes import Changes
from ..store.edits import Edit, InsertRow, SetFields
from .base import Key
from .griglie import Righe
from .tabella import Col, Refused, ro

TABELLE_ORG = ("voci_organizzative", "indicatori_organizzativi", "valori_organizzativi")
Risultati = Callable[[], dict[int, RisultatoVoce]]


class _Org(Righe):
    ORDER_BY = staticmethod(lambda r: (r.posizione if r.posizione is not None else -1, r.id or 0))

    def __init__(self, archive: Any, risultati: Risultati) -> None:
        super().__init__(archive)
        self.risultati = risultati

    def watched(self) -> set[str]:
        return set(TABELLE_ORG)


class VociProjection(_Org):
    """The lines of Table 2 of the ente (``unita_id`` None) or of one unit."""

    ROW_CLASS = VoceOrganizzativa
    ROW_LABEL = "voce"
    COLUMNS = (
        Col("codice", "Codice", width=70),
        Col("nome", "Voce", width=560),
        Col("fonte", "Fonte del risultato", "enum", enum=FonteVoce, width=190),
        Col("peso", "Peso %", "decimal", width=70, minimum=Decimal(0), maximum=Decimal(100),
            tooltip="Peso della voce nella sintesi (vuoto in tutte: pari peso)"),
        ro("perc", "Risultato %", "computed", width=90),
        ro("mancanti", "Manca", width=300),
    )

    def __init__(self, archive: Any, risultati: Risultati) -> None:
        super().__init__(archive, risultati)
        self.unita_id: int | None = None

    def fetch(self) -> list[Any]:
        return letture.voci(self.reader, self.unita_id)

    def owns(self, row: Any) -> bool:
        livello = LivelloOrganizzativo.ENTE if self.unita_id is None else LivelloOrganizzativo.UNITA
        return str(row.livello) == str(livello) and (self.unita_id is None or row.unita_id == self.unita_id)

    def value(self, row: Any, key: str) -> Any:
        if key in ("perc", "mancanti"):
            r = self.risultati().get(row.id or 0)
            if r is None:
                return None
            return r.perc if key == "perc" else ("; ".join(r.mancanti) or None)
        return getattr(row, key, None)

    def tooltip(self, row: Any, key: str) -> str | None:
        if key in ("nome", "mancanti"):
            return self.value(row, key) or None
        return None

    def new_row(self, position: int) -> VoceOrganizzativa:
        n = len(self._cache)
        livello = LivelloOrganizzativo.ENTE if self.unita_id is None else LivelloOrganizzativo.UNITA
        return VoceOrganizzativa(livello=livello, unita_id=self.unita_id, posizione=n, codice=str(n + 1),
                                 nome="Nuova voce")


class IndicatoriOrgProjection(_Org):
    """The indicators of one voce, with target and value of the chosen year."""

    ROW_CLASS = IndicatoreOrganizzativo
    ROW_LABEL = "indicatore"

    def __init__(self, archive: Any, risultati: Risultati, anno: Callable[[], int]) -> None:
        super().__init__(archive, risultati)
        self.anno = anno
        self.voce_id: int | None = None
        self._valori: dict[int, ValoreOrganizzativo] = {}

    def columns(self) -> Sequence[Col]:
        return (
            Col("codice", "Cod.", width=50),
            Col("nome", "Indicatore", width=330),
            Col("formula", "Formula / fattori", width=290),
            Col("tipo", "Tipo", "enum", enum=TipoIndicatore, width=90),
            Col("polarita", "Polarità", "enum", enum=Polarita, width=185),
            Col("unita_misura", "U. m.", width=42),
            Col("peso", "Peso", "decimal", width=55, minimum=Decimal(0), maximum=Decimal(100)),
            Col("target", "Target", width=85, tooltip="Valore atteso nell'anno (es. 45, «Inferiore al 45%»)"),
            Col("valore", "Valore", width=80, tooltip="Valore conseguito nell'anno"),
            ro("perc", "Raggiung. %", "computed", width=90),
        )

    def fetch(self) -> list[Any]:
        self._valori = letture.valori_anno(self.reader, self.anno())
        return letture.indicatori_voce(self.reader, self.voce_id) if self.voce_id is not None else []

    def owns(self, row: Any) -> bool:
        return self.voce_id is not None and row.voce_id == self.voce_id

    def touched(self, ch: Changes) -> Iterable[Key] | None:
        if ch.touches("valori_organizzativi"):
            self._valori = letture.valori_anno(self.reader, self.anno())
        return super().touched(ch)

    def value(self, row: Any, key: str) -> Any:
        if key in ("target", "valore"):
            v = self._valori.get(row.id or 0)
            return getattr(v, f"{key}_testo") if v is not None else None
        if key == "perc":
            r = self.risultati().get(self.voce_id or 0)
            found = next((x for x in (r.indicatori if r else ()) if x.indicatore.id == row.id), None)
            return found.perc if found is not None else None
        return getattr(row, key, None)

    def tooltip(self, row: Any, key: str) -> str | None:
        if key in ("target", "valore"):
            text = self.value(row, key)
            if text and parse_valore(text, row.tipo) is None:
                return f"«{text}» non è un numero: l'indicatore non è misurabile finché non lo è."
        if key in ("nome", "formula"):
            return self.value(row, key) or None
        return None

    def check(self, row: Any, key: str, value: Any) -> None:
        if key == "nome" and not value:
            raise Refused("Il nome dell'indicatore non può essere vuoto.")

    def edit(self, row: Any, key: str, value: Any) -> Edit | None:
        if key not in ("target", "valore"):
            return super().edit(row, key, value)
        label = "Target" if key == "target" else "Valore"
        text = value if value else None
        num = parse_valore(text, row.tipo) if text else None
        old = self._valori.get(row.id or 0)
        if old is not None:
            if getattr(old, f"{key}_testo") == text:
                return None
            return SetFields(ValoreOrganizzativo, old.id or 0, {f"{key}_testo": text, key: num},
                             label=f"{label} di «{row.nome}»")
        if text is None:
            return None
        new = ValoreOrganizzativo(indicatore_id=row.id or 0, anno=self.anno())
        setattr(new, f"{key}_testo", text)
        setattr(new, key, num)
        return InsertRow(new, label=f"{label} di «{row.nome}»")

    def new_row(self, position: int) -> IndicatoreOrganizzativo | None:
        if self.voce_id is None:
            return None
        return IndicatoreOrganizzativo(voce_id=self.voce_id, posizione=len(self._cache),
                                       nome="Nuovo indicatore")
