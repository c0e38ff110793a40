"""Budget rules: progress of spending/revenue and share of a centre's resources.

Evidence (seed 004, Comune di Reggio Emilia, 2° monitoraggio PEG 2024; see
``shared/reference/seed-003-004.md`` §3.7–3.8):

* ``Stato Avanz. %`` = Accertato / Assestato for revenue (*entrate*) and
  Impegnato / Assestato for expenditure (*spese*), × 100, rounded to **one**
  decimal half-up. Values above 100 % are legal (307,5 %, l.2010) and a ratio
  of 99,9996 % prints as 100,0 % (l.1217) although it is not complete.
* ``% di assorbimento risorse finanziarie`` of a product (and of a *Totale
  Azione*, and of the *Totale CDR* itself) = budget / Totale CDR × 100, rounded
  to **two** decimals from the raw amounts — never by summing rounded
  percentages (l.60: 21,89 % while the rounded children sum to 21,90 %).
* The product's budget is the *Assestato* of its expenditure (= the Spese total
  of its *Budget previsto* table, l.50/113/226).
* In CDR 87 the objective-level totals use the share of **Impegnato** instead
  (l.1940/1967/1971): :func:`quota` with ``base="impegnato"`` gives it.

A division by zero is *blank* (``None``), never 0 (seed 004 l.3605-3623).
Amounts are exact ``Decimal``; nothing here imports Qt or SQL.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from .enums import TipoRisorsa
from .formats import round_half_up
from .model import Risorsa

CENTO = Decimal(100)
ZERO = Decimal(0)

__all__ = [
    "RiepilogoBilancio",
    "RigaBilancio",
    "VoceBilancio",
    "assorbimento",
    "quota",
    "riepilogo_bilancio",
    "stato_avanzamento",
    "stato_avanzamento_risorsa",
]


def quota(parte: Decimal | None, totale: Decimal | None, places: int = 2) -> Decimal | None:
    """``parte / totale × 100`` rounded half-up to ``places``; ``None`` when not computable."""
    if parte is None or totale is None or totale == 0:
        return None
    return round_half_up(parte / totale * CENTO, places)


def stato_avanzamento(tipo: TipoRisorsa | str, assestato: Decimal | None,
                      impegnato: Decimal | None = None,
                      accertato: Decimal | None = None) -> Decimal | None:
    """``Stato Avanz. %`` of a financial block (1 decimal, half-up; >100 % allowed)."""
    realizzato = accertato if TipoRisorsa(tipo) == TipoRisorsa.ENTRATA else impegnato
    if realizzato is None:
        realizzato = ZERO if assestato else None
    return quota(realizzato, assestato, 1)


def _base(r: Risorsa) -> Decimal | None:
    """The amount the progress is measured against: Assestato, else the initial Stanziato."""
    return r.assestato if r.assestato is not None else r.stanziato


def stato_avanzamento_risorsa(r: Risorsa) -> Decimal | None:
    return stato_avanzamento(r.tipo, _base(r), r.impegnato, r.accertato)


def assorbimento(budget: Decimal | None, totale_cdr: Decimal | None) -> Decimal | None:
    """``% di assorbimento risorse finanziarie`` = budget / Totale CDR × 100 (2 decimals)."""
    return quota(budget, totale_cdr, 2)


def _somma(values: Iterable[Decimal | None]) -> Decimal | None:
    known = [v for v in values if v is not None]
    return sum(known, ZERO) if known else None


@dataclass(frozen=True, slots=True)
class VoceBilancio:
    """Input of the summary: one objective/product and its financial rows."""

    chiave: int | str
    codice: str
    titolo: str
    risorse: tuple[Risorsa, ...] = ()


@dataclass(frozen=True, slots=True)
class RigaBilancio:
    """One product/objective of the summary, with raw sums and derived percentages."""

    chiave: int | str
    codice: str
    titolo: str
    budget: Decimal | None  # assestato of the expenditure (seed 004 'Budget')
    impegnato: Decimal | None
    pagato: Decimal | None
    entrate: Decimal | None  # assestato of the revenue
    accertato: Decimal | None
    incassato: Decimal | None
    stato_spesa: Decimal | None  # Impegnato / Assestato, 1 decimal
    stato_entrata: Decimal | None  # Accertato / Assestato, 1 decimal
    assorbimento: Decimal | None  # budget / Totale CDR, 2 decimals
    quota_impegnato: Decimal | None  # impegnato / Σ impegnato, 2 decimals

    @property
    def oltre_cento(self) -> bool:
        """Committed (or assessed) more than the appropriation: highlighted, not an error."""
        return any(x is not None and x > CENTO for x in (self.stato_spesa, self.stato_entrata))


@dataclass(frozen=True, slots=True)
class RiepilogoBilancio:
    righe: tuple[RigaBilancio, ...] = field(default_factory=tuple)
    totale_budget: Decimal | None = None  # 'Totale CDR'
    totale_impegnato: Decimal | None = None
    totale_pagato: Decimal | None = None
    totale_entrate: Decimal | None = None
    totale_accertato: Decimal | None = None
    totale_incassato: Decimal | None = None

    @property
    def stato_spesa(self) -> Decimal | None:
        return quota(self.totale_impegnato, self.totale_budget, 1)

    @property
    def stato_entrata(self) -> Decimal | None:
        return quota(self.totale_accertato, self.totale_entrate, 1)

    @property
    def assorbimento_totale(self) -> Decimal | None:
        """100,00 % whenever there is a budget (seed 004 l.87, l.1989)."""
        return assorbimento(self.totale_budget, self.totale_budget)

    def assorbimento_di(self, chiavi: Sequence[int | str]) -> Decimal | None:
        """Share of a group (e.g. a 'Totale Azione') from its raw budgets, not rounded shares."""
        wanted = set(chiavi)
        parte = _somma(r.budget for r in self.righe if r.chiave in wanted)
        return assorbimento(parte, self.totale_budget)

    def quota_impegnato_di(self, chiavi: Sequence[int | str]) -> Decimal | None:
        """Share of committed spending of a group (CDR 87's 'Totale Obiettivo' rule)."""
        wanted = set(chiavi)
        parte = _somma(r.impegnato for r in self.righe if r.chiave in wanted)
        return quota(parte, self.totale_impegnato, 2)


def riepilogo_bilancio(voci: Iterable[VoceBilancio]) -> RiepilogoBilancio:
    """Summary of a centre (settore/CDR): one row per objective/product with resources."""
    raw = []
    for v in voci:
        spese = [r for r in v.risorse if TipoRisorsa(r.tipo) == TipoRisorsa.SPESA]
        entrate = [r for r in v.risorse if TipoRisorsa(r.tipo) == TipoRisorsa.ENTRATA]
        raw.append((v, _somma(_base(r) for r in spese), _somma(r.impegnato for r in spese),
                    _somma(r.pagato for r in spese), _somma(_base(r) for r in entrate),
                    _somma(r.accertato for r in entrate), _somma(r.incassato for r in entrate)))
    tot_budget = _somma(x[1] for x in raw)
    tot_imp = _somma(x[2] for x in raw)
    righe = []
    for v, budget, imp, pag, ent, acc, inc in raw:
        righe.append(RigaBilancio(
            v.chiave, v.codice, v.titolo, budget, imp, pag, ent, acc, inc,
            stato_avanzamento(TipoRisorsa.SPESA, budget, imp) if budget is not None else None,
            stato_avanzamento(TipoRisorsa.ENTRATA, ent, accertato=acc) if ent is not None else None,
            assorbimento(budget, tot_budget), quota(imp, tot_imp, 2)))
    return RiepilogoBilancio(tuple(righe), tot_budget, tot_imp, _somma(x[3] for x in raw),
                             _somma(x[4] for x in raw), _somma(x[5] for x in raw),
                             _somma(x[6] for x in raw))
