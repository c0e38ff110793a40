"""«Risorse finanziarie» of one settore as a flat projection (no Qt, no SQL): a row per
objective/product with budget, impegnato, entrate, accertato and their percentages, then the
settore's total (domain/bilancio rules, seed 004)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal

from ..domain.bilancio import RiepilogoBilancio
from ..domain.formats import format_decimal, format_percent
from .base import Key
from .tabella import Col, Projection, ro

TOTALE = "totale"
_ONE_DECIMAL = frozenset({"stato_spesa", "stato_entrata"})
_TIPS = {"stato_spesa": "Impegnato / Assestato × 100 (1 decimale); oltre il 100 % è evidenziato",
         "stato_entrata": "Accertato / Assestato × 100 (1 decimale)",
         "assorbimento": "Budget / Totale del settore × 100 (2 decimali, dagli importi non arrotondati)"}


@dataclass(frozen=True)
class RigaRiepilogo:
    key: Key  # the summary row's key, or TOTALE
    codice: str
    titolo: str
    budget: Decimal | None
    impegnato: Decimal | None
    stato_spesa: Decimal | None
    entrate: Decimal | None
    accertato: Decimal | None
    stato_entrata: Decimal | None
    assorbimento: Decimal | None

    @property
    def totale(self) -> bool:
        return bool(self.key == TOTALE)


class BilancioProjection(Projection[RigaRiepilogo]):
    COLUMNS = (ro("codice", "Codice", width=120), ro("titolo", "Obiettivo / progetto"),
               ro("budget", "Budget (assestato)", "decimal", width=130),
               ro("impegnato", "Impegnato", "decimal", width=120),
               ro("stato_spesa", "Stato avanz. spesa", "percent", width=120),
               ro("entrate", "Entrate (assestato)", "decimal", width=130),
               ro("accertato", "Accertato", "decimal", width=110),
               ro("stato_entrata", "Stato avanz. entrate", "percent", width=130),
               ro("assorbimento", "% di assorbimento", "percent", width=120))

    def __init__(self) -> None:
        super().__init__(None)
        self.rie: RiepilogoBilancio | None = None
        self._righe: dict[Key, RigaRiepilogo] = {}

    def set_riepilogo(self, rie: RiepilogoBilancio | None) -> None:
        self.rie = rie

    def read(self) -> Iterator[int]:
        rie, self._righe = self.rie, {}
        if rie is not None:
            for r in rie.righe:
                self._righe[("r", r.chiave)] = RigaRiepilogo(
                    ("r", r.chiave), r.codice, r.titolo, r.budget, r.impegnato, r.stato_spesa,
                    r.entrate, r.accertato, r.stato_entrata, r.assorbimento)
            self._righe[TOTALE] = RigaRiepilogo(
                TOTALE, "", "Totale settore", rie.totale_budget, rie.totale_impegnato, rie.stato_spesa,
                rie.totale_entrate, rie.totale_accertato, rie.stato_entrata, rie.assorbimento_totale)
        yield 100

    def all_keys(self) -> Iterable[Key]:
        return list(self._righe)

    def make(self, key: Key) -> RigaRiepilogo | None:
        return self._righe.get(key)

    def key_of(self, row: RigaRiepilogo) -> Key:
        return row.key

    def text(self, row: RigaRiepilogo, col: Col) -> str | None:
        v = getattr(row, col.key)
        if col.key in _ONE_DECIMAL:
            return format_percent(v, 1)
        if col.key == "assorbimento":
            return format_percent(v)
        if col.kind == "decimal":
            return format_decimal(v)
        return None

    def cell_status(self, row: RigaRiepilogo, key: str) -> str | None:
        v = getattr(row, key) if key in _ONE_DECIMAL and not row.totale else None
        return "soon" if v is not None and v > 100 else None

    def tooltip(self, row: RigaRiepilogo, key: str) -> str | None:
        return _TIPS.get(key)
