"""Organisational performance: the ente's and the units' components.

Seed 003 (l.9-40): Part A «Programmazione e gestione delle risorse» with Table 1
(seven budget ratios, «INDICATORE / FATTORI / RISULTATO») summarised in Table 2
(«Tabella di sintesi valutazione performance organizzativa»: lines 1, 2.1, 2.2,
2.3, 3, and a total); Part A 50 % and Part B (objectives) 50 %.
Seed 001 (L66-L104): «Performance organizzativa di ente» 50 % and «di area» 50 %,
each measured by its indicators with targets such as «Inferiore al 45%».

A *voce* (line of Table 2) gets its % from its own indicators (weighted mean of
their achievement, equal weights when none is given) or from the results of the
units' schede (003's line 1). The summary is the weighted mean of its voci; a
voce without a result makes the summary incomplete, with what is missing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from .enums import FonteVoce
from .model import IndicatoreOrganizzativo, ValoreOrganizzativo, VoceOrganizzativa
from .valutazione import CENTO, ZERO, media_pesata, raggiungimento


@dataclass(frozen=True, slots=True)
class RisultatoIndicatoreOrg:
    indicatore: IndicatoreOrganizzativo
    valore: ValoreOrganizzativo | None
    raggiungimento: Decimal | None  # fraction

    @property
    def perc(self) -> Decimal | None:
        return None if self.raggiungimento is None else self.raggiungimento * CENTO


@dataclass(frozen=True, slots=True)
class RisultatoVoce:
    voce: VoceOrganizzativa
    indicatori: tuple[RisultatoIndicatoreOrg, ...]
    perc: Decimal | None
    mancanti: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class SintesiOrganizzativa:
    voci: tuple[RisultatoVoce, ...]
    perc: Decimal | None
    mancanti: tuple[str, ...]
    pari_peso: bool = False


def risultato_voce(voce: VoceOrganizzativa, indicatori: Sequence[IndicatoreOrganizzativo],
                   valori: Mapping[int, ValoreOrganizzativo], *, perc_obiettivi: Decimal | None = None,
                   cap: bool = True, storici: Mapping[int, Mapping[int, Decimal]] | None = None
                   ) -> RisultatoVoce:
    """The % of one voce in a year (``valori`` by indicator id, for that year; ``storici``: the
    past years' values by indicator, for trend targets such as seed 001 L95)."""
    if voce.fonte == FonteVoce.OBIETTIVI:
        mancanti = () if perc_obiettivi is not None else (f"{voce.codice} {voce.nome}: risultati delle "
                                                          "schede obiettivi".strip(),)
        return RisultatoVoce(voce, (), perc_obiettivi, mancanti)
    ris = []
    for ind in indicatori:
        v = valori.get(ind.id or 0)
        r = None
        if v is not None:
            r = raggiungimento(ind, v.target, v.valore, target_testo=v.target_testo, cap=cap,  # type: ignore[arg-type]
                               storico=(storici or {}).get(ind.id or 0, {}))
        ris.append(RisultatoIndicatoreOrg(ind, v, r))
    etichetta = f"{voce.codice} {voce.nome}".strip()
    if not ris:
        return RisultatoVoce(voce, (), None, (f"{etichetta}: nessun indicatore",))
    mancano = tuple(f"{etichetta}: valore di «{r.indicatore.nome}»" for r in ris if r.raggiungimento is None)
    if mancano:
        return RisultatoVoce(voce, tuple(ris), None, mancano)
    frac = media_pesata([(r.indicatore.peso, r.raggiungimento) for r in ris])
    return RisultatoVoce(voce, tuple(ris), None if frac is None else frac * CENTO, ())


def sintesi(voci: Sequence[RisultatoVoce]) -> SintesiOrganizzativa:
    """Table 2's total: weighted mean of the voci (equal weights when none is given)."""
    if not voci:
        return SintesiOrganizzativa((), None, ("nessuna voce di performance organizzativa",))
    mancanti = tuple(m for v in voci for m in v.mancanti)
    pari = all(v.voce.peso is None for v in voci)
    if mancanti:
        return SintesiOrganizzativa(tuple(voci), None, mancanti, pari)
    coppie = [((CENTO if pari else v.voce.peso), v.perc) for v in voci]
    tot = sum((w or ZERO for w, _ in coppie), ZERO)
    if tot <= 0:
        return SintesiOrganizzativa(tuple(voci), None, ("pesi delle voci",), pari)
    perc = sum(((w or ZERO) * (p or ZERO) for w, p in coppie), ZERO) / tot
    return SintesiOrganizzativa(tuple(voci), perc, (), pari)


def perc_organizzativa(ente: Decimal | None, unita: Decimal | None, peso_ente: Decimal,
                       peso_unita: Decimal) -> Decimal | None:
    """Ente and unit combined by the SMVP's weights (001: 50/50); ``None`` if a weighted part lacks."""
    parts = [(peso_ente, ente), (peso_unita, unita)]
    parts = [(w, x) for w, x in parts if w]
    if not parts or any(x is None for _, x in parts):
        return None
    tot = sum((w for w, _ in parts), ZERO)
    return sum((w * x for w, x in parts if x is not None), ZERO) / tot  # (none lacks)
